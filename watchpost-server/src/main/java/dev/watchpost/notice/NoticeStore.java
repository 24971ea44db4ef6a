package dev.watchpost.notice;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchpost.store.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Notices and their updates in the database (tables of V8). */
final class NoticeStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PLAIN_UPDATE = "update";

    private final Database db;

    NoticeStore(Database db) {
        this.db = db;
    }

    /** Inserts a notice with its first update; returns the new id. */
    long insert(NoticeKind kind, String title, NoticeStatus status, List<String> targets, Instant startsAt,
                Optional<Instant> endsAt, Instant now, Optional<NoticeStatus> updateStatus, String message) {
        return db.write(c -> {
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO notice (kind, title, status, targets, starts_at, "
                    + "ends_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, kind.id());
                ps.setString(2, title);
                ps.setString(3, status.id());
                ps.setString(4, json(targets));
                ps.setLong(5, startsAt.toEpochMilli());
                setInstant(ps, 6, endsAt);
                ps.setLong(7, now.toEpochMilli());
                ps.setLong(8, now.toEpochMilli());
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            insertUpdate(c, id, now, updateStatus, message);
            return id;
        });
    }

    /** Replaces a notice's fields (not its kind, not its updates); false when it does not exist. */
    boolean update(long id, String title, NoticeStatus status, List<String> targets, Instant startsAt,
                   Optional<Instant> endsAt, Instant now) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE notice SET title = ?, status = ?, targets = ?, "
                    + "starts_at = ?, ends_at = ?, updated_at = ? WHERE id = ?")) {
                ps.setString(1, title);
                ps.setString(2, status.id());
                ps.setString(3, json(targets));
                ps.setLong(4, startsAt.toEpochMilli());
                setInstant(ps, 5, endsAt);
                ps.setLong(6, now.toEpochMilli());
                ps.setLong(7, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Appends an update and sets the notice's status and end in the same transaction. */
    void addUpdate(long id, Instant at, Optional<NoticeStatus> updateStatus, String message, NoticeStatus status,
                   Optional<Instant> endsAt) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE notice SET status = ?, ends_at = ?, updated_at = ? WHERE id = ?")) {
                ps.setString(1, status.id());
                setInstant(ps, 2, endsAt);
                ps.setLong(3, at.toEpochMilli());
                ps.setLong(4, id);
                ps.executeUpdate();
            }
            insertUpdate(c, id, at, updateStatus, message);
            return null;
        });
    }

    boolean delete(long id) {
        return db.write(c -> {
            try (PreparedStatement u = c.prepareStatement("DELETE FROM notice_update WHERE notice_id = ?")) {
                u.setLong(1, id);
                u.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM notice WHERE id = ?")) {
                ps.setLong(1, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    Optional<Notice> find(long id) {
        List<Notice> found = query("WHERE id = ?", ps -> ps.setLong(1, id));
        return found.stream().findFirst();
    }

    /** Notices still open, and those that finished at or after {@code finishedFrom}. */
    List<Notice> openOrFinishedSince(Instant finishedFrom) {
        return query("WHERE ends_at IS NULL OR ends_at >= ?", ps -> ps.setLong(1, finishedFrom.toEpochMilli()));
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<Notice> query(String where, Binder binder) {
        return db.read(c -> {
            Map<Long, Object[]> rows = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, kind, title, status, targets, starts_at, ends_at, "
                    + "created_at, updated_at FROM notice " + where + " ORDER BY id")) {
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long end = rs.getLong(7);
                        Optional<Instant> endsAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(end));
                        rows.put(rs.getLong(1), new Object[] {rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getLong(6), endsAt, rs.getLong(8), rs.getLong(9)});
                    }
                }
            }
            Map<Long, List<NoticeUpdate>> updates = updates(c, rows.keySet());
            List<Notice> out = new ArrayList<>();
            for (Map.Entry<Long, Object[]> e : rows.entrySet()) {
                Object[] r = e.getValue();
                Optional<NoticeKind> kind = NoticeKind.parse((String) r[0]);
                Optional<NoticeStatus> status = NoticeStatus.parse((String) r[2]);
                if (kind.isEmpty() || status.isEmpty()) {
                    continue; // written by a newer Watchpost; this one cannot show it faithfully
                }
                @SuppressWarnings("unchecked")
                Optional<Instant> endsAt = (Optional<Instant>) r[5];
                out.add(new Notice(e.getKey(), kind.get(), (String) r[1], status.get(), targets((String) r[3]),
                        Instant.ofEpochMilli((Long) r[4]), endsAt, Instant.ofEpochMilli((Long) r[6]),
                        Instant.ofEpochMilli((Long) r[7]), updates.getOrDefault(e.getKey(), List.of())));
            }
            return out;
        });
    }

    /** Updates of the given notices, newest first per notice. */
    private static Map<Long, List<NoticeUpdate>> updates(Connection c, java.util.Set<Long> ids) throws SQLException {
        Map<Long, List<NoticeUpdate>> out = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        List<Long> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += 500) {
            List<Long> chunk = all.subList(from, Math.min(all.size(), from + 500));
            String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement("SELECT id, notice_id, at, status, message FROM notice_update "
                    + "WHERE notice_id IN (" + marks + ") ORDER BY notice_id, at DESC, id DESC")) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setLong(i + 1, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.computeIfAbsent(rs.getLong(2), k -> new ArrayList<>()).add(new NoticeUpdate(rs.getLong(1),
                                rs.getLong(2), Instant.ofEpochMilli(rs.getLong(3)), NoticeStatus.parse(rs.getString(4)),
                                rs.getString(5)));
                    }
                }
            }
        }
        return out;
    }

    private static void insertUpdate(Connection c, long noticeId, Instant at, Optional<NoticeStatus> status,
                                     String message) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO notice_update (notice_id, at, status, message) VALUES (?, ?, ?, ?)")) {
            ps.setLong(1, noticeId);
            ps.setLong(2, at.toEpochMilli());
            ps.setString(3, status.map(NoticeStatus::id).orElse(PLAIN_UPDATE));
            ps.setString(4, message);
            ps.executeUpdate();
        }
    }

    private static void setInstant(PreparedStatement ps, int i, Optional<Instant> t) throws SQLException {
        if (t.isPresent()) {
            ps.setLong(i, t.get().toEpochMilli());
        } else {
            ps.setNull(i, Types.BIGINT);
        }
    }

    private static String json(List<String> targets) {
        try {
            return JSON.writeValueAsString(targets);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> targets(String json) {
        try {
            return JSON.readValue(json, new TypeReference<List<String>>() { });
        } catch (Exception e) {
            return List.of(); // a damaged row loses its targets, not the notice
        }
    }
}
