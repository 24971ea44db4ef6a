package dev.watchpost.live;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a push target may stay quiet: {@code interval × ttlFactor} (Argus: 15 s × 3), an
 * explicit {@code timeout} (Glance: 30 s), or {@code every + grace} (Healthchecks), expressed as one
 * duration.
 *
 * @param every the declared reporting period when the lease was declared as every + grace, else null
 *              (kept only so the declaration reads back as it was written)
 * @param grace the declared grace with {@code every}, else null
 */
public record Lease(Duration timeout, Duration every, Duration grace) implements LeasePolicy {

    public static final Lease GLANCE_DEFAULT = new Lease(Duration.ofSeconds(30));

    public Lease(Duration timeout) {
        this(timeout, null, null);
    }

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
        return new Lease(every.plus(grace), every, grace);
    }

    /**
     * {@inheritDoc} A started run ({@link Observation.Kind#START}) must finish within the grace
     * (Healthchecks); a bare timeout has no grace, so there the timeout is the run's limit.
     */
    @Override
    public long deadline(long seenMs, Observation.Kind kind) {
        if (kind == Observation.Kind.START && grace != null) {
            return seenMs + grace.toMillis();
        }
        return seenMs + timeout.toMillis();
    }

    @Override
    public String describe() {
        return dev.watchpost.config.Durations.format(timeout);
    }
}
