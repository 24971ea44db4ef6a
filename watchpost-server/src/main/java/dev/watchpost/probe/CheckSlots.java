package dev.watchpost.probe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * How many checks run at once, per host and in all: the server's scheduler and a remote prober's
 * run their checks under the same limits. A check takes its host's slot first ({@code maxPerHost}),
 * then a global one ({@code maxConcurrent}), so the targets of one slow host queue behind each other
 * without holding global slots that other hosts need.
 */
final class CheckSlots {

    private static final Logger LOG = LoggerFactory.getLogger(CheckSlots.class);

    private final int maxConcurrent;
    private final int maxPerHost;
    private final Semaphore global;
    private final ConcurrentHashMap<String, Semaphore> hosts = new ConcurrentHashMap<>();

    CheckSlots(int maxConcurrent, int maxPerHost) {
        this.maxConcurrent = maxConcurrent;
        this.maxPerHost = maxPerHost;
        this.global = new Semaphore(maxConcurrent);
    }

    /** Work done in a slot; a check may be interrupted when the server stops. */
    interface Check<T> {
        T run() throws InterruptedException;
    }

    /** Runs {@code check} once a slot for {@code host} and a global one are free. */
    <T> T run(String host, Check<T> check) throws InterruptedException {
        Semaphore perHost = hosts.computeIfAbsent(host, h -> new Semaphore(maxPerHost));
        perHost.acquire();
        try {
            global.acquire();
            try {
                return check.run();
            } finally {
                global.release();
            }
        } finally {
            perHost.release();
        }
    }

    /** Checks running now. */
    int inFlight() {
        return maxConcurrent - global.availablePermits();
    }

    /**
     * {@code prober}'s result for a check started at {@code start}. A prober must not throw for
     * anything the target does; if it does, that is our bug, but the target still gets a result
     * rather than silently keeping its old state.
     */
    static ProbeResult probe(String targetId, Prober prober, Instant start) throws InterruptedException {
        try {
            return prober.probe(start);
        } catch (RuntimeException ex) {
            LOG.error("event=probe.failed target={} error=\"{}\"", targetId, ex.toString(), ex);
            return ProbeResult.down("probe failed: " + ex.getClass().getSimpleName());
        }
    }
}
