package dev.watchpost.live;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One target's live state. Every field below the final ones is guarded by the cell's monitor; the
 * lock is uncontended almost always (one target, one reporter), so it costs a few nanoseconds.
 * Kept small on purpose: a million of these must fit in a few hundred MB.
 */
final class TargetCell {

    final String id;
    /** Null for shards: they share their group's definition. */
    final TargetDef def;
    final GroupNode group;
    final int shard;
    /** Position in the snapshot's target array (registration order). */
    final int pos;

    State state = State.UNKNOWN;
    long since;
    long lastSeen = -1;
    long deadline = Long.MAX_VALUE;
    String message;
    double latency = Double.NaN;
    ObjectNode metrics;

    /** A run was started ({@code /start}) and nothing has been heard since: the lease counts from the start. */
    boolean started;
    boolean snapshotDirty;
    boolean checkpointDirty;
    boolean pinged;
    boolean removed;
    /** Non-null while the target is held in maintenance ({@link LiveState#hold}). */
    Hold hold;

    /** Links of the dirty lists (see {@link DirtyList}). */
    TargetCell nextSnapshotDirty;
    TargetCell nextCheckpointDirty;

    /**
     * Neighbours in the same lease-wheel slot (the first one's previous is the slot's sentinel;
     * null when in no slot); touched only by the wheel's thread.
     */
    TargetCell wheelNext;
    TargetCell wheelPrev;

    TargetCell(String id, TargetDef def, GroupNode group, int shard, int pos) {
        this.id = id;
        this.def = def;
        this.group = group;
        this.shard = shard;
        this.pos = pos;
    }

    LeasePolicy lease() {
        if (def != null) {
            return def.lease().orElse(null);
        }
        return group.shardLease();
    }

    /** Which target this is, for the changes made to it. */
    TargetRef ref() {
        return def == null ? new TargetRef(id, TargetKind.PUSH, group.id(), shard)
                : new TargetRef(id, def.kind(), group == null ? null : group.id(), shard);
    }

    /** Caller holds the monitor. */
    TargetView view() {
        if (def == null) {
            // Shards share their group's name and lease text: nothing per shard but the view itself.
            return new TargetView(id, group.def().name(), TargetKind.PUSH, group.id(), shard, state, since, lastSeen, deadline,
                    message, latency, metrics, group.shardLeaseText());
        }
        LeasePolicy lease = lease();
        return new TargetView(id, def.name(), def.kind(), group == null ? null : group.id(), shard,
                state, since, lastSeen, deadline, message, latency, metrics, lease == null ? null : lease.describe());
    }
}
