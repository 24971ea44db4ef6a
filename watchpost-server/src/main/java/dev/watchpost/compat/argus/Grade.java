package dev.watchpost.compat.argus;

import java.util.Map;
import java.util.Optional;

/** The colour Argus gives a metric value. For every graded metric, higher is worse. */
public enum Grade {
    OK, WARN, BAD;

    private record Thresholds(double warn, double bad) {
    }

    private static final Map<String, Thresholds> THRESHOLDS = Map.of(
            "latency_seconds", new Thresholds(0.3, 1.0),
            "error_rate", new Thresholds(0.01, 0.05),
            "duration_p95_seconds", new Thresholds(1.0, 3.0),
            "ratelimits_rate", new Thresholds(0.1, 1.0));

    /**
     * Grades {@code value} of the metric with wire name {@code metric}: {@code BAD} from the bad
     * threshold up, {@code WARN} from the warn threshold up, else {@code OK}. Thresholds (warn / bad):
     * latency_seconds 0.3 / 1.0, error_rate 0.01 / 0.05, duration_p95_seconds 1.0 / 3.0,
     * ratelimits_rate 0.1 / 1.0.
     *
     * @return empty for a metric that is not graded, or an unknown ({@code null} or NaN) value
     */
    public static Optional<Grade> grade(String metric, Double value) {
        Thresholds t = metric == null ? null : THRESHOLDS.get(metric);
        if (t == null || value == null || value.isNaN()) {
            return Optional.empty();
        }
        return Optional.of(value >= t.bad() ? BAD : value >= t.warn() ? WARN : OK);
    }
}
