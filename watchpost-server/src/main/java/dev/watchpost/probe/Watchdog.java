package dev.watchpost.probe;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes a socket when a deadline passes, so a peer that trickles bytes cannot stretch a probe
 * beyond its total timeout (socket read timeouts only bound the gap between bytes). One virtual
 * thread per guarded probe; {@link #close()} stops it.
 */
final class Watchdog implements AutoCloseable {

    private final Thread thread;
    private final AtomicBoolean fired = new AtomicBoolean();

    private Watchdog(Closeable target, long nanos) {
        this.thread = Thread.ofVirtual().name("probe-watchdog").start(() -> {
            try {
                Thread.sleep(Duration.ofNanos(Math.max(0, nanos)));
            } catch (InterruptedException e) {
                return; // the probe finished in time
            }
            fired.set(true);
            try {
                target.close();
            } catch (IOException e) {
                // the probe sees the closed socket and reports the timeout; nothing else to do here
            }
        });
    }

    static Watchdog closeAfter(Closeable target, long nanos) {
        return new Watchdog(target, nanos);
    }

    /** True when the deadline passed and the socket was closed. */
    boolean fired() {
        return fired.get();
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
