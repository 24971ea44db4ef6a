package dev.watchpost.live;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

/**
 * Which targets this process acts for: expires, checkpoints and records transitions of. A single
 * node acts for all ({@link #SOLE}); in cluster mode each node owns some partitions of the targets
 * and another node may take them at any moment.
 */
public interface Ownership {

    /** A single node: every target is its own and nothing is ever fenced. */
    Ownership SOLE = new Ownership() {
        @Override
        public boolean owns(String targetId) {
            return true;
        }

        @Override
        public Set<String> fenced(Connection c, java.util.Map<String, Long> earliestAt) {
            return Set.of();
        }
    };

    /** Whether this node acts for {@code targetId} now (memory only: called on the expiry path). */
    boolean owns(String targetId);

    /**
     * Inside a write transaction: the targets of {@code earliestAt} (target → epoch ms of its
     * earliest change in the batch) this node may not write for: another node owns them now, or
     * this node owns them again since a time after the change was made (a change made under an
     * ownership that was lost is stale even when the partition came back). What it checked stays
     * locked until the transaction ends, so ownership cannot change hands before the commit.
     */
    Set<String> fenced(Connection c, java.util.Map<String, Long> earliestAt) throws SQLException;
}
