package dev.watchpost.live;

import dev.watchpost.store.Backoff;
import dev.watchpost.store.Database;
import dev.watchpost.store.StoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes transitions to the database in batches on one thread, then hands them to listeners (live
 * feed, history, alerts). A transition is announced only after it is committed, so nothing that
 * was announced can be lost; appending never waits for the disk. When the database fails, the
 * batch is kept and retried with back-off (at once when the database is seen again), and
 * announcements wait for it. {@link TransitionWriter}s add their rows (the alerts' outbox) to the
 * same transaction.
 *
 * <p>The same transaction sets each target's checkpointed state ({@code target_state.state},
 * {@code since} and its hold) to where its last transition in the batch leads, so after a kill the
 * checkpoint is never older or newer than the recorded transitions: a restart comes back in the
 * state the last announced transition left, and the next transition starts from there.
 *
 * <p><b>The backlog is bounded.</b> Up to {@code limit} transitions wait verbatim, in order. When
 * that many are waiting (a long database outage under flapping), appending still never blocks and
 * never drops a target's latest state; instead, until the backlog has drained completely, each
 * target's further transitions wait as one, from the state its last verbatim transition left it in
 * to its latest state, at the time of the latest change, with a reason that says how many changes
 * it stands for. So every target's chain of transitions stays consistent ({@code from} is the
 * previous {@code to}), the first changes of an outage are recorded exactly, the latest state of
 * every target is recorded and alerted, and beyond the limit memory grows with the number of
 * targets, not with time (at most two pending per target: one combined waiting, one being written). Changes that bring a target back to where its combined ones started
 * leave no row (a flap that ended before the database was back).
 * {@code watchpost_transitions_pending} and {@code watchpost_transitions_coalesced_total} show it.
 */
final class TransitionLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransitionLog.class);
    private static final int MAX_BATCH = 5_000;
    /** Transitions kept verbatim while they wait for the database (about 20 MB of them). */
    static final int DEFAULT_LIMIT = 100_000;

    /** A transition into a hold, with what the target returns to when it ends. */
    private record IntoHold(Transition transition, State holdState, String holdMessage) {
    }

    /** The transition of a queued entry: a {@link Transition}, or an {@link IntoHold} (rare: nothing more is allocated for the others). */
    private static Transition transitionOf(Object entry) {
        return entry instanceof IntoHold h ? h.transition() : (Transition) entry;
    }

    /** Several transitions of one target, waiting as one: from the first's {@code from} to the last's {@code to}. */
    private static final class Combined {
        final Transition first;
        Object last; // a Transition or an IntoHold: the hold of the latest change rides along
        int count = 1;

        Combined(Object entry) {
            this.first = transitionOf(entry);
            this.last = entry;
        }

        Object entry() {
            if (count == 1) {
                return last;
            }
            Transition l = transitionOf(last);
            Transition t = new Transition(first.target(), first.from(), l.to(), l.at(),
                    l.reason() + " (last of " + count + " changes combined while the transition backlog was full)");
            return last instanceof IntoHold h ? new IntoHold(t, h.holdState(), h.holdMessage()) : t;
        }
    }

    /** Between tries to write a batch: 0.1 s, doubling, at most 10 s apart. */
    private static final Backoff RETRY = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));

    private final Database db;
    private final int limit;
    private final List<TransitionListener> listeners = new CopyOnWriteArrayList<>();
    private final List<TransitionWriter> writers = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition waiting = lock.newCondition();
    private final Condition progress = lock.newCondition();
    private ArrayDeque<Object> queue = new ArrayDeque<>();                  // Transition or IntoHold; guarded by lock
    private LinkedHashMap<String, Combined> combined = new LinkedHashMap<>(); // guarded by lock
    private int inFlight;   // transitions in the batch being written; guarded by lock
    private int inFlightVerbatim; // of those, the verbatim ones (they count toward the limit); guarded by lock
    private long appended;  // guarded by lock
    private long done;      // written and announced, or combined away; guarded by lock
    private boolean full;   // the limit was reached and the backlog has not drained since; guarded by lock
    private final Thread thread;
    private final Counter written;
    private final Counter coalesced;
    private volatile boolean closing;
    private volatile boolean halted;

    TransitionLog(Database db, MeterRegistry meters) {
        this(db, meters, DEFAULT_LIMIT);
    }

    /** PostgreSQL: rows written in id order (see {@link #write}). */
    private final boolean sortRows;

    TransitionLog(Database db, MeterRegistry meters, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the transition backlog limit must be at least 1: " + limit);
        }
        this.db = db;
        this.sortRows = db.dialect() != dev.watchpost.store.Dialect.SQLITE;
        this.limit = limit;
        this.written = Counter.builder("watchpost.transitions").description("State changes recorded").register(meters);
        this.coalesced = Counter.builder("watchpost.transitions.coalesced")
                .description("State changes without a row of their own: combined with later ones of the same target "
                        + "(or cancelled out by them) because the backlog was full")
                .register(meters);
        Gauge.builder("watchpost.transitions.pending", this, TransitionLog::pending)
                .description("State changes accepted but not yet in the database").register(meters);
        Gauge.builder("watchpost.transitions.pending.limit", this, l -> l.limit)
                .description("State changes kept verbatim while they wait; beyond it they are combined per target")
                .register(meters);
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

    /** Queues a transition of a target that is not held (caller holds the target's monitor). */
    void append(Transition t) {
        append(t, null);
    }

    /**
     * Queues a transition of a target under {@code hold} (null: not held). Never blocks on the
     * database; the caller holds the target's monitor.
     */
    void append(Transition t, Hold hold) {
        Object entry = hold == null ? t : new IntoHold(t, hold.state, hold.message);
        lock.lock();
        try {
            appended++;
            Combined c = combined.get(t.targetId());
            if (c != null) {
                // Behind a combined one: must not overtake it, so it joins it.
                if (c.first.from() == t.to()) {
                    combined.remove(t.targetId());
                    done += c.count + 1;
                    coalesced.increment(2); // its own row and the one the others had shared (count - 1 counted before)
                    progress.signalAll();
                } else {
                    c.last = entry;
                    c.count++;
                    coalesced.increment();
                }
                return;
            }
            if (!full && queue.size() + inFlightVerbatim < limit) {
                queue.add(entry);
            } else {
                // Until the backlog has drained completely, everything is combined: the verbatim ones
                // drain first, then the combined ones, in the order their targets first joined.
                if (!full) {
                    full = true;
                    LOG.warn("event=transition.backlog_full limit={} hint=\"further changes are combined per target "
                            + "until the database catches up\"", limit);
                }
                combined.put(t.targetId(), new Combined(entry));
            }
            waiting.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Transitions accepted and not yet written (verbatim, combined and in the batch being written). */
    int pending() {
        lock.lock();
        try {
            return queue.size() + combined.size() + inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every transition appended so far is written and announced. */
    void flush() {
        flush(Long.MAX_VALUE);
    }

    /** As {@link #flush()}, giving up after {@code maxMs}; true when everything appended was written. */
    boolean flush(long maxMs) {
        return awaitDone(mark(), maxMs);
    }

    /** How many transitions were appended so far: what {@link #awaitDone} waits for. */
    long mark() {
        lock.lock();
        try {
            return appended;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the last attempt to write failed (the database is away): waiting for a write is pointless. */
    boolean failing() {
        return failing;
    }

    private volatile boolean failing;

    /** Waits until the first {@code target} transitions appended are written, at most {@code maxMs}. */
    boolean awaitDone(long target, long maxMs) {
        long deadline = maxMs == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + maxMs * 1_000_000;
        lock.lock();
        try {
            while (done < target && thread.isAlive()) {
                if (deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0) {
                    return false;
                }
                try {
                    progress.await(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return done >= target;
        } finally {
            lock.unlock();
        }
    }

    /** The next batch, oldest first: verbatim ones, then (once none are left) combined ones. Empty when idle. */
    private List<Object> take(long[] weight) throws InterruptedException {
        lock.lock();
        try {
            if (queue.isEmpty() && combined.isEmpty()) {
                waiting.await(50, TimeUnit.MILLISECONDS);
            }
            List<Object> batch = new ArrayList<>(Math.min(MAX_BATCH, queue.size() + combined.size()));
            while (batch.size() < MAX_BATCH && !queue.isEmpty()) {
                batch.add(queue.poll());
            }
            weight[0] = batch.size();
            inFlightVerbatim = batch.size();
            // A target's combined transition follows its verbatim ones, so it is taken only when none wait.
            var it = combined.values().iterator();
            while (queue.isEmpty() && batch.size() < MAX_BATCH && it.hasNext()) {
                Combined c = it.next();
                it.remove();
                batch.add(c.entry());
                weight[0] += c.count;
            }
            inFlight = batch.size();
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        long[] weight = new long[1];
        while (!halted) {
            List<Object> batch;
            try {
                if (closing && pending() == 0) {
                    return;
                }
                batch = take(weight);
            } catch (InterruptedException e) {
                closing = true;
                continue;
            }
            if (batch.isEmpty()) {
                continue;
            }
            List<Transition> transitions = writeWithRetry(batch);
            if (transitions == null || halted) {
                return;
            }
            written.increment(batch.size());
            for (TransitionListener l : listeners) {
                try {
                    l.onTransitions(transitions);
                } catch (RuntimeException e) {
                    LOG.error("event=transition.listener_failed listener={} error=\"{}\"", l.getClass().getSimpleName(),
                            e.getMessage(), e);
                }
            }
            lock.lock();
            try {
                inFlight = 0;
                inFlightVerbatim = 0;
                done += weight[0];
                progress.signalAll();
                if (full && queue.isEmpty() && combined.isEmpty()) {
                    full = false;
                    // Neither shrinks when emptied: after a backlog of a million, their arrays would stay.
                    queue = new ArrayDeque<>();
                    combined = new LinkedHashMap<>();
                    LOG.info("event=transition.backlog_drained coalesced_total={}", (long) coalesced.count());
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Writes {@code batch}, retrying until it is committed; its transitions, or null when closing gave up on it. */
    private List<Transition> writeWithRetry(List<Object> batch) {
        int failures = 0;
        while (!halted) {
            try {
                List<Transition> written = write(batch);
                failing = false;
                return written;
            } catch (StoreException e) {
                failing = true;
                long backoffMs = RETRY.delay(++failures).toMillis();
                LOG.warn("event=transition.write_failed pending={} retry_in_ms={} error=\"{}\"", pending(), backoffMs,
                        e.getMessage());
                if (closing && backoffMs >= 5_000) {
                    LOG.error("event=transition.unwritten count={}", pending());
                    return null;
                }
                if (e.unavailable()) {
                    // Retry as soon as the database is back, so the backlog drains without waiting out a back-off.
                    db.awaitAvailable(Duration.ofMillis(backoffMs));
                } else {
                    Backoff.pause(backoffMs);
                }
            }
        }
        return null;
    }

    /** In cluster mode, which targets this node may still write for; set before {@link #start}. */
    void setOwnership(Ownership ownership) {
        this.ownership = ownership;
    }

    private volatile Ownership ownership = Ownership.SOLE;

    /** Writes a batch in one transaction; returns its transitions, in order. */
    private List<Transition> write(List<Object> batch) {
        return db.write(c -> {
            List<Transition> transitions = new ArrayList<>(batch.size());
            // each target's last entry in the batch (a Transition or an IntoHold): where its stored state now stands
            Map<String, Object> last = new LinkedHashMap<>();
            for (Object o : batch) {
                Transition t = transitionOf(o);
                transitions.add(t);
                last.put(t.targetId(), o);
            }
            // Fencing: what another node took over since these changes were made is that node's to record.
            Map<String, Long> earliest = new java.util.HashMap<>();
            for (Transition t : transitions) {
                earliest.merge(t.targetId(), t.at().toEpochMilli(), Math::min);
            }
            java.util.Set<String> fenced = ownership.fenced(c, earliest);
            if (!fenced.isEmpty()) {
                transitions.removeIf(t -> fenced.contains(t.targetId()));
                last.keySet().removeAll(fenced);
                LOG.warn("event=transition.fenced targets={} hint=\"another node owns them now; their changes are its to record\"",
                        fenced.size());
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO transition (target_id, from_state, to_state, at, reason) VALUES (?, ?, ?, ?, ?)")) {
                for (Transition t : transitions) {
                    ps.setString(1, t.targetId());
                    ps.setString(2, t.from().id());
                    ps.setString(3, t.to().id());
                    ps.setLong(4, t.at().toEpochMilli());
                    ps.setString(5, t.reason());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            // rows in id order, as the checkpoints write theirs: two writers locking the same rows in
            // different orders deadlock on PostgreSQL (SQLite has one writer: no sorting to pay for)
            recordStates(c, sortRows ? new java.util.TreeMap<>(last).values() : last.values());
            List<Transition> written = List.copyOf(transitions);
            for (TransitionWriter w : writers) {
                try {
                    w.write(c, written);
                } catch (RuntimeException e) {
                    // A bug would fail every retry of this batch alike: transitions must not stall behind it.
                    LOG.error("event=transition.writer_failed writer={} error=\"{}\"", w.getClass().getSimpleName(),
                            e.getMessage(), e);
                }
            }
            return written;
        });
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
