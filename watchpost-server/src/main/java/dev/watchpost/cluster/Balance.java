package dev.watchpost.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What one node should do with partitions in a round: pure, given the rows it read and the
 * database's {@code now}.
 *
 * <p>Every live node computes the same quotas (partitions split evenly over the live nodes in order
 * of their ids), so they agree without talking. A node under its quota claims partitions nobody
 * holds or whose lease has run out; a node over its quota releases the surplus, but only while a live
 * node is under its own, so a cluster that is balanced stays still. A node never takes a partition
 * whose owner still renews it: a live owner gives it up first (and flushes what it holds), which is
 * what makes a join or a rolling restart hand over without a gap in the owner's writes.
 */
final class Balance {

    private Balance() {
    }

    /** A node as read from {@code cluster_node}. */
    record Node(String id, long seenAt) {
    }

    /** A partition as read from {@code cluster_partition}. */
    record Partition(int number, String owner, long epoch, long leaseUntil) {
        boolean free(long now) {
            return owner == null || leaseUntil < now;
        }
    }

    /** Partitions to claim and to release this round, in the order to try them. */
    record Plan(List<Integer> claim, List<Integer> release) {
    }

    /** Ids of the nodes seen within {@code leaseMs} of {@code now} (this node always counts), sorted. */
    static List<String> live(List<Node> nodes, String me, long now, long leaseMs) {
        List<String> ids = new ArrayList<>();
        for (Node n : nodes) {
            if (n.id().equals(me) || n.seenAt() >= now - leaseMs) {
                ids.add(n.id());
            }
        }
        if (!ids.contains(me)) {
            ids.add(me);
        }
        ids.sort(Comparator.naturalOrder());
        return ids;
    }

    /** How many of {@code partitions} the node at {@code index} of {@code liveCount} sorted live nodes should hold. */
    static int quota(int partitions, int liveCount, int index) {
        return partitions / liveCount + (index < partitions % liveCount ? 1 : 0);
    }

    static Plan plan(String me, long now, long leaseMs, List<Node> nodes, List<Partition> partitions) {
        List<String> live = live(nodes, me, now, leaseMs);
        int total = partitions.size();
        int mine = 0;
        java.util.Map<String, Integer> held = new java.util.HashMap<>();
        for (Partition p : partitions) {
            if (!p.free(now)) {
                held.merge(p.owner(), 1, Integer::sum);
                if (p.owner().equals(me)) {
                    mine++;
                }
            }
        }
        int myQuota = quota(total, live.size(), live.indexOf(me));
        List<Integer> claim = new ArrayList<>();
        List<Integer> release = new ArrayList<>();
        if (mine < myQuota) {
            // Free partitions first; a partition held past its lease by a node that has left is free too.
            for (Partition p : partitions) {
                if (claim.size() == myQuota - mine) {
                    break;
                }
                if (p.free(now)) {
                    claim.add(p.number());
                }
            }
        } else if (mine > myQuota) {
            boolean someoneShort = false;
            for (int i = 0; i < live.size(); i++) {
                if (!live.get(i).equals(me) && held.getOrDefault(live.get(i), 0) < quota(total, live.size(), i)) {
                    someoneShort = true;
                }
            }
            int free = 0;
            for (Partition p : partitions) {
                if (p.free(now)) {
                    free++;
                }
            }
            // Released partitions are free for the short node to claim; with enough already free, wait.
            if (someoneShort && free < mine - myQuota) {
                for (int i = partitions.size() - 1; i >= 0 && release.size() < mine - myQuota - free; i--) {
                    Partition p = partitions.get(i);
                    if (me.equals(p.owner()) && !p.free(now)) {
                        release.add(p.number());
                    }
                }
            }
        }
        return new Plan(List.copyOf(claim), List.copyOf(release));
    }
}
