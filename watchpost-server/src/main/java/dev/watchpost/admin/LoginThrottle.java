package dev.watchpost.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing: after {@code max} failed sign-ins from one client address within
 * {@code window}, further attempts from it — right or wrong — are refused until the oldest failure
 * leaves the window. A success clears the address. Takes {@code now}, so it is tested without
 * sleeping; memory stays bounded (addresses whose failures are all older than the window are
 * dropped when many are tracked).
 */
final class LoginThrottle {

    static final int TRACKED = 10_000;

    private final int max;
    private final Duration window;
    private final ConcurrentHashMap<String, ArrayDeque<Instant>> failures = new ConcurrentHashMap<>();

    LoginThrottle(int max, Duration window) {
        if (max < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("max must be at least 1 and window longer than zero");
        }
        this.max = max;
        this.window = window;
    }

    /** How long the client must wait before trying again, or empty when it may try now. */
    Optional<Duration> wait(String client, Instant now) {
        ArrayDeque<Instant> q = failures.get(client);
        if (q == null) {
            return Optional.empty();
        }
        synchronized (q) {
            prune(q, now);
            if (q.size() < max) {
                return Optional.empty();
            }
            return Optional.of(Duration.between(now, q.peekFirst().plus(window)));
        }
    }

    void failed(String client, Instant now) {
        if (failures.size() >= TRACKED) {
            sweep(now);
        }
        ArrayDeque<Instant> q = failures.computeIfAbsent(client, c -> new ArrayDeque<>());
        synchronized (q) {
            prune(q, now);
            q.addLast(now);
            while (q.size() > max) {
                q.removeFirst();
            }
        }
    }

    void succeeded(String client) {
        failures.remove(client);
    }

    private void prune(ArrayDeque<Instant> q, Instant now) {
        Instant from = now.minus(window);
        while (!q.isEmpty() && !q.peekFirst().isAfter(from)) {
            q.removeFirst();
        }
    }

    private void sweep(Instant now) {
        for (Iterator<Map.Entry<String, ArrayDeque<Instant>>> it = failures.entrySet().iterator(); it.hasNext(); ) {
            ArrayDeque<Instant> q = it.next().getValue();
            synchronized (q) {
                prune(q, now);
                if (q.isEmpty()) {
                    it.remove();
                }
            }
        }
    }
}
