package dev.watchpost.live;

import dev.watchpost.store.Database;
import dev.watchpost.store.StoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes transitions to the database in batches on one thread, then hands them to listeners (live
 * feed, history, alerts). A transition is announced only after it is committed, so nothing that
 * was announced can be lost; appending never waits for the disk. When the database fails, the
 * batch is kept and retried with back-off, and announcements wait for it. {@link TransitionWriter}s
 * add their rows (the alerts' outbox) to the same transaction.
 *
 * <p>The same transaction sets each target's checkpointed state ({@code target_state.state},
 * {@code since} and its hold) to where its last transition in the batch leads, so after a kill the
 * checkpoint is never older or newer than the recorded transitions: a restart comes back in the
 * state the last announced transition left, and the next transition starts from there.
 */
final class TransitionLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransitionLog.class);
    private static final int MAX_BATCH = 5_000;

    private final Database db;
    private final List<TransitionListener> listeners = new CopyOnWriteArrayList<>();
    private final List<TransitionWriter> writers = new CopyOnWriteArrayList<>();
    /** {@link Transition}s, or an {@link IntoHold} for a transition into a hold (rare: nothing more is allocated for the others). */
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Counter written;
    private volatile boolean closing;
    private volatile boolean halted;
    private final Object doneLock = new Object();
    private long appended;
    private long done;

    TransitionLog(Database db, MeterRegistry meters) {
        this.db = db;
        this.written = Counter.builder("watchpost.transitions").description("State changes recorded").register(meters);
        this.thread = Thread.ofPlatform().name("watchpost-transitions").daemon(true).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    void addListener(TransitionListener l) {
        listeners.add(l);
    }

    void addWriter(TransitionWriter w) {
        writers.add(w);
    }

    /** A transition into a hold, with what the target returns to when it ends. */
    private record IntoHold(Transition transition, State holdState, String holdMessage) {
    }

    /** Queues a transition of a target that is not held (caller holds the target's monitor). */
    void append(Transition t) {
        append(t, null);
    }

    /** Queues a transition of a target under {@code hold} (null: not held); caller holds the target's monitor. */
    void append(Transition t, Hold hold) {
        synchronized (doneLock) {
            appended++;
        }
        queue.add(hold == null ? t : new IntoHold(t, hold.state, hold.message));
    }

    /** Waits until every transition appended so far is written and announced. */
    void flush() {
        synchronized (doneLock) {
            long target = appended;
            while (done < target && thread.isAlive()) {
                try {
                    doneLock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void run() {
        long backoffMs = 100;
        List<Object> batch = new ArrayList<>();
        while (!(closing && queue.isEmpty() && batch.isEmpty()) && !halted) {
            try {
                if (batch.isEmpty()) {
                    Object first = queue.poll(50, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                }
                List<Transition> transitions = write(batch);
                written.increment(batch.size());
                for (TransitionListener l : listeners) {
                    try {
                        l.onTransitions(transitions);
                    } catch (RuntimeException e) {
                        LOG.error("event=transition.listener_failed listener={} error=\"{}\"", l.getClass().getSimpleName(),
                                e.getMessage(), e);
                    }
                }
                synchronized (doneLock) {
                    done += batch.size();
                    doneLock.notifyAll();
                }
                batch.clear();
                backoffMs = 100;
            } catch (StoreException e) {
                LOG.warn("event=transition.write_failed pending={} retry_in_ms={} error=\"{}\"", batch.size() + queue.size(),
                        backoffMs, e.getMessage());
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, Duration.ofSeconds(10).toMillis());
                if (closing && backoffMs >= 5_000) {
                    LOG.error("event=transition.unwritten count={}", batch.size() + queue.size());
                    return;
                }
            } catch (InterruptedException e) {
                closing = true;
            }
        }
    }

    /** Writes a batch in one transaction; returns its transitions, in order. */
    private List<Transition> write(List<Object> batch) {
        List<Transition> written = new ArrayList<>(batch.size());
        // each target's last transition in the batch (a Transition or an IntoHold): where its stored state now stands
        Map<String, Object> last = new LinkedHashMap<>();
        for (Object o : batch) {
            Transition t = o instanceof IntoHold h ? h.transition() : (Transition) o;
            written.add(t);
            last.put(t.targetId(), o);
        }
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO transition (target_id, from_state, to_state, at, reason) VALUES (?, ?, ?, ?, ?)")) {
                for (Transition t : written) {
                    ps.setString(1, t.targetId());
                    ps.setString(2, t.from().id());
                    ps.setString(3, t.to().id());
                    ps.setLong(4, t.at().toEpochMilli());
                    ps.setString(5, t.reason());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            recordStates(c, last.values());
            for (TransitionWriter w : writers) {
                try {
                    w.write(c, written);
                } catch (RuntimeException e) {
                    // A bug would fail every retry of this batch alike: transitions must not stall behind it.
                    LOG.error("event=transition.writer_failed writer={} error=\"{}\"", w.getClass().getSimpleName(),
                            e.getMessage(), e);
                }
            }
            return null;
        });
        return List.copyOf(written);
    }

    /**
     * Sets the checkpointed state of each target to where its transitions lead. The periodic
     * checkpoint ({@link Checkpoints}) writes the other values and never this column, so the two
     * cannot disagree about the state, whenever the process stops.
     */
    private static void recordStates(Connection c, Collection<Object> last) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO target_state (target_id, state, since, updated_at, hold_state, hold_message) "
                        + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (target_id) DO UPDATE SET "
                        + "state = excluded.state, since = excluded.since, updated_at = excluded.updated_at, "
                        + "hold_state = excluded.hold_state, hold_message = excluded.hold_message")) {
            for (Object o : last) {
                IntoHold h = o instanceof IntoHold into ? into : null;
                Transition t = h != null ? h.transition() : (Transition) o;
                ps.setString(1, t.targetId());
                ps.setString(2, t.to().id());
                ps.setLong(3, t.at().toEpochMilli());
                ps.setLong(4, t.at().toEpochMilli());
                ps.setString(5, h == null ? null : h.holdState().id());
                ps.setString(6, h == null ? null : h.holdMessage());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Stops writing at once, dropping what is queued, as a killed process would (tests). */
    void halt() {
        halted = true;
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closing = true;
        if (thread.getState() == Thread.State.NEW) {
            return; // never started (start-up stopped before the live state ran): nothing to wait for
        }
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
