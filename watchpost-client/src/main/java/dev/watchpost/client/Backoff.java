package dev.watchpost.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: each wait doubles up to {@code max}, and is drawn between half
 * and all of that, so many clients cut off by one outage do not come back at the same instant.
 */
final class Backoff {

    private final long firstMillis;
    private final long maxMillis;
    private int failures;

    Backoff(Duration first, Duration max) {
        this.firstMillis = Math.max(1, first.toMillis());
        this.maxMillis = Math.max(firstMillis, max.toMillis());
    }

    /** The next wait in milliseconds; counts one more failure. */
    long next() {
        long ceiling = Math.min(maxMillis, firstMillis << Math.min(failures, 30));
        failures++;
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    void reset() {
        failures = 0;
    }
}
