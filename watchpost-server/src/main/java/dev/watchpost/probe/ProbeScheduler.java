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
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Runs every probed target's checks on its schedule and feeds the damped results to the live state.
 * A target checked from several locations ({@link ProbeLocations}) runs its check here only when
 * {@code local} is among them, and takes the other locations' results through {@link #report}; its
 * state follows their {@link Quorum}, decided once per round.
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
 *   <li><b>Several locations.</b> Each location's latest result is kept with the target. A round is
 *       a slot of the target's grid (every location runs it on the same one); a result belongs to
 *       the slot nearest its check's start. The round is decided as soon as every live location has
 *       reported it, if they are at least the quorum; else at its deadline (slot + timeout +
 *       {@link Quorum#GRACE}), queued by the slot's run event and by the round's first result. That
 *       one decision is one damping step, so thresholds count rounds, not results. Nothing decided
 *       (too few live, or no agreement) leaves damping and state as they were and puts the reason
 *       in the target's message. Every result, fresh or late, counts in its location's history;
 *       only fresh ones (newer than the location's latest, within {@link Quorum#silentAfter()})
 *       reach the quorum. Targets on {@code local} alone keep the path above: each result is its
 *       own round.</li>
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

    /** Where each location's results of a target checked from several locations are counted: history, per location. */
    @FunctionalInterface
    public interface LocationHistory {
        void observed(String targetId, String location, long atMs, boolean ok, double latencyMs);
    }

    /** What became of a result {@linkplain #report reported} from a location. */
    public enum Reported {
        /** The location's latest: kept, and it feeds the target's quorum. */
        CURRENT,
        /**
         * In the location's history only: older than the location's latest result or than
         * {@link Quorum#silentAfter()} (buffered while the server was out of reach), so it says
         * nothing about the target now.
         */
        HISTORY,
        /** The location's latest result once more (a batch sent again): already counted. */
        DUPLICATE,
        /** Not checked from that location: unknown, not probed, paused, or declared for other locations. */
        NOT_ASSIGNED,
        /** Cluster mode: another node owns the target; its locations' results are kept there. */
        ELSEWHERE
    }

    /** One location of a target checked from several: its latest result, and whether that still counts now. */
    public record LocationResult(String location, Optional<Quorum.Seen> latest, boolean live) {
    }

    /**
     * A target checked from several locations, as its quorum sees it now.
     *
     * @param quorum    the locations in use now and how many must agree
     * @param locations each of them, in the quorum's order
     * @param decision  the last round's verdict, and when it was taken; empty before the first
     */
    public record LocationsView(Quorum quorum, List<LocationResult> locations, Optional<Quorum.Decision> decision,
                                Optional<Instant> decidedAt) {
    }

    private final LiveState live;
    private final Clock clock;
    private final Settings settings;
    private final HttpClients clients;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final PriorityQueue<Due> queue = new PriorityQueue<>(); // guarded by itself
    private final CheckSlots slots;
    private final Timer drift;
    private final LongAdder skipped = new LongAdder();
    private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
    private final ExecutorService runs = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("probe-", 0).factory());
    private final Map<Reported, Counter> reported = new EnumMap<>(Reported.class);
    private volatile Supplier<? extends Collection<String>> knownLocations = List::of;
    private volatile LocationHistory locationHistory = (id, location, at, ok, latency) -> { };
    private ScheduledExecutorService ticker;

    public ProbeScheduler(LiveState live, Clock clock, Settings settings, HttpClients clients, MeterRegistry meters) {
        this.live = live;
        this.clock = clock;
        this.settings = settings;
        this.clients = clients;
        this.slots = new CheckSlots(settings.maxConcurrent(), settings.maxPerHost());
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, Counter.builder("watchpost.probes").tag("outcome", o.name().toLowerCase(java.util.Locale.ROOT))
                    .description("Probe runs by outcome, before damping").register(meters));
        }
        FunctionCounter.builder("watchpost.probes.skipped", skipped, LongAdder::doubleValue)
                .description("Probe slots skipped because the previous run of the target was still in flight").register(meters);
        Gauge.builder("watchpost.probes.in.flight", slots, CheckSlots::inFlight)
                .description("Checks running now (holding their permits)").register(meters);
        Gauge.builder("watchpost.probes.targets", entries, Map::size)
                .description("Targets with a check scheduled on this server").register(meters);
        for (Reported r : Reported.values()) {
            reported.put(r, Counter.builder("watchpost.probe.location.results").tag("fate", r.name().toLowerCase(java.util.Locale.ROOT))
                    .description("Results reported from remote locations, by what became of them").register(meters));
        }
        // Fixed buckets (cumulative counters) rather than a client-side percentile, so any window's
        // percentile can be read from two scrapes.
        this.drift = Timer.builder("watchpost.probe.start.drift")
                .description("How late probes started after their planned time (waiting for permits included)")
                .serviceLevelObjectives(DRIFT_BUCKETS)
                .register(meters);
    }

    /** The limits checks run under, which this server's probers run under too. */
    public Settings settings() {
        return settings;
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
        if (old != null && e.several && old.several) {
            synchronized (old) {
                // The locations' latest results stay valid under the new declaration; a round
                // already decided is not decided again.
                e.seen.putAll(old.seen);
                e.decidedRound = old.decidedRound;
            }
        }
        Entry previous = entries.put(id, e);
        if (previous != null) {
            previous.cancelled = true;
        }
        Instant now = clock.instant();
        enqueue(start.decided() == State.UNKNOWN ? firstRun(id, plan.every(), now) : ProbeSchedule.nextRun(id, plan.every(), now), e);
    }

    /** Where the remote locations come from that targets declared {@code locations: all} are checked from. */
    public void knowLocationsFrom(Supplier<? extends Collection<String>> known) {
        this.knownLocations = Objects.requireNonNull(known, "known");
    }

    /** Where the results of targets checked from several locations are counted, per location. */
    public void recordLocationsIn(LocationHistory history) {
        this.locationHistory = Objects.requireNonNull(history, "history");
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

    /** Whether this server runs the target's check itself: it is probed, and {@code local} is among its locations. */
    public boolean runsHere(String id) {
        Entry e = entries.get(id);
        return e != null && e.runsHere;
    }

    /**
     * A result of {@code location}'s check of {@code id}, started at {@code at} (on this server's
     * clock): counted in the location's history, and when it is the location's newest and still
     * within {@link Quorum#silentAfter()}, kept as its latest for the target's quorum (which may
     * decide the round at once, when every live location has reported it). Memory only.
     *
     * @param at at most {@link Quorum#GRACE} after now; callers refuse results dated later
     */
    public Reported report(String id, String location, ProbeResult result, Instant at) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(at, "at");
        Instant now = clock.instant();
        if (at.isAfter(now.plus(Quorum.GRACE))) {
            throw new IllegalArgumentException("a result from the future: " + at + " (now " + now + ")");
        }
        Entry e = entries.get(id);
        Reported fate;
        if (e == null || !e.plan.locations().uses(location)) {
            fate = Reported.NOT_ASSIGNED;
        } else if (!live.owns(id)) {
            fate = Reported.ELSEWHERE;
        } else {
            synchronized (e) {
                fate = e.cancelled ? Reported.NOT_ASSIGNED : accept(e, location, result, at);
            }
        }
        reported.get(fate).increment();
        return fate;
    }

    /** A target checked from several locations, as its quorum sees it now; empty for one on {@code local} alone or not probed. */
    public Optional<LocationsView> locations(String id) {
        Entry e = entries.get(id);
        if (e == null || !e.several) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Quorum q = quorum(e);
        synchronized (e) {
            List<LocationResult> out = new ArrayList<>(q.locations().size());
            for (String l : q.locations()) {
                Optional<Quorum.Seen> s = Optional.ofNullable(e.seen.get(l));
                out.add(new LocationResult(l, s, s.map(x -> q.live(x.at(), now)).orElse(false)));
            }
            return Optional.of(new LocationsView(q, out, Optional.ofNullable(e.decision), Optional.ofNullable(e.decidedAt)));
        }
    }

    /**
     * How long this server's last run of a target's check took, in seconds (from its start, once
     * it held its permits, to its result); {@code NaN} when it has not run here since Watchpost
     * started. Reads one volatile field: cheap enough for a scrape over every target.
     */
    public double lastDurationSeconds(String id) {
        Entry e = entries.get(id);
        return e == null ? Double.NaN : e.lastSeconds;
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
     * With several locations the result is this location's, and takes its place in the round like
     * a scheduled one; the state then follows the round's decision.
     *
     * @return empty when the target is not probed, or not from here ({@link #runsHere})
     */
    public Optional<Run> runNow(String id) throws InterruptedException {
        Entry e = entries.get(id);
        if (e == null || !e.runsHere) {
            return Optional.empty();
        }
        return Optional.ofNullable(execute(e, clock.millis(), false));
    }

    public void start() {
        ticker = Ticker.start("probe-scheduler", this::tick, LOG, "probes.tick_failed");
        LOG.info("event=probes.started targets={} max_concurrent={} max_per_host={}", entries.size(),
                settings.maxConcurrent(), settings.maxPerHost());
    }

    /** Starts every run that is due. Package-private so tests can drive it with their clock. */
    void tick() {
        long now = clock.millis();
        for (Due d : Ticker.takeDue(queue, now)) {
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
        if (d.round != Due.RUN) {
            if (live.owns(e.id)) { // in cluster mode the owner decides, where the results are
                closeRound(e, d.round);
            }
            return;
        }
        // The next slot on the target's grid, skipping slots already missed. At least half an
        // interval away: a first run (off the grid) is not followed by a slot moments later.
        Duration every = e.plan.every();
        enqueue(ProbeSchedule.nextRun(e.id, every, Instant.ofEpochMilli(Math.max(d.atMs + every.toMillis() / 2, now))), e);
        if (e.several) {
            // The round this slot opens is decided at the latest once its checks had their timeout
            // and the grace. From the run's planned time, not only the slot's: a first run (off the
            // grid) may belong to a slot that lies before it.
            long round = ProbeSchedule.nearest(e.id, every, Instant.ofEpochMilli(d.atMs)).toEpochMilli();
            closeAt(e, round, Math.max(round, d.atMs));
        }
        if (!e.runsHere) {
            return; // checked from elsewhere only: this slot only opens the round
        }
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
        return slots.run(e.plan.check().host(), () -> {
            Instant start = clock.instant();
            if (scheduled) {
                drift.record(Math.max(0, start.toEpochMilli() - plannedMs), TimeUnit.MILLISECONDS);
            }
            long t0 = System.nanoTime();
            ProbeResult r = CheckSlots.probe(e.id, e.prober, start);
            e.lastSeconds = (System.nanoTime() - t0) / 1e9;
            outcomes.get(r.outcome()).increment();
            return apply(e, r, start);
        });
    }

    private Run apply(Entry e, ProbeResult r, Instant at) {
        synchronized (e) {
            if (e.cancelled) {
                return null;
            }
            if (e.several) {
                // One location's result among others: the round decides, not this result.
                accept(e, ProbeLocations.LOCAL, r, at);
                return new Run(r, e.damping, at);
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

    /** The quorum of a target checked from several locations, over the locations in use now. */
    private Quorum quorum(Entry e) {
        return Quorum.of(e.plan, knownLocations.get());
    }

    /** The round (its slot, epoch ms) a check started at {@code at} belongs to. */
    private static long roundOf(Entry e, Instant at) {
        return ProbeSchedule.nearest(e.id, e.plan.every(), at).toEpochMilli();
    }

    /** Takes one location's result for a target checked from several; the caller holds the entry's lock. */
    private Reported accept(Entry e, String location, ProbeResult r, Instant at) {
        Quorum.Seen previous = e.seen.get(location);
        if (previous != null && previous.at().equals(at)) {
            return Reported.DUPLICATE; // sent again after an answer was lost: counted the first time
        }
        locationHistory.observed(e.id, location, at.toEpochMilli(), r.outcome() != Outcome.DOWN, r.latencyMs());
        Instant now = clock.instant();
        Quorum q = quorum(e);
        if ((previous != null && at.isBefore(previous.at())) || !q.live(at, now)) {
            return Reported.HISTORY;
        }
        e.seen.put(location, new Quorum.Seen(location, r, at));
        long round = roundOf(e, at);
        if (round > e.decidedRound) {
            if (roundComplete(e, q, round, now)) {
                decide(e, round, q, now);
            } else {
                // Its deadline, should the slot's own run event have been skipped (a late tick)
                closeAt(e, round, round);
            }
        }
        return Reported.CURRENT;
    }

    /**
     * Whether {@code round} can be decided before its deadline: every location whose latest result
     * is live has reported it (no one left to wait for), and they are at least the quorum. Fewer
     * wait for the deadline, so locations coming back (a prober's first results after a restart)
     * are not shut out of a round the first of them decided alone.
     */
    private static boolean roundComplete(Entry e, Quorum q, long round, Instant now) {
        int reported = 0;
        for (String l : q.locations()) {
            Quorum.Seen s = e.seen.get(l);
            if (s != null && q.live(s.at(), now)) {
                if (roundOf(e, s.at()) != round) {
                    return false;
                }
                reported++;
            }
        }
        return reported >= q.k();
    }

    /**
     * Queues the deadline of {@code round}, once per round: its checks' timeout and the grace after
     * {@code from} (the slot, or a first run's later start).
     */
    private void closeAt(Entry e, long round, long from) {
        long deadline = from + e.plan.check().timeout().toMillis() + Quorum.GRACE.toMillis();
        synchronized (queue) {
            if (round > e.closeQueued) {
                e.closeQueued = round;
                queue.add(new Due(deadline, e, round));
            }
        }
    }

    /** The deadline of {@code round} came: decide it, unless it was decided already. */
    private void closeRound(Entry e, long round) {
        synchronized (e) {
            if (!e.cancelled && round > e.decidedRound) {
                decide(e, round, quorum(e), clock.instant());
            }
        }
    }

    /**
     * One round's verdict, one damping step: an agreement reaches the live state as a result would
     * (the summary as its message, streak spelled out); no agreement changes only the message, so
     * the state stays and no sample is counted. The caller holds the entry's lock.
     */
    private void decide(Entry e, long round, Quorum q, Instant now) {
        e.decidedRound = round;
        Quorum.Decision d = q.decide(e.seen.values(), now);
        e.decision = d;
        e.decidedAt = now;
        if (d.decided()) {
            ProbeResult r = d.result().orElseThrow();
            Instant slot = Instant.ofEpochMilli(round);
            e.damping = d.damp(e.damping, e.plan.thresholds());
            e.last = r;
            e.lastAt = slot;
            e.recent.add(slot, r);
            live.observe(e.id, observation(e.damping, r, e.plan.thresholds()));
        } else {
            live.note(e.id, d.summary());
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
            queue.add(new Due(at.toEpochMilli(), e, Due.RUN));
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

    /**
     * An entry's next event: a run of its slot, or the deadline of a round ({@code round}, the
     * slot's epoch ms) of a target checked from several locations.
     */
    private record Due(long atMs, Entry entry, long round) implements Comparable<Due>, Ticker.Timed {
        static final long RUN = Long.MIN_VALUE;

        @Override
        public int compareTo(Due o) {
            return Long.compare(atMs, o.atMs);
        }
    }

    private static final class Entry {
        final String id;
        final ProbePlan plan;
        final Prober prober;
        /** Checked from more than {@code local} alone: results go through the quorum, once per round. */
        final boolean several;
        /** {@code local} is among its locations: this server runs the check. */
        final boolean runsHere;
        DampingState damping; // guarded by this
        ProbeResult last;     // guarded by this; with several locations, the last round agreed
        Instant lastAt;       // guarded by this
        /** Each location's latest result; guarded by this. Null unless several: most targets never need one. */
        final Map<String, Quorum.Seen> seen;
        long decidedRound = Long.MIN_VALUE; // guarded by this: the slot (epoch ms) of the last round decided
        long closeQueued = Long.MIN_VALUE;  // guarded by the queue: the latest round whose deadline is queued
        Quorum.Decision decision;           // guarded by this
        Instant decidedAt;                  // guarded by this
        final RecentChecks recent;
        volatile boolean running;
        volatile boolean cancelled;
        /** How long this server's last run of the check took, in seconds; NaN before the first. */
        volatile double lastSeconds = Double.NaN;

        Entry(String id, ProbePlan plan, Prober prober, DampingState damping, RecentChecks recent) {
            this.id = id;
            this.plan = plan;
            this.prober = prober;
            this.damping = damping;
            this.recent = recent;
            this.several = !plan.locations().localOnly();
            this.runsHere = plan.locations().uses(ProbeLocations.LOCAL);
            this.seen = several ? new HashMap<>(4) : null;
        }
    }
}
