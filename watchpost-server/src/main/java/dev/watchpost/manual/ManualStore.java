package dev.watchpost.manual;

import dev.watchpost.live.Severity;
import dev.watchpost.store.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The status catalog, the events and the service lists in the database (tables {@code manual_status},
 * {@code manual_event}, {@code manual_list}, {@code manual_list_member}).
 */
final class ManualStore {

    private static final String EVENT_COLUMNS = "sid, target_id, at, status, message, informational";

    private final Database db;

    ManualStore(Database db) {
        this.db = db;
    }

    // ---------------------------------------------------------------- statuses

    /** Every status, built-in ones first, then in the order they were created. */
    List<ManualStatus> statuses() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT slug, name, description, image, severity, is_default FROM manual_status ORDER BY created_at, slug");
                 ResultSet rs = ps.executeQuery()) {
                List<ManualStatus> out = new ArrayList<>();
                while (rs.next()) {
                    // A severity a newer version introduced does not parse; such a row is skipped, not fatal.
                    Optional<Severity> severity = ManualStatus.parseSeverity(rs.getString(5));
                    if (severity.isPresent()) {
                        out.add(new ManualStatus(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                severity.get(), rs.getBoolean(6)));
                    }
                }
                return out;
            }
        });
    }

    /** Inserts a status; when it is the default, the previous default stops being one (same transaction). */
    void insertStatus(ManualStatus s, Instant now) {
        db.write(c -> {
            if (s.isDefault()) {
                clearDefault(c);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO manual_status (slug, name, description, image, severity, is_default, created_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, s.slug());
                ps.setString(2, s.name());
                ps.setString(3, s.description());
                ps.setString(4, s.image());
                ps.setString(5, ManualStatus.severityId(s.severity()));
                ps.setBoolean(6, s.isDefault());
                ps.setLong(7, now.toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Replaces a status's fields (not its slug); when it becomes the default, the previous one stops being one. */
    void updateStatus(ManualStatus s) {
        db.write(c -> {
            if (s.isDefault()) {
                clearDefault(c);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE manual_status SET name = ?, description = ?, image = ?, severity = ?, is_default = ? WHERE slug = ?")) {
                ps.setString(1, s.name());
                ps.setString(2, s.description());
                ps.setString(3, s.image());
                ps.setString(4, ManualStatus.severityId(s.severity()));
                ps.setBoolean(5, s.isDefault());
                ps.setString(6, s.slug());
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static void clearDefault(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE manual_status SET is_default = ? WHERE is_default = ?")) {
            ps.setBoolean(1, false);
            ps.setBoolean(2, true);
            ps.executeUpdate();
        }
    }

    /**
     * Deletes the status unless events use it.
     *
     * @return how many events use it: 0 means it was deleted
     */
    long deleteStatusIfUnused(String slug) {
        return db.write(c -> {
            long using = eventsUsing(c, slug);
            if (using == 0) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM manual_status WHERE slug = ?")) {
                    ps.setString(1, slug);
                    ps.executeUpdate();
                }
            }
            return using;
        });
    }

    long eventsUsing(String slug) {
        return db.read(c -> eventsUsing(c, slug));
    }

    private static long eventsUsing(Connection c, String slug) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM manual_event WHERE status = ?")) {
            ps.setString(1, slug);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    // ---------------------------------------------------------------- events

    ManualEvent insertEvent(String targetId, Instant at, String status, String message, boolean informational) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO manual_event (target_id, at, status, message, informational) VALUES (?, ?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, targetId);
                ps.setLong(2, at.toEpochMilli());
                ps.setString(3, status);
                ps.setString(4, message);
                ps.setBoolean(5, informational);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return new ManualEvent(keys.getLong(1), targetId, Instant.ofEpochMilli(at.toEpochMilli()), status,
                            message, informational);
                }
            }
        });
    }

    /** The target's events recorded between {@code fromMs} and {@code toMs} (both inclusive), newest first. */
    List<ManualEvent> events(String targetId, long fromMs, long toMs) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + EVENT_COLUMNS
                    + " FROM manual_event WHERE target_id = ? AND at >= ? AND at <= ? ORDER BY at DESC, sid DESC")) {
                ps.setString(1, targetId);
                ps.setLong(2, fromMs);
                ps.setLong(3, toMs);
                return list(ps);
            }
        });
    }

    Optional<ManualEvent> event(String targetId, long sid) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + EVENT_COLUMNS
                    + " FROM manual_event WHERE sid = ? AND target_id = ?")) {
                ps.setLong(1, sid);
                ps.setString(2, targetId);
                return list(ps).stream().findFirst();
            }
        });
    }

    /** The target's newest event that is not informational. */
    Optional<ManualEvent> current(String targetId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + EVENT_COLUMNS
                    + " FROM manual_event WHERE target_id = ? AND informational = ? ORDER BY at DESC, sid DESC LIMIT 1")) {
                ps.setString(1, targetId);
                ps.setBoolean(2, false);
                return list(ps).stream().findFirst();
            }
        });
    }

    /** Every target's newest event that is not informational (one query, for start-up). */
    Map<String, ManualEvent> currentEvents() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + EVENT_COLUMNS + " FROM manual_event e"
                    + " WHERE informational = ? AND NOT EXISTS (SELECT 1 FROM manual_event n WHERE n.target_id = e.target_id"
                    + " AND n.informational = ? AND (n.at > e.at OR (n.at = e.at AND n.sid > e.sid)))")) {
                ps.setBoolean(1, false);
                ps.setBoolean(2, false);
                Map<String, ManualEvent> out = new HashMap<>();
                for (ManualEvent e : list(ps)) {
                    out.put(e.targetId(), e);
                }
                return out;
            }
        });
    }

    /** The ids of targets that have any event. */
    Set<String> targetsWithEvents() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT target_id FROM manual_event");
                 ResultSet rs = ps.executeQuery()) {
                Set<String> out = new HashSet<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        });
    }

    boolean deleteEvent(String targetId, long sid) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM manual_event WHERE sid = ? AND target_id = ?")) {
                ps.setLong(1, sid);
                ps.setString(2, targetId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    void deleteEvents(String targetId) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM manual_event WHERE target_id = ?")) {
                ps.setString(1, targetId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- service lists

    /** Every service list, by name. */
    List<ServiceList> lists() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT slug, name, description FROM manual_list ORDER BY name, slug");
                 ResultSet rs = ps.executeQuery()) {
                List<ServiceList> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new ServiceList(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
                return out;
            }
        });
    }

    void insertList(ServiceList l, Instant now) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO manual_list (slug, name, description, created_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, l.slug());
                ps.setString(2, l.name());
                ps.setString(3, l.description());
                ps.setLong(4, now.toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    void updateList(ServiceList l) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE manual_list SET name = ?, description = ? WHERE slug = ?")) {
                ps.setString(1, l.name());
                ps.setString(2, l.description());
                ps.setString(3, l.slug());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Deletes the list; its targets are left in no list (same transaction). */
    void deleteList(String slug) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM manual_list_member WHERE list_slug = ?")) {
                ps.setString(1, slug);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM manual_list WHERE slug = ?")) {
                ps.setString(1, slug);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Each target in a list, with its list's slug. */
    Map<String, String> members() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT target_id, list_slug FROM manual_list_member");
                 ResultSet rs = ps.executeQuery()) {
                Map<String, String> out = new HashMap<>();
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
                return out;
            }
        });
    }

    /** Puts the target in the list (leaving any other), or in none when {@code listSlug} is null. */
    void setMember(String targetId, String listSlug) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM manual_list_member WHERE target_id = ?")) {
                ps.setString(1, targetId);
                ps.executeUpdate();
            }
            if (listSlug != null) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO manual_list_member (target_id, list_slug) VALUES (?, ?)")) {
                    ps.setString(1, targetId);
                    ps.setString(2, listSlug);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    private static List<ManualEvent> list(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            List<ManualEvent> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new ManualEvent(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                        rs.getString(4), rs.getString(5), rs.getBoolean(6)));
            }
            return out;
        }
    }
}
