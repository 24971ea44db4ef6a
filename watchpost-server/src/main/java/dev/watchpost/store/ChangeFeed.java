package dev.watchpost.store;

/**
 * Where a feature says that something users configure through the API (a target, a group, an alert
 * channel, a notice…) changed in the store, after the change is committed. On a single node nothing
 * listens ({@link #NONE}); in cluster mode every other node hears it and reads that kind of object
 * from the store again, so an object made through one node exists on all of them.
 */
public interface ChangeFeed {

    /** What changed: each kind has one reader on every node. */
    enum Kind {
        /** A target made, replaced or removed through the API; the id is the target's. */
        TARGET,
        /** A group made, replaced or removed through the API; the id is the group's. */
        GROUP,
        /** Alert channels or rules; the id names the one that changed. */
        ALERTS,
        /** Incidents and maintenance notices. */
        NOTICES,
        /** Manual statuses, service lists and status events. */
        MANUAL,
        /** API tokens issued or revoked. */
        TOKENS,
        /** Argus Fleet members registered, moved or pruned. */
        ARGUS
    }

    /** A single node: nobody else to tell. */
    ChangeFeed NONE = (kind, id) -> {
    };

    /** Tells the other nodes; never throws (they also read everything again after losing contact). */
    void changed(Kind kind, String id);
}
