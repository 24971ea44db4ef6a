package dev.watchpost.probe;

import java.time.Duration;
import java.util.Objects;

/**
 * A probed target's declaration: what to check, how often, how many results confirm a change, and
 * from where.
 *
 * @param every     time between runs on the target's grid (see {@link ProbeSchedule}); at least 1 s
 * @param locations where it is checked from and the quorum of them that decides: this server checks
 *                  it only when {@code local} is among them, and with more than {@code local} alone
 *                  its state follows the locations' {@link Quorum}
 */
public record ProbePlan(Check check, Duration every, DampingState.Thresholds thresholds, ProbeLocations locations) {

    public static final Duration MIN_EVERY = Duration.ofSeconds(1);

    public ProbePlan {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(every, "every");
        Objects.requireNonNull(thresholds, "thresholds");
        Objects.requireNonNull(locations, "locations");
        if (every.compareTo(MIN_EVERY) < 0) {
            throw new IllegalArgumentException("every must be at least 1s: " + every);
        }
    }

    /** Checked by this server alone. */
    public ProbePlan(Check check, Duration every, DampingState.Thresholds thresholds) {
        this(check, every, thresholds, ProbeLocations.LOCAL_ONLY);
    }
}
