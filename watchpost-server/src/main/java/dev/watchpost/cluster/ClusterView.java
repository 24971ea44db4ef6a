package dev.watchpost.cluster;

import java.util.List;

/**
 * The cluster as this node last read it.
 *
 * @param self this node's id
 * @param unowned partitions no live node holds (briefly, while a failed node's leases run out)
 * @param renewalAgeMs how long ago this node last renewed its leases; -1 before the first time
 */
public record ClusterView(String self, List<Node> nodes, int partitions, int unowned, long renewalAgeMs) {

    /**
     * @param seenAgoMs how long before the read the node last renewed (the database's clock)
     * @param sameConfig whether its configuration is this node's
     */
    public record Node(String id, String advertiseUrl, String version, boolean live, boolean self, long startedAt,
                       long seenAt, long seenAgoMs, int partitions, boolean sameConfig) {
    }
}
