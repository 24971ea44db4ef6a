package dev.watchpost.cluster;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The cluster as the operator dashboard shows it: read-only, and the same on a single node (where
 * both answers are empty), so the dashboard needs neither {@link Membership} nor cluster mode.
 */
public interface ClusterStatus {

    /** What this node last read of the cluster ({@link Membership#view()}); empty on a single node. */
    Optional<ClusterView> view();

    /** Reports this node passed to their owner since it started; empty on a single node. */
    OptionalLong forwarded();

    /** A single node's: no cluster. */
    ClusterStatus SINGLE = new ClusterStatus() {
        @Override
        public Optional<ClusterView> view() {
            return Optional.empty();
        }

        @Override
        public OptionalLong forwarded() {
            return OptionalLong.empty();
        }
    };

    /** Over this node's membership, or {@link #SINGLE} without one. */
    static ClusterStatus of(Optional<Membership> membership) {
        if (membership.isEmpty()) {
            return SINGLE;
        }
        Membership m = membership.get();
        return new ClusterStatus() {
            @Override
            public Optional<ClusterView> view() {
                return Optional.of(m.view());
            }

            @Override
            public OptionalLong forwarded() {
                return m.forwarded();
            }
        };
    }
}
