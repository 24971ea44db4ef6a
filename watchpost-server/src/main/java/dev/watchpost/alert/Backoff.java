package dev.watchpost.alert;

import java.time.Duration;
import java.util.Objects;

/**
 * How long an undelivered alert waits before the next try: {@code first} after the first failure,
 * doubling, at most {@code max}. There is no last try: an alert is delivered, or its channel or
 * rule is removed. Pure.
 */
record Backoff(Duration first, Duration max) {

    /** 1 s, 2 s, 4 s, … then every 5 min. */
    static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));

    Backoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(max, "max");
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < first <= max");
        }
    }

    /** The wait after {@code failures} failed attempts (1 or more). */
    Duration delay(int failures) {
        Duration d = first;
        for (int i = 1; i < failures && d.compareTo(max) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(max) > 0 ? max : d;
    }
}
