package dev.watchpost.live;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A histogram of how late expiries were found, in 10 ms steps up to 60 s. Recording is one atomic
 * add, cheap enough for a million expiries in a burst (a general-purpose percentile timer is not).
 */
public final class Lateness {

    private static final int STEP_MS = 10;
    private static final int BUCKETS = 6_000;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS + 1);
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong max = new AtomicLong();

    void record(long ms) {
        long v = Math.max(0, ms);
        counts.incrementAndGet((int) Math.min(BUCKETS, v / STEP_MS));
        total.incrementAndGet();
        max.accumulateAndGet(v, Math::max);
    }

    /** The counts per 10 ms step (the last one holds everything from 60 s on), for comparing two moments. */
    public long[] counts() {
        long[] out = new long[counts.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = counts.get(i);
        }
        return out;
    }

    /** The upper edge, in ms, of the step holding quantile {@code p} of {@code counts}. */
    public static long percentileMs(long[] counts, double p) {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        long rank = (long) Math.ceil(p * n);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (n > 0 && seen >= rank) {
                return (long) (i + 1) * STEP_MS;
            }
        }
        return 0;
    }

    public long count() {
        return total.get();
    }

    public long maxMs() {
        return max.get();
    }

    /** The upper edge of the step holding the {@code p} quantile (0 &lt; p ≤ 1), in ms, at most the maximum; 0 when empty. */
    public long percentileMs(double p) {
        return Math.min(percentileMs(counts(), p), Math.max(max.get(), 0));
    }
}
