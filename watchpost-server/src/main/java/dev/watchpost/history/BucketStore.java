package dev.watchpost.history;

import dev.watchpost.store.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** The SQL of history: one place for every statement, all of it the same on SQLite and PostgreSQL. */
final class BucketStore {

    /** Statements per JDBC batch: large enough to amortise round trips, small enough to bound driver memory. */
    private static final int BATCH = 500;

    private static final String COLUMNS = "samples, failures, down_ms, unobserved_ms, latency_sum_ms, latency_max_ms, "
            + String.join(", ", Bins.COLUMNS) + ", latency_sq_sum";

    /** Adds a delta to a bucket, creating it when absent. CASE instead of max()/greatest(): the one spelling both accept. */
    private static final String UPSERT = "INSERT INTO history_bucket (target_id, period_s, starts_at, " + COLUMNS + ") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (target_id, period_s, starts_at) DO UPDATE SET "
            + "samples = history_bucket.samples + excluded.samples, "
            + "failures = history_bucket.failures + excluded.failures, "
            + "down_ms = history_bucket.down_ms + excluded.down_ms, "
            + "unobserved_ms = history_bucket.unobserved_ms + excluded.unobserved_ms, "
            + "latency_sum_ms = history_bucket.latency_sum_ms + excluded.latency_sum_ms, "
            + "latency_max_ms = CASE WHEN excluded.latency_max_ms > history_bucket.latency_max_ms "
            + "THEN excluded.latency_max_ms ELSE history_bucket.latency_max_ms END, "
            + String.join(", ", Bins.COLUMNS.stream().map(b -> b + " = history_bucket." + b + " + excluded." + b).toList())
            + ", latency_sq_sum = history_bucket.latency_sq_sum + excluded.latency_sq_sum";

    private static final String MARK = "INSERT INTO history_open (target_id, accounted_to) VALUES (?, ?) "
            + "ON CONFLICT (target_id) DO UPDATE SET accounted_to = excluded.accounted_to";

    /** A flushed target: what it had pending. */
    record Pending(String targetId, Accumulator.Taken taken) {
    }

    /** A bucket read back. */
    record Row(long start, Counts counts) {
    }

    /** A transition read from the transition log. */
    record LoggedTransition(long at, String toState, String reason) {
    }

    private final long minuteRetentionMs;
    private final long hourRetentionMs;

    BucketStore(long minuteRetentionMs, long hourRetentionMs) {
        this.minuteRetentionMs = minuteRetentionMs;
        this.hourRetentionMs = hourRetentionMs;
    }

    /**
     * Adds everything pending to the buckets and records how far open intervals are counted. Buckets
     * that retention would delete at {@code now} are not written.
     *
     * @return bucket rows upserted
     */
    int write(Connection c, List<Pending> pending, long now) throws SQLException {
        int rows = 0;
        try (PreparedStatement up = c.prepareStatement(UPSERT);
             PreparedStatement mark = c.prepareStatement(MARK);
             PreparedStatement unmark = c.prepareStatement("DELETE FROM history_open WHERE target_id = ?")) {
            int marks = 0;
            int unmarks = 0;
            for (Pending p : pending) {
                Rows built = new Rows(now - minuteRetentionMs, now - hourRetentionMs);
                built.add(p.taken());
                for (Resolution r : Resolution.values()) {
                    for (Map.Entry<Long, Counts> e : built.of(r).entrySet()) {
                        bind(up, p.targetId(), r, e.getKey(), e.getValue());
                        up.addBatch();
                        if (++rows % BATCH == 0) {
                            up.executeBatch();
                        }
                    }
                }
                if (p.taken().open()) {
                    mark.setString(1, p.targetId());
                    mark.setLong(2, now);
                    mark.addBatch();
                    marks++;
                } else if (p.taken().unmark()) {
                    unmark.setString(1, p.targetId());
                    unmark.addBatch();
                    unmarks++;
                }
            }
            if (rows % BATCH != 0) {
                up.executeBatch();
            }
            if (marks > 0) {
                mark.executeBatch();
            }
            if (unmarks > 0) {
                unmark.executeBatch();
            }
        }
        return rows;
    }

    private static void bind(PreparedStatement ps, String targetId, Resolution r, long start, Counts k)
            throws SQLException {
        ps.setString(1, targetId);
        ps.setInt(2, r.seconds());
        ps.setLong(3, start);
        ps.setLong(4, k.samples);
        ps.setLong(5, k.failures);
        ps.setLong(6, k.downMs);
        ps.setLong(7, k.unobservedMs);
        ps.setDouble(8, k.latencySum);
        ps.setDouble(9, k.latencyMax);
        for (int i = 0; i < Bins.COUNT; i++) {
            ps.setLong(10 + i, k.bins[i]);
        }
        ps.setDouble(10 + Bins.COUNT, k.latencySquares);
    }

    /** Buckets of {@code r} starting in {@code [from, to)}, oldest first. */
    List<Row> read(Connection c, String targetId, Resolution r, long from, long to) throws SQLException {
        return read(c, List.of(targetId), r, from, to).getOrDefault(targetId, List.of());
    }

    /** Down and unobserved milliseconds summed over buckets of {@code r} starting in {@code [from, to)}. */
    long[] sums(Connection c, String targetId, Resolution r, long from, long to) throws SQLException {
        return sums(c, List.of(targetId), r, from, to).getOrDefault(targetId, new long[2]);
    }

    /** Start of the earliest bucket of each resolution (index = ordinal), null where there is none. */
    Long[] earliest(Connection c, String targetId) throws SQLException {
        return earliest(c, List.of(targetId)).getOrDefault(targetId, new Long[Resolution.values().length]);
    }

    /** Where a previous run stopped counting the target's open interval, if it was in one. */
    OptionalLong accountedTo(Connection c, String targetId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT accounted_to FROM history_open WHERE target_id = ?")) {
            ps.setString(1, targetId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    /** The target's logged transitions with {@code from <= at < to}, in order (an index range scan). */
    List<LoggedTransition> transitions(Connection c, String targetId, long from, long to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT at, to_state, reason FROM transition "
                + "WHERE target_id = ? AND at >= ? AND at < ? ORDER BY at, id")) {
            ps.setString(1, targetId);
            ps.setLong(2, from);
            ps.setLong(3, to);
            try (ResultSet rs = ps.executeQuery()) {
                List<LoggedTransition> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new LoggedTransition(rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
                return out;
            }
        }
    }

    // ---------------------------------------------------------------- batch reads (many targets, one query)

    /** {@code ?, ?, ?} for an IN list of {@code n} values. */
    private static String marks(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    private static int bindIds(PreparedStatement ps, List<String> ids, int from) throws SQLException {
        int i = from;
        for (String id : ids) {
            ps.setString(i++, id);
        }
        return i;
    }

    /** {@link #read} for many targets: each target's rows, oldest first; targets without rows absent. */
    Map<String, List<Row>> read(Connection c, List<String> ids, Resolution r, long from, long to) throws SQLException {
        Map<String, List<Row>> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT target_id, starts_at, " + COLUMNS + " FROM history_bucket "
                + "WHERE target_id IN (" + marks(ids.size()) + ") AND period_s = ? AND starts_at >= ? AND starts_at < ? "
                + "ORDER BY target_id, starts_at")) {
            int i = bindIds(ps, ids, 1);
            ps.setInt(i++, r.seconds());
            ps.setLong(i++, from);
            ps.setLong(i, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Counts k = new Counts();
                    k.samples = rs.getLong(3);
                    k.failures = rs.getLong(4);
                    k.downMs = rs.getLong(5);
                    k.unobservedMs = rs.getLong(6);
                    k.latencySum = rs.getDouble(7);
                    k.latencyMax = rs.getDouble(8);
                    for (int b = 0; b < Bins.COUNT; b++) {
                        k.bins[b] = rs.getLong(9 + b);
                    }
                    k.latencySquares = rs.getDouble(9 + Bins.COUNT);
                    out.computeIfAbsent(rs.getString(1), x -> new ArrayList<>()).add(new Row(rs.getLong(2), k));
                }
            }
        }
        return out;
    }

    /** {@link #sums} for many targets: {down, unobserved} ms per target that has buckets in the range. */
    Map<String, long[]> sums(Connection c, List<String> ids, Resolution r, long from, long to) throws SQLException {
        Map<String, long[]> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT target_id, SUM(down_ms), SUM(unobserved_ms) "
                + "FROM history_bucket WHERE target_id IN (" + marks(ids.size()) + ") AND period_s = ? "
                + "AND starts_at >= ? AND starts_at < ? GROUP BY target_id")) {
            int i = bindIds(ps, ids, 1);
            ps.setInt(i++, r.seconds());
            ps.setLong(i++, from);
            ps.setLong(i, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                }
            }
        }
        return out;
    }

    /**
     * {@link #earliest} for many targets; targets without any bucket absent.
     *
     * <p>One {@code MIN} per target and resolution, each answered from the primary key's first entry
     * (an index seek on SQLite and PostgreSQL alike). A {@code GROUP BY target_id, period_s} over the
     * same rows reads every bucket the targets have (about 5,400 each after a year at the default
     * retention): seconds for a page of 1,000 targets, on every history read.
     */
    Map<String, Long[]> earliest(Connection c, List<String> ids) throws SQLException {
        Map<String, Long[]> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        Resolution[] periods = Resolution.values();
        StringBuilder sql = new StringBuilder("SELECT v.column1");
        for (Resolution r : periods) {
            sql.append(", (SELECT MIN(starts_at) FROM history_bucket b WHERE b.target_id = v.column1 AND b.period_s = ")
                    .append(r.seconds()).append(')');
        }
        sql.append(" FROM (VALUES ").append(String.join(", ", java.util.Collections.nCopies(ids.size(), "(?)")))
                .append(") AS v");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bindIds(ps, ids, 1);
            try (ResultSet row = ps.executeQuery()) {
                while (row.next()) {
                    Long[] first = new Long[periods.length];
                    boolean any = false;
                    for (Resolution r : periods) {
                        long v = row.getLong(2 + r.ordinal());
                        if (!row.wasNull()) {
                            first[r.ordinal()] = v;
                            any = true;
                        }
                    }
                    if (any) {
                        out.put(row.getString(1), first);
                    }
                }
            }
        }
        return out;
    }

    /** {@link #transitions} into one of {@code toStates} for many targets, each target's in order. */
    Map<String, List<LoggedTransition>> transitions(Connection c, List<String> ids, long from, long to,
                                                    List<String> toStates) throws SQLException {
        Map<String, List<LoggedTransition>> out = new HashMap<>();
        if (ids.isEmpty() || toStates.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT target_id, at, to_state, reason FROM transition "
                + "WHERE target_id IN (" + marks(ids.size()) + ") AND at >= ? AND at < ? "
                + "AND to_state IN (" + marks(toStates.size()) + ") ORDER BY target_id, at, id")) {
            int i = bindIds(ps, ids, 1);
            ps.setLong(i++, from);
            ps.setLong(i++, to);
            bindIds(ps, toStates, i);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), x -> new ArrayList<>())
                            .add(new LoggedTransition(rs.getLong(2), rs.getString(3), rs.getString(4)));
                }
            }
        }
        return out;
    }

    /** Targets per retention transaction: the single writer (SQLite) is shared and must not wait for all of them. */
    static final int PRUNE_CHUNK = 1_000;

    /**
     * Deletes minute buckets older than the minute retention and hour buckets older than the hour
     * retention (by period start), and restart marks not refreshed within the minute retention.
     *
     * <p>Minute buckets with no down and no unobserved time are deleted too, except each target's
     * first: the 24 h window, their only reader, sums those two times (zero from them) and takes
     * when the target was first seen from the first minute bucket. A probe that is up keeps about
     * one hour of minute buckets instead of 25 (they are written every minute, deleted each hour).
     *
     * <p>Per target through the primary key {@code (target_id, period_s, starts_at)}: each delete is
     * a range at the front of one target's rows. A delete by age alone would need a second index on
     * {@code (period_s, starts_at)} repeating every key (about 25 bytes a bucket, a fifth of the
     * file), written on every flush and read once an hour.
     *
     * @return bucket rows deleted
     */
    int prune(Database db, long now) {
        int deleted = 0;
        String after = "";
        while (true) {
            String from = after;
            List<String> ids = db.read(c -> nextTargets(c, "history_bucket", from));
            if (ids.isEmpty()) {
                break;
            }
            deleted += db.write(c -> {
                int n = 0;
                try (PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM history_bucket WHERE target_id = ? AND period_s = ? AND starts_at < ?")) {
                    for (String id : ids) {
                        for (Resolution r : List.of(Resolution.MINUTE, Resolution.HOUR)) {
                            ps.setString(1, id);
                            ps.setInt(2, r.seconds());
                            ps.setLong(3, now - (r == Resolution.MINUTE ? minuteRetentionMs : hourRetentionMs));
                            n += ps.executeUpdate();
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM history_bucket WHERE target_id = ? "
                        + "AND period_s = " + Resolution.MINUTE.seconds() + " AND down_ms = 0 AND unobserved_ms = 0 "
                        + "AND starts_at > (SELECT MIN(f.starts_at) FROM history_bucket f WHERE f.target_id = ? "
                        + "AND f.period_s = " + Resolution.MINUTE.seconds() + ")")) {
                    for (String id : ids) {
                        ps.setString(1, id);
                        ps.setString(2, id);
                        n += ps.executeUpdate();
                    }
                }
                return n;
            });
            if (ids.size() < PRUNE_CHUNK) {
                break;
            }
            after = ids.get(ids.size() - 1);
        }
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM history_open WHERE accounted_to < ?")) {
                ps.setLong(1, now - minuteRetentionMs);
                return ps.executeUpdate();
            }
        });
        return deleted;
    }

    /**
     * Deletes transitions older than {@code retentionMs}, except each target's newest
     * {@code keepLatest}: readers of older rows would be the target's list of recent transitions
     * (which shows the newest ones whatever their age) and the restore of a target's last state.
     * Per target through {@code transition_target_at}, like {@link #prune}.
     *
     * @return transition rows deleted
     */
    int pruneTransitions(Database db, long now, long retentionMs, int keepLatest) {
        int deleted = 0;
        String after = "";
        while (true) {
            String from = after;
            List<String> ids = db.read(c -> nextTargets(c, "transition", from));
            if (ids.isEmpty()) {
                break;
            }
            deleted += db.write(c -> {
                int n = 0;
                // The newest kept row's time bounds the delete; NULL (fewer rows than kept) deletes nothing.
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM transition WHERE target_id = ? AND at < ? "
                        + "AND at < (SELECT k.at FROM transition k WHERE k.target_id = ? "
                        + "ORDER BY k.at DESC, k.id DESC LIMIT 1 OFFSET ?)")) {
                    for (String id : ids) {
                        ps.setString(1, id);
                        ps.setLong(2, now - retentionMs);
                        ps.setString(3, id);
                        ps.setInt(4, keepLatest - 1);
                        n += ps.executeUpdate();
                    }
                }
                return n;
            });
            if (ids.size() < PRUNE_CHUNK) {
                break;
            }
            after = ids.get(ids.size() - 1);
        }
        return deleted;
    }

    /**
     * Up to {@link #PRUNE_CHUNK} distinct target ids of {@code table} after {@code after}, in order:
     * a loose index scan (one seek per id on the index leading with {@code target_id}), where
     * {@code SELECT DISTINCT} would read every row. {@code table} is a constant of this class.
     */
    private static List<String> nextTargets(Connection c, String table, String after) throws SQLException {
        String next = "(SELECT MIN(target_id) FROM " + table + " x WHERE x.target_id > ";
        try (PreparedStatement ps = c.prepareStatement("WITH RECURSIVE t(id, n) AS ("
                + "SELECT " + next + "?), 1 "
                + "UNION ALL SELECT " + next + "t.id), t.n + 1 FROM t WHERE t.id IS NOT NULL AND t.n < ?) "
                + "SELECT id FROM t WHERE id IS NOT NULL")) {
            ps.setString(1, after);
            ps.setInt(2, PRUNE_CHUNK);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        }
    }

    /** One target's rows of one flush, merged by bucket. */
    static final class Rows {

        private final long minuteCutoff;
        private final long hourCutoff;
        private final Map<Long, Counts> minute = new HashMap<>();
        private final Map<Long, Counts> hour = new HashMap<>();
        private final Map<Long, Counts> day = new HashMap<>();

        /** Buckets starting before a cutoff are left out: retention would delete them. */
        Rows(long minuteCutoff, long hourCutoff) {
            this.minuteCutoff = minuteCutoff;
            this.hourCutoff = hourCutoff;
        }

        void add(Accumulator.Taken t) {
            for (Accumulator.Delta d = t.deltas(); d != null; d = d.next) {
                long start = d.minute * 60_000L;
                for (Resolution r : Resolution.values()) {
                    long s = r.floor(start);
                    if (s >= cutoff(r)) {
                        counts(r, s).add(d);
                    }
                }
            }
            for (Accumulator.Span s = t.spans(); s != null; s = s.next()) {
                byte kind = s.kind();
                for (Resolution r : Resolution.values()) {
                    long cutoff = cutoff(r);
                    // Skip straight to the cutoff: an interval restored from long ago must not walk years of minutes.
                    long from = cutoff == Long.MIN_VALUE ? s.from() : Math.max(s.from(), r.floor(cutoff));
                    Split.split(from, s.to(), r, (start, ms) -> {
                        if (start >= cutoff) {
                            counts(r, start).addTime(kind, ms);
                        }
                    });
                }
            }
        }

        Map<Long, Counts> of(Resolution r) {
            return switch (r) {
                case MINUTE -> minute;
                case HOUR -> hour;
                case DAY -> day;
            };
        }

        private long cutoff(Resolution r) {
            return switch (r) {
                case MINUTE -> minuteCutoff;
                case HOUR -> hourCutoff;
                case DAY -> Long.MIN_VALUE;
            };
        }

        private Counts counts(Resolution r, long start) {
            return of(r).computeIfAbsent(start, k -> new Counts());
        }
    }
}
