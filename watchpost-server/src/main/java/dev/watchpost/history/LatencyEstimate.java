package dev.watchpost.history;

import java.util.List;
import java.util.OptionalDouble;

/**
 * Percentiles of the latencies a bucket counted, estimated from what it stores: the eight-bin
 * histogram, the exact sum, the sum of squares and the exact maximum. Pure.
 *
 * <p><b>How.</b> Counting finds the quantile's bin. Inside it the values are taken to lie evenly
 * around the bin's own mean, spread as widely as their standard deviation says (a uniform spread
 * of that deviation) and never past the bin's edges. Neither the bin's mean nor its deviation is
 * stored: they are what the bucket's sum and sum of squares leave once every other bin is counted
 * at its middle, with a uniform spread across it; the highest bin holds the maximum exactly. The
 * upper edge is never above the bucket's maximum.
 *
 * <p>So a bucket whose checks all took 120 ms reads 120 ms at every percentile, although its bin
 * reaches from 100 to 250 ms; checks of 110–135 ms read a median near their mean of 121 ms and a
 * 95th percentile near 134 ms; one timeout in an hour moves the maximum, not the median. Buckets
 * written before the sum of squares was kept (it reads 0) are spread across the bin's width.
 *
 * <p>Why these few numbers: each costs every active target's accumulator 8 bytes and every stored
 * bucket one column, and merges by addition; a finer histogram would cost a column per bin.
 */
public final class LatencyEstimate {

    private LatencyEstimate() {
    }

    /**
     * The {@code q}-quantile (0 &lt; q ≤ 1) of the latencies counted by {@code bins}.
     *
     * @param bins      {@link Bins#COUNT} counts, as {@link Bucket#latencyHistogram()}
     * @param sumMs     the exact sum of those latencies
     * @param squaresMs2 the sum of their squares; 0 when unknown
     * @param maxMs     the exact largest of them
     * @return empty when nothing carried a latency
     */
    public static OptionalDouble quantile(long[] bins, double sumMs, double squaresMs2, double maxMs, double q) {
        if (bins.length != Bins.COUNT) {
            throw new IllegalArgumentException("need " + Bins.COUNT + " bins: " + bins.length);
        }
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("q must be in (0, 1]: " + q);
        }
        long n = 0;
        int top = -1;
        for (int i = 0; i < Bins.COUNT; i++) {
            n += bins[i];
            if (bins[i] > 0) {
                top = i;
            }
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
        double lo = lower(bin);
        double hi = Math.min(upper(bin, maxMs), maxMs);
        if (hi <= lo) {
            return OptionalDouble.of(Math.max(0, Math.min(maxMs, hi)));
        }
        long c = bins[bin];
        double otherSum = 0;
        double otherSquares = 0;
        for (int i = 0; i < Bins.COUNT; i++) {
            if (i == bin || bins[i] == 0) {
                continue;
            }
            double a = lower(i);
            double b = Math.max(a, Math.min(upper(i, maxMs), maxMs));
            double mid = (a + b) / 2;
            double moment = mid * mid + (b - a) * (b - a) / 12; // E[x²] of a uniform spread over [a, b]
            long k = bins[i];
            if (i == top) { // the maximum is one of them, exactly
                otherSum += maxMs;
                otherSquares += maxMs * maxMs;
                k--;
            }
            otherSum += k * mid;
            otherSquares += k * moment;
        }
        double ownSum = sumMs - otherSum;
        double ownSquares = squaresMs2 - otherSquares;
        if (bin == top) {
            // This bin holds the maximum: one value is known, the rest lie in [lo, max].
            ownSum -= maxMs;
            ownSquares -= maxMs * maxMs;
            c--;
            if (c == 0) {
                return OptionalDouble.of(maxMs);
            }
            if (rank - before == bins[bin]) {
                return OptionalDouble.of(maxMs);
            }
        }
        double mean = Math.max(lo, Math.min(hi, ownSum / c));
        double half = Math.min(mean - lo, hi - mean);
        boolean spreadKnown = squaresMs2 > 0 || sumMs == 0;
        if (spreadKnown) {
            double variance = Math.max(0, ownSquares / c - mean * mean);
            half = Math.min(half, Math.sqrt(3 * variance)); // a uniform spread with this deviation
        }
        // Position of the rank among the bin's values, 0..1 (the midpoint rule: rank 1 of 1 is 0.5).
        double within = (rank - before - 0.5) / c;
        return OptionalDouble.of(Math.min(maxMs, mean - half + 2 * half * Math.min(1, within)));
    }

    /** {@link #quantile(long[], double, double, double, double)} of one bucket. */
    public static OptionalDouble quantile(Bucket b, double q) {
        return quantile(bins(b.latencyHistogram()), b.latencySumMs(), b.latencySquaresMs2(), b.latencyMaxMs(), q);
    }

    static long[] bins(List<Long> histogram) {
        long[] out = new long[histogram.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = histogram.get(i);
        }
        return out;
    }

    private static double lower(int bin) {
        return bin == 0 ? 0 : Bins.UPPER_BOUNDS_MS.get(bin - 1);
    }

    /** The bin's upper edge; the open last bin ends at the maximum. */
    private static double upper(int bin, double maxMs) {
        return bin < Bins.COUNT - 1 ? Bins.UPPER_BOUNDS_MS.get(bin) : Math.max(lower(bin), maxMs);
    }
}
