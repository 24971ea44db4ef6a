package dev.watchpost.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Coalescing background writes: callers hand over a write keyed by what it updates and return at
 * once; one thread writes everything pending in a single transaction every flush interval. A later
 * write for the same key replaces an earlier one that has not been written yet (last value wins), so
 * the database sees at most one write per key per interval however often the key changes.
 *
 * <p>When a flush fails the writes stay pending and are retried on the next round; {@link #close()}
 * flushes what is pending before it returns, which is what a graceful shutdown relies on.
 */
public final class WriteBehind implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WriteBehind.class);

    /** One pending write. */
    @FunctionalInterface
    public interface Write {
        void apply(Connection connection) throws SQLException;
    }

    private final Database database;
    private final long intervalNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Condition flushed = lock.newCondition();
    private LinkedHashMap<String, Write> pending = new LinkedHashMap<>();
    private long requested;   // flush generations asked for
    private long completed;   // flush generations done
    private boolean closing;
    private final Thread thread;
    private final Timer flushTimer;
    private final Counter failures;

    public WriteBehind(Database database, Duration interval, MeterRegistry meters) {
        this.database = database;
        this.intervalNanos = interval.toNanos();
        this.flushTimer = Timer.builder("watchpost.store.flush").description("Background write batches")
                .register(meters);
        this.failures = Counter.builder("watchpost.store.flush.failures")
                .description("Background write batches that failed (their writes are tried again)").register(meters);
        Gauge.builder("watchpost.store.pending.writes", this, WriteBehind::pendingCount)
                .description("Writes accepted but not yet in the database").register(meters);
        this.thread = Thread.ofPlatform().name("watchpost-writer").daemon(true).unstarted(this::run);
        thread.start();
    }

    /** Queues {@code write}, replacing any pending write with the same key. Never blocks on the database. */
    public void put(String key, Write write) {
        lock.lock();
        try {
            if (closing) {
                throw new IllegalStateException("writer is closed");
            }
            pending.put(key, write);
        } finally {
            lock.unlock();
        }
    }

    /** Writes everything queued so far and waits until it is in the database (or the flush failed). */
    public void flush() {
        lock.lock();
        try {
            long generation = ++requested;
            wake.signal();
            while (completed < generation && thread.isAlive()) {
                flushed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    int pendingCount() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            Map<String, Write> batch;
            long generation;
            boolean last;
            lock.lock();
            try {
                long deadline = System.nanoTime() + intervalNanos;
                while (!closing && requested == completed) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    try {
                        wake.awaitNanos(left);
                    } catch (InterruptedException e) {
                        closing = true;
                    }
                }
                batch = pending;
                pending = new LinkedHashMap<>();
                generation = requested;
                last = closing;
            } finally {
                lock.unlock();
            }
            if (!batch.isEmpty()) {
                writeBatch(batch);
            }
            lock.lock();
            try {
                completed = Math.max(completed, generation);
                flushed.signalAll();
            } finally {
                lock.unlock();
            }
            if (last) {
                return;
            }
        }
    }

    private void writeBatch(Map<String, Write> batch) {
        long start = System.nanoTime();
        try {
            database.write(c -> {
                for (Write w : batch.values()) {
                    w.apply(c);
                }
                return null;
            });
            flushTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            failures.increment();
            LOG.warn("event=store.flush.failed writes={} error=\"{}\"", batch.size(), e.getMessage());
            lock.lock();
            try {
                // Keep newer writes that arrived meanwhile; put the failed ones back underneath them.
                LinkedHashMap<String, Write> merged = new LinkedHashMap<>(batch);
                merged.putAll(pending);
                pending = merged;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Flushes what is pending and stops the writer thread. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int left = pendingCount();
        if (left > 0) {
            LOG.error("event=store.close.unflushed writes={}", left);
        }
    }
}
