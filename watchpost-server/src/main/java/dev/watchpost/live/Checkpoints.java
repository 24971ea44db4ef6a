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
 * Checkpoints of the live state: the last values of each target (state, since, last seen, message,
 * latency, numbers), written coalesced — a target changed a thousand times between two writes is
 * written once — and read back on start. Cells are offered at most once per round (their
 * {@code checkpointDirty} flag, under the cell's monitor, says whether they are queued).
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

    Checkpoints(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Queues a cell whose flag the caller just set (under the cell's monitor). */
    void offer(TargetCell cell) {
        queue.add(cell);
    }

    /** Writes the last values of every target offered since the previous write, in transactions of {@link #CHUNK}. */
    void write() {
        List<Object[]> rows = new ArrayList<>();
        List<TargetCell> taken = new ArrayList<>();
        long now = clock.millis();
        for (TargetCell c : queue.takeAll()) {
            synchronized (c) {
                c.checkpointDirty = false;
                if (c.removed) {
                    continue;
                }
                rows.add(new Object[] {c.id, c.state.id(), c.since, c.lastSeen, c.message, c.latency,
                        c.metrics == null ? null : c.metrics.toString(),
                        c.hold == null ? null : c.hold.state.id(), c.hold == null ? null : c.hold.message});
                taken.add(c);
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        int written = 0;
        try {
            while (written < rows.size()) {
                int end = Math.min(rows.size(), written + CHUNK);
                writeCheckpoints(rows.subList(written, end), now);
                written = end;
            }
        } catch (RuntimeException e) {
            LOG.warn("event=checkpoint.failed targets={} error=\"{}\"", rows.size() - written, e.getMessage());
            taken.subList(written, taken.size()).forEach(this::markCheckpointAgain);
        }
    }

    /** Rows per checkpoint transaction: short transactions share SQLite's one writer with the others. */
    static final int CHUNK = 5_000;

    private void writeCheckpoints(List<Object[]> rows, long now) {
        db.write(conn -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "INSERT INTO target_state (target_id, state, since, last_seen, message, latency_ms, metrics, updated_at, "
                            + "hold_state, hold_message) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (target_id) DO UPDATE SET "
                            + "state = excluded.state, since = excluded.since, last_seen = excluded.last_seen, "
                            + "message = excluded.message, latency_ms = excluded.latency_ms, metrics = excluded.metrics, "
                            + "updated_at = excluded.updated_at, hold_state = excluded.hold_state, "
                            + "hold_message = excluded.hold_message")) {
                int n = 0;
                for (Object[] r : rows) {
                    ps.setString(1, (String) r[0]);
                    ps.setString(2, (String) r[1]);
                    ps.setLong(3, (Long) r[2]);
                    long seen = (Long) r[3];
                    if (seen < 0) {
                        ps.setNull(4, Types.BIGINT);
                    } else {
                        ps.setLong(4, seen);
                    }
                    ps.setString(5, (String) r[4]);
                    double lat = (Double) r[5];
                    if (Double.isNaN(lat)) {
                        ps.setNull(6, Types.DOUBLE);
                    } else {
                        ps.setDouble(6, lat);
                    }
                    ps.setString(7, (String) r[6]);
                    ps.setLong(8, now);
                    ps.setString(9, (String) r[7]);
                    ps.setString(10, (String) r[8]);
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
        return db.read(c -> {
            Map<String, Saved> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT target_id, state, since, last_seen, message, latency_ms, metrics, hold_state, hold_message "
                            + "FROM target_state");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Optional<State> state = State.parse(rs.getString(2));
                    if (state.isEmpty()) {
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
                    State holdState = State.parse(rs.getString(8)).orElse(null);
                    out.put(rs.getString(1), new Saved(state.get(), rs.getLong(3), seen, rs.getString(5), lat,
                            parseMetrics(rs.getString(7)), holdState, rs.getString(9)));
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
