package dev.watchpost.composite;

import dev.watchpost.store.Backoff;
import dev.watchpost.live.GroupView;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Observation;
import dev.watchpost.live.Snapshot;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;
import dev.watchpost.live.Transition;
import dev.watchpost.live.TransitionListener;
import dev.watchpost.store.Database;
import dev.watchpost.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps every composite target's state following its parts.
 *
 * <p>It follows the topology ({@link #defined} and {@link #removed} for every target, called from
 * the composition root before the topology loads) and
 * the parts' durable transitions, and re-assesses a composite when one of its parts changes, through
 * an index part id → composites, so the cost follows what changed, not how many targets exist. A
 * round every {@link #ROUND} re-assesses the composites that time alone can change (start-up grace
 * ending, a part going stale), checks that group parts still have the same targets (their counts in
 * the snapshot), and starts webhook deliveries that are due. Time is the injected clock's.
 *
 * <p>Everything that changes the engine's own state runs on its one thread; listeners only hand work
 * to it, so neither the topology's lock nor the transition writer ever waits for an assessment, and
 * webhooks run on their own threads ({@link Deliveries}). Readers (the API) see immutable
 * {@link Health} values.
 *
 * <p>Start-up grace counts from when this process first saw the composite (defined at start or
 * through the API), so a restart does not judge parts that have not reported again yet; until then
 * the composite keeps the state it had (unknown when new).
 */
public final class CompositeEngine implements TransitionListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CompositeEngine.class);

    public static final Duration ROUND = Duration.ofSeconds(1);
    public static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(10);
    /** Actions (and attempts of each) the health API lists. */
    static final int ACTIONS_SHOWN = 20;

    /** What the API shows of one composite; immutable. */
    record Health(String id, CompositeDef def, Instant firstSeen, Optional<Assessment> assessment,
                  List<HealthEvent> events) {
    }

    /** One declared part as resolved: a target, or a group with its targets and their count then. */
    private record Resolved(String part, boolean group, List<String> members, int groupTotal) {
    }

    /** A composite; touched only on the engine's thread. */
    private static final class Entry {
        final String id;
        final Instant firstSeen;
        final HealthRing ring;
        CompositeDef def;
        List<Resolved> resolved = List.of();
        Set<String> watched = Set.of();
        Instant recheckAt;

        Entry(String id, CompositeDef def, Instant firstSeen) {
            this.id = id;
            this.def = def;
            this.firstSeen = firstSeen;
            this.ring = new HealthRing(def.healthEvents());
        }
    }

    private final LiveState live;
    private final CompositeStore store;
    private final Clock clock;
    private final Duration round;
    private final Deliveries deliveries;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("watchpost-composite").daemon(true).factory());

    private final Map<String, Entry> entries = new HashMap<>(); // engine thread only
    /** Part target id → composites watching it. Written on the engine thread, read by the transition writer. */
    private final ConcurrentHashMap<String, Set<String>> byPart = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Health> published = new ConcurrentHashMap<>();
    /** Targets were defined or removed since the last round: group parts may have other targets now. */
    private final AtomicBoolean topologyChanged = new AtomicBoolean();

    /** Hears the live state's transitions ({@link #onTransitions}): register it before the live state starts. */
    public CompositeEngine(LiveState live, Database db, Clock clock) {
        this(live, db, clock, ROUND, Backoff.DEFAULT, WEBHOOK_TIMEOUT);
    }

    CompositeEngine(LiveState live, Database db, Clock clock, Duration round, Backoff backoff, Duration webhookTimeout) {
        this.live = live;
        this.store = new CompositeStore(db);
        this.clock = clock;
        this.round = round;
        this.deliveries = new Deliveries(store, clock, backoff, webhookTimeout);
    }

    /** Resumes pending webhook deliveries and starts the rounds. Call once the topology is loaded. */
    public void start() {
        submit(() -> deliveries.restore(store.pending()));
        thread.scheduleWithFixedDelay(() -> guard(this::round), round.toMillis(), round.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- listeners (other threads)

        /**
     * A target was defined or replaced; {@code def} is its composite rule when it is a composite.
     * Every target counts: a new one may join a group that a composite names as a part.
     */
    public void defined(String id, Optional<CompositeDef> def) {
        topologyChanged.set(true);
        // So that a GET right after the PUT finds it; the engine's thread fills in the rest.
        def.ifPresent(d -> published.putIfAbsent(id, new Health(id, d, clock.instant(), Optional.empty(), List.of())));
        submit(() -> {
            if (def.isPresent()) {
                register(id, def.get());
            } else {
                unregister(id);
            }
            partChanged(id);
        });
    }

        /** A target was removed. */
    public void removed(String targetId) {
        topologyChanged.set(true);
        published.remove(targetId);
        submit(() -> {
            unregister(targetId);
            partChanged(targetId);
        });
    }

    /** On the transition writer's thread: only looks up the index and hands the work over. */
    @Override
    public void onTransitions(List<Transition> transitions) {
        Set<String> due = null;
        for (Transition t : transitions) {
            Set<String> composites = byPart.get(t.targetId());
            if (composites != null) {
                if (due == null) {
                    due = new HashSet<>();
                }
                due.addAll(composites);
            }
        }
        if (due != null) {
            Set<String> ids = due;
            submit(() -> ids.forEach(this::assess));
        }
    }

    // ---------------------------------------------------------------- reads (any thread)

    /** The composite's current health, empty when {@code id} is not a composite. */
    Optional<Health> health(String id) {
        return Optional.ofNullable(published.get(id));
    }

    /** The composite's newest availability actions with their newest attempts, newest first. */
    List<Action> actions(String id) {
        return store.recent(id, ACTIONS_SHOWN, ACTIONS_SHOWN);
    }

    // ---------------------------------------------------------------- engine thread

    private void register(String id, CompositeDef def) {
        Entry e = entries.get(id);
        if (e == null) {
            e = new Entry(id, def, clock.instant());
            try {
                e.ring.restore(store.events(id, def.healthEvents()));
            } catch (StoreException ex) {
                LOG.error("event=composite.events_not_restored id={} error=\"{}\"", id, ex.getMessage());
            }
            entries.put(id, e);
        } else {
            e.def = def;
            e.ring.resize(def.healthEvents());
        }
        try {
            deliveries.webhook(id, def.availabilityWebhook());
        } catch (StoreException ex) {
            LOG.warn("event=composite.abandon_failed id={} error=\"{}\"", id, ex.getMessage());
        }
        resolve(List.of(e));
        assess(e);
    }

    private void unregister(String id) {
        Entry e = entries.remove(id);
        if (e == null) {
            return;
        }
        index(e, Set.of());
        published.remove(id);
        deliveries.forget(id);
        try {
            store.delete(id);
        } catch (StoreException ex) {
            LOG.warn("event=composite.delete_failed id={} error=\"{}\"", id, ex.getMessage());
        }
    }

    /** A target was defined or removed: the composites it is a part of look again. */
    private void partChanged(String targetId) {
        Set<String> composites = byPart.get(targetId);
        if (composites != null) {
            composites.forEach(this::assess);
        }
    }

    private void round() {
        Instant now = clock.instant();
        checkMembership();
        for (Entry e : List.copyOf(entries.values())) {
            if (e.recheckAt != null && !now.isBefore(e.recheckAt)) {
                assess(e);
            }
        }
        deliveries.deliverDue(clock.instant());
    }

    /**
     * Re-resolves the composites whose parts may stand for other targets now: after any definition
     * or removal, when a part became (or stopped being) a group, or when a group's count of targets
     * in the snapshot moved. Costs O(composites' parts + groups) when nothing changed.
     */
    private void checkMembership() {
        List<Entry> stale = new ArrayList<>();
        boolean all = topologyChanged.getAndSet(false);
        Map<String, Integer> totals = null;
        for (Entry e : entries.values()) {
            boolean changed = all && e.resolved.stream().anyMatch(Resolved::group);
            for (Resolved r : e.resolved) {
                if (changed) {
                    break;
                }
                boolean groupNow = isGroup(r.part());
                if (groupNow != r.group()) {
                    changed = true;
                } else if (groupNow) {
                    if (totals == null) {
                        totals = groupTotals(live.snapshot());
                    }
                    changed = totals.getOrDefault(r.part(), 0) != r.groupTotal();
                }
            }
            if (changed) {
                stale.add(e);
            }
        }
        if (!stale.isEmpty()) {
            resolve(stale);
            stale.forEach(this::assess);
        }
    }

    /** A part names a group when no target has that id and a group has. */
    private boolean isGroup(String part) {
        return live.target(part).isEmpty() && live.group(part).isPresent();
    }

    /**
     * Finds what each part of {@code es} stands for and updates the index. Group parts cost one
     * pass over a fresh snapshot for all of them together; target parts cost nothing.
     */
    private void resolve(Collection<Entry> es) {
        Set<String> groups = new HashSet<>();
        for (Entry e : es) {
            for (String p : e.def.parts()) {
                if (isGroup(p)) {
                    groups.add(p);
                }
            }
        }
        Map<String, List<String>> members = new HashMap<>();
        Map<String, Integer> totals = Map.of();
        if (!groups.isEmpty()) {
            Snapshot snap = live.freshSnapshot();
            totals = groupTotals(snap);
            groups.forEach(g -> members.put(g, new ArrayList<>()));
            snap.forEachTarget(v -> {
                // a target belongs to its group and to every ancestor of it
                for (String g = v.groupId(); g != null; g = parent(g)) {
                    List<String> m = members.get(g);
                    if (m != null) {
                        m.add(v.id());
                    }
                }
            });
        }
        for (Entry e : es) {
            List<Resolved> rs = new ArrayList<>();
            Set<String> watched = new HashSet<>();
            for (String p : e.def.parts()) {
                if (groups.contains(p)) {
                    // a composite inside the group it watches is not its own part
                    List<String> m = members.get(p).stream().filter(id -> !id.equals(e.id)).toList();
                    rs.add(new Resolved(p, true, m, totals.getOrDefault(p, 0)));
                    watched.addAll(m);
                } else {
                    rs.add(new Resolved(p, false, List.of(p), -1));
                }
                // the part's own id too: its definition (as a target) or removal concerns us
                watched.add(p);
            }
            // and the composite itself: a state someone else reported is put right at once
            watched.add(e.id);
            e.resolved = List.copyOf(rs);
            index(e, watched);
        }
    }

    private static String parent(String groupId) {
        int slash = groupId.lastIndexOf('/');
        return slash < 0 ? null : groupId.substring(0, slash);
    }

    private static Map<String, Integer> groupTotals(Snapshot snap) {
        Map<String, Integer> out = new HashMap<>();
        for (GroupView g : snap.groups()) {
            out.put(g.id(), g.total());
        }
        return out;
    }

    /** Replaces the ids {@code e} watches in the index. */
    private void index(Entry e, Set<String> watched) {
        for (String old : e.watched) {
            if (!watched.contains(old)) {
                byPart.computeIfPresent(old, (k, v) -> {
                    Set<String> s = new HashSet<>(v);
                    s.remove(e.id);
                    return s.isEmpty() ? null : Set.copyOf(s);
                });
            }
        }
        for (String now : watched) {
            if (!e.watched.contains(now)) {
                byPart.merge(now, Set.of(e.id), (a, b) -> {
                    Set<String> s = new HashSet<>(a);
                    s.addAll(b);
                    return Set.copyOf(s);
                });
            }
        }
        e.watched = Set.copyOf(watched);
    }

    private void assess(String id) {
        Entry e = entries.get(id);
        if (e != null) {
            assess(e);
        }
    }

    private void assess(Entry e) {
        List<PartViews> views = new ArrayList<>(e.resolved.size());
        for (Resolved r : e.resolved) {
            if (r.group()) {
                List<TargetView> members = new ArrayList<>(r.members().size());
                for (String m : r.members()) {
                    live.target(m).ifPresent(members::add);
                }
                views.add(PartViews.group(r.part(), members));
            } else {
                views.add(PartViews.target(r.part(), live.target(r.part()).orElse(null)));
            }
        }
        Assessment a = Assessor.assess(e.def, views, clock.instant(), e.firstSeen);
        e.recheckAt = a.recheckAt().orElse(null);
        if (a.assessed()) {
            report(e, a);
            record(e, a);
        }
        published.put(e.id, new Health(e.id, e.def, e.firstSeen, Optional.of(a), e.ring.newestFirst()));
    }

    /** Tells the live state, only when the state or message differ from what it shows. */
    private void report(Entry e, Assessment a) {
        Optional<TargetView> current = live.target(e.id);
        if (current.isEmpty()) {
            return;
        }
        String message = a.message();
        // A held composite (paused, maintenance) shows maintenance; compare with what it returns to.
        Optional<dev.watchpost.live.Held> held = live.held(e.id);
        State shown = held.map(dev.watchpost.live.Held::underlying).orElse(current.get().state());
        String shownMessage = held.isPresent() ? held.get().underlyingMessage() : current.get().message();
        if ((shown != a.state() || !Objects.equals(shownMessage, message)) && live.owns(e.id)) {
            // every node assesses (its history of events is its own); only the owner reports the result
            live.observe(e.id, new Observation(Observation.Kind.REPORT, a.state(), message, Double.NaN, null));
        }
    }

    /** Appends an event when healthy, available or the issues changed; with a webhook, an action when available did. */
    private void record(Entry e, Assessment a) {
        Optional<HealthEvent> previous = e.ring.newest();
        if (previous.isPresent() && !previous.get().differsFrom(a)) {
            return;
        }
        HealthEvent event = HealthEvent.of(a);
        boolean availabilityChanged = previous.isEmpty() || previous.get().available() != a.available();
        Optional<CompositeStore.NewAction> action = availabilityChanged && e.def.availabilityWebhook().isPresent()
                ? Optional.of(new CompositeStore.NewAction(a.available(), a.healthy(), a.issues(), a.at()))
                : Optional.empty();
        long actionId;
        try {
            actionId = store.record(e.id, event, e.def.healthEvents(), action);
        } catch (StoreException ex) {
            // Not recorded, so not announced either: the next round tries again (an action must be stored before it is sent).
            LOG.warn("event=composite.event_not_recorded id={} error=\"{}\"", e.id, ex.getMessage());
            e.recheckAt = a.at();
            return;
        }
        e.ring.add(event);
        LOG.info("event=composite.changed id={} state={} healthy={} available={} issues=\"{}\"", e.id, a.state().id(),
                a.healthy(), a.available(), String.join("; ", a.issues()));
        if (actionId >= 0) {
            deliveries.enqueue(new Action(actionId, e.id, a.available(), a.healthy(), a.issues(), a.at(),
                    Action.Status.PENDING, 0, Optional.of(a.at()), List.of()));
        }
    }

    // ---------------------------------------------------------------- plumbing

    private void submit(Runnable work) {
        try {
            thread.execute(() -> guard(work));
        } catch (RejectedExecutionException closing) {
            // stopping: the live state's last transitions need no assessment
        }
    }

    private static void guard(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.error("event=composite.failed error=\"{}\"", e.getMessage(), e);
        }
    }

    /** Runs one round now and waits for it and for everything handed over before it (tests). */
    void roundNow() {
        await(() -> round());
    }

    /** Waits until everything handed to the engine so far is done (tests). */
    void settle() {
        await(() -> { });
    }

    private void await(Runnable work) {
        try {
            thread.submit(() -> guard(work)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("composite engine did not answer", e);
        }
    }

    /** Whether an availability action of the composite is still to be delivered (tests). */
    boolean deliveryPending(String id) {
        return deliveries.hasPending(id);
    }

    /** Whether a webhook request of the composite is under way (tests). */
    boolean deliveryInFlight(String id) {
        return deliveries.inFlight(id);
    }

    /** Stops the rounds (work already handed over finishes) and deliveries in flight (they resume after a restart). */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deliveries.close();
    }
}
