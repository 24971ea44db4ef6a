package dev.watchpost.live;

import java.util.Objects;

/**
 * Which target a change is about, with what its listeners need to know of it without looking it up
 * again (alert rules select by group, Glance's feed names a shard by cluster and number).
 *
 * @param groupId the group it belongs to, or null
 * @param shard   its shard number when it is a shard of a sharded group, else -1
 */
public record TargetRef(String id, TargetKind kind, String groupId, int shard) {

    public TargetRef {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
    }
}
