package dev.watchpost.feed;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Writes Server-Sent Events (the {@code text/event-stream} format) to a response body, flushing each
 * event so it leaves at once. Events are framed once ({@link #frame}) and the same bytes are written
 * to every subscriber: a 1.5 MB snapshot is not copied or scanned again per viewer.
 */
final class SseWriter implements AutoCloseable {

    private static final byte[] KEEP_ALIVE = ":keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;

    SseWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * One event, framed: {@code event:} and one {@code data:} line per line of {@code data} (UTF-8).
     * Compact JSON has no line breaks, so it is one line, copied once.
     */
    static byte[] frame(String name, byte[] data) {
        return frame(null, name, data);
    }

    /** The same with an {@code id:} line (ids are ours: no line breaks), which a reconnecting browser sends back as {@code Last-Event-ID}. */
    static byte[] frame(String id, String name, byte[] data) {
        String idLine = id == null ? "" : "id:" + id + "\n";
        if (indexOfLineBreak(data) < 0) {
            byte[] head = (idLine + "event:" + name + "\ndata:").getBytes(StandardCharsets.UTF_8);
            byte[] frame = new byte[head.length + data.length + 2];
            System.arraycopy(head, 0, frame, 0, head.length);
            System.arraycopy(data, 0, frame, head.length, data.length);
            frame[frame.length - 2] = '\n';
            frame[frame.length - 1] = '\n';
            return frame;
        }
        StringBuilder b = new StringBuilder(data.length + name.length() + 16);
        b.append(idLine).append("event:").append(name).append('\n');
        for (String line : new String(data, StandardCharsets.UTF_8).split("\r\n|\r|\n", -1)) {
            b.append("data:").append(line).append('\n');
        }
        return b.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static int indexOfLineBreak(byte[] data) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == '\n' || data[i] == '\r') {
                return i;
            }
        }
        return -1;
    }

    void retry(Duration reconnectDelay) throws IOException {
        write(("retry:" + reconnectDelay.toMillis() + "\n\n").getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * An {@code id:} line for the event written next: a field on its own, so a large event framed
     * once for every viewer need not be copied to carry each viewer's id.
     */
    void id(String id) throws IOException {
        out.write(("id:" + id + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** A comment: ignored by clients, but it keeps proxies and idle timers from closing a quiet stream. */
    void keepAlive() throws IOException {
        write(KEEP_ALIVE);
    }

    /** Writes a {@link #frame framed} event and flushes it. */
    void write(byte[] frame) throws IOException {
        out.write(frame);
        out.flush();
    }

    /** Writes a framed event to go with the next {@link #flush}. */
    void append(byte[] frame) throws IOException {
        out.write(frame);
    }

    void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
