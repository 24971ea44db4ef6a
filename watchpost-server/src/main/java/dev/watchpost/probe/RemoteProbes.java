package dev.watchpost.probe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final PriorityQueue<Due> queue = new PriorityQueue<>(); // guarded by itself
    private final CheckSlots slots;
    private final ExecutorService runs = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("probe-", 0).factory());
    private ScheduledExecutorService ticker;

    public RemoteProbes(Clock clock, ProbeScheduler.Settings settings, HttpClients clients, Sink sink) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.slots = new CheckSlots(settings.maxConcurrent(), settings.maxPerHost());
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
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "prober-scheduler");
            t.setDaemon(true);
            return t;
        });
        long tick = ProbeScheduler.TICK.toMillis();
        ticker.scheduleAtFixedRate(this::tickSafely, tick, tick, TimeUnit.MILLISECONDS);
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.error("event=prober.tick_failed error=\"{}\"", e.toString(), e);
        }
    }

    /** Starts every run that is due. */
    void tick() {
        long now = clock.millis();
        List<Due> due = new ArrayList<>();
        synchronized (queue) {
            while (!queue.isEmpty() && queue.peek().atMs <= now) {
                due.add(queue.poll());
            }
        }
        for (Due d : due) {
            Entry e = d.entry;
            if (e.cancelled) {
                continue;
            }
            Duration every = e.plan.every();
            // The next slot of the grid, at least half an interval away (as the server's scheduler).
            enqueue(ProbeSchedule.nextRun(e.id, every, Instant.ofEpochMilli(Math.max(d.atMs + every.toMillis() / 2, now))), e);
            if (e.running) {
                continue; // the previous run is still in flight: this slot is skipped, not piled up
            }
            e.running = true;
            runs.execute(() -> {
                try {
                    run(e);
                } catch (InterruptedException ignored) {
                    // stopping: the run is abandoned
                } finally {
                    e.running = false;
                }
            });
        }
    }

    private void run(Entry e) throws InterruptedException {
        slots.run(e.plan.check().host(), () -> {
            Instant start = clock.instant();
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

    private record Due(long atMs, Entry entry) implements Comparable<Due> {
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
