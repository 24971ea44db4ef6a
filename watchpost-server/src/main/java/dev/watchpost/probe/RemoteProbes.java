package dev.watchpost.probe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A remote location's checks, as its prober runs them: the same checkers ({@link Check#prober}),
 * the same grid ({@link ProbeSchedule}, hashed from the target id, so every location runs a target
 * in the same rounds as the server), the same limits (per host, then global) and the same first-run
 * spread as {@link ProbeScheduler}, but each result goes to a {@link Sink} instead of the live
 * state: the prober has no state, damping or quorum of its own, the server decides.
 *
 * <p>A scheduler of its own rather than {@link ProbeScheduler} with a sink: that one is built around
 * the live state (restored states, damping, rounds, cluster ownership), none of which a prober has.
 */
public final class RemoteProbes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteProbes.class);

    /** Where each result goes, with the time its check started. Called from the run's (virtual) thread. */
    @FunctionalInterface
    public interface Sink {
        void result(String targetId, ProbeResult result, Instant checkedAt);
    }

    private final Clock clock;
    private final ProbeScheduler.Settings settings;
    private final HttpClients clients;
    private final Sink sink;
    /** Upper bounds (ms) of the start-drift buckets, as the server's histogram reads at a glance; the last is "more". */
    static final long[] DRIFT_BOUNDS_MS = {10, 25, 50, 75, 100, 150, 200, 300, 500, 750, 1_000, 2_000, 5_000, 10_000,
            Long.MAX_VALUE};

    /**
     * What ran since the previous window: checks started, slots skipped because the previous run
     * was still in flight, and how late checks started after their slot (upper bounds of the
     * buckets holding p50, p99 and the latest; -1 when nothing ran, {@code Long.MAX_VALUE} past 10 s).
     */
    public record Window(long checks, long skipped, long driftP50Ms, long driftP99Ms, long driftMaxMs) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final PriorityQueue<Due> queue = new PriorityQueue<>(); // guarded by itself
    private volatile CheckSlots slots;
    private volatile ProbeScheduler.Settings limits;
    /** Start drift since the last {@link #window}: counts per upper bound of {@link #DRIFT_BOUNDS_MS}. */
    private final java.util.concurrent.atomic.AtomicLongArray drift = new java.util.concurrent.atomic.AtomicLongArray(DRIFT_BOUNDS_MS.length);
    private final java.util.concurrent.atomic.AtomicLong skipped = new java.util.concurrent.atomic.AtomicLong();
    private final ExecutorService runs = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("probe-", 0).factory());
    private ScheduledExecutorService ticker;

    public RemoteProbes(Clock clock, ProbeScheduler.Settings settings, HttpClients clients, Sink sink) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.limits = settings;
        this.slots = new CheckSlots(settings.maxConcurrent(), settings.maxPerHost());
    }

    /**
     * The server's limits, as its assignments carry them: a prober runs under the same ones as the
     * server's own checks (a site's owner who allows 16 checks at once allows them from everywhere).
     * Runs in flight finish under the old ones.
     */
    public void limits(ProbeScheduler.Settings next) {
        Objects.requireNonNull(next, "next");
        if (!next.equals(limits)) {
            limits = next;
            slots = new CheckSlots(next.maxConcurrent(), next.maxPerHost());
        }
    }

    /** The limits checks run under now. */
    public ProbeScheduler.Settings limits() {
        return limits;
    }

    /** What ran since the last call (and starts the next window). */
    public Window window() {
        long[] counts = new long[DRIFT_BOUNDS_MS.length];
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = drift.getAndSet(i, 0);
            total += counts[i];
        }
        return new Window(total, skipped.getAndSet(0), bound(counts, total, 0.50), bound(counts, total, 0.99),
                bound(counts, total, 1.0));
    }

    /** The upper bound of the bucket holding quantile {@code q}; -1 for an empty window. */
    private static long bound(long[] counts, long total, double q) {
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return DRIFT_BOUNDS_MS[i];
            }
        }
        return DRIFT_BOUNDS_MS[counts.length - 1];
    }

    /** Adds a target or replaces its plan; unchanged, nothing happens (its grid goes on). */
    public void schedule(String id, ProbePlan plan) {
        Entry old = entries.get(id);
        if (old != null && old.plan.equals(plan)) {
            return;
        }
        Entry e = new Entry(id, plan, plan.check().prober(clients));
        Entry previous = entries.put(id, e);
        if (previous != null) {
            previous.cancelled = true;
        }
        // As the server does for a target without a state: within the first 10 s, spread by the id's hash.
        Duration spread = plan.every().compareTo(ProbeScheduler.FIRST_RUN_SPREAD) < 0 ? plan.every()
                : ProbeScheduler.FIRST_RUN_SPREAD;
        enqueue(clock.instant().plus(ProbeSchedule.offset(id, spread)), e);
    }

    /** Stops checking a target; a run in flight finishes and its result is dropped. */
    public void unschedule(String id) {
        Entry e = entries.remove(id);
        if (e != null) {
            e.cancelled = true;
        }
    }

    /** The targets checked now. */
    public Set<String> targets() {
        return Set.copyOf(entries.keySet());
    }

    public synchronized void start() {
        if (ticker != null) {
            return;
        }
        ticker = Ticker.start("prober-scheduler", this::tick, LOG, "prober.tick_failed");
    }

    /** Starts every run that is due. */
    void tick() {
        long now = clock.millis();
        for (Due d : Ticker.takeDue(queue, now)) {
            Entry e = d.entry;
            if (e.cancelled) {
                continue;
            }
            Duration every = e.plan.every();
            // The next slot of the grid, at least half an interval away (as the server's scheduler).
            enqueue(ProbeSchedule.nextRun(e.id, every, Instant.ofEpochMilli(Math.max(d.atMs + every.toMillis() / 2, now))), e);
            if (e.running) {
                skipped.incrementAndGet();
                continue; // the previous run is still in flight: this slot is skipped, not piled up
            }
            e.running = true;
            long plannedMs = d.atMs;
            runs.execute(() -> {
                try {
                    run(e, plannedMs);
                } catch (InterruptedException ignored) {
                    // stopping: the run is abandoned
                } finally {
                    e.running = false;
                }
            });
        }
    }

    private void run(Entry e, long plannedMs) throws InterruptedException {
        slots.run(e.plan.check().host(), () -> {
            Instant start = clock.instant();
            long late = Math.max(0, start.toEpochMilli() - plannedMs);
            int bucket = 0;
            while (DRIFT_BOUNDS_MS[bucket] < late) {
                bucket++;
            }
            drift.incrementAndGet(bucket);
            ProbeResult r = CheckSlots.probe(e.id, e.prober, start);
            if (!e.cancelled) {
                sink.result(e.id, r, start);
            }
            return null;
        });
    }

    private void enqueue(Instant at, Entry e) {
        synchronized (queue) {
            queue.add(new Due(at.toEpochMilli(), e));
        }
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        runs.shutdownNow();
        try {
            runs.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Due(long atMs, Entry entry) implements Comparable<Due>, Ticker.Timed {
        @Override
        public int compareTo(Due o) {
            return Long.compare(atMs, o.atMs);
        }
    }

    private static final class Entry {
        final String id;
        final ProbePlan plan;
        final Prober prober;
        volatile boolean running;
        volatile boolean cancelled;

        Entry(String id, ProbePlan plan, Prober prober) {
            this.id = id;
            this.plan = plan;
            this.prober = prober;
        }
    }
}
