package dev.watchpost.live;

import dev.watchpost.store.Database;
import dev.watchpost.store.StoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

    /** Several transitions of one target, waiting as one: from the first's {@code from} to the last's {@code to}. */
    private static final class Combined {
        final Transition first;
        Transition last;
        int count = 1;

        Combined(Transition t) {
            this.first = t;
            this.last = t;
        }

        Transition transition() {
            if (count == 1) {
                return first;
            }
            return new Transition(first.targetId(), first.from(), last.to(), last.at(),
                    last.reason() + " (last of " + count + " changes combined while the transition backlog was full)");
        }
    }

    private final Database db;
    private final int limit;
    private final List<TransitionListener> listeners = new CopyOnWriteArrayList<>();
    private final List<TransitionWriter> writers = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition waiting = lock.newCondition();
    private final Condition progress = lock.newCondition();
    private ArrayDeque<Transition> queue = new ArrayDeque<>();              // guarded by lock
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

    TransitionLog(Database db, MeterRegistry meters) {
        this(db, meters, DEFAULT_LIMIT);
    }

    TransitionLog(Database db, MeterRegistry meters, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the transition backlog limit must be at least 1: " + limit);
        }
        this.db = db;
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

    /** Queues {@code t}. Never blocks on the database; may be called holding a target's monitor. */
    void append(Transition t) {
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
                    c.last = t;
                    c.count++;
                    coalesced.increment();
                }
                return;
            }
            if (!full && queue.size() + inFlightVerbatim < limit) {
                queue.add(t);
            } else {
                // Until the backlog has drained completely, everything is combined: the verbatim ones
                // drain first, then the combined ones, in the order their targets first joined.
                if (!full) {
                    full = true;
                    LOG.warn("event=transition.backlog_full limit={} hint=\"further changes are combined per target "
                            + "until the database catches up\"", limit);
                }
                combined.put(t.targetId(), new Combined(t));
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
        lock.lock();
        try {
            long target = appended;
            while (done < target && thread.isAlive()) {
                try {
                    progress.await(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next batch, oldest first: verbatim ones, then (once none are left) combined ones. Empty when idle. */
    private List<Transition> take(long[] weight) throws InterruptedException {
        lock.lock();
        try {
            if (queue.isEmpty() && combined.isEmpty()) {
                waiting.await(50, TimeUnit.MILLISECONDS);
            }
            List<Transition> batch = new ArrayList<>(Math.min(MAX_BATCH, queue.size() + combined.size()));
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
                batch.add(c.transition());
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
        while (true) {
            List<Transition> batch;
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
            if (!writeWithRetry(batch)) {
                return;
            }
            written.increment(batch.size());
            for (TransitionListener l : listeners) {
                try {
                    l.onTransitions(List.copyOf(batch));
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

    /** Writes {@code batch}, retrying until it is committed; false when closing gave up on it. */
    private boolean writeWithRetry(List<Transition> batch) {
        long backoffMs = 100;
        while (true) {
            try {
                write(batch);
                return true;
            } catch (StoreException e) {
                LOG.warn("event=transition.write_failed pending={} retry_in_ms={} error=\"{}\"", pending(), backoffMs,
                        e.getMessage());
                if (closing && backoffMs >= 5_000) {
                    LOG.error("event=transition.unwritten count={}", pending());
                    return false;
                }
                if (e.unavailable()) {
                    // Retry as soon as the database is back, so the backlog drains without waiting out a back-off.
                    db.awaitAvailable(Duration.ofMillis(backoffMs));
                } else {
                    sleep(backoffMs);
                }
                backoffMs = Math.min(backoffMs * 2, Duration.ofSeconds(10).toMillis());
            }
        }
    }

    private void write(List<Transition> batch) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO transition (target_id, from_state, to_state, at, reason) VALUES (?, ?, ?, ?, ?)")) {
                for (Transition t : batch) {
                    ps.setString(1, t.targetId());
                    ps.setString(2, t.from().id());
                    ps.setString(3, t.to().id());
                    ps.setLong(4, t.at().toEpochMilli());
                    ps.setString(5, t.reason());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            List<Transition> written = List.copyOf(batch);
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
