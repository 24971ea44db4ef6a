package dev.watchpost.store;

import java.time.Duration;
import java.util.Objects;

/**
 * How long an undelivered item of a durable outbox (alerts, composites' availability actions) waits
 * before its next try: {@code first} after the first failure, doubling after each further one, never
 * more than {@code max} apart. There is no last try: what is owed is delivered, or withdrawn by its
 * owner. Pure: the caller adds the delay to its own clock's time.
 */
public record Backoff(Duration first, Duration max) {

    /** 1 s, 2 s, 4 s, … 256 s, then every 5 min. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));

    public Backoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(max, "max");
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < first <= max: " + first + ", " + max);
        }
    }

    /** The wait after {@code failures} failed attempts in a row (1 or more). */
    public Duration delay(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be 1 or more: " + failures);
        }
        Duration d = first;
        for (int i = 1; i < failures && d.compareTo(max) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(max) > 0 ? max : d;
    }

    /**
     * Waits out a delay on the calling thread. An interrupt ends the wait early and stays set, so
     * the caller's retry loop sees it and stops.
     */
    public static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
