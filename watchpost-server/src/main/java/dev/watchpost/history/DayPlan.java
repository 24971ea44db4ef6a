package dev.watchpost.history;

import java.util.Arrays;

/** Which buckets make up which local day. Pure; see {@link History#days}. */
final class DayPlan {

    private DayPlan() {
    }

    /**
     * For each day {@code [bounds[i], bounds[i+1])}: DAY when it is exactly one UTC day; else HOUR when
     * it starts at or after {@code hourCutoff} (hour buckets still kept); else DAY.
     */
    static Resolution[] sources(long[] bounds, long hourCutoff) {
        long dayMs = Resolution.DAY.millis();
        Resolution[] out = new Resolution[bounds.length - 1];
        for (int i = 0; i < out.length; i++) {
            boolean utcDay = Math.floorMod(bounds[i], dayMs) == 0 && bounds[i + 1] - bounds[i] == dayMs;
            out[i] = utcDay || bounds[i] < hourCutoff ? Resolution.DAY : Resolution.HOUR;
        }
        return out;
    }

    /**
     * Bucket starts {@code [from, to)} to read at resolution {@code r} so that every bucket whose
     * midpoint lies in a day sourced from {@code r} is included; null when no day uses {@code r}.
     */
    static long[] range(long[] bounds, Resolution[] source, Resolution r) {
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        for (int i = 0; i < source.length; i++) {
            if (source[i] == r) {
                from = Math.min(from, bounds[i]);
                to = Math.max(to, bounds[i + 1]);
            }
        }
        if (from > to) {
            return null;
        }
        long half = r.millis() / 2;
        return new long[] {from - half, to};
    }

    /** Index of the day containing {@code epochMs}, or -1 when it lies outside all of them. */
    static int dayOf(long[] bounds, long epochMs) {
        if (epochMs < bounds[0] || epochMs >= bounds[bounds.length - 1]) {
            return -1;
        }
        int i = Arrays.binarySearch(bounds, epochMs);
        return i >= 0 ? i : -i - 2;
    }
}
