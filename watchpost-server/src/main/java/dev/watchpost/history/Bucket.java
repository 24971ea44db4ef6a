package dev.watchpost.history;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One target's history over one period.
 *
 * @param samples observations (heartbeats, probe results) in the period
 * @param failures observations that were not ok
 * @param down time spent in a state of severity BAD
 * @param unobserved time spent in UNKNOWN or MAINTENANCE, which counts neither as up nor as down
 * @param latencySumMs sum of the latencies of observations that carried one
 * @param latencySquaresMs2 sum of their squares (ms²), for their spread; 0 in buckets written before
 *        Watchpost kept it (and when every latency was 0)
 * @param latencyMaxMs the largest of them; 0 when none carried a latency
 * @param latencyHistogram eight counts: observations with latency up to each of
 *        {@link #LATENCY_UPPER_BOUNDS_MS} (and above the previous bound), the last one above 5000 ms
 */
public record Bucket(Resolution resolution, Instant start, long samples, long failures, Duration down,
                     Duration unobserved, double latencySumMs, double latencySquaresMs2, double latencyMaxMs,
                     List<Long> latencyHistogram) {

    /** Inclusive upper bounds (ms) of the first seven histogram bins; the eighth is unbounded. */
    public static final List<Double> LATENCY_UPPER_BOUNDS_MS = Bins.UPPER_BOUNDS_MS;

    public Bucket {
        Objects.requireNonNull(resolution, "resolution");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(down, "down");
        Objects.requireNonNull(unobserved, "unobserved");
        latencyHistogram = List.copyOf(latencyHistogram);
        if (latencyHistogram.size() != Bins.COUNT) {
            throw new IllegalArgumentException("latencyHistogram needs " + Bins.COUNT + " bins: " + latencyHistogram);
        }
    }

    public Instant end() {
        return start.plus(resolution.length());
    }

    /** Observations that carried a latency. */
    public long latencyCount() {
        return latencyHistogram.stream().mapToLong(Long::longValue).sum();
    }

    /** Mean latency; empty when no observation carried one. */
    public OptionalDouble latencyAverageMs() {
        long n = latencyCount();
        return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(latencySumMs / n);
    }
}
