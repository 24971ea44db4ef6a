package dev.watchpost.compat.argus;

import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} (time, metrics) points of one cluster: a ring of primitives (about
 * 80 bytes a point), so 240 points of a thousand clusters cost a few MB. In memory only: a restart
 * starts every history afresh. Not thread-safe; the owner guards it.
 */
final class ClusterHistory {

    /** One point: when the snapshot was received (epoch ms) and the metrics it gave (no interval counts). */
    record Point(long atMs, ClusterMetrics metrics) {
    }

    private static final int WIDTH = 9; // ClusterMetrics.KEYS

    private final int capacity;
    private final long[] at;
    private final double[] values;
    private int next;
    private int size;

    ClusterHistory(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
        }
        this.capacity = capacity;
        this.at = new long[capacity];
        this.values = new double[capacity * WIDTH];
    }

    void add(long atMs, ClusterMetrics m) {
        if (capacity == 0) {
            return;
        }
        at[next] = atMs;
        int o = next * WIDTH;
        values[o] = v(m.latencySeconds());
        values[o + 1] = m.shardsUp() == null ? Double.NaN : m.shardsUp();
        values[o + 2] = m.guilds() == null ? Double.NaN : m.guilds();
        values[o + 3] = m.cachedUsers() == null ? Double.NaN : m.cachedUsers();
        values[o + 4] = v(m.interactionsRate());
        values[o + 5] = v(m.errorRate());
        values[o + 6] = v(m.durationP95Seconds());
        values[o + 7] = v(m.ratelimitsRate());
        values[o + 8] = v(m.uptimeSeconds());
        next = (next + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    /** The points, oldest first. */
    List<Point> points() {
        List<Point> out = new ArrayList<>(size);
        for (int k = 0; k < size; k++) {
            int i = Math.floorMod(next - size + k, capacity);
            int o = i * WIDTH;
            out.add(new Point(at[i], new ClusterMetrics(
                    d(values[o]),
                    Double.isNaN(values[o + 1]) ? null : (int) values[o + 1],
                    Double.isNaN(values[o + 2]) ? null : (long) values[o + 2],
                    Double.isNaN(values[o + 3]) ? null : (long) values[o + 3],
                    d(values[o + 4]),
                    d(values[o + 5]),
                    d(values[o + 6]),
                    d(values[o + 7]),
                    d(values[o + 8]),
                    null)));
        }
        return out;
    }

    private static double v(Double d) {
        return d == null ? Double.NaN : d;
    }

    private static Double d(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
