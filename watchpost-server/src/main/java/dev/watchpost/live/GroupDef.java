package dev.watchpost.live;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A group as declared (config file, API or a protocol's first contact).
 *
 * @param id     the path ("bots", "bots/main"); the parent is the path without its last segment
 * @param shards 0 for an ordinary group; N for a sharded group owning push targets {@code id/0..N-1}
 * @param lease  the lease of its shards (required when sharded)
 * @param source config, api or protocol
 * @param isPublic false when declared {@code public: false}: the group, its nested groups and every
 *                 target inside are hidden from anonymous readers (see {@link Visibility})
 */
public record GroupDef(String id, String name, int shards, Optional<LeasePolicy> lease, String source, boolean isPublic) {

    /** Ids: lower-case path segments of letters, digits, '-', '_' and '.', separated by '/'. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}(/[a-z0-9][a-z0-9._-]{0,63}){0,7}");

    public static final int MAX_SHARDS = 1_000_000;

    public GroupDef {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(source, "source");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("group id '" + id + "' must be lower-case path segments of a-z, 0-9, '.', '_', '-' separated by '/'");
        }
        if (shards < 0 || shards > MAX_SHARDS) {
            throw new IllegalArgumentException("group '" + id + "': shards must be 0.." + MAX_SHARDS + ", got " + shards);
        }
        if (shards > 0 && lease.isEmpty()) {
            throw new IllegalArgumentException("sharded group '" + id + "' needs a lease");
        }
    }

    /** A public group. */
    public GroupDef(String id, String name, int shards, Optional<LeasePolicy> lease, String source) {
        this(id, name, shards, lease, source, true);
    }

    public Optional<String> parentId() {
        int slash = id.lastIndexOf('/');
        return slash < 0 ? Optional.empty() : Optional.of(id.substring(0, slash));
    }

    /** The last path segment: Glance's cluster name for a sharded group. */
    public String leaf() {
        return id.substring(id.lastIndexOf('/') + 1);
    }

    public boolean sharded() {
        return shards > 0;
    }
}
