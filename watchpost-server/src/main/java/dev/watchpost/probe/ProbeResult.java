package dev.watchpost.probe;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.live.Observation;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The result of one probe.
 *
 * @param outcome    up, degraded or down
 * @param reason     a short text a human understands ("status 503", "timeout after 5 s"); never blank
 * @param latencyMs  time from the first byte sent to the last byte read, in milliseconds; NaN when
 *                   nothing was measured (refused, timed out)
 * @param statusCode the HTTP status of the final response, empty for non-HTTP probes and failures
 *                   before a response
 * @param stats      numbers a stats agent reported (Platypus' {@code cpu}, {@code memory},
 *                   {@code disk}, used percentages); empty when none. Sorted by key, unmodifiable.
 */
public record ProbeResult(Outcome outcome, String reason, double latencyMs, OptionalInt statusCode,
                          Map<String, Double> stats) {

    /** Longest reason kept; longer texts (foreign exception messages) are cut with an ellipsis. */
    static final int MAX_REASON = 200;

    public ProbeResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("reason must not be blank");
        }
        if (reason.length() > MAX_REASON) {
            reason = reason.substring(0, MAX_REASON - 1) + "…";
        }
        if (!Double.isNaN(latencyMs) && (latencyMs < 0 || Double.isInfinite(latencyMs))) {
            throw new IllegalArgumentException("latencyMs must be NaN or finite and >= 0: " + latencyMs);
        }
        Objects.requireNonNull(statusCode, "statusCode");
        if (statusCode.isPresent() && (statusCode.getAsInt() < 100 || statusCode.getAsInt() > 599)) {
            throw new IllegalArgumentException("statusCode must be 100..599: " + statusCode.getAsInt());
        }
        Objects.requireNonNull(stats, "stats");
        TreeMap<String, Double> sorted = new TreeMap<>();
        stats.forEach((k, v) -> {
            Objects.requireNonNull(k, "stats key");
            if (v == null || !Double.isFinite(v)) {
                throw new IllegalArgumentException("stats[" + k + "] must be a finite number: " + v);
            }
            sorted.put(k, v);
        });
        stats = java.util.Collections.unmodifiableMap(sorted);
    }

    public static ProbeResult up(String reason, double latencyMs) {
        return new ProbeResult(Outcome.UP, reason, latencyMs, OptionalInt.empty(), Map.of());
    }

    public static ProbeResult degraded(String reason, double latencyMs) {
        return new ProbeResult(Outcome.DEGRADED, reason, latencyMs, OptionalInt.empty(), Map.of());
    }

    /** A failure with nothing measured. */
    public static ProbeResult down(String reason) {
        return new ProbeResult(Outcome.DOWN, reason, Double.NaN, OptionalInt.empty(), Map.of());
    }

    public static ProbeResult down(String reason, double latencyMs) {
        return new ProbeResult(Outcome.DOWN, reason, latencyMs, OptionalInt.empty(), Map.of());
    }

    public ProbeResult withStatus(int status) {
        return new ProbeResult(outcome, reason, latencyMs, OptionalInt.of(status), stats);
    }

    public ProbeResult withStats(Map<String, Double> newStats) {
        return new ProbeResult(outcome, reason, latencyMs, statusCode, newStats);
    }

    /**
     * This result as a report for the live state: the outcome's state, the reason as message, the
     * latency, and the stats (if any) as metrics. Damping happens before this, in the scheduler.
     */
    public Observation toObservation() {
        ObjectNode metrics = null;
        if (!stats.isEmpty()) {
            metrics = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, Double> e : stats.entrySet()) {
                metrics.put(e.getKey(), e.getValue());
            }
        }
        return new Observation(Observation.Kind.REPORT, outcome.state(), reason, latencyMs, metrics);
    }
}
