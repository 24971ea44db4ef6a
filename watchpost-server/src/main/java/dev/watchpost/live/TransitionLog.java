package dev.watchpost.live;

import dev.watchpost.store.Database;
import dev.watchpost.store.StoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes transitions to the database in batches on one thread, then hands them to listeners (live
 * feed, history, alerts). A transition is announced only after it is committed, so nothing that
 * was announced can be lost; appending never waits for the disk. When the database fails, the
 * batch is kept and retried with back-off, and announcements wait for it. {@link TransitionWriter}s
 * add their rows (the alerts' outbox) to the same transaction.
 */
final class TransitionLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransitionLog.class);
    private static final int MAX_BATCH = 5_000;

    private final Database db;
    private final List<TransitionListener> listeners = new CopyOnWriteArrayList<>();
    private final List<TransitionWriter> writers = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<Transition> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Counter written;
    private volatile boolean closing;
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

    void append(Transition t) {
        synchronized (doneLock) {
            appended++;
        }
        queue.add(t);
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
        List<Transition> batch = new ArrayList<>();
        while (!(closing && queue.isEmpty() && batch.isEmpty())) {
            try {
                if (batch.isEmpty()) {
                    Transition first = queue.poll(50, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                }
                write(batch);
                written.increment(batch.size());
                for (TransitionListener l : listeners) {
                    try {
                        l.onTransitions(List.copyOf(batch));
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
