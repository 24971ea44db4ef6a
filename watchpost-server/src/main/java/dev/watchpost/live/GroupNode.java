package dev.watchpost.live;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A group in the live state: its definition plus counters of its targets' states (including those
 * of nested groups), kept current on every transition so roll-ups never scan targets.
 */
public final class GroupNode {

    private volatile GroupDef def;
    private final GroupNode parent;
    private final AtomicIntegerArray counts = new AtomicIntegerArray(State.values().length);
    /** The same for its own members only (its shards, the targets whose group it is), not nested groups'. */
    private final AtomicIntegerArray own = new AtomicIntegerArray(State.values().length);
    private volatile LeasePolicy shardLease;
    /** The shards' lease as text, made once: every shard's view shares it. */
    private volatile String shardLeaseText;
    /** Private, or inside a private group: kept by the live state whenever a group is defined. */
    private volatile boolean hidden;

    GroupNode(GroupDef def, GroupNode parent) {
        this.def = def;
        this.parent = parent;
        this.shardLease = def.lease().orElse(null);
        this.shardLeaseText = shardLease == null ? null : shardLease.describe();
    }

    /** Takes a new definition (name, lease); the shard count must not change. */
    GroupNode withDef(GroupDef newDef) {
        this.def = newDef;
        this.shardLease = newDef.lease().orElse(null);
        this.shardLeaseText = shardLease == null ? null : shardLease.describe();
        return this;
    }

    public GroupDef def() {
        return def;
    }

    public String id() {
        return def.id();
    }

    public Optional<GroupNode> parent() {
        return Optional.ofNullable(parent);
    }

    /** Whether anonymous readers are kept from this group (see {@link Visibility}). */
    public boolean hidden() {
        return hidden;
    }

    /** Decides {@link #hidden()} again from the definitions; true when it changed. Parents first. */
    boolean decideHidden() {
        boolean h = !def.isPublic() || (parent != null && parent.hidden);
        boolean changed = h != hidden;
        hidden = h;
        return changed;
    }

    LeasePolicy shardLease() {
        return shardLease;
    }

    String shardLeaseText() {
        return shardLeaseText;
    }

    /** Moves one target from {@code from} to {@code to} here and in every ancestor. */
    void count(State from, State to) {
        if (from != null) {
            own.decrementAndGet(from.ordinal());
        }
        if (to != null) {
            own.incrementAndGet(to.ordinal());
        }
        for (GroupNode g = this; g != null; g = g.parent) {
            if (from != null) {
                g.counts.decrementAndGet(from.ordinal());
            }
            if (to != null) {
                g.counts.incrementAndGet(to.ordinal());
            }
        }
    }

    int[] counts() {
        int[] out = new int[counts.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = counts.get(i);
        }
        return out;
    }

    /**
     * Its own members (its shards, and the targets whose group it is; not those of groups inside
     * it) per state, indexed by {@link State#ordinal()}: O(1), kept current with every change.
     */
    public int[] memberCounts() {
        int[] out = new int[own.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = own.get(i);
        }
        return out;
    }
}
