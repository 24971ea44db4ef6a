package dev.watchpost.live;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A target as declared. Shards of a sharded group are not declared one by one; they share their
 * group's definition.
 *
 * @param groupId the group it belongs to, if any
 * @param kind    what it is, which decides who sets its state
 * @param lease   for push targets: when silence becomes Unhealthy; empty = never expires
 * @param pingKey the secret key for {@code /ping/{key}} URLs, if the target accepts cron-style pings
 * @param isPublic false when declared {@code public: false}: anonymous readers never see it (a
 *                 private group hides it too, whatever it says; see {@link Visibility})
 */
public record TargetDef(String id, String name, Optional<String> groupId, TargetKind kind, Optional<LeasePolicy> lease,
                        Optional<String> pingKey, String source, boolean isPublic) {

    public static final Pattern ID = GroupDef.ID;
    /** A tag targets can carry (alert rules select by tags): lower-case letters, digits, '.', '_', '-'. */
    public static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    public static final Pattern PING_KEY = Pattern.compile("[A-Za-z0-9_-]{8,128}");

    public TargetDef {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(pingKey, "pingKey");
        Objects.requireNonNull(source, "source");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("target id '" + id + "' must be lower-case path segments of a-z, 0-9, '.', '_', '-' separated by '/'");
        }
        pingKey.ifPresent(k -> {
            if (!PING_KEY.matcher(k).matches()) {
                throw new IllegalArgumentException("ping key must be 8-128 characters of A-Z, a-z, 0-9, '_', '-'");
            }
        });
    }

    /** A public target: shown to everyone who may read. */
    public TargetDef(String id, String name, Optional<String> groupId, TargetKind kind, Optional<LeasePolicy> lease,
                     Optional<String> pingKey, String source) {
        this(id, name, groupId, kind, lease, pingKey, source, true);
    }
}
