package dev.watchpost.cluster;

import java.nio.charset.StandardCharsets;

/**
 * Which partition a target belongs to. Ownership moves between nodes a partition at a time, never
 * a target at a time, so the table of owners stays small whatever the number of targets.
 *
 * <p>The function is part of the cluster's protocol: every node, of every version, must compute the
 * same partition for the same id, so it is a fixed hash of the id's UTF-8 bytes (FNV-1a, 32 bits),
 * not {@link String#hashCode()} and not anything seeded per process.
 */
public final class Partitions {

    /**
     * 256: at 30 nodes each holds 8 or 9 (within 12 % of the mean); more would only lengthen the
     * table every node reads each round.
     */
    public static final int COUNT = 256;

    private Partitions() {
    }

    /** The partition of {@code targetId}, in {@code [0, COUNT)}. */
    public static int of(String targetId) {
        int h = 0x811c9dc5;
        for (byte b : targetId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return Integer.remainderUnsigned(h, COUNT);
    }
}
