package dev.watchpost.composite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchpost.live.State;
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

/**
 * Health events and availability actions in the database (tables of migration V6). Every method is
 * one transaction; safe from any thread.
 */
final class CompositeStore {

    /** Actions kept per composite: the newest, a pending one always among them. */
    static final int ACTIONS_KEPT = 20;
    /** Attempts kept per action (the count in the action row goes on). */
    static final int ATTEMPTS_KEPT = 100;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> TEXTS = new TypeReference<>() { };
    private static final TypeReference<LinkedHashMap<String, Boolean>> PART_OK = new TypeReference<>() { };

    private final Database db;

    CompositeStore(Database db) {
        this.db = db;
    }

    /** A new availability action to write with its event. */
    record NewAction(boolean available, boolean healthy, List<String> issues, Instant changedAt) {
    }

    /**
     * Appends an event (keeping the newest {@code keep}) and, when given, a pending action that
     * supersedes any still pending for the composite; all or nothing.
     *
     * @return the new action's id, or -1 when none was given
     */
    long record(String targetId, HealthEvent e, int keep, Optional<NewAction> action) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO composite_event (target_id, at, state, healthy, available, issues, parts) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, targetId);
                ps.setLong(2, e.at().toEpochMilli());
                ps.setString(3, e.state().id());
                ps.setInt(4, e.healthy() ? 1 : 0);
                ps.setInt(5, e.available() ? 1 : 0);
                ps.setString(6, json(e.issues()));
                ps.setString(7, json(e.parts()));
                ps.executeUpdate();
            }
            trimEvents(c, targetId, keep);
            if (action.isEmpty()) {
                return -1L;
            }
            NewAction a = action.get();
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE composite_action SET status = 'superseded', next_at = NULL, finished_at = ? "
                            + "WHERE target_id = ? AND status = 'pending'")) {
                ps.setLong(1, a.changedAt().toEpochMilli());
                ps.setString(2, targetId);
                ps.executeUpdate();
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO composite_action (target_id, available, healthy, issues, changed_at, status, attempts, next_at) "
                            + "VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, targetId);
                ps.setInt(2, a.available() ? 1 : 0);
                ps.setInt(3, a.healthy() ? 1 : 0);
                ps.setString(4, json(a.issues()));
                ps.setLong(5, a.changedAt().toEpochMilli());
                ps.setLong(6, a.changedAt().toEpochMilli());
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            trimActions(c, targetId);
            return id;
        });
    }

    /** The newest {@code limit} events of a composite, oldest first. */
    List<HealthEvent> events(String targetId, int limit) {
        return db.read(c -> {
            List<HealthEvent> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT at, state, healthy, available, issues, parts FROM composite_event WHERE target_id = ? "
                            + "ORDER BY id DESC LIMIT ?")) {
                ps.setString(1, targetId);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new HealthEvent(Instant.ofEpochMilli(rs.getLong(1)),
                                State.parse(rs.getString(2)).orElse(State.UNKNOWN), rs.getInt(3) != 0,
                                rs.getInt(4) != 0, read(rs.getString(5), TEXTS), read(rs.getString(6), PART_OK)));
                    }
                }
            }
            java.util.Collections.reverse(out);
            return out;
        });
    }

    /**
     * Records an attempt and its consequence for the action: delivered, or pending until {@code retryAt}.
     * An action superseded or abandoned meanwhile keeps that status; the attempt is recorded all the
     * same. An action deleted meanwhile (its composite was removed) records nothing.
     */
    void attempted(long actionId, Attempt a, Optional<Instant> retryAt) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE composite_action SET attempts = attempts + 1 WHERE id = ?")) {
                ps.setLong(1, actionId);
                if (ps.executeUpdate() == 0) {
                    return null; // its composite was removed meanwhile
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO composite_attempt (action_id, at, url, status_code, error) VALUES (?, ?, ?, ?, ?)")) {
                ps.setLong(1, actionId);
                ps.setLong(2, a.at().toEpochMilli());
                ps.setString(3, a.url());
                if (a.statusCode().isPresent()) {
                    ps.setInt(4, a.statusCode().get());
                } else {
                    ps.setNull(4, Types.INTEGER);
                }
                ps.setString(5, a.error().orElse(null));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(retryAt.isPresent()
                    ? "UPDATE composite_action SET next_at = ? WHERE id = ? AND status = 'pending'"
                    : "UPDATE composite_action SET status = 'delivered', next_at = NULL, finished_at = ? "
                    + "WHERE id = ? AND status = 'pending'")) {
                ps.setLong(1, retryAt.orElse(a.at()).toEpochMilli());
                ps.setLong(2, actionId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM composite_attempt WHERE action_id = ? AND id <= (SELECT id FROM composite_attempt "
                            + "WHERE action_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)")) {
                ps.setLong(1, actionId);
                ps.setLong(2, actionId);
                ps.setInt(3, ATTEMPTS_KEPT);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Marks a composite's pending action abandoned (its webhook was removed). */
    void abandon(String targetId, Instant now) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE composite_action SET status = 'abandoned', next_at = NULL, finished_at = ? "
                            + "WHERE target_id = ? AND status = 'pending'")) {
                ps.setLong(1, now.toEpochMilli());
                ps.setString(2, targetId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Every pending action (at most one per composite), to resume after a restart. */
    List<Action> pending() {
        return db.read(c -> actions(c, "WHERE status = 'pending' ORDER BY id", ps -> { }, 0));
    }

    /** The newest {@code limit} actions of a composite, newest first, each with its newest attempts. */
    List<Action> recent(String targetId, int limit, int attemptsEach) {
        return db.read(c -> actions(c, "WHERE target_id = ? ORDER BY id DESC LIMIT ?", ps -> {
            ps.setString(1, targetId);
            ps.setInt(2, limit);
        }, attemptsEach));
    }

    /** Forgets a composite's events and actions (it was removed; one made again later starts afresh). */
    void delete(String targetId) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM composite_attempt WHERE action_id IN "
                    + "(SELECT id FROM composite_action WHERE target_id = ?)")) {
                ps.setString(1, targetId);
                ps.executeUpdate();
            }
            for (String table : List.of("composite_action", "composite_event")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE target_id = ?")) {
                    ps.setString(1, targetId);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- helpers

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private static List<Action> actions(Connection c, String where, Binder binder, int attemptsEach) throws SQLException {
        List<Action> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, target_id, available, healthy, issues, changed_at, status, attempts, next_at "
                        + "FROM composite_action " + where)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    long next = rs.getLong(9);
                    Optional<Instant> nextAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(next));
                    out.add(new Action(id, rs.getString(2), rs.getInt(3) != 0, rs.getInt(4) != 0,
                            read(rs.getString(5), TEXTS), Instant.ofEpochMilli(rs.getLong(6)),
                            Action.Status.parse(rs.getString(7)), rs.getInt(8), nextAt, List.of()));
                }
            }
        }
        if (attemptsEach <= 0) {
            return out;
        }
        List<Action> withLog = new ArrayList<>(out.size());
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT at, url, status_code, error FROM composite_attempt WHERE action_id = ? ORDER BY id DESC LIMIT ?")) {
            for (Action a : out) {
                ps.setLong(1, a.id());
                ps.setInt(2, attemptsEach);
                List<Attempt> log = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int code = rs.getInt(3);
                        Optional<Integer> status = rs.wasNull() ? Optional.empty() : Optional.of(code);
                        log.add(new Attempt(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), status,
                                Optional.ofNullable(rs.getString(4))));
                    }
                }
                java.util.Collections.reverse(log);
                withLog.add(new Action(a.id(), a.targetId(), a.available(), a.healthy(), a.issues(), a.changedAt(),
                        a.status(), a.attempts(), a.nextAttempt(), log));
            }
        }
        return withLog;
    }

    private static void trimEvents(Connection c, String targetId, int keep) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM composite_event WHERE target_id = ? AND id <= (SELECT id FROM composite_event "
                        + "WHERE target_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)")) {
            ps.setString(1, targetId);
            ps.setString(2, targetId);
            ps.setInt(3, keep);
            ps.executeUpdate();
        }
    }

    /** Keeps the newest {@link #ACTIONS_KEPT} actions of a composite, and always a pending one. */
    private static void trimActions(Connection c, String targetId) throws SQLException {
        String old = "SELECT id FROM composite_action WHERE target_id = ? AND status <> 'pending' AND id <= "
                + "(SELECT id FROM composite_action WHERE target_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)";
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM composite_attempt WHERE action_id IN (" + old + ")")) {
            ps.setString(1, targetId);
            ps.setString(2, targetId);
            ps.setInt(3, ACTIONS_KEPT);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM composite_action WHERE id IN (" + old + ")")) {
            ps.setString(1, targetId);
            ps.setString(2, targetId);
            ps.setInt(3, ACTIONS_KEPT);
            ps.executeUpdate();
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored composite JSON is not readable: " + e.getOriginalMessage(), e);
        }
    }
}
