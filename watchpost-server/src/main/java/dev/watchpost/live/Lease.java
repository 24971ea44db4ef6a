package dev.watchpost.live;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a push target may stay quiet: {@code interval × ttlFactor} (Argus: 15 s × 3) or an
 * explicit {@code timeout} (Glance: 30 s), expressed as one duration.
 */
public record Lease(Duration timeout) implements LeasePolicy {

    public static final Lease GLANCE_DEFAULT = new Lease(Duration.ofSeconds(30));

    public Lease {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a lease must be positive, got " + timeout);
        }
    }

    public static Lease of(Duration interval, int ttlFactor) {
        if (ttlFactor < 1) {
            throw new IllegalArgumentException("ttl factor must be at least 1, got " + ttlFactor);
        }
        return new Lease(interval.multipliedBy(ttlFactor));
    }

    /** Every / grace style (Healthchecks): quiet for longer than {@code every + grace} is too long. */
    public static Lease everyWithGrace(Duration every, Duration grace) {
        return new Lease(every.plus(grace));
    }

    @Override
    public long deadline(long seenMs, Observation.Kind kind) {
        return seenMs + timeout.toMillis();
    }

    @Override
    public String describe() {
        return dev.watchpost.config.Durations.format(timeout);
    }
}
