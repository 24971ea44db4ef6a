package dev.watchpost.web;

import io.helidon.common.socket.SocketOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import com.sun.management.UnixOperatingSystemMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies {@link ConnectionLimits} to every connection the moment it is accepted. Helidon hands each
 * accepted socket to its listener's connection options before anything reads from it, on the listener
 * thread; this is those options (Helidon's defaults) plus the gate. A refused connection gets a 503 and
 * is closed at once, before Helidon starts a handler for it.
 *
 * <p>Open connections are counted from the sockets themselves: a socket counts until it is closed,
 * whoever closes it and however (answered, reset, timed out, server stopping), so the counts cannot
 * drift. Closed sockets are dropped from the count lazily, when a decision needs the number.
 *
 * <p>Threading: {@link #configureSocket} runs on Helidon's single listener thread, the only one that
 * touches the counts.
 */
final class ConnectionGate implements SocketOptions {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGate.class);
    /** Refusals are logged at most this often per reason: a flood must not become a log flood. */
    private static final Duration LOG_EVERY = Duration.ofMinutes(1);
    /** Accepted connections between two sweeps of every address's closed sockets. */
    private static final int SWEEP_EVERY = 1024;

    enum Refusal {
        TOTAL("total"), PER_ADDRESS("per_address");

        final String id;

        Refusal(String id) {
            this.id = id;
        }
    }

    /**
     * No Nagle delay: a response written in two parts (see {@link Responses}) and live events
     * written back to back must leave at once, not wait for the client's delayed acknowledgement.
     */
    private final SocketOptions options = SocketOptions.builder().tcpNoDelay(true).build();
    private final int total;
    private final int perAddress;
    private final Map<Refusal, Counter> refused = new HashMap<>();
    private final Map<Refusal, long[]> lastLog = new HashMap<>();
    private final Map<InetAddress, List<Socket>> open = new HashMap<>();
    /** Sockets in {@link #open}, closed ones included until the next sweep. */
    private int counted;
    private int sinceSweep;

    /**
     * @param total      the most connections open at once
     * @param perAddress the most from one address, 0 for no such limit
     */
    ConnectionGate(int total, int perAddress, MeterRegistry meters) {
        this.total = total;
        this.perAddress = perAddress;
        for (Refusal r : Refusal.values()) {
            refused.put(r, Counter.builder("http.server.connections.refused").tag("reason", r.id)
                    .description("connections closed on arrival because a connection limit was reached")
                    .register(meters));
            lastLog.put(r, new long[] {System.nanoTime() - LOG_EVERY.toNanos(), 0});
        }
    }

    /**
     * A gate for the given limits, the total resolved against this process's descriptor limit; a warning
     * when the total leaves too few descriptors for the rest of the server.
     */
    static ConnectionGate create(ConnectionLimits limits, MeterRegistry meters) {
        long max = -1;
        long open = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
            max = os.getMaxFileDescriptorCount();
            open = os.getOpenFileDescriptorCount();
        }
        ConnectionLimits.Resolved r = limits.resolveTotal(max, open);
        if (!r.fits()) {
            LOG.warn("event=connections.limit_exceeds_descriptors max_connections={} descriptor_limit={} open_descriptors={} "
                    + "reserved={} hint=\"raise the descriptor limit (ulimit -n, LimitNOFILE=, docker --ulimit nofile=) "
                    + "or lower server.max-connections: a server out of descriptors stops listening and exits\"",
                    r.total(), max, open, limits.reserve());
        }
        LOG.debug("event=connections.limits max_connections={} per_address={} descriptor_limit={}", r.total(),
                limits.perAddress(), max);
        return new ConnectionGate(r.total(), limits.perAddress(), meters);
    }

    @Override
    public void configureSocket(Socket socket) {
        Optional<Refusal> refusal = admit(socket);
        if (refusal.isPresent()) {
            refuse(socket, refusal.get());
            // Helidon closes the socket and starts no handler for it; the stack trace is never logged
            throw new Refused();
        }
        options.configureSocket(socket);
    }

    /** Counts the socket in when there is room for it. */
    Optional<Refusal> admit(Socket socket) {
        if (++sinceSweep >= SWEEP_EVERY) {
            sweep(); // closed sockets from addresses not seen since would otherwise pile up to the total
        }
        InetAddress address = socket.getInetAddress();
        List<Socket> mine = open.get(address);
        if (perAddress > 0 && mine != null && mine.size() >= perAddress) {
            // Looked through only at the limit, where what closed since makes room: looking through
            // every accept made a crowd from one address (10,000 viewers behind one proxy)
            // quadratic on the one listener thread, and new connections queued behind it for seconds.
            counted -= removeClosed(mine);
        }
        if (perAddress > 0 && mine != null && mine.size() >= perAddress) {
            return Optional.of(Refusal.PER_ADDRESS);
        }
        if (counted >= total) {
            sweep();
            if (counted >= total) {
                return Optional.of(Refusal.TOTAL);
            }
            mine = open.get(address); // the sweep drops addresses left without connections
        }
        if (mine == null) {
            mine = new ArrayList<>(2);
            open.put(address, mine);
        }
        mine.add(socket);
        counted++;
        return Optional.empty();
    }

    private void sweep() {
        sinceSweep = 0;
        Iterator<List<Socket>> it = open.values().iterator();
        while (it.hasNext()) {
            List<Socket> sockets = it.next();
            counted -= removeClosed(sockets);
            if (sockets.isEmpty()) {
                it.remove();
            }
        }
    }

    private static int removeClosed(List<Socket> sockets) {
        int before = sockets.size();
        sockets.removeIf(Socket::isClosed);
        return before - sockets.size();
    }

    private void refuse(Socket socket, Refusal why) {
        refused.get(why).increment();
        long[] last = lastLog.get(why);
        last[1]++;
        long now = System.nanoTime();
        if (now - last[0] >= LOG_EVERY.toNanos()) {
            LOG.warn("event=connections.refused reason={} address={} limit={} refused_since_last_log={}", why.id,
                    socket.getInetAddress().getHostAddress(), why == Refusal.TOTAL ? total : perAddress, last[1]);
            last[0] = now;
            last[1] = 0;
        }
        String error = why == Refusal.TOTAL
                ? "the server is at its limit of " + total + " open connections; try again shortly"
                : "too many open connections from this address (limit " + perAddress + "); close some or try again shortly";
        byte[] body = ("{\"error\":\"" + error + "\"}").getBytes(StandardCharsets.US_ASCII);
        byte[] head = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\nRetry-After: 5\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        try {
            // A fresh socket's send buffer is empty: these few bytes never block the listener.
            var out = socket.getOutputStream();
            out.write(head);
            out.write(body);
            out.flush();
            socket.shutdownOutput();
            // Closing with unread input resets the connection and may discard the answer: drop what came.
            InputStream in = socket.getInputStream();
            int n = in.available();
            if (n > 0) {
                in.skipNBytes(Math.min(n, 64 * 1024));
            }
        } catch (IOException e) {
            // the client went away already; it is closed below either way
        } finally {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing more to do for a connection we are refusing
            }
        }
    }

    /** Tells Helidon not to handle this connection; no stack trace, as it is cheap and never logged. */
    private static final class Refused extends RuntimeException {
        Refused() {
            super("connection refused by a connection limit", null, false, false);
        }
    }

    // Helidon's default connection options, unchanged.

    @Override
    public Map<SocketOption<?>, Object> socketOptions() {
        return options.socketOptions();
    }

    @Override
    public Duration connectTimeout() {
        return options.connectTimeout();
    }

    @Override
    public Duration readTimeout() {
        return options.readTimeout();
    }

    @Override
    public Optional<Integer> socketReceiveBufferSize() {
        return options.socketReceiveBufferSize();
    }

    @Override
    public Optional<Integer> socketSendBufferSize() {
        return options.socketSendBufferSize();
    }

    @Override
    public boolean socketReuseAddress() {
        return options.socketReuseAddress();
    }

    @Override
    public boolean socketKeepAlive() {
        return options.socketKeepAlive();
    }

    @Override
    public boolean tcpNoDelay() {
        return options.tcpNoDelay();
    }
}
