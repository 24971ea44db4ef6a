package dev.watchpost.probe;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Observation;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs every probed target's checks on its schedule and feeds the damped results to the live state.
 *
 * <ul>
 *   <li><b>Timing.</b> A queue ordered by due time; a tick every 100 ms takes the due entries off its
 *       head, so a tick costs what is due, never a scan of all targets. Each target runs on its own
 *       grid ({@link ProbeSchedule}: hashed jitter, no drift); a run that is still in flight when its
 *       next slot comes skips that slot rather than piling up.</li>
 *   <li><b>Isolation.</b> One virtual thread per run. A run first takes a permit of its host (at most
 *       {@code maxPerHost} in flight against one host), then a global one ({@code maxConcurrent});
 *       host first, so the targets of one slow host queue behind each other without holding global
 *       permits that other hosts need. Every prober has a hard total timeout.</li>
 *   <li><b>Damping.</b> Each target keeps a {@link DampingState}; what reaches the live state is the
 *       decided state, with the pending streak spelled out in the message.</li>
 *   <li><b>First runs.</b> A target that has no state yet (new, or never probed) runs within its
 *       first 10 s (spread by the same hash), not a whole interval later; one restored with a state
 *       keeps it and waits for its grid slot, so a restart causes no burst of probes.</li>
 * </ul>
 */
public final class ProbeScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProbeScheduler.class);
    static final Duration TICK = Duration.ofMillis(100);
    static final Duration FIRST_RUN_SPREAD = Duration.ofSeconds(10);
    private static final Duration[] DRIFT_BUCKETS = java.util.stream.LongStream
            .of(10, 25, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 2000, 5000, 10_000, 30_000)
            .mapToObj(Duration::ofMillis).toArray(Duration[]::new);

    /** Concurrency limits; see {@code probes.max-concurrent} and {@code probes.max-per-host}. */
    public record Settings(int maxConcurrent, int maxPerHost) {
        public Settings {
            if (maxConcurrent < 1 || maxPerHost < 1) {
                throw new IllegalArgumentException("probe limits must be at least 1");
            }
        }
    }

    /** What one run found and what the target shows after it. */
    public record Run(ProbeResult result, DampingState damping, Instant at) {
    }

    private final LiveState live;
    private final Clock clock;
    private final Settings settings;
    private final HttpClients clients;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final PriorityQueue<Due> queue = new PriorityQueue<>(); // guarded by itself
    private final Semaphore global;
    private final ConcurrentHashMap<String, Semaphore> hosts = new ConcurrentHashMap<>();
    private final Timer drift;
    private final LongAdder skipped = new LongAdder();
    private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
    private final ExecutorService runs = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("probe-", 0).factory());
    private ScheduledExecutorService ticker;

    public ProbeScheduler(LiveState live, Clock clock, Settings settings, HttpClients clients, MeterRegistry meters) {
        this.live = live;
        this.clock = clock;
        this.settings = settings;
        this.clients = clients;
        this.global = new Semaphore(settings.maxConcurrent());
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, Counter.builder("watchpost.probes").tag("outcome", o.name().toLowerCase(java.util.Locale.ROOT))
                    .description("Probe runs by outcome, before damping").register(meters));
        }
        FunctionCounter.builder("watchpost.probes.skipped", skipped, LongAdder::doubleValue)
                .description("Probe slots skipped because the previous run of the target was still in flight").register(meters);
        Gauge.builder("watchpost.probes.in.flight", global, g -> settings.maxConcurrent() - g.availablePermits())
                .register(meters);
        Gauge.builder("watchpost.probes.targets", entries, Map::size).register(meters);
        // Fixed buckets (cumulative counters) rather than a client-side percentile, so any window's
        // percentile can be read from two scrapes.
        this.drift = Timer.builder("watchpost.probe.start.drift")
                .description("How late probes started after their planned time (waiting for permits included)")
                .serviceLevelObjectives(DRIFT_BUCKETS)
                .register(meters);
    }

    /** Adds a probed target, or replaces its plan. A replaced target keeps its decided state. */
    public void schedule(String id, ProbePlan plan) {
        Entry old = entries.get(id);
        if (old != null && old.plan.equals(plan)) {
            return; // declared again unchanged (a restart of the API object, a reload): nothing to do
        }
        DampingState start;
        if (old != null) {
            synchronized (old) {
                start = new DampingState(old.damping.decided(), 0, 0, old.damping.lastReason());
            }
        } else {
            start = live.target(id).map(TargetView::state).map(ProbeScheduler::restored).orElse(DampingState.INITIAL);
        }
        Entry e = new Entry(id, plan, plan.check().prober(clients), start,
                old == null ? new RecentChecks() : old.recent); // a changed plan keeps the checks so far
        Entry previous = entries.put(id, e);
        if (previous != null) {
            previous.cancelled = true;
        }
        Instant now = clock.instant();
        enqueue(start.decided() == State.UNKNOWN ? firstRun(id, plan.every(), now) : ProbeSchedule.nextRun(id, plan.every(), now), e);
    }

    /** Stops probing a target; a run in flight finishes but its result is dropped. */
    public void unschedule(String id) {
        Entry e = entries.remove(id);
        if (e != null) {
            e.cancelled = true;
        }
    }

    public boolean isScheduled(String id) {
        return entries.containsKey(id);
    }

    /** The last run of a target, if it has run since Watchpost started. */
    public Optional<Run> lastRun(String id) {
        Entry e = entries.get(id);
        if (e == null) {
            return Optional.empty();
        }
        synchronized (e) {
            return e.last == null ? Optional.empty() : Optional.of(new Run(e.last, e.damping, e.lastAt));
        }
    }

    /**
     * The target's last results, one per check, oldest first (at most {@link RecentChecks#CAPACITY},
     * since Watchpost started; in cluster mode only on the node that runs its checks). Empty when
     * it is not probed.
     */
    public List<RecentChecks.Result> recent(String id) {
        Entry e = entries.get(id);
        if (e == null) {
            return List.of();
        }
        return e.recent.list();
    }

    /**
     * Runs a target's check now, within the same limits, applies the result like a scheduled run
     * and returns it. Blocks the calling (virtual) thread for at most the check's timeout plus the
     * time waiting for a permit.
     *
     * @return empty when the target is not probed
     */
    public Optional<Run> runNow(String id) throws InterruptedException {
        Entry e = entries.get(id);
        if (e == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(execute(e, clock.millis(), false));
    }

    public void start() {
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "probe-scheduler");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::tickSafely, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("event=probes.started targets={} max_concurrent={} max_per_host={}", entries.size(),
                settings.maxConcurrent(), settings.maxPerHost());
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.error("event=probes.tick_failed error=\"{}\"", e.toString(), e);
        }
    }

    /** Starts every run that is due. Package-private so tests can drive it with their clock. */
    void tick() {
        long now = clock.millis();
        List<Due> due = new ArrayList<>();
        synchronized (queue) {
            while (!queue.isEmpty() && queue.peek().atMs <= now) {
                due.add(queue.poll());
            }
        }
        for (Due d : due) {
            try {
                dispatch(d, now);
            } catch (RuntimeException ex) {
                // One entry's failure must not drop the others taken off the queue with it.
                LOG.error("event=probe.dispatch_failed target={} error=\"{}\"", d.entry.id, ex.toString(), ex);
            }
        }
    }

    private void dispatch(Due d, long now) {
        Entry e = d.entry;
        if (e.cancelled) {
            return;
        }
        // The next slot on the target's grid, skipping slots already missed. At least half an
        // interval away: a first run (off the grid) is not followed by a slot moments later.
        Duration every = e.plan.every();
        enqueue(ProbeSchedule.nextRun(e.id, every, Instant.ofEpochMilli(Math.max(d.atMs + every.toMillis() / 2, now))), e);
        if (e.running) {
            skipped.increment();
            return;
        }
        if (!live.owns(e.id)) {
            return; // in cluster mode another node owns it and runs this slot; the schedule stays, for a takeover
        }
        e.running = true;
        runs.execute(() -> {
            try {
                execute(e, d.atMs, true);
            } catch (InterruptedException ignored) {
                // stopping: the run is abandoned
            } finally {
                e.running = false;
            }
        });
    }

    private Run execute(Entry e, long plannedMs, boolean scheduled) throws InterruptedException {
        Semaphore host = hosts.computeIfAbsent(e.plan.check().host(), h -> new Semaphore(settings.maxPerHost()));
        host.acquire();
        try {
            global.acquire();
            try {
                Instant start = clock.instant();
                if (scheduled) {
                    drift.record(Math.max(0, start.toEpochMilli() - plannedMs), TimeUnit.MILLISECONDS);
                }
                ProbeResult r;
                try {
                    r = e.prober.probe(start);
                } catch (RuntimeException ex) {
                    // A prober must not throw for anything the target does; this is our bug, but the
                    // target still gets a result rather than silently keeping its old state.
                    LOG.error("event=probe.failed target={} error=\"{}\"", e.id, ex.toString(), ex);
                    r = ProbeResult.down("probe failed: " + ex.getClass().getSimpleName());
                }
                outcomes.get(r.outcome()).increment();
                return apply(e, r, start);
            } finally {
                global.release();
            }
        } finally {
            host.release();
        }
    }

    private Run apply(Entry e, ProbeResult r, Instant at) {
        synchronized (e) {
            if (e.cancelled) {
                return null;
            }
            e.damping = e.damping.next(r, e.plan.thresholds());
            e.last = r;
            e.lastAt = at;
            e.recent.add(at, r);
            // Under the entry's lock, so results of one target reach the live state in order.
            live.observe(e.id, observation(e.damping, r, e.plan.thresholds()));
            return new Run(r, e.damping, at);
        }
    }

    /** The report for the live state: the decided state, and the reason with any pending streak spelled out. */
    static Observation observation(DampingState d, ProbeResult r, DampingState.Thresholds t) {
        String message = r.reason();
        if (d.failures() > 0) {
            message += " (failure " + d.failures() + " of " + t.failures() + ", not down yet)";
        } else if (d.successes() > 0) {
            message += " (success " + d.successes() + " of " + t.successes() + ", still down)";
        }
        ObjectNode metrics = null;
        if (!r.stats().isEmpty() || r.statusCode().isPresent()) {
            metrics = JsonNodeFactory.instance.objectNode();
            if (r.statusCode().isPresent()) {
                metrics.put("status", r.statusCode().getAsInt());
            }
            for (Map.Entry<String, Double> s : r.stats().entrySet()) {
                metrics.put(s.getKey(), s.getValue());
            }
        }
        return new Observation(Observation.Kind.REPORT, d.decided(), message, r.latencyMs(), metrics);
    }

    private static DampingState restored(State s) {
        return switch (s) {
            case ONLINE, DEGRADED, DOWN -> new DampingState(s, 0, 0, Optional.empty());
            default -> DampingState.INITIAL;
        };
    }

    private static Instant firstRun(String id, Duration every, Instant now) {
        Duration spread = every.compareTo(FIRST_RUN_SPREAD) < 0 ? every : FIRST_RUN_SPREAD;
        return now.plus(ProbeSchedule.offset(id, spread));
    }

    private void enqueue(Instant at, Entry e) {
        synchronized (queue) {
            queue.add(new Due(at.toEpochMilli(), e));
        }
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        runs.shutdownNow(); // interrupts runs in flight; their results are not recorded
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
        DampingState damping; // guarded by this
        ProbeResult last;     // guarded by this
        Instant lastAt;       // guarded by this
        final RecentChecks recent;
        volatile boolean running;
        volatile boolean cancelled;

        Entry(String id, ProbePlan plan, Prober prober, DampingState damping, RecentChecks recent) {
            this.id = id;
            this.plan = plan;
            this.prober = prober;
            this.damping = damping;
            this.recent = recent;
        }
    }
}
