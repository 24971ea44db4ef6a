package dev.watchpost.probe;

import java.time.Duration;
import java.util.Objects;

/**
 * A probed target's declaration: what to check, how often, and how many results confirm a change.
 *
 * @param every time between runs on the target's grid (see {@link ProbeSchedule}); at least 1 s
 */
public record ProbePlan(Check check, Duration every, DampingState.Thresholds thresholds) {

    public static final Duration MIN_EVERY = Duration.ofSeconds(1);

    public ProbePlan {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(every, "every");
        Objects.requireNonNull(thresholds, "thresholds");
        if (every.compareTo(MIN_EVERY) < 0) {
            throw new IllegalArgumentException("every must be at least 1s: " + every);
        }
    }
}
