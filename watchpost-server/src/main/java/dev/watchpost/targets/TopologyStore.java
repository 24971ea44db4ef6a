package dev.watchpost.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchpost.live.GroupDef;
import dev.watchpost.live.Lease;
import dev.watchpost.live.LeasePolicy;
import dev.watchpost.live.TargetDef;
import dev.watchpost.live.TargetRef;
import dev.watchpost.live.Transition;
import dev.watchpost.live.State;
import dev.watchpost.store.Database;
import dev.watchpost.store.SecretBox;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Groups and targets made through the API (config-file ones are not stored: the file is their source).
 * A target's declaration can hold secrets (its ping key, a probe's headers and body, a composite's
 * webhook URL), so it is stored sealed, and the unique ping-key column holds a keyed digest.
 */
public final class TopologyStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database db;
    private final SecretBox box;

    public TopologyStore(Database db, SecretBox box) {
        this.db = db;
        this.box = box;
    }

    /** Where a target's sealed declaration lives: what its ciphertext is bound to. */
    public static String sealedAt(String targetId) {
        return "target/" + targetId;
    }

    void saveGroup(GroupDef g, Instant now) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO target_group (id, parent_id, name, shards, lease_ms, source, created_at, is_public) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (id) DO UPDATE SET name = excluded.name, lease_ms = excluded.lease_ms, "
                            + "is_public = excluded.is_public")) {
                ps.setString(1, g.id());
                ps.setString(2, g.parentId().orElse(null));
                ps.setString(3, g.name());
                ps.setInt(4, g.shards());
                Optional<Long> leaseMs = g.lease().filter(l -> l instanceof Lease).map(l -> ((Lease) l).timeout().toMillis());
                if (leaseMs.isPresent()) {
                    ps.setLong(5, leaseMs.get());
                } else {
                    ps.setNull(5, Types.BIGINT);
                }
                ps.setString(6, g.source());
                ps.setLong(7, now.toEpochMilli());
                ps.setInt(8, g.isPublic() ? 1 : 0);
                ps.executeUpdate();
            }
            return null;
        });
    }

    List<GroupDef> groups() {
        return db.read(c -> {
            List<GroupDef> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, name, shards, lease_ms, source, is_public FROM target_group ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long leaseMs = rs.getLong(4);
                    Optional<LeasePolicy> lease = rs.wasNull() ? Optional.empty()
                            : Optional.of(new Lease(Duration.ofMillis(leaseMs)));
                    out.add(new GroupDef(rs.getString(1), rs.getString(2), rs.getInt(3), lease, rs.getString(5),
                            rs.getInt(6) != 0));
                }
            }
            return out;
        });
    }

    /** Deletes a group and its shards' saved states (a group created again later starts afresh). */
    boolean deleteGroup(String id, int shards) {
        return db.write(c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM target_state WHERE target_id = ?")) {
                for (int i = 0; i < shards; i++) {
                    st.setString(1, id + "/" + i);
                    st.addBatch();
                    if (i % 1000 == 999) {
                        st.executeBatch();
                    }
                }
                st.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM target_group WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    void saveTarget(TargetDef t, JsonNode spec, Instant now) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO target (id, group_id, kind, name, spec, ping_key, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (id) DO UPDATE SET group_id = excluded.group_id, kind = excluded.kind, "
                            + "name = excluded.name, spec = excluded.spec, ping_key = excluded.ping_key")) {
                ps.setString(1, t.id());
                ps.setString(2, t.groupId().orElse(null));
                ps.setString(3, t.kind().id());
                ps.setString(4, t.name());
                ps.setString(5, box.seal(sealedAt(t.id()), spec.toString()));
                ps.setString(6, t.pingKey().map(box::digest).orElse(null));
                ps.setString(7, t.source());
                ps.setLong(8, now.toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Stored target specs as written, to be parsed like config-file ones. */
    List<JsonNode> targetSpecs() {
        return db.read(c -> {
            List<JsonNode> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, spec FROM target ORDER BY created_at, id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String spec = box.open(sealedAt(rs.getString(1)), rs.getString(2));
                    try {
                        out.add(JSON.readTree(spec));
                    } catch (Exception e) {
                        throw new IllegalStateException("stored target spec is not JSON: " + e.getMessage(), e);
                    }
                }
            }
            return out;
        });
    }

    /** One stored target's spec, or empty when there is none. */
    java.util.Optional<JsonNode> targetSpec(String id) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT spec FROM target WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return java.util.Optional.<JsonNode>empty();
                    }
                    try {
                        return java.util.Optional.of(JSON.readTree(box.open(sealedAt(id), rs.getString(1))));
                    } catch (Exception e) {
                        throw new IllegalStateException("stored target spec is not JSON: " + e.getMessage(), e);
                    }
                }
            }
        });
    }

    boolean deleteTarget(String id) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM target WHERE id = ?")) {
                ps.setString(1, id);
                boolean gone = ps.executeUpdate() > 0;
                try (PreparedStatement st = c.prepareStatement("DELETE FROM target_state WHERE target_id = ?")) {
                    st.setString(1, id);
                    st.executeUpdate();
                }
                return gone;
            }
        });
    }

    /** The most recent transitions of a target, newest first. */
    public List<Transition> recentTransitions(TargetRef target, int limit) {
        String targetId = target.id();
        return db.read(c -> {
            List<Transition> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT from_state, to_state, at, reason FROM transition WHERE target_id = ? ORDER BY at DESC, id DESC LIMIT ?")) {
                ps.setString(1, targetId);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Optional<State> from = State.parse(rs.getString(1));
                        Optional<State> to = State.parse(rs.getString(2));
                        if (from.isPresent() && to.isPresent() && from.get() != to.get()) {
                            out.add(new Transition(target, from.get(), to.get(), Instant.ofEpochMilli(rs.getLong(3)),
                                    rs.getString(4)));
                        }
                    }
                }
            }
            return out;
        });
    }
}
