package dev.watchpost.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checkpoints of the live state: the last values of each target (last seen, message, latency,
 * numbers, what a hold returns to), written coalesced — a target changed a thousand times between
 * two writes is written once — and read back on start. Cells are offered at most once per round
 * (their {@code checkpointDirty} flag, under the cell's monitor, says whether they are queued).
 *
 * <p>The state itself ({@code state}, {@code since}) is not written here: the {@link TransitionLog}
 * sets it in the transaction of the target's transitions, so it is always where the recorded
 * transitions end. A checkpoint read from a cell can be a transition ahead of the log (not yet
 * committed) or behind it (committed since); writing its state would restore a state no transition
 * leads to. Its hold columns are applied only while the stored state is still the one it was read
 * at, for the same reason. A row the log has not created yet is the state of a target without
 * recorded transitions: Unknown.
 */
final class Checkpoints {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A saved target state. */
    /** @param holdState while held in maintenance, the state it returns to (else null); see {@link LiveState#hold} */
    record Saved(State state, long since, long lastSeen, String message, double latency, ObjectNode metrics,
                 State holdState, String holdMessage) {
    }

    private final Database db;
    private final Clock clock;
    private final DirtyList queue = new DirtyList(DirtyList.Link.CHECKPOINT);
    private final java.util.function.Supplier<Ownership> owned;

    /**
     * @param owned which targets this node acts for: another node's targets are its to checkpoint,
     *              checked in memory when a chunk is read and in the database when it is written
     */
    Checkpoints(Database db, Clock clock, java.util.function.Supplier<Ownership> owned) {
        this.db = db;
        this.clock = clock;
        this.owned = owned;
    }

    /** Queues a cell whose flag the caller just set (under the cell's monitor). */
    void offer(TargetCell cell) {
        queue.add(cell);
    }

    /**
     * Writes the last values of every target offered since the previous write, in transactions of
     * {@link #CHUNK}. Each chunk's rows are read from the cells just before it is written, so a
     * million dirty cells never sit in memory as rows at once (they did: about 150 bytes a target
     * on top of the cells while SQLite caught up).
     */
    void write() {
        List<TargetCell> cells = queue.takeAll();
        if (cells.isEmpty()) {
            return;
        }
        long now = clock.millis();
        int done = 0;
        try {
            while (done < cells.size()) {
                int end = Math.min(cells.size(), done + CHUNK);
                List<Object[]> rows = new ArrayList<>(end - done);
                for (TargetCell c : cells.subList(done, end)) {
                    synchronized (c) {
                        c.checkpointDirty = false;
                        if (c.removed || !owned.get().owns(c.id)) {
                            continue;
                        }
                        rows.add(new Object[] {c.id, c.state.id(), c.since, c.lastSeen, c.message, c.latency,
                                c.metrics == null ? null : c.metrics.toString(),
                                c.hold == null ? null : c.hold.state.id(), c.hold == null ? null : c.hold.message});
                    }
                }
                pending = cells.size() - done;
                if (!rows.isEmpty()) {
                    if (db.dialect() != dev.watchpost.store.Dialect.SQLITE) {
                        // in id order, as the transition log writes its rows: otherwise the two deadlock on
                        // PostgreSQL (SQLite has one writer)
                        rows.sort(java.util.Comparator.comparing(r -> (String) r[0]));
                    }
                    writeCheckpoints(rows, now);
                }
                done = end;
            }
        } catch (RuntimeException e) {
            LOG.warn("event=checkpoint.failed targets={} error=\"{}\"", cells.size() - done, e.getMessage());
            int chunkEnd = Math.min(cells.size(), done + CHUNK);
            // the failed chunk's flags were cleared: mark them again; the later cells still have theirs
            // set (read later, never queued again by their reporters): put them back as they are
            cells.subList(done, chunkEnd).forEach(this::markCheckpointAgain);
            cells.subList(chunkEnd, cells.size()).forEach(queue::add);
        } finally {
            pending = 0;
        }
    }

    /** Targets of the checkpoint being written that are not in the database yet (0 between writes). */
    int pending() {
        return pending;
    }

    private volatile int pending;

    /** Rows per checkpoint transaction: short transactions share SQLite's one writer with the others. */
    static final int CHUNK = 5_000;

    private void writeCheckpoints(List<Object[]> rows, long now) {
        Ownership ownership = owned.get();
        db.write(conn -> {
            // A node paused past its lease wakes up still believing it owns these: the database decides.
            java.util.Set<String> fenced = java.util.Set.of();
            if (ownership != Ownership.SOLE) {
                java.util.Map<String, Long> ids = new java.util.HashMap<>();
                for (Object[] r : rows) {
                    ids.put((String) r[0], Long.MAX_VALUE); // last values are never stale by age, only by owner
                }
                fenced = ownership.fenced(conn, ids);
            }
            try (PreparedStatement ps = conn.prepareStatement(
                    "INSERT INTO target_state (target_id, state, since, last_seen, message, latency_ms, metrics, updated_at) "
                            + "VALUES (?, 'unknown', 0, ?, ?, ?, ?, ?) ON CONFLICT (target_id) DO UPDATE SET "
                            + "last_seen = excluded.last_seen, message = excluded.message, "
                            + "latency_ms = excluded.latency_ms, metrics = excluded.metrics, updated_at = excluded.updated_at, "
                            + "hold_state = CASE WHEN target_state.state = ? AND target_state.since = ? THEN ? "
                            + "ELSE target_state.hold_state END, "
                            + "hold_message = CASE WHEN target_state.state = ? AND target_state.since = ? THEN ? "
                            + "ELSE target_state.hold_message END")) {
                int n = 0;
                for (Object[] r : rows) {
                    if (fenced.contains((String) r[0])) {
                        continue;
                    }
                    ps.setString(1, (String) r[0]);
                    long seen = (Long) r[3];
                    if (seen < 0) {
                        ps.setNull(2, Types.BIGINT);
                    } else {
                        ps.setLong(2, seen);
                    }
                    ps.setString(3, (String) r[4]);
                    double lat = (Double) r[5];
                    if (Double.isNaN(lat)) {
                        ps.setNull(4, Types.DOUBLE);
                    } else {
                        ps.setDouble(4, lat);
                    }
                    ps.setString(5, (String) r[6]);
                    ps.setLong(6, now);
                    // the hold as read, if the stored state is still the one it was read at
                    ps.setString(7, (String) r[1]);
                    ps.setLong(8, (Long) r[2]);
                    ps.setString(9, (String) r[7]);
                    ps.setString(10, (String) r[1]);
                    ps.setLong(11, (Long) r[2]);
                    ps.setString(12, (String) r[8]);
                    ps.addBatch();
                    if (++n % 1000 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    private void markCheckpointAgain(TargetCell c) {
        boolean add;
        synchronized (c) {
            add = !c.checkpointDirty;
            c.checkpointDirty = true;
        }
        if (add) {
            queue.add(c);
        }
    }

    /** Every saved target state, by target id. */
    Map<String, Saved> load() {
        return load(id -> true);
    }

    /** The stored rows of the targets {@code which} accepts. */
    Map<String, Saved> load(java.util.function.Predicate<String> which) {
        return load(which, Long.MIN_VALUE);
    }

    /** As {@link #load(java.util.function.Predicate)}, only rows checkpointed at or after {@code updatedSince} (epoch ms). */
    Map<String, Saved> load(java.util.function.Predicate<String> which, long updatedSince) {
        return db.read(c -> {
            Map<String, Saved> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT target_id, state, since, last_seen, message, latency_ms, metrics, hold_state, hold_message "
                            + "FROM target_state" + (updatedSince == Long.MIN_VALUE ? "" : " WHERE updated_at >= ?"))) {
                if (updatedSince != Long.MIN_VALUE) {
                    ps.setLong(1, updatedSince);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Optional<State> state = State.parse(rs.getString(2));
                        if (state.isEmpty() || !which.test(rs.getString(1))) {
                            continue;
                        }
                        long seen = rs.getLong(4);
                        if (rs.wasNull()) {
                            seen = -1;
                        }
                        double lat = rs.getDouble(6);
                        if (rs.wasNull()) {
                            lat = Double.NaN;
                        }
                        long since = rs.getLong(3);
                        if (seen < 0 && state.get() != State.UNKNOWN && state.get() != State.MAINTENANCE) {
                            // stopped after its first transition, before its first checkpoint: a state
                            // changes on a report, so its lease counts from then
                            seen = since;
                        }
                        // only a target in maintenance can be held (a stored hold beside another state is stale)
                        State holdState = state.get() == State.MAINTENANCE ? State.parse(rs.getString(8)).orElse(null) : null;
                        out.put(rs.getString(1), new Saved(state.get(), since, seen, rs.getString(5), lat,
                                parseMetrics(rs.getString(7)), holdState, holdState == null ? null : rs.getString(9)));
                    }
                }
            }
            return out;
        });
    }

    private static ObjectNode parseMetrics(String json) throws SQLException {
        if (json == null) {
            return null;
        }
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (Exception e) {
            return null; // a damaged checkpoint loses its numbers, not the target
        }
    }
}
