package dev.watchpost.live;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A target's state at one moment, as readers see it. Immutable ({@code metrics} is never modified
 * after it was received).
 *
 * @param name     the target's name; for a shard, its group's name (see {@link #name()})
 * @param shard    the shard number for shards of a sharded group, else -1
 * @param since    epoch ms of the last state change (0 if never changed)
 * @param lastSeen epoch ms of the last report, or -1
 * @param deadline epoch ms when the lease runs out, or {@link Long#MAX_VALUE} when it cannot
 */
public record TargetView(String id, String name, TargetKind kind, String groupId, int shard, State state, long since,
                         long lastSeen, long deadline, String message, double latencyMs, ObjectNode metrics,
                         String lease) {

    /** Which target this is, as a change about it names it. */
    public TargetRef ref() {
        return new TargetRef(id, kind, groupId, shard);
    }

    /** The display name: for shards, the group's name and the shard number ("Main bot #17"). */
    @Override
    public String name() {
        return shard >= 0 ? name + " #" + shard : name;
    }
}
