package dev.watchpost.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.Objects;

/**
 * Opens a TCP connection and closes it at once: UP "connected" with the connect latency, DOWN
 * "connection refused" or "timeout after N s". Name resolution happens before the timer starts and
 * is not bounded by the connect timeout. Thread-safe.
 */
final class TcpProber implements Prober {

    private final TcpCheck check;

    public TcpProber(TcpCheck check) {
        this.check = Objects.requireNonNull(check, "check");
    }

    @Override
    public ProbeResult probe(Instant now) throws InterruptedException {
        InetSocketAddress address = new InetSocketAddress(check.host(), check.port());
        if (address.isUnresolved()) {
            return ProbeResult.down("unknown host");
        }
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) check.connectTimeout().toMillis());
            return ProbeResult.up("connected", Reasons.elapsedMs(start));
        } catch (SocketTimeoutException e) {
            return ProbeResult.down(Reasons.timeout(check.connectTimeout()));
        } catch (IOException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException("probe of " + check.host() + ":" + check.port() + " interrupted");
            }
            return ProbeResult.down(Reasons.failure(e, check.connectTimeout(), check.connectTimeout()));
        }
    }
}
