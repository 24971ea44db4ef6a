package dev.watchpost.history;

import java.util.List;
import java.util.OptionalDouble;

/**
 * Percentiles of the latencies a bucket counted, estimated from what it stores: the eight-bin
 * histogram, the exact sum and the exact maximum. Pure.
 *
 * <p><b>How.</b> The quantile's bin is found by counting; inside that bin the values are taken to lie
 * evenly around the bin's own mean, as wide as the bin's edges allow. The bin's mean is not stored;
 * it is what the exact sum leaves once every other bin is counted at its midpoint (the last bin at
 * the maximum), kept within the bin's edges. The upper edge is never above the bucket's maximum.
 * So a bucket whose checks took 110–135 ms, all in the 100–250 ms bin, reads a median near its
 * mean of 120 ms, not the 175 ms of the bin's middle; and no estimate exceeds the maximum.
 *
 * <p>Why not store more: a finer histogram would cost every active target's in-memory accumulator
 * and every stored bucket more columns, on the hot path and on disk, for a chart's line. Exact
 * values of recent checks come from the probes themselves.
 */
public final class LatencyEstimate {

    private LatencyEstimate() {
    }

    /**
     * The {@code q}-quantile (0 &lt; q ≤ 1) of the latencies counted by {@code bins}.
     *
     * @param bins  {@link Bins#COUNT} counts, as {@link Bucket#latencyHistogram()}
     * @param sumMs the exact sum of those latencies
     * @param maxMs the exact largest of them
     * @return empty when nothing carried a latency
     */
    public static OptionalDouble quantile(long[] bins, double sumMs, double maxMs, double q) {
        if (bins.length != Bins.COUNT) {
            throw new IllegalArgumentException("need " + Bins.COUNT + " bins: " + bins.length);
        }
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("q must be in (0, 1]: " + q);
        }
        long n = 0;
        for (long b : bins) {
            n += b;
        }
        if (n == 0) {
            return OptionalDouble.empty();
        }
        if (q == 1) {
            return OptionalDouble.of(maxMs);
        }
        // The rank's bin: the first whose cumulative count reaches ceil(q * n).
        long rank = Math.max(1, (long) Math.ceil(q * n));
        int bin = 0;
        long before = 0;
        while (before + bins[bin] < rank) {
            before += bins[bin];
            bin++;
        }
        double lo = bin == 0 ? 0 : Bins.UPPER_BOUNDS_MS.get(bin - 1);
        double hi = Math.min(bin < Bins.COUNT - 1 ? Bins.UPPER_BOUNDS_MS.get(bin) : maxMs, maxMs);
        if (hi <= lo) {
            return OptionalDouble.of(Math.max(0, Math.min(maxMs, hi)));
        }
        double others = 0;
        for (int i = 0; i < Bins.COUNT; i++) {
            if (i != bin && bins[i] > 0) {
                others += bins[i] * middle(i, maxMs);
            }
        }
        double mean = Math.max(lo, Math.min(hi, (sumMs - others) / bins[bin]));
        double half = Math.min(mean - lo, hi - mean);
        // Position of the rank among the bin's values, 0..1 (the midpoint rule: rank 1 of 1 is 0.5).
        double within = (rank - before - 0.5) / bins[bin];
        return OptionalDouble.of(mean - half + 2 * half * within);
    }

    /** {@link #quantile(long[], double, double, double)} of one bucket. */
    public static OptionalDouble quantile(Bucket b, double q) {
        return quantile(bins(b.latencyHistogram()), b.latencySumMs(), b.latencyMaxMs(), q);
    }

    static long[] bins(List<Long> histogram) {
        long[] out = new long[histogram.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = histogram.get(i);
        }
        return out;
    }

    private static double middle(int bin, double maxMs) {
        double lo = bin == 0 ? 0 : Bins.UPPER_BOUNDS_MS.get(bin - 1);
        if (bin == Bins.COUNT - 1) {
            return Math.max(lo, maxMs);
        }
        return (lo + Math.min(Bins.UPPER_BOUNDS_MS.get(bin), Math.max(lo, maxMs))) / 2;
    }
}
