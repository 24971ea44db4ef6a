package dev.watchpost.web;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ServerConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One connection's bytes on their way from the socket to the HTTP server, one message at a time.
 *
 * <p>Each request head is read and judged by {@link RequestHead}; the server is then handed that head
 * and exactly the body it declared, never bytes of the next request before it asks for them. A head
 * or body that breaks the rules is answered here (JSON, the house error shape) and the connection
 * closed. An answer that goes out while a body announced with {@code Expect: 100-continue} is still
 * unread closes the connection after it: the client may or may not send that body, so whatever
 * follows could be either. Deadlines: a head must arrive within the header timeout (counted from the
 * connection's start for its first request, from a head's first byte after that); a body read that
 * gets nothing for the body timeout ends the connection. Both answer 408 when no answer has begun.
 *
 * <p>The reading side is used only by the connection's thread; the deadline and the flags the
 * writing side sets are shared with the {@link Deadlines} thread.
 */
final class Guard implements Supplier<byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);

    /**
     * The largest head accepted (request line and fields). Below the server's own limit for the fields
     * (16 KiB): Helidon 4.3.1's header parser fails with an index out of bounds (a 500) on a field
     * that runs into that limit, so such heads are answered 431 here and never reach it.
     */
    static final int MAX_HEAD = 16 * 1024;
    /** After answering early, what is still read and dropped so the client sees the answer, not a reset. */
    private static final int LINGER_BYTES = 1 << 20;

    private enum Phase { HEAD, LENGTH, CHUNKED, RAW, END }

    enum Wait { NONE, HEADER, BODY, LINGER }

    private final ConnectionContext ctx;
    private final HelidonSocket socket;
    private final Framing.Limits limits;
    private final DataWriter writer;
    private final long headerNanos;
    private final long bodyNanos;
    private final long lingerNanos;
    /** The Host an HTTP/1.0 request without one is served as: the address it arrived at. */
    private final Supplier<String> localHost;

    private byte[] pending;
    private int pendingPos;
    private int pendingEnd;
    private byte[] headBuf;
    private int headLength;

    private volatile Phase phase = Phase.HEAD;
    private long remaining;
    private ChunkedBody chunked;
    private boolean lastOnConnection;
    private volatile boolean http10;
    private volatile boolean expectContinue;

    /** A request was handed on and its final answer has not started yet. */
    private volatile boolean responsePending;
    /** The connection ends once the current answer is out (a body was left unread). */
    private volatile boolean closeAfterResponse;
    /** This guard answered itself: anything the server still writes is dropped. */
    private volatile boolean answered;

    /** System.nanoTime() by which the current wait must end; 0 when none is running, -1 once expired. */
    private final AtomicLong deadline = new AtomicLong();
    private volatile Wait waiting = Wait.NONE;

    Guard(ConnectionContext ctx, Framing.Limits limits) {
        this.ctx = ctx;
        this.socket = ctx.serverSocket();
        this.limits = limits;
        this.writer = new Writer(ctx.dataWriter());
        this.headerNanos = limits.headerTimeout().toNanos();
        this.bodyNanos = limits.bodyTimeout().toNanos();
        this.lingerNanos = limits.linger().toNanos();
        this.localHost = () -> {
            String host = ctx.localPeer().host();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + ctx.localPeer().port();
        };
        arm(Wait.HEADER, headerNanos); // the first head counts from the connection's start
    }

    DataWriter writer() {
        return writer;
    }

    @Override
    public byte[] get() {
        if (closeAfterResponse) {
            linger();
            throw new CloseConnectionException("connection ends after an answer given before the body was read");
        }
        if (phase == Phase.END) {
            throw new CloseConnectionException("connection ends after this request");
        }
        return switch (phase) {
            case HEAD -> head();
            case LENGTH -> length();
            case CHUNKED -> chunk();
            case RAW -> available() > 0 ? take(available()) : read(Wait.NONE);
            case END -> throw new IllegalStateException();
        };
    }

    private int available() {
        return pendingEnd - pendingPos;
    }

    private byte[] head() {
        while (true) {
            if (headLength == 0) {
                if (available() > 0 && waiting != Wait.HEADER) {
                    arm(Wait.HEADER, headerNanos); // a head's time counts from its first byte
                }
                // empty lines before a request line are ignored (RFC 9112 section 2.2)
                while (available() > 0 && (pending[pendingPos] == '\r' || pending[pendingPos] == '\n')) {
                    pendingPos++;
                }
                if (available() == 0) {
                    // waiting for a next request is idleness (the server's idle timeout), unless a head has begun
                    if (!fill(waiting == Wait.HEADER ? Wait.HEADER : Wait.NONE)) {
                        throw new CloseConnectionException("client closed the connection");
                    }
                    continue;
                }
                int end = RequestHead.end(pending, pendingPos, pendingEnd);
                if (end > 0) {
                    int start = pendingPos;
                    pendingPos = end;
                    return accept(pending, start, end);
                }
            }
            // the head spans reads: gather it
            if (headBuf == null) {
                headBuf = new byte[2048];
            }
            int n = available();
            if (headLength + n > MAX_HEAD) {
                n = Math.min(n, MAX_HEAD + 1 - headLength);
            }
            if (headLength + n > headBuf.length) {
                headBuf = Arrays.copyOf(headBuf, Math.max(headBuf.length * 2, headLength + n));
            }
            int searchFrom = Math.max(0, headLength - 3);
            System.arraycopy(pending, pendingPos, headBuf, headLength, n);
            int end = RequestHead.end(headBuf, searchFrom, headLength + n);
            if (end > 0) {
                pendingPos += end - headLength;
                headLength = 0;
                return accept(headBuf, 0, end);
            }
            headLength += n;
            pendingPos += n;
            if (headLength > MAX_HEAD) {
                throw reject(431, "the request head is larger than " + MAX_HEAD + " bytes");
            }
            if (!fill(Wait.HEADER)) {
                throw new CloseConnectionException("client closed the connection within a request head");
            }
        }
    }

    private byte[] accept(byte[] b, int start, int end) {
        if (!disarm()) {
            throw new CloseConnectionException("request head timed out");
        }
        Object verdict = RequestHead.read(b, start, end, localHost);
        if (verdict instanceof RequestHead.Rejected r) {
            throw reject(r.status(), r.message());
        }
        RequestHead.Accepted a = (RequestHead.Accepted) verdict;
        lastOnConnection = a.lastOnConnection();
        http10 = a.http10();
        expectContinue = a.expectContinue();
        if (a.chunked()) {
            phase = Phase.CHUNKED;
            chunked = new ChunkedBody(limits.maxBody());
        } else if (a.contentLength() > 0) {
            phase = Phase.LENGTH;
            remaining = a.contentLength();
        } else {
            phase = lastOnConnection ? Phase.END : Phase.HEAD;
        }
        responsePending = true;
        if (a.bytes() == pending && phase == Phase.LENGTH && !expectContinue) {
            // The usual case: head and body in one read. The body goes with the head (the server reads
            // all of it, or closes); without copying when the read held exactly this request.
            int body = (int) Math.min(remaining, available());
            remaining -= body;
            pendingPos += body;
            if (remaining == 0) {
                phase = lastOnConnection ? Phase.END : Phase.HEAD;
            }
            if (start == 0 && pendingPos == pending.length) {
                return pending;
            }
            return Arrays.copyOfRange(pending, start, pendingPos);
        }
        // The head alone: a body announced with Expect may never come, and must not be read as a request.
        return Arrays.copyOfRange(a.bytes(), a.offset(), a.offset() + a.length());
    }

    private byte[] length() {
        if (available() == 0 && !fill(Wait.BODY)) {
            throw new CloseConnectionException("client closed the connection within a request body");
        }
        int n = (int) Math.min(remaining, available());
        remaining -= n;
        if (remaining == 0) {
            phase = lastOnConnection ? Phase.END : Phase.HEAD;
        }
        return take(n);
    }

    private byte[] chunk() {
        while (true) {
            if (available() == 0 && !fill(Wait.BODY)) {
                throw new CloseConnectionException("client closed the connection within a request body");
            }
            byte[] out;
            try {
                out = chunked.decode(pending, pendingPos, pendingEnd);
            } catch (ChunkedBody.Malformed e) {
                throw reject(400, "malformed chunked body: " + e.getMessage());
            }
            pendingPos += chunked.consumed;
            if (chunked.truncated()) {
                // one byte over the limit reaches the server, which answers 413; the rest is never read as requests
                closeAfterResponse = true;
                phase = Phase.END;
            } else if (chunked.done()) {
                phase = lastOnConnection ? Phase.END : Phase.HEAD;
            }
            if (out.length > 0) {
                return out;
            }
        }
    }

    /** The next n pending bytes, without copying when they are the whole of the last read. */
    private byte[] take(int n) {
        byte[] out = pendingPos == 0 && n == pending.length ? pending : Arrays.copyOfRange(pending, pendingPos, pendingPos + n);
        pendingPos += n;
        return out;
    }

    private byte[] read(Wait wait) {
        if (!fill(wait)) {
            return null;
        }
        return take(available());
    }

    /** Reads from the socket into pending; false at the end of the stream. */
    private boolean fill(Wait wait) {
        boolean timed = wait == Wait.BODY || wait == Wait.LINGER;
        if (timed) {
            arm(wait, wait == Wait.BODY ? bodyNanos : lingerNanos);
        }
        byte[] got;
        try {
            got = socket.get();
        } catch (UncheckedIOException | IllegalStateException e) {
            if (deadline.get() == -1 || answered) {
                throw new CloseConnectionException("connection closed after a timeout", e);
            }
            throw new ServerConnectionException("Failed to get data from socket", e);
        }
        if (timed && !disarm()) {
            throw new CloseConnectionException("connection closed after a timeout");
        }
        if (got == null) {
            return false;
        }
        pending = got;
        pendingPos = 0;
        pendingEnd = got.length;
        return true;
    }

    private void arm(Wait wait, long nanos) {
        waiting = wait;
        deadline.set(System.nanoTime() + Math.max(1, nanos));
    }

    /** Ends the running wait; false when it had already expired. */
    private boolean disarm() {
        long d = deadline.get();
        waiting = Wait.NONE;
        return d != -1 && (d == 0 || deadline.compareAndSet(d, 0));
    }

    /** Called by the deadline thread: ends a connection whose wait ran out. */
    void check(long now) {
        long d = deadline.get();
        if (d <= 0 || now - d < 0 || !deadline.compareAndSet(d, -1)) {
            return;
        }
        Wait w = waiting;
        if (w == Wait.HEADER || (w == Wait.BODY && responsePending)) {
            LOG.debug("event=http.timeout wait={} remote={}", w, ctx.remotePeer().host());
            answer(408, w == Wait.HEADER ? "the request head did not arrive within " + text(limits.headerTimeout())
                    : "the request body stalled: nothing arrived for " + text(limits.bodyTimeout()));
        }
        try {
            socket.close();
        } catch (RuntimeException e) {
            // already closed
        }
    }

    /** Answers {@code status} with the house JSON error and returns the exception that ends the connection. */
    private CloseConnectionException reject(int status, String message) {
        LOG.debug("event=http.framing_rejected status={} reason=\"{}\" remote={}", status, message, ctx.remotePeer().host());
        if (phase == Phase.HEAD || responsePending) {
            answer(status, message);
        }
        linger();
        return new CloseConnectionException("request refused: " + message);
    }

    private void answer(int status, String message) {
        if (answered) {
            return;
        }
        answered = true;
        byte[] body = Json.bytes(Map.of("error", message));
        StringBuilder head = new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ').append(reason(status))
                .append("\r\nContent-Type: application/json\r\nContent-Length: ").append(body.length)
                .append("\r\nConnection: close\r\n");
        SecurityHeaders.ALL.forEach(h -> head.append(h.name()).append(": ").append(h.get()).append("\r\n"));
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        try {
            ctx.dataWriter().writeNow(BufferData.create(all));
        } catch (RuntimeException e) {
            // the client is gone; nothing to tell it
        }
    }

    private static String text(java.time.Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 408 -> "Request Timeout";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 505 -> "HTTP Version Not Supported";
            default -> "Error";
        };
    }

    /**
     * Before closing with unread input, reads and drops a bounded amount of it for a short while: closing
     * a socket with data still arriving makes TCP reset it, and the client would lose the answer.
     */
    private void linger() {
        long dropped = available();
        pendingPos = pendingEnd;
        try {
            while (dropped < LINGER_BYTES && fill(Wait.LINGER)) {
                dropped += available();
                pendingPos = pendingEnd;
            }
        } catch (RuntimeException e) {
            // timed out or reset: either way the connection is over
        }
    }

    /** The server's writes, watched for where an answer starts (and dropped once this guard answered). */
    private final class Writer implements DataWriter {
        private final DataWriter delegate;
        /** Set when the answer goes to an HTTP/1.0 client. */
        private volatile Http10Response http10Response;

        Writer(DataWriter delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(BufferData... buffers) {
            if (!answered) {
                if (buffers.length > 0) {
                    seen(buffers[0]);
                }
                delegate.write(http10(buffers));
            }
        }

        @Override
        public void write(BufferData buffer) {
            if (!answered) {
                seen(buffer);
                delegate.write(http10(buffer));
            }
        }

        @Override
        public void writeNow(BufferData... buffers) {
            if (!answered) {
                if (buffers.length > 0) {
                    seen(buffers[0]);
                }
                delegate.writeNow(http10(buffers));
            }
        }

        @Override
        public void writeNow(BufferData buffer) {
            if (!answered) {
                seen(buffer);
                delegate.writeNow(http10(buffer));
            }
        }

        private BufferData http10(BufferData b) {
            Http10Response r = http10Response;
            return r == null ? b : r.filter(b);
        }

        private BufferData[] http10(BufferData[] b) {
            Http10Response r = http10Response;
            if (r == null) {
                return b;
            }
            BufferData[] out = new BufferData[b.length];
            for (int i = 0; i < b.length; i++) {
                out[i] = r.filter(b[i]);
            }
            return out;
        }

        @Override
        public void flush() {
            delegate.flush();
        }

        @Override
        public void close() {
            delegate.close();
        }

        /** Notes the status line of an answer: "HTTP/1.1 NNN". */
        private void seen(BufferData b) {
            if (!responsePending || b.available() < 12 || b.get(0) != 'H' || b.get(8) != ' ') {
                return;
            }
            if (b.get(9) == '1') {
                if (b.get(10) == '0' && b.get(11) == '1') {
                    phase = Phase.RAW; // switching protocols (WebSocket): the bytes are no longer HTTP/1.1
                    responsePending = false;
                }
                return; // 100 Continue: the final answer is still to come
            }
            responsePending = false;
            if (http10) {
                http10Response = new Http10Response();
            }
            if (expectContinue && (phase == Phase.LENGTH || phase == Phase.CHUNKED)) {
                closeAfterResponse = true;
            }
        }
    }
}
