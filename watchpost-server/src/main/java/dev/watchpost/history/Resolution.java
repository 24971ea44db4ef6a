package dev.watchpost.history;

import java.time.Duration;

/** The length of a {@link Bucket}. Periods are aligned to UTC: days run from 00:00Z to 24:00Z. */
public enum Resolution {
    MINUTE(60),
    HOUR(3_600),
    DAY(86_400);

    private final int seconds;
    private final long millis;

    Resolution(int seconds) {
        this.seconds = seconds;
        this.millis = seconds * 1000L;
    }

    public Duration length() {
        return Duration.ofSeconds(seconds);
    }

    /** The value stored in {@code history_bucket.period_s}. */
    int seconds() {
        return seconds;
    }

    long millis() {
        return millis;
    }

    /** Start (epoch ms) of the period containing {@code epochMs}. */
    long floor(long epochMs) {
        return Math.floorDiv(epochMs, millis) * millis;
    }

    static Resolution ofSeconds(int seconds) {
        for (Resolution r : values()) {
            if (r.seconds == seconds) {
                return r;
            }
        }
        throw new IllegalArgumentException("no resolution of " + seconds + " s");
    }
}
