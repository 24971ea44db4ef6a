package dev.watchpost.history;

import java.util.List;

/** The fixed latency histogram: eight bins, by inclusive upper bound in milliseconds. */
final class Bins {

    static final int COUNT = 8;

    /** Upper bounds of the first seven bins; the eighth is unbounded. */
    static final List<Double> UPPER_BOUNDS_MS = List.of(50d, 100d, 250d, 500d, 1000d, 2500d, 5000d);

    /** Column names in {@code history_bucket}, in bin order. */
    static final List<String> COLUMNS =
            List.of("le_50", "le_100", "le_250", "le_500", "le_1000", "le_2500", "le_5000", "le_inf");

    private Bins() {
    }

    /** True when {@code latencyMs} is a latency to record: not NaN (the "none" marker), negative or infinite. */
    static boolean carries(double latencyMs) {
        return latencyMs >= 0 && latencyMs < Double.POSITIVE_INFINITY;
    }

    /** The bin of a latency that {@link #carries}: the first whose upper bound is at least {@code latencyMs}. */
    static int of(double latencyMs) {
        // Unrolled: this runs for every observation.
        if (latencyMs <= 250) {
            return latencyMs <= 50 ? 0 : latencyMs <= 100 ? 1 : 2;
        }
        if (latencyMs <= 1000) {
            return latencyMs <= 500 ? 3 : 4;
        }
        return latencyMs <= 2500 ? 5 : latencyMs <= 5000 ? 6 : 7;
    }
}
