package dev.watchpost.alert;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The alerts' outbox and delivery history (tables of migration V7). Methods taking a
 * {@link Connection} run inside the caller's transaction (the transition writer's); the others are
 * one transaction each. Safe from any thread.
 */
final class Outbox {

    private static final String COLUMNS = "id, channel_id, rule_id, target_id, event, from_state, to_state, at, reason, body, "
            + "created_at, status, next_at, attempts, delivery, reminders, remind_at, finished_at, scope, notified";
    /** {@code scope} of a group alert (NULL: a target's own). */
    static final String GROUP = "group";
    /** {@code scope} of an alert about a remote location (lost, back); its target_id is {@code location:<name>}. */
    static final String LOCATION = "location";

    private final Database db;

    /** The node that claims alerts to send them; empty on a single node. */
    private volatile String node;

    void claimAs(String nodeId) {
        this.node = nodeId;
    }

    Outbox(Database db) {
        this.db = db;
    }

    Database db() {
        return db;
    }

    // ---------------------------------------------------------------- writing alerts

    /** Writes an alert, pending; returns its id, or -1 when its dedup key was taken (already written). */
    static long insert(Connection c, Alert.New a, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO alert (channel_id, rule_id, target_id, event, from_state, to_state, at, reason, body, created_at, "
                        + "status, next_at, attempts, open_problem, remind_at, reminders, dedup, scope) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, 0, ?, ?, 0, ?, ?) ON CONFLICT (dedup) DO NOTHING",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, a.channelId());
            ps.setString(2, a.ruleId());
            ps.setString(3, a.targetId());
            ps.setString(4, a.event().id());
            ps.setString(5, a.from() == null ? null : a.from().id());
            ps.setString(6, a.to() == null ? null : a.to().id());
            ps.setLong(7, a.at().toEpochMilli());
            ps.setString(8, a.reason());
            ps.setString(9, a.body());
            ps.setLong(10, now.toEpochMilli());
            ps.setLong(11, a.nextAt().toEpochMilli());
            ps.setInt(12, a.open() ? 1 : 0);
            setMillis(ps, 13, a.remindAt());
            ps.setString(14, a.dedup());
            ps.setString(15, a.group() ? GROUP : a.event().location() ? LOCATION : null);
            if (ps.executeUpdate() == 0) {
                return -1;
            }
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** An open problem of a rule and target, on one channel. */
    record Open(long id, String channelId, Event event, String status, int attempts, Instant nextAt) {
    }

    /** A target's own open problems of a rule (not its group's). */
    static List<Open> openProblems(Connection c, String ruleId, String targetId) throws SQLException {
        return openProblems(c, ruleId, targetId, false);
    }

    /** The open problems of a rule and a target, or with {@code group} of a rule and a group (its group alerts). */
    static List<Open> openProblems(Connection c, String ruleId, String id, boolean group) throws SQLException {
        List<Open> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, channel_id, event, status, attempts, next_at FROM alert "
                        + "WHERE rule_id = ? AND target_id = ? AND open_problem = 1 AND scope " + (group ? "= 'group'" : "IS NULL")
                        + " ORDER BY id")) {
            ps.setString(1, ruleId);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long next = rs.getLong(6);
                    out.add(new Open(rs.getLong(1), rs.getString(2), Event.parse(rs.getString(3)).orElse(Event.DOWN),
                            rs.getString(4), rs.getInt(5), rs.wasNull() ? null : Instant.ofEpochMilli(next)));
                }
            }
        }
        return out;
    }

    /**
     * Takes a held problem back: it is never sent (and a group's next problem may open). False when
     * it was no longer pending (its delivery began meanwhile): then it is sent, and must be ended.
     */
    static boolean cancel(Connection c, long id, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE alert SET status = 'cancelled', open_problem = 0, remind_at = NULL, next_at = NULL, finished_at = ?, "
                        + "dedup = NULL WHERE id = ? AND status = 'pending'")) {
            ps.setLong(1, at.toEpochMilli());
            ps.setLong(2, id);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Ends a problem that was (or is being) sent: no more reminders, nothing else to close; a group's
     * next problem may open. False when it was closed already (another node of a cluster, deciding on
     * another member of the same group, was first): then its recovery is that node's to write.
     */
    static boolean close(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE alert SET open_problem = 0, remind_at = NULL, dedup = NULL WHERE id = ? AND open_problem = 1")) {
            ps.setLong(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** A newer problem of the same rule and target reminds from now on; older ones stay open but quiet. */
    static void silenceReminders(Connection c, String ruleId, String targetId) throws SQLException {
        silenceReminders(c, ruleId, targetId, false);
    }

    /** As {@link #silenceReminders(Connection, String, String)}, for a target's or (with {@code group}) a group's problems. */
    static void silenceReminders(Connection c, String ruleId, String id, boolean group) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE alert SET remind_at = NULL WHERE rule_id = ? AND target_id = ? AND open_problem = 1 AND remind_at IS NOT NULL "
                        + "AND scope " + (group ? "= 'group'" : "IS NULL"))) {
            ps.setString(1, ruleId);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    long insert(Alert.New a, Instant now) {
        return db.write(c -> insert(c, a, now));
    }

    // ---------------------------------------------------------------- delivering

    /**
     * Pending alerts that are due, and those waiting for a retry (which hold up their channel's later
     * ones, to keep each channel's order), in id order.
     */
    List<Alert> due(Instant now, int limit) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM alert "
                    + "WHERE status = 'pending' AND (next_at <= ? OR attempts > 0) ORDER BY id LIMIT ?")) {
                ps.setLong(1, now.toEpochMilli());
                ps.setInt(2, limit);
                return list(ps);
            }
        });
    }

    /**
     * Marks the alerts as being sent in the request {@code delivery}; returns those claimed (an
     * alert cancelled or abandoned meanwhile is not).
     */
    List<Alert> claim(List<Alert> alerts, String delivery) {
        return claim(alerts, delivery, a -> null, Instant.EPOCH);
    }

    /**
     * A group alert as composed from the group's members when it is first sent.
     *
     * @param count the members it is about; none (but for a recovery) means there is nothing to tell
     */
    record Composed(String body, int count) {
    }

    /**
     * As {@link #claim(List, String)}, writing what {@code compose} says of a group alert as its
     * body, unless it has one (a retry tells what the first attempt told, with the same key); a
     * group problem's count is kept as the count its message told ({@code notified}). The alerts
     * returned carry their body. A group alert that would tell of no member (they all came back
     * while it waited, as another node of a cluster saw it late) is taken back instead.
     */
    List<Alert> claim(List<Alert> alerts, String delivery, java.util.function.Function<Alert, Composed> compose, Instant now) {
        Map<Long, Composed> composed = new HashMap<>();
        java.util.Set<Long> nothing = new java.util.HashSet<>();
        for (Alert a : alerts) {
            if (a.group() && a.body().isEmpty()) {
                Composed k = compose.apply(a);
                if (k != null && k.count() == 0 && a.event() != Event.RECOVERED) {
                    nothing.add(a.id());
                } else if (k != null) {
                    composed.put(a.id(), k);
                }
            }
        }
        return db.write(c -> {
            if (!nothing.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE alert SET status = 'cancelled', open_problem = 0, remind_at = NULL, next_at = NULL, finished_at = ?, "
                                + "dedup = NULL WHERE id = ? AND status = 'pending'")) {
                    for (long id : nothing) {
                        ps.setLong(1, now.toEpochMilli());
                        ps.setLong(2, id);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            List<Alert> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE alert SET status = 'sending', delivery = ?, claimed_by = ?, body = COALESCE(body, ?), "
                            + "notified = COALESCE(notified, ?) WHERE id = ? AND status = 'pending'")) {
                for (Alert a : alerts) {
                    if (nothing.contains(a.id())) {
                        continue;
                    }
                    Composed k = composed.get(a.id());
                    ps.setString(1, delivery);
                    ps.setString(2, node);
                    ps.setString(3, k == null ? null : k.body());
                    if (k != null && a.event().problem()) {
                        ps.setInt(4, k.count());
                    } else {
                        ps.setNull(4, Types.INTEGER);
                    }
                    ps.setLong(5, a.id());
                    if (ps.executeUpdate() == 1) {
                        out.add(k == null ? a : a.withBody(Optional.of(k.body())));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Records an attempt of the request {@code delivery}: delivered, or pending again until
     * {@code retryAt} (keeping its delivery key, so the retry is recognisably the same request).
     */
    void attempted(List<Alert> alerts, String delivery, Alert.Attempt attempt, Optional<Instant> retryAt) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(attempt.delivered()
                    ? "UPDATE alert SET status = 'delivered', attempts = attempts + 1, next_at = NULL, finished_at = ? "
                    + "WHERE id = ? AND status = 'sending'"
                    : "UPDATE alert SET status = 'pending', attempts = attempts + 1, next_at = ? WHERE id = ? AND status = 'sending'")) {
                for (Alert a : alerts) {
                    ps.setLong(1, attempt.delivered() ? attempt.at().toEpochMilli()
                            : retryAt.orElse(attempt.at()).toEpochMilli());
                    ps.setLong(2, a.id());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO alert_attempt (alert_id, at, delivery, status_code, error) VALUES (?, ?, ?, ?, ?)")) {
                for (Alert a : alerts) {
                    ps.setLong(1, a.id());
                    ps.setLong(2, attempt.at().toEpochMilli());
                    ps.setString(3, delivery);
                    if (attempt.statusCode().isPresent()) {
                        ps.setInt(4, attempt.statusCode().get());
                    } else {
                        ps.setNull(4, Types.INTEGER);
                    }
                    ps.setString(5, attempt.error().orElse(null));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /**
     * After a crash, alerts that were being sent are pending again, due at once and keeping their
     * delivery key: the receiver may have got them, and can tell by that key.
     */
    int resumeSending(Instant now) {
        String me = node;
        return db.write(c -> {
            // in cluster mode only this node's own (its previous run's): other live nodes are sending theirs
            try (PreparedStatement ps = c.prepareStatement(me == null
                    ? "UPDATE alert SET status = 'pending', next_at = ? WHERE status = 'sending'"
                    : "UPDATE alert SET status = 'pending', next_at = ? WHERE status = 'sending' AND claimed_by = ?")) {
                ps.setLong(1, now.toEpochMilli());
                if (me != null) {
                    ps.setString(2, me);
                }
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Cluster mode: alerts left in 'sending' by nodes that are no longer live ({@code live}: the
     * node ids that are) become pending again, due at once, keeping their delivery key; a live
     * sender's are left alone. Run every round, so a node that dies mid-send has its deliveries
     * finished by another within a lease and a round.
     */
    int resumeOrphaned(Instant now, java.util.Set<String> live) {
        return db.write(c -> {
            StringBuilder sql = new StringBuilder(
                    "UPDATE alert SET status = 'pending', next_at = ? WHERE status = 'sending' AND (claimed_by IS NULL");
            if (!live.isEmpty()) {
                sql.append(" OR claimed_by NOT IN (").append("?,".repeat(live.size() - 1)).append("?)");
            } else {
                sql.append(" OR TRUE");
            }
            sql.append(')');
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                ps.setLong(1, now.toEpochMilli());
                int i = 2;
                for (String n : live) {
                    ps.setString(i++, n);
                }
                return ps.executeUpdate();
            }
        });
    }

    /** The channel is gone: what was still to be sent to it never will be. */
    int abandonChannel(String channelId, Instant now) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE alert SET status = 'abandoned', open_problem = 0, remind_at = NULL, next_at = NULL, finished_at = ?, "
                            + "dedup = CASE WHEN open_problem = 1 THEN NULL ELSE dedup END "
                            + "WHERE channel_id = ? AND status IN ('pending', 'sending')")) {
                ps.setLong(1, now.toEpochMilli());
                ps.setString(2, channelId);
                int n = ps.executeUpdate();
                try (PreparedStatement p2 = c.prepareStatement(
                        "UPDATE alert SET open_problem = 0, remind_at = NULL, dedup = NULL WHERE channel_id = ? AND open_problem = 1")) {
                    p2.setString(1, channelId);
                    p2.executeUpdate();
                }
                return n;
            }
        });
    }

    /** The rule is gone or replaced: its problems stay as they are but no longer remind or await recovery. */
    void closeRule(String ruleId) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE alert SET open_problem = 0, remind_at = NULL, dedup = NULL WHERE rule_id = ? AND open_problem = 1")) {
                ps.setString(1, ruleId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- reminders

    /** Open problems whose next reminder is due. */
    List<Alert> dueReminders(Instant now, int limit) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM alert "
                    + "WHERE open_problem = 1 AND remind_at <= ? ORDER BY remind_at, id LIMIT ?")) {
                ps.setLong(1, now.toEpochMilli());
                ps.setInt(2, limit);
                return list(ps);
            }
        });
    }

    /**
     * Moves a problem's next reminder to {@code next} (empty: no more) and writes {@code reminder}
     * with it, if given; one transaction, and the reminder's dedup key makes it happen once.
     */
    void remind(long problemId, Optional<Alert.New> reminder, Optional<Instant> next, Instant now) {
        db.write(c -> {
            boolean written = false;
            if (reminder.isPresent()) {
                written = insert(c, reminder.get(), now) >= 0;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE alert SET remind_at = ?, reminders = reminders + ? WHERE id = ?")) {
                setMillis(ps, 1, next.orElse(null));
                ps.setInt(2, written ? 1 : 0);
                ps.setLong(3, problemId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- group alerts

    /**
     * Group problems (down, degraded) that are open and were sent at least once (so their count is
     * known): the candidates for a follow-up when the group's outage grows.
     */
    List<Alert> sentGroupProblems(int limit) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM alert "
                    + "WHERE open_problem = 1 AND scope = 'group' AND notified IS NOT NULL AND event IN ('down', 'degraded') "
                    + "ORDER BY id LIMIT ?")) {
                ps.setInt(1, limit);
                return list(ps);
            }
        });
    }

    /**
     * Writes the follow-up {@code worse} of the group problem {@code problemId}, which now counts
     * {@code count} members; one transaction, and its dedup key makes it happen once.
     */
    void worse(long problemId, Alert.New worse, int count, Instant now) {
        db.write(c -> {
            if (insert(c, worse, now) >= 0) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE alert SET notified = ? WHERE id = ? AND open_problem = 1 AND notified < ?")) {
                    ps.setInt(1, count);
                    ps.setLong(2, problemId);
                    ps.setInt(3, count);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /**
     * The shards of group {@code groupId} have all reported: its open "never reported" alerts end
     * quietly (taken back while still held).
     */
    int closeNeverReported(String groupId, Instant now) {
        return db.write(c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE alert SET status = 'cancelled', open_problem = 0, next_at = NULL, finished_at = ?, dedup = NULL "
                            + "WHERE target_id = ? AND scope = 'group' AND event = 'never_reported' AND open_problem = 1 "
                            + "AND status = 'pending' AND attempts = 0")) {
                ps.setLong(1, now.toEpochMilli());
                ps.setString(2, groupId);
                n = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE alert SET open_problem = 0, remind_at = NULL, dedup = NULL "
                            + "WHERE target_id = ? AND scope = 'group' AND event = 'never_reported' AND open_problem = 1")) {
                ps.setString(1, groupId);
                n += ps.executeUpdate();
            }
            return n;
        });
    }

    // ---------------------------------------------------------------- remote locations

    /** Open "location lost" alerts, oldest first: each waits for its location to be heard from again. */
    List<Alert> openLocationProblems(int limit) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM alert "
                    + "WHERE open_problem = 1 AND scope = 'location' ORDER BY id LIMIT ?")) {
                ps.setInt(1, limit);
                return list(ps);
            }
        });
    }

    /** How a "location lost" alert ended once its location was heard from again. */
    enum LocationEnd {
        /** Still held (the start-up grace) and never tried: taken back, nothing is sent. */
        TAKEN_BACK,
        /** Sent or being sent: closed, and its "location back" written. */
        BACK,
        /** Ended already (by another node of a cluster, or an earlier round). */
        ENDED
    }

    /**
     * Ends the open "location lost" alert {@code id}: taken back quietly while it was never tried,
     * else closed with {@code back} written in the same transaction. Once, across nodes: only the
     * transaction that closes it writes {@code back}.
     */
    LocationEnd endLocationProblem(long id, Alert.New back, Instant now) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE alert SET status = 'cancelled', open_problem = 0, next_at = NULL, finished_at = ?, dedup = NULL "
                            + "WHERE id = ? AND open_problem = 1 AND status = 'pending' AND attempts = 0")) {
                ps.setLong(1, now.toEpochMilli());
                ps.setLong(2, id);
                if (ps.executeUpdate() == 1) {
                    return LocationEnd.TAKEN_BACK;
                }
            }
            if (!close(c, id)) {
                return LocationEnd.ENDED;
            }
            insert(c, back, now);
            return LocationEnd.BACK;
        });
    }

    // ---------------------------------------------------------------- history

    /** Filters of the history; empty = any. */
    record Filter(Optional<String> targetId, Optional<String> channelId, Optional<String> status) {
    }

    /** The newest alerts matching {@code f}, newest first, each with its attempts. */
    List<Alert> recent(Filter f, int limit) {
        return db.read(c -> {
            StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM alert WHERE 1 = 1");
            List<String> args = new ArrayList<>();
            f.targetId().ifPresent(t -> {
                sql.append(" AND target_id = ?");
                args.add(t);
            });
            f.channelId().ifPresent(t -> {
                sql.append(" AND channel_id = ?");
                args.add(t);
            });
            f.status().ifPresent(t -> {
                sql.append(" AND status = ?");
                args.add(t);
            });
            sql.append(" ORDER BY id DESC LIMIT ?");
            List<Alert> rows;
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (String a : args) {
                    ps.setString(i++, a);
                }
                ps.setInt(i, limit);
                rows = list(ps);
            }
            if (rows.isEmpty()) {
                return rows;
            }
            Map<Long, List<Alert.Attempt>> attempts = new HashMap<>();
            StringBuilder in = new StringBuilder();
            for (int i = 0; i < rows.size(); i++) {
                in.append(i == 0 ? "?" : ", ?");
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT alert_id, at, delivery, status_code, error FROM alert_attempt "
                    + "WHERE alert_id IN (" + in + ") ORDER BY id")) {
                for (int i = 0; i < rows.size(); i++) {
                    ps.setLong(i + 1, rows.get(i).id());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int code = rs.getInt(4);
                        Optional<Integer> status = rs.wasNull() ? Optional.empty() : Optional.of(code);
                        attempts.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new Alert.Attempt(
                                Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), status, Optional.ofNullable(rs.getString(5))));
                    }
                }
            }
            List<Alert> out = new ArrayList<>(rows.size());
            for (Alert a : rows) {
                out.add(a.withLog(attempts.getOrDefault(a.id(), List.of())));
            }
            return out;
        });
    }

    /** Deletes finished alerts (and their attempts) older than {@code before}. */
    int prune(Instant before) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM alert_attempt WHERE alert_id IN "
                    + "(SELECT id FROM alert WHERE finished_at < ? AND open_problem = 0)")) {
                ps.setLong(1, before.toEpochMilli());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM alert WHERE finished_at < ? AND open_problem = 0")) {
                ps.setLong(1, before.toEpochMilli());
                return ps.executeUpdate();
            }
        });
    }

    // ---------------------------------------------------------------- rows

    private static List<Alert> list(PreparedStatement ps) throws SQLException {
        List<Alert> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Alert(rs.getLong(1), rs.getString(2), rs.getString(3), Optional.ofNullable(rs.getString(4)),
                        Event.parse(rs.getString(5)).orElse(Event.DOWN), state(rs.getString(6)), state(rs.getString(7)),
                        Instant.ofEpochMilli(rs.getLong(8)), rs.getString(9), Optional.ofNullable(rs.getString(10)),
                        Instant.ofEpochMilli(rs.getLong(11)), rs.getString(12), millis(rs, 13), rs.getInt(14),
                        Optional.ofNullable(rs.getString(15)), rs.getInt(16), millis(rs, 17), millis(rs, 18), List.of(),
                        GROUP.equals(rs.getString(19)), integer(rs, 20)));
            }
        }
        return out;
    }

    private static Optional<Integer> integer(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }

    private static Optional<State> state(String id) {
        return id == null ? Optional.empty() : State.parse(id);
    }

    private static Optional<Instant> millis(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
    }

    private static void setMillis(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, t.toEpochMilli());
        }
    }
}
