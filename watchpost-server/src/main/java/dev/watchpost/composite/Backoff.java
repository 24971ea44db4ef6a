package dev.watchpost.composite;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When to try an undelivered availability action again: {@code first} after the first failure,
 * doubling after each further one, never more than {@code max} apart. Pure: the caller gives the
 * time.
 *
 * <p>There is no last attempt: the action is the booking system's view of the truth, so it is
 * retried (at most every {@code max}) until it is delivered or a newer change supersedes it.
 */
record Backoff(Duration first, Duration max) {

    /** 1 s, 2 s, 4 s, … 256 s, then every 5 min. */
    static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));

    Backoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(max, "max");
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < first <= max: " + first + ", " + max);
        }
    }

    /** The wait after {@code failures} failed attempts in a row (1 or more). */
    Duration delay(int failures) {
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
     * The decision after an attempt: empty when it was delivered (nothing more to do), else when to
     * try again.
     *
     * @param failures failed attempts so far, this one included when it failed
     */
    Optional<Instant> retryAt(Attempt attempt, int failures) {
        return attempt.delivered() ? Optional.empty() : Optional.of(attempt.at().plus(delay(failures)));
    }
}
