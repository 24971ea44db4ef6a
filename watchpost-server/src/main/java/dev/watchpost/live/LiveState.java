package dev.watchpost.live;

import dev.watchpost.store.Database;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live state of every target: the hot path of Watchpost.
 *
 * <p>An observation updates the target's cell in memory and returns; it never waits for the disk.
 * Around it, background threads do the rest: the {@link LeaseWheel} expires quiet targets, the
 * {@link TransitionLog} records state changes durably and then announces them, checkpoints write
 * the last values of changed targets (coalesced, every flush interval), and a new immutable
 * {@link Snapshot} is built at most every {@link #SNAPSHOT_EVERY} from the targets that changed.
 *
 * <p>On start, checkpoints restore every target's last state. The state is where the target's
 * recorded transitions end (the transition log writes it in their transaction), so a restart, even
 * after a kill, neither goes back behind an announced change nor shows one that was never
 * announced, and the next transition starts where the last one ended. The other values (last seen,
 * message, numbers) are at most one flush interval old; the next heartbeat repairs them. A change
 * not recorded at a kill was not announced either: the next report makes it again.
 */
public final class LiveState implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveState.class);

    public static final Duration SNAPSHOT_EVERY = Duration.ofMillis(250);

    /** What happened to an observation. */
    public enum Outcome { ACCEPTED, UNKNOWN_TARGET }

    /** Receives each new snapshot, on the snapshot thread. Must not block. */
    @FunctionalInterface
    public interface SnapshotListener {
        void onSnapshot(Snapshot snapshot, List<TargetView> pinged);
    }

    /** Receives every observation accepted (history), on the caller's thread. Must be cheap. */
    @FunctionalInterface
    public interface ObservationSink {
        void observed(String targetId, long atMs, boolean ok, double latencyMs);
    }

    private final Database db;
    private final Clock clock;
    private final Duration flushInterval;
    private final ConcurrentHashMap<String, TargetCell> cells = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, GroupNode> groups = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> pingKeys = new ConcurrentHashMap<>();
    private final DirtyList snapshotDirty = new DirtyList(DirtyList.Link.SNAPSHOT);
    private final List<SnapshotListener> snapshotListeners = new CopyOnWriteArrayList<>();
    private final TransitionLog transitions;
    private final LeaseWheel wheel;
    private final long startedMs;
    private final Checkpoints checkpoints;
    private final Map<String, Checkpoints.Saved> restored;
    private volatile ObservationSink observationSink = (id, at, ok, latency) -> { };
    private volatile Ownership ownership = Ownership.SOLE;
    private volatile Forwarding forwarding;
    private final List<TransitionListener> replicaListeners = new CopyOnWriteArrayList<>();

    private final Object structure = new Object();
    private TargetView[] views = new TargetView[1024]; // guarded by structure
    private int nextPos;                                // guarded by structure
    private boolean structureChanged = true;            // guarded by structure
    /** Targets declared {@code public: false}; guarded by structure. */
    private final java.util.Set<String> privateTargets = new java.util.HashSet<>();
    /** What the next snapshot carries; remade when a definition changed it. Guarded by structure. */
    private Visibility visibility = Visibility.EVERYTHING;
    private boolean visibilityChanged;                  // guarded by structure
    private long structureVersion;                      // guarded by structure
    private volatile Snapshot snapshot;
    private final String epoch = Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private long version;

    private ScheduledExecutorService threads;

    private final java.util.concurrent.atomic.LongAdder observations = new java.util.concurrent.atomic.LongAdder();
    private final Lateness lateness = new Lateness();
    private final Timer snapshotBuild;


    public LiveState(Database db, Clock clock, Duration flushInterval, MeterRegistry meters) {
        this.db = db;
        this.clock = clock;
        this.flushInterval = flushInterval;
        this.startedMs = clock.millis();
        this.transitions = new TransitionLog(db, meters);
        this.wheel = new LeaseWheel(startedMs, this::recordLateness, this::expireLocked, id -> ownership.owns(id));
        this.checkpoints = new Checkpoints(db, clock, () -> ownership);
        this.restored = checkpoints.load();
        this.snapshot = new Snapshot(0, clock.instant(), new TargetView[0], List.of(), 0, Visibility.EVERYTHING, 0);
        io.micrometer.core.instrument.FunctionCounter.builder("watchpost.observations", observations,
                java.util.concurrent.atomic.LongAdder::doubleValue).description("Heartbeats and reports accepted").register(meters);
        Gauge.builder("watchpost.lease.expiry.lateness.p99", lateness, l -> l.percentileMs(0.99) / 1000.0)
                .description("99th percentile of how late overdue targets were marked Unhealthy, seconds")
                .baseUnit("seconds").register(meters);
        Gauge.builder("watchpost.lease.expiry.lateness.max", lateness, l -> l.maxMs() / 1000.0)
                .description("Most late an overdue target was marked Unhealthy since start, seconds")
                .baseUnit("seconds").register(meters);
        this.snapshotBuild = Timer.builder("watchpost.snapshot.build")
                .description("Building an immutable snapshot of the live state for readers").register(meters);
        Gauge.builder("watchpost.targets", cells, Map::size).description("Targets in the live state").register(meters);
    }

    // ---------------------------------------------------------------- structure

    /** Adds or replaces a group. A sharded group creates its shard targets. */
    public GroupNode defineGroup(GroupDef def) {
        synchronized (structure) {
            GroupNode parent = def.parentId().map(groups::get).orElse(null);
            GroupNode existing = groups.get(def.id());
            if (existing != null && existing.def().shards() != def.shards()) {
                throw new IllegalArgumentException("group '" + def.id() + "' already has " + existing.def().shards()
                        + " shards; remove it before changing the shard count");
            }
            if (existing == null) {
                for (int i = 0; i < def.shards(); i++) {
                    if (cells.containsKey(def.id() + "/" + i)) {
                        throw new IllegalArgumentException("target '" + def.id() + "/" + i + "' already exists; "
                                + "a sharded group '" + def.id() + "' would own it");
                    }
                }
            }
            LeasePolicy oldLease = existing == null ? null : existing.shardLease();
            // An existing node keeps its counters and shards; only name and lease change.
            GroupNode node = existing != null ? existing.withDef(def) : new GroupNode(def, parent);
            groups.put(def.id(), node);
            decideHidden();
            if (existing == null) {
                for (int i = 0; i < def.shards(); i++) {
                    addCell(def.id() + "/" + i, null, node, i);
                }
            } else if (!Objects.equals(oldLease, node.shardLease())) {
                long now = clock.millis();
                // A shorter lease must be honoured now, not after each shard's next report:
                // O(shards), but only when an operator changes the lease.
                for (int i = 0; i < def.shards(); i++) {
                    TargetCell cell = cells.get(def.id() + "/" + i);
                    if (cell != null) {
                        boolean schedule;
                        synchronized (cell) {
                            schedule = !cell.removed && leaseChangedLocked(cell, now);
                        }
                        markDirty(cell);
                        if (schedule) {
                            wheel.offer(cell);
                        }
                    }
                }
            }
            structureChanged = true;
            return node;
        }
    }

    /** Adds a target, or replaces the definition of an existing one while keeping its state. */
    public void defineTarget(TargetDef def) {
        synchronized (structure) {
            GroupNode group = def.groupId().map(groups::get).orElse(null);
            if (def.groupId().isPresent() && group == null) {
                throw new IllegalArgumentException("target '" + def.id() + "' names group '" + def.groupId().get()
                        + "', which does not exist");
            }
            TargetCell old = cells.get(def.id());
            if (old != null && old.def == null) {
                throw new IllegalArgumentException("'" + def.id() + "' is a shard of group '" + old.group.id() + "'");
            }
            if (old != null) {
                TargetCell cell = replaceCell(old, def, group);
                cells.put(def.id(), cell);
            } else {
                addCell(def.id(), def, group, -1);
            }
            pingKeys.values().remove(def.id());
            def.pingKey().ifPresent(k -> pingKeys.put(k, def.id()));
            visibilityChanged |= def.isPublic() ? privateTargets.remove(def.id()) : privateTargets.add(def.id());
            structureChanged = true;
        }
    }

    /**
     * Decides again which groups are hidden (private or inside a private group). O(groups): only
     * when a group is defined. Caller holds {@code structure}.
     */
    private void decideHidden() {
        List<GroupNode> byDepth = new ArrayList<>(groups.values());
        byDepth.sort(java.util.Comparator.comparingLong(g -> g.id().chars().filter(c -> c == '/').count()));
        for (GroupNode g : byDepth) {
            visibilityChanged |= g.decideHidden();
        }
    }

    public boolean removeTarget(String id) {
        synchronized (structure) {
            TargetCell cell = cells.get(id);
            if (cell == null || cell.def == null) {
                return false;
            }
            cells.remove(id);
            pingKeys.values().remove(id);
            visibilityChanged |= privateTargets.remove(id);
            synchronized (cell) {
                cell.removed = true;
                if (cell.group != null) {
                    cell.group.count(cell.state, null);
                }
            }
            views[cell.pos] = null;
            structureChanged = true;
            return true;
        }
    }

    /** Removes an empty group, or a sharded group with its shards. False when it does not exist or has children. */
    public boolean removeGroup(String id) {
        synchronized (structure) {
            GroupNode g = groups.get(id);
            if (g == null) {
                return false;
            }
            boolean hasChildren = groups.values().stream().anyMatch(o -> o.parent().map(p -> p == g).orElse(false))
                    || cells.values().stream().anyMatch(c -> c.group == g && c.def != null);
            if (hasChildren) {
                throw new IllegalStateException("group '" + id + "' still has groups or targets; remove them first");
            }
            for (int i = 0; i < g.def().shards(); i++) {
                TargetCell cell = cells.remove(id + "/" + i);
                if (cell != null) {
                    synchronized (cell) {
                        cell.removed = true;
                        g.count(cell.state, null);
                    }
                    views[cell.pos] = null;
                }
            }
            groups.remove(id);
            visibilityChanged |= g.hidden();
            structureChanged = true;
            return true;
        }
    }

    private void addCell(String id, TargetDef def, GroupNode group, int shard) {
        if (cells.containsKey(id)) {
            throw new IllegalArgumentException("target '" + id + "' already exists");
        }
        int pos = nextPos++;
        if (pos >= views.length) {
            views = java.util.Arrays.copyOf(views, views.length * 2);
        }
        TargetCell cell = new TargetCell(id, def, group, shard, pos);
        Checkpoints.Saved cp = restored.remove(id);
        boolean schedule = false;
        synchronized (cell) {
            if (cp != null) {
                cell.state = cp.state();
                cell.since = cp.since();
                cell.lastSeen = cp.lastSeen();
                cell.message = cp.message();
                cell.latency = cp.latency();
                cell.metrics = cp.metrics();
                if (cp.holdState() != null) {
                    // Claimed again by its holder before start, or released by start(): see hold().
                    cell.hold = new Hold(cp.holdState(), cp.holdMessage());
                }
                schedule = leaseChangedLocked(cell, startedMs);
            }
            views[pos] = cell.view();
        }
        if (group != null) {
            group.count(null, cell.state);
        }
        cells.put(id, cell);
        if (schedule) {
            wheel.offer(cell);
        }
    }

    private TargetCell replaceCell(TargetCell old, TargetDef def, GroupNode group) {
        TargetCell cell = new TargetCell(def.id(), def, group, -1, old.pos);
        synchronized (old) {
            old.removed = true;
            cell.state = old.state;
            cell.since = old.since;
            cell.lastSeen = old.lastSeen;
            cell.message = old.message;
            cell.latency = old.latency;
            cell.metrics = old.metrics;
            cell.hold = old.hold;
            cell.started = old.started;
            if (old.group != null) {
                old.group.count(old.state, null);
            }
        }
        if (group != null) {
            group.count(null, cell.state);
        }
        boolean schedule;
        synchronized (cell) {
            schedule = leaseChangedLocked(cell, clock.millis());
            views[cell.pos] = cell.view();
        }
        if (schedule) {
            wheel.offer(cell);
        }
        markDirty(cell); // the old cell's pending checkpoint is dropped with it: this one carries its values
        return cell;
    }

    /**
     * Sets the deadline of a target whose lease is new to it (declared, changed, restored at start)
     * from what was last heard: a started run still has its grace from the start; otherwise one
     * lease from the last report, but never less than one full lease from this process's start,
     * so a target not heard since a restart is not declared Unhealthy at once. A deadline the new
     * lease puts in the past becomes now: the target is overdue from the moment it was decided, and
     * the expiry's lateness is counted from then. Caller holds the monitor; true when the cell must
     * be offered to the wheel (the deadline may have moved earlier).
     */
    private boolean leaseChangedLocked(TargetCell cell, long nowMs) {
        LeasePolicy lease = cell.lease();
        if (lease == null || cell.lastSeen < 0) {
            return false;
        }
        long d = cell.started ? lease.deadline(cell.lastSeen, Observation.Kind.START)
                : lease.deadlineAfterRestart(cell.lastSeen, startedMs);
        return LeaseWheel.moveDeadline(cell, Math.max(d, nowMs));
    }

    // ---------------------------------------------------------------- hot path

    /**
     * Applies an observation to a target now. Memory only: returns as soon as the cell is updated.
     */
    public Outcome observe(String targetId, Observation o) {
        TargetCell cell = cells.get(targetId);
        if (cell == null) {
            return Outcome.UNKNOWN_TARGET;
        }
        Forwarding f = forwarding;
        if (f != null && !ownership.owns(targetId)) {
            return f.forward(targetId, o);
        }
        long now = clock.millis();
        Transition t = null;
        boolean schedule = false;
        boolean markSnapshot;
        boolean markCheckpoint;
        synchronized (cell) {
            if (cell.removed) {
                return Outcome.UNKNOWN_TARGET;
            }
            cell.lastSeen = now;
            boolean start = o.kind() == Observation.Kind.START;
            LeasePolicy lease = cell.lease();
            if (lease != null) {
                long d = lease.deadline(now, o.kind());
                // Healthchecks: a started run must finish within the grace, but a start never
                // postpones a deadline that was already nearer.
                schedule = LeaseWheel.moveDeadline(cell, start ? Math.min(d, cell.deadline) : d);
            }
            cell.started = start;
            Hold hold = cell.hold;
            if (o.message() != null) {
                if (hold == null) {
                    cell.message = o.message();
                } else {
                    hold.message = o.message();
                }
            }
            if (!Double.isNaN(o.latencyMs())) {
                cell.latency = o.latencyMs();
            }
            if (o.metrics() != null) {
                cell.metrics = o.metrics();
            }
            Optional<State> next = StateMachine.next(hold == null ? cell.state : hold.state, o);
            if (next.isPresent()) {
                if (hold == null) {
                    t = changeLocked(cell, next.get(), now, reason(o, next.get()));
                    // Queued under the cell's lock: this target's changes reach the log in the order they happened.
                    transitions.append(t);
                } else {
                    hold.state = next.get(); // shown when the hold ends
                }
            }
            if (o.kind() == Observation.Kind.HEALTH) {
                cell.pinged = true;
            }
            markSnapshot = !cell.snapshotDirty;
            cell.snapshotDirty = true;
            markCheckpoint = !cell.checkpointDirty;
            cell.checkpointDirty = true;
        }
        if (markSnapshot) {
            snapshotDirty.add(cell);
        }
        if (markCheckpoint) {
            checkpoints.offer(cell);
        }
        if (schedule) {
            wheel.offer(cell);
        }
        observations.increment();
        observationSink.observed(targetId, now, o.ok(), o.latencyMs());
        return Outcome.ACCEPTED;
    }

    /**
     * Replaces a target's message, nothing else: what a target checked from several locations shows
     * when a round decided nothing (too few locations reporting, or no quorum). Its state stays, its
     * lease is not refreshed and history counts no sample, as none of them is a result. A held
     * target keeps the message for when its hold ends. Memory only, as {@link #observe}.
     *
     * @return false when there is no such target
     */
    public boolean note(String targetId, String message) {
        Objects.requireNonNull(message, "message");
        TargetCell cell = cells.get(targetId);
        if (cell == null) {
            return false;
        }
        synchronized (cell) {
            if (cell.removed) {
                return false;
            }
            Hold hold = cell.hold;
            if (message.equals(hold == null ? cell.message : hold.message)) {
                return true; // the same each round while nothing changes: nothing to show again
            }
            if (hold == null) {
                cell.message = message;
            } else {
                hold.message = message;
            }
        }
        markDirty(cell);
        return true;
    }

    /**
     * Reports of one request (a batch): this node's targets are applied at once; those other nodes
     * own are passed on together and waited for in {@link Batch#finish}, so a batch of a thousand costs
     * one round trip per owner, not one per report. A target's reports keep their order.
     */
    public Batch batch() {
        return new Batch();
    }

    /** See {@link #batch()}. Not thread-safe: one request's. */
    public final class Batch {
        private Map<String, List<Object[]>> deferred; // target -> [index, observation] in order

        private Batch() {
        }

        /**
         * Applies {@code o} now and returns the outcome, or returns null when its target's owner is
         * another node: {@link #finish} answers for {@code index} then.
         */
        public Outcome observe(String targetId, Observation o, int index) {
            Forwarding f = forwarding;
            if (f != null && cells.containsKey(targetId)
                    && (!ownership.owns(targetId) || (deferred != null && deferred.containsKey(targetId)))) {
                if (deferred == null) {
                    deferred = new java.util.LinkedHashMap<>();
                }
                deferred.computeIfAbsent(targetId, k -> new ArrayList<>()).add(new Object[] {index, o});
                return null;
            }
            return LiveState.this.observe(targetId, o);
        }

        /**
         * Passes the deferred reports on, all at once (each target's in order), and returns index →
         * outcome once every owner answered.
         *
         * @throws RuntimeException as {@link Forwarding#forward} does, once all have finished
         */
        public Map<Integer, Outcome> finish() {
            if (deferred == null) {
                return Map.of();
            }
            Map<Integer, Outcome> out = new ConcurrentHashMap<>();
            List<Thread> threads = new ArrayList<>(deferred.size());
            List<RuntimeException> failed = new CopyOnWriteArrayList<>();
            for (Map.Entry<String, List<Object[]>> e : deferred.entrySet()) {
                threads.add(Thread.ofVirtual().start(() -> {
                    for (Object[] item : e.getValue()) {
                        try {
                            out.put((Integer) item[0], LiveState.this.observe(e.getKey(), (Observation) item[1]));
                        } catch (RuntimeException ex) {
                            failed.add(ex);
                            return;
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reports were passed on", ex);
                }
            }
            if (!failed.isEmpty()) {
                throw failed.get(0);
            }
            return out;
        }
    }

    /** "reported online", ... once per state, so a burst of transitions shares its reason texts. */
    private static final String[] REPORTED = java.util.Arrays.stream(State.values()).map(s -> "reported " + s.id())
            .toArray(String[]::new);

    private static String reason(Observation o, State to) {
        String base = switch (o.kind()) {
            case REPORT -> REPORTED[to.ordinal()];
            case HEALTH, ALIVE -> "reporting again";
            case FAIL -> "reported a failure";
            case START -> "started";
        };
        return o.message() == null ? base : base + ": " + o.message();
    }

    /** Changes a cell's state; caller holds the cell's monitor. Marks it dirty for snapshot and checkpoint. */
    static Transition changeLocked(TargetCell cell, State to, long nowMs, String reason) {
        Transition t = new Transition(cell.ref(), cell.state, to, Instant.ofEpochMilli(nowMs), reason);
        if (cell.group != null) {
            cell.group.count(cell.state, to);
        }
        cell.state = to;
        cell.since = nowMs;
        return t;
    }

    // ---------------------------------------------------------------- holds

    /**
     * Holds a target in maintenance on behalf of {@code holder} ({@code paused}, {@code notice:7}):
     * it shows {@link State#MAINTENANCE} with {@code message} (a transition, unless it was in
     * maintenance already) and its lease cannot run out. Its reports and probe results keep
     * arriving; they decide, out of sight, the state it shows when the last holder lets go. Holding
     * again by the same holder only changes the message.
     *
     * <p>Checkpoints keep the state it will return to, so a restart neither forgets it nor records
     * the hold again: holders claim their holds again before {@link #start()}, which releases the
     * holds nobody claimed (the maintenance ended while Watchpost was stopped).
     *
     * @return false when there is no such target
     */
    public boolean hold(String targetId, String holder, String message) {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(message, "message");
        TargetCell cell = cells.get(targetId);
        if (cell == null) {
            return false;
        }
        long now = clock.millis();
        synchronized (cell) {
            if (cell.removed) {
                return false;
            }
            if (cell.hold == null) {
                cell.hold = new Hold(cell.state, cell.message);
                if (cell.state != State.MAINTENANCE) {
                    // recorded with the hold, so a restart knows what it returns to whenever it comes
                    transitions.append(changeLocked(cell, State.MAINTENANCE, now, message), cell.hold);
                }
            }
            cell.hold.holders.remove(holder); // re-inserted last: its message is the one shown
            cell.hold.holders.put(holder, message);
            cell.message = message;
        }
        markDirty(cell);
        return true;
    }

    /**
     * {@code holder} lets go of a target. When it was the last holder the target shows the state its
     * reports led to meanwhile (a transition with {@code reason}) and its lease starts afresh: a
     * reporter gets one full lease after the hold ends before it can be Unhealthy, as after a restart.
     *
     * @return false when the target does not exist or that holder does not hold it
     */
    public boolean release(String targetId, String holder, String reason) {
        TargetCell cell = cells.get(targetId);
        if (cell == null) {
            return false;
        }
        boolean schedule;
        synchronized (cell) {
            Hold h = cell.hold;
            if (cell.removed || h == null || h.holders.remove(holder) == null) {
                return false;
            }
            if (!h.holders.isEmpty()) {
                cell.message = h.shownMessage();
                schedule = false;
            } else {
                schedule = unholdLocked(cell, clock.millis(), reason);
            }
        }
        markDirty(cell);
        if (schedule) {
            wheel.offer(cell);
        }
        return true;
    }

    /** Ends a cell's hold; caller holds its monitor. True when the cell must be offered to the wheel. */
    private boolean unholdLocked(TargetCell cell, long nowMs, String reason) {
        Hold h = cell.hold;
        cell.hold = null;
        cell.message = h.message;
        if (h.state != cell.state) {
            transitions.append(changeLocked(cell, h.state, nowMs, reason));
        }
        cell.started = false; // after a hold a full lease, whatever was running before
        LeasePolicy lease = cell.lease();
        if (lease != null && cell.lastSeen >= 0) {
            return LeaseWheel.moveDeadline(cell, lease.deadlineAfterRestart(cell.lastSeen, nowMs));
        }
        return false;
    }

    /** Whether and by whom a target is held; empty when it is not held or does not exist. */
    public Optional<Held> held(String targetId) {
        TargetCell cell = cells.get(targetId);
        if (cell == null) {
            return Optional.empty();
        }
        synchronized (cell) {
            Hold h = cell.hold;
            return h == null ? Optional.empty()
                    : Optional.of(new Held(h.state, h.message, List.copyOf(h.holders.keySet())));
        }
    }

    /** Releases holds restored from checkpoints that no holder claimed before start. */
    private void releaseUnclaimedHolds() {
        long now = clock.millis();
        for (TargetCell cell : cells.values()) {
            boolean changed = false;
            boolean schedule = false;
            synchronized (cell) {
                if (cell.hold != null && cell.hold.holders.isEmpty()) {
                    schedule = unholdLocked(cell, now, "maintenance ended");
                    changed = true;
                }
            }
            if (changed) {
                markDirty(cell);
            }
            if (schedule) {
                wheel.offer(cell);
            }
        }
    }

    // ---------------------------------------------------------------- reads

    public Snapshot snapshot() {
        return snapshot;
    }

    /**
     * Names this run of the live state: snapshot versions and the live feed's event ids start again
     * with every start, so a resume point is only good with the same epoch.
     */
    public String epoch() {
        return epoch;
    }

    private volatile java.util.function.LongSupplier snapshotMark = () -> 0;

    /**
     * Where the live feed stands, read as each snapshot starts to read the targets and kept with it
     * ({@link Snapshot#mark()}). A change is applied before it is published, so every event up to
     * that position is in the snapshot: a page rendered from it resumes the feed from there exactly,
     * however many changes a burst packed into one snapshot.
     */
    public void markSnapshotsWith(java.util.function.LongSupplier position) {
        this.snapshotMark = java.util.Objects.requireNonNull(position, "position");
    }

    /**
     * A snapshot that includes every change made so far (built now if needed). For a client that
     * subscribes to transitions first and then needs a starting point no older than its subscription.
     */
    public Snapshot freshSnapshot() {
        rebuildSnapshot();
        return snapshot;
    }

    /** The target's state now (not waiting for the next snapshot). */
    public Optional<TargetView> target(String id) {
        TargetCell cell = cells.get(id);
        if (cell == null) {
            return Optional.empty();
        }
        synchronized (cell) {
            return Optional.of(cell.view());
        }
    }

    /** Visits every target's current view (O(targets): for start-up work, not for request paths). */
    public void forEachTarget(java.util.function.Consumer<TargetView> action) {
        for (TargetCell cell : cells.values()) {
            TargetView v;
            synchronized (cell) {
                v = cell.view();
            }
            action.accept(v);
        }
    }

    /**
     * Whether readers without a token may see the target or group {@code id} now: false for a target
     * or group declared {@code public: false} and for everything inside a private group; true for
     * every other id, unknown ones included (they have nothing to hide). O(1), no lock.
     */
    public boolean isPublic(String id) {
        TargetCell cell = cells.get(id);
        if (cell != null) {
            return (cell.def == null || cell.def.isPublic()) && (cell.group == null || !cell.group.hidden());
        }
        GroupNode g = groups.get(id);
        return g == null || !g.hidden();
    }

    /** The declaration of an explicitly declared target; empty for unknown ids and shards. */
    public Optional<TargetDef> definition(String id) {
        TargetCell cell = cells.get(id);
        return cell == null ? Optional.empty() : Optional.ofNullable(cell.def);
    }

    public Optional<GroupNode> group(String id) {
        return Optional.ofNullable(groups.get(id));
    }

    public Collection<GroupNode> groups() {
        return List.copyOf(groups.values());
    }

    public Optional<String> targetForPingKey(String key) {
        return Optional.ofNullable(pingKeys.get(key));
    }

    /** Hears every recorded change: this node's and, in cluster mode, those other nodes recorded. */
    public void addTransitionListener(TransitionListener l) {
        transitions.addListener(l);
        replicaListeners.add(l);
    }

    /** Hears only the changes this node recorded (what counts a target's history: its owner). */
    public void addOwnTransitionListener(TransitionListener l) {
        transitions.addListener(l);
    }

    /**
     * Cluster mode: changes another node recorded for targets it owns, in the order they were
     * committed. Each target this node does not own takes the change's state, and the change is
     * announced to the listeners of {@link #addTransitionListener} (the live feeds, composites), so
     * readers on every node see every target.
     */
    public void applyReplicated(List<Transition> recorded) {
        List<Transition> applied = new ArrayList<>(recorded.size());
        for (Transition t : recorded) {
            TargetCell cell = cells.get(t.targetId());
            if (cell == null || ownership.owns(t.targetId())) {
                continue; // unknown here, or this node's own (applied when it was made)
            }
            synchronized (cell) {
                if (cell.removed) {
                    continue;
                }
                if (cell.state != t.to() && cell.group != null) {
                    cell.group.count(cell.state, t.to());
                }
                cell.state = t.to();
                cell.since = t.at().toEpochMilli();
            }
            markDirty(cell);
            applied.add(t);
        }
        if (!applied.isEmpty()) {
            List<Transition> view = List.copyOf(applied);
            for (TransitionListener l : replicaListeners) {
                try {
                    l.onTransitions(view);
                } catch (RuntimeException e) {
                    LOG.error("event=transition.listener_failed listener={} error=\"{}\"", l.getClass().getSimpleName(),
                            e.getMessage(), e);
                }
            }
        }
    }

    /** Adds rows to every transition batch's transaction (register before {@link #start}). */
    public void addTransitionWriter(TransitionWriter w) {
        transitions.addWriter(w);
    }

    public void addSnapshotListener(SnapshotListener l) {
        snapshotListeners.add(l);
    }

    /**
     * In cluster mode: the targets this node acts for. It expires, checkpoints and records transitions
     * only of those; set before {@link #start()}.
     */
    public void setOwnership(Ownership ownership) {
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        transitions.setOwnership(ownership);
    }

    /**
     * This node has just taken over the targets {@code taken} accepts from another node: each takes
     * the state, since, hold and last values its previous owner recorded (the stored row is where
     * that owner's committed transitions end) and one full lease from now, as after a restart, so a
     * target that kept reporting through the handover does not expire for the time it took.
     *
     * @return the targets taken over
     */
    public int takeOver(java.util.function.Predicate<String> taken) {
        List<TargetCell> mine = new ArrayList<>();
        for (TargetCell c : cells.values()) {
            if (taken.test(c.id)) {
                mine.add(c);
            }
        }
        if (mine.isEmpty()) {
            return 0;
        }
        Map<String, Checkpoints.Saved> saved = checkpoints.load(taken);
        long now = clock.millis();
        for (TargetCell cell : mine) {
            Checkpoints.Saved s = saved.get(cell.id);
            boolean schedule = false;
            synchronized (cell) {
                if (cell.removed) {
                    continue;
                }
                if (s != null) {
                    if (s.state() != cell.state && cell.group != null) {
                        cell.group.count(cell.state, s.state());
                    }
                    cell.state = s.state();
                    cell.since = s.since();
                    cell.hold = s.holdState() == null ? cell.hold : new Hold(s.holdState(), s.holdMessage());
                    if (s.lastSeen() > cell.lastSeen) {
                        cell.lastSeen = s.lastSeen();
                        cell.message = s.message();
                        cell.latency = s.latency();
                        cell.metrics = s.metrics();
                    }
                }
                LeasePolicy lease = cell.lease();
                if (lease != null && cell.lastSeen >= 0 && cell.hold == null) {
                    long d = cell.started ? lease.deadline(cell.lastSeen, Observation.Kind.START)
                            : lease.deadlineAfterRestart(cell.lastSeen, now);
                    schedule = LeaseWheel.moveDeadline(cell, Math.max(d, now));
                }
            }
            markDirty(cell);
            if (schedule) {
                wheel.offer(cell);
            }
        }
        return mine.size();
    }

    /**
     * In cluster mode: the last values (last seen, message, latency, numbers) of targets other nodes
     * own, as their owners checkpointed them at or after {@code updatedSince} (epoch ms, the writers'
     * clocks), so every node's page and API show them too. A value older than this copy's is left.
     *
     * @return the targets whose values changed
     */
    public int refreshOthers(long updatedSince) {
        Map<String, Checkpoints.Saved> saved = checkpoints.load(id -> !ownership.owns(id), updatedSince);
        int changed = 0;
        for (Map.Entry<String, Checkpoints.Saved> e : saved.entrySet()) {
            TargetCell cell = cells.get(e.getKey());
            Checkpoints.Saved s = e.getValue();
            if (cell == null) {
                continue;
            }
            boolean mark;
            synchronized (cell) {
                // A replicated transition sets last seen to its time without the report's values: the
                // same time with other values is the owner's report, newer than this copy.
                boolean same = s.lastSeen() == cell.lastSeen && Objects.equals(s.message(), cell.message)
                        && Double.compare(s.latency(), cell.latency) == 0 && Objects.equals(s.metrics(), cell.metrics);
                if (cell.removed || ownership.owns(cell.id) || s.lastSeen() < cell.lastSeen || same) {
                    continue;
                }
                cell.lastSeen = s.lastSeen();
                cell.message = s.message();
                cell.latency = s.latency();
                cell.metrics = s.metrics();
                mark = !cell.snapshotDirty;
                cell.snapshotDirty = true;
            }
            if (mark) {
                snapshotDirty.add(cell);
            }
            changed++;
        }
        return changed;
    }

    /** In cluster mode: how a report for a target another node owns reaches that node. */
    public void setForwarding(Forwarding forwarding) {
        this.forwarding = forwarding;
    }

    /** Whether this node acts for {@code targetId}: always on a single node; see {@link #setOwnership}. */
    public boolean owns(String targetId) {
        return ownership.owns(targetId);
    }

    public void setObservationSink(ObservationSink sink) {
        this.observationSink = sink;
    }

    // ---------------------------------------------------------------- background work

    /** Starts the background threads. Call after the initial groups and targets are defined. */
    public void start() {
        if (!restored.isEmpty()) {
            LOG.info("event=live.restore_unmatched count={} hint=\"checkpoints of targets no longer declared\"",
                    restored.size());
            restored.clear();
        }
        releaseUnclaimedHolds();
        transitions.start();
        rebuildSnapshot();
        threads = Executors.newScheduledThreadPool(3, Thread.ofPlatform().name("watchpost-live-", 0).daemon(true).factory());
        threads.scheduleAtFixedRate(guard(this::tickLeases), LeaseWheel.TICK_MS, LeaseWheel.TICK_MS, TimeUnit.MILLISECONDS);
        threads.scheduleAtFixedRate(guard(this::rebuildSnapshot), SNAPSHOT_EVERY.toMillis(), SNAPSHOT_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        threads.scheduleWithFixedDelay(guard(this::checkpoint), flushInterval.toMillis(), flushInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private static Runnable guard(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.error("event=live.background_failed error=\"{}\"", e.getMessage(), e);
            }
        };
    }

    /** Expires overdue targets. One wheel tick: O(targets due in the elapsed slots). */
    void tickLeases() {
        wheel.tick(clock.millis());
    }

    /** An overdue cell expires: called by the wheel with the cell's monitor held. */
    private void expireLocked(TargetCell cell, State to, long nowMs, String reason) {
        transitions.append(changeLocked(cell, to, nowMs, reason));
        markDirty(cell);
    }

    /** Records how late an expiry was (benchmarks and /metrics). */
    void recordLateness(long ms) {
        lateness.record(ms);
    }

    /** How late expiries were found (benchmarks; the p99 and max are also on /metrics). */
    public Lateness lateness() {
        return lateness;
    }

    /** Writes accepted and not in the database yet (benchmarks; transitions are also on /metrics). */
    public record PendingWrites(int transitions, int checkpoints) {
    }

    public PendingWrites pendingWrites() {
        return new PendingWrites(transitions.pending(), checkpoints.pending());
    }

    private void markDirty(TargetCell cell) {
        boolean s;
        boolean c;
        synchronized (cell) {
            s = !cell.snapshotDirty;
            cell.snapshotDirty = true;
            c = !cell.checkpointDirty;
            cell.checkpointDirty = true;
        }
        if (s) {
            snapshotDirty.add(cell);
        }
        if (c) {
            checkpoints.offer(cell);
        }
    }

    /** Builds a new snapshot if anything changed since the last one. Cost: O(changed targets) plus one array copy. */
    void rebuildSnapshot() {
        long t0 = System.nanoTime();
        List<TargetView> pinged = new ArrayList<>();
        Snapshot next;
        synchronized (structure) {
            // before reading any target: whatever the feed published by now was applied before this read
            long mark = snapshotMark.getAsLong();
            boolean changed = structureChanged;
            for (TargetCell c : snapshotDirty.takeAll()) {
                changed = true;
                synchronized (c) {
                    c.snapshotDirty = false;
                    if (c.removed) {
                        continue;
                    }
                    TargetView v = c.view();
                    views[c.pos] = v;
                    if (c.pinged) {
                        c.pinged = false;
                        pinged.add(v);
                    }
                }
            }
            // A burst is applied at once but published as the transition log writes it, so the feed can
            // move on after the last snapshot that changed: without a snapshot at the newer position, a
            // page rendered from the older one made each of its visitors replay thousands of events it
            // already showed (10,000 viewers of a page after a 5,000-shard burst took 47 s to connect).
            boolean feedMoved = mark != snapshot.mark();
            if (!changed && !feedMoved && snapshot.version() > 0) {
                return;
            }
            if (structureChanged) {
                structureVersion++;
            }
            structureChanged = false;
            if (visibilityChanged) {
                visibilityChanged = false;
                java.util.Set<String> hidden = new java.util.HashSet<>();
                groups.values().stream().filter(GroupNode::hidden).forEach(g -> hidden.add(g.id()));
                visibility = new Visibility(privateTargets, hidden);
            }
            next = new Snapshot(++version, clock.instant(), changed ? java.util.Arrays.copyOf(views, nextPos) : snapshot.targetArray(),
                    groupViews(), structureVersion, visibility, mark);
            snapshot = next;
        }
        snapshotBuild.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        for (SnapshotListener l : snapshotListeners) {
            try {
                l.onSnapshot(next, pinged);
            } catch (RuntimeException e) {
                LOG.error("event=snapshot.listener_failed error=\"{}\"", e.getMessage(), e);
            }
        }
    }

    private List<GroupView> groupViews() {
        List<GroupView> out = new ArrayList<>();
        for (GroupNode g : groups.values()) {
            int[] counts = g.counts();
            Map<State, Integer> m = new EnumMap<>(State.class);
            int total = 0;
            Severity worst = null;
            for (State s : State.values()) {
                if (counts[s.ordinal()] > 0) {
                    m.put(s, counts[s.ordinal()]);
                    total += counts[s.ordinal()];
                    worst = worse(worst, s.severity());
                }
            }
            GroupDef d = g.def();
            out.add(new GroupView(d.id(), d.name(), d.parentId().orElse(null), d.shards(),
                    d.lease().map(LeasePolicy::describe).orElse(null), m, worst == null ? Severity.UNKNOWN : worst, total));
        }
        out.sort(java.util.Comparator.comparing(GroupView::id));
        return out;
    }

    /** Order of concern for roll-ups: bad, warn, ok, maintenance, unknown. */
    static Severity worse(Severity a, Severity b) {
        if (a == null) {
            return b;
        }
        return rank(b) > rank(a) ? b : a;
    }

    private static int rank(Severity s) {
        return switch (s) {
            case BAD -> 4;
            case WARN -> 3;
            case OK -> 2;
            case MAINTENANCE -> 1;
            case UNKNOWN -> 0;
        };
    }

    /** Writes the last values of every target changed since the previous checkpoint. */
    void checkpoint() {
        checkpoints.write();
    }

    /** Writes the transitions that are pending but not the checkpoints (tests: a kill between the two). */
    void flushTransitions() {
        transitions.flush();
    }

    /** Stops every background thread without writing anything more, as a kill would (tests). */
    void halt() {
        if (threads != null) {
            threads.shutdownNow();
            try {
                threads.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        transitions.halt();
    }

    /** How many state changes this node has decided so far; see {@link #awaitRecorded}. */
    public long decided() {
        return transitions.mark();
    }

    /**
     * Waits, at most {@code max}, until the first {@code decided} state changes of this node are in the
     * database, unless the database is away (then at once): a node answering for another node's client
     * (a forwarded report) makes the change outlive its own crash before it says yes.
     *
     * @return true when they are recorded
     */
    public boolean awaitRecorded(long decided, Duration max) {
        return !transitions.failing() && transitions.awaitDone(decided, max.toMillis());
    }

    /** Writes transitions and checkpoints that are pending (tests, shutdown). */
    public void flush() {
        transitions.flush();
        checkpoint();
    }

    /**
     * As {@link #flush()}, waiting at most {@code max} for the transitions (a node handing targets
     * to another must not hang on a database that does not answer).
     *
     * @return true when every pending transition was written
     */
    public boolean flush(Duration max) {
        boolean all = transitions.flush(max.toMillis());
        checkpoint();
        return all;
    }

    @Override
    public void close() {
        if (threads != null) {
            threads.shutdown();
            try {
                threads.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        transitions.close();
        checkpoint();
    }
}
