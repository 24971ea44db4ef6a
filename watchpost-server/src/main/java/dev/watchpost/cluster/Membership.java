package dev.watchpost.cluster;

import dev.watchpost.store.Database;
import dev.watchpost.store.StoreException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * This node's place in the cluster: it joins (refusing a configuration that differs from the live
 * nodes'), renews its node row and its partitions' leases every round, claims and releases
 * partitions as {@link Balance} decides, and tells {@link Listener}s which partitions it gained
 * (with their epoch, the fencing token) and lost.
 *
 * <p>A node that cannot reach the database keeps acting for its partitions, as a single node rides
 * out an outage: nothing it decides meanwhile reaches the database unless it still owns the
 * partition when it writes (every write is fenced by epoch in its transaction), and its renewal
 * extends a lease that ran out while the epoch is unchanged, since then nobody else has owned the
 * partition. When the database is back, the first round tells it what it lost. Claiming another
 * node's expired partitions waits two leases after this node's own outage ends, so nodes coming back
 * from a PostgreSQL restart find their partitions where they left them instead of racing for them.
 */
public final class Membership implements AutoCloseable, dev.watchpost.live.Ownership {

    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

    /** Partitions are told apart by epochs of at least 1; this marks one this node does not hold. */
    private static final long NOT_HELD = -1;

    /** Told about ownership changes on the membership's thread, in order, once per round. */
    public interface Listener {
        /**
         * This node owns {@code partitions} from now on ({@link #epoch} says with which epochs): take them
         * over here. It acts for them ({@link #owns}) once every listener has returned.
         */
        void gained(Set<Integer> partitions);

        /** This node no longer owns {@code partitions}: stop acting for them and flush what is pending. */
        void lost(Set<Integer> partitions);
    }

    /** Timing: how often to renew and how long a lease lasts (at least three renewals). */
    public record Timing(Duration renewEvery, Duration lease) {
        public static final Timing DEFAULTS = new Timing(Duration.ofSeconds(1), Duration.ofSeconds(5));

        public Timing {
            if (lease.compareTo(renewEvery.multipliedBy(3)) < 0) {
                throw new IllegalArgumentException("the lease must last at least three renewals: " + lease);
            }
        }
    }

    private final ClusterStore store;
    private final Timing timing;
    private volatile Map<String, String> digest; // replaced when the config file is reloaded
    private final AtomicLongArray epochs = new AtomicLongArray(Partitions.COUNT);
    /**
     * 1 once the listeners have taken over a partition gained (restored its targets, given each a fresh
     * lease): only then does this node act for it. Between the claim and the takeover its targets
     * still carry the deadlines this node's copy had, and the lease wheel would expire them.
     */
    private final java.util.concurrent.atomic.AtomicIntegerArray acting =
            new java.util.concurrent.atomic.AtomicIntegerArray(Partitions.COUNT);
    /** When (system clock, ms) this node's current ownership of each partition began. */
    private final AtomicLongArray gainedAt = new AtomicLongArray(Partitions.COUNT);
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile ClusterStore.NodeRow me;
    private volatile ClusterStore.Round last;
    private volatile long lastRenewNanos;
    private volatile boolean running;
    /** The forwarder {@link #forwarder} made for this node, once it did. */
    private volatile Forwarder forwarder;
    private boolean failing;
    /** Until when (nanoTime) partitions another node held are not claimed: after this node's own outage. */
    private long claimsFrozenUntil = System.nanoTime();

    /**
     * @param digest this node's {@link ConfigDigest}
     */
    public Membership(Database db, String nodeId, URI advertiseUrl, dev.watchpost.config.WatchpostConfig config,
                      Timing timing, MeterRegistry meters) {
        this.store = new ClusterStore(db);
        this.timing = timing;
        this.digest = ConfigDigest.of(config);
        String version = Optional.ofNullable(Membership.class.getPackage().getImplementationVersion()).orElse("dev");
        this.me = new ClusterStore.NodeRow(nodeId, advertiseUrl.toString(), digestJson(digest), version,
                UUID.randomUUID().toString(), 0, 0);
        for (int p = 0; p < Partitions.COUNT; p++) {
            epochs.set(p, NOT_HELD);
        }
        this.thread = Thread.ofPlatform().name("watchpost-cluster").daemon(true).unstarted(this::run);
        Gauge.builder("watchpost.cluster.partitions.owned", this, m -> m.owned().size())
                .description("Partitions this node owns").register(meters);
        Gauge.builder("watchpost.cluster.nodes.live", this, m -> m.view().nodes().stream().filter(ClusterView.Node::live).count())
                .description("Nodes that renewed within a lease").register(meters);
        Gauge.builder("watchpost.cluster.partitions.unowned", this, m -> m.view().unowned())
                .description("Partitions no live node holds").register(meters);
        Gauge.builder("watchpost.cluster.renewal.age", this, m -> (System.nanoTime() - m.lastRenewNanos) / 1e9)
                .description("Seconds since this node last renewed its leases").baseUnit("seconds").register(meters);
    }

    /** How reports for targets other nodes own reach them (see {@link Forwarder}). */
    public static dev.watchpost.live.Forwarding forwarder(Membership m, dev.watchpost.live.LiveState live, String secret,
                                                          MeterRegistry meters) {
        Forwarder f = new Forwarder(m, live, secret, meters);
        m.forwarder = f;
        return f;
    }

    /**
     * Other nodes' changes reach {@code live}: register the result as a transition writer before
     * the live state starts, then {@link AutoCloseable}-stop it with the server; {@code start} runs it.
     */
    public static Replicated replication(Membership m, Database db, dev.watchpost.live.LiveState live) {
        Replication r = new Replication(db, live, m);
        return new Replicated(r, r::start);
    }

    /** What {@link #replication} returns: the writer to register, and how to start listening. */
    public record Replicated(dev.watchpost.live.TransitionWriter writer, Runnable start) implements AutoCloseable {

        /** What features call after an API change is committed: the other nodes read it again. */
        public dev.watchpost.store.ChangeFeed changes() {
            return ((Replication) writer).changes();
        }

        /** Where other nodes' API changes are applied on this node; set before {@link #start}. */
        public void receiveChanges(dev.watchpost.store.ChangeFeed receiver) {
            ((Replication) writer).receiveChanges(receiver);
        }

        @Override
        public void close() {
            ((Replication) writer).close();
        }
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public String nodeId() {
        return me.id();
    }

    /**
     * Joins: refuses to start beside a live node whose configuration differs or that uses this node's
     * id from another address, then runs the first round (so partitions are held before the live
     * state starts) and the renewal thread.
     *
     * @throws IllegalStateException with one line for the operator when this node must not join
     */
    public void start() {
        join();
        serve();
    }

    /**
     * The first half of {@link #start}: refuses to start beside a live node whose configuration
     * differs or that uses this node's id from another address, and reads who owns what (so reports
     * can be passed on), but claims nothing: call {@link #serve} once this node can be reached.
     *
     * @throws IllegalStateException with one line for the operator when this node must not join
     */
    public void join() {
        store.seed(Partitions.COUNT);
        long now = store.now();
        for (ClusterStore.NodeRow n : store.nodes()) {
            if (n.seenAt() < now - timing.lease().toMillis()) {
                continue;
            }
            if (n.id().equals(me.id())) {
                if (!n.advertiseUrl().equals(me.advertiseUrl())) {
                    throw new IllegalStateException("cluster: node id '" + me.id() + "' is in use by a running node at "
                            + n.advertiseUrl() + "; give each node its own cluster.node-id (WATCHPOST_NODE_ID)");
                }
                continue; // this node's previous run, stopped moments ago
            }
            Set<String> differ = ConfigDigest.differing(digest, parse(n.configDigest()));
            if (!differ.isEmpty()) {
                throw new IllegalStateException("cluster: this node's configuration differs from running node '" + n.id()
                        + "' in " + String.join(", ", differ) + "; every node must start with the same configuration "
                        + "file and settings (only server.host/port, storage.data-dir/pool-size, logging and the node's "
                        + "own cluster.node-id/advertise-url may differ)");
            }
        }
        last = store.read();
    }

    /**
     * The second half of {@link #start}: the first round (partitions claimed, listeners told) and the
     * renewal thread. Other nodes pass this node reports for its partitions from the moment it claims
     * them, so it must be listening by then.
     */
    public void serve() {
        round();
        me = new ClusterStore.NodeRow(me.id(), me.advertiseUrl(), me.configDigest(), me.version(), me.incarnation(),
                last.now(), 0);
        running = true;
        thread.start();
        LOG.info("event=cluster.joined node={} partitions={} nodes_live={}", me.id(), owned().size(),
                view().nodes().stream().filter(ClusterView.Node::live).count());
    }

    /** The epoch this node holds {@code partition} with, or empty when it does not own it. */
    public OptionalLong epoch(int partition) {
        long e = epochs.get(partition);
        return e == NOT_HELD ? OptionalLong.empty() : OptionalLong.of(e);
    }

    /** Whether this node owns the partition of {@code targetId} now. */
    @Override
    public boolean owns(String targetId) {
        int p = Partitions.of(targetId);
        return acting.get(p) == 1 && epochs.get(p) != NOT_HELD;
    }

    @Override
    public Set<String> fenced(java.sql.Connection c, Map<String, Long> earliestAt) throws java.sql.SQLException {
        Set<String> out = new java.util.HashSet<>();
        Map<Integer, Long> held = new HashMap<>();
        Map<Integer, List<String>> byPartition = new HashMap<>();
        for (Map.Entry<String, Long> t : earliestAt.entrySet()) {
            String id = t.getKey();
            int p = Partitions.of(id);
            long e = epochs.get(p);
            if (e == NOT_HELD || t.getValue() < gainedAt.get(p)) {
                out.add(id); // not ours, or made before this node's current ownership began
            } else {
                held.put(p, e);
                byPartition.computeIfAbsent(p, k -> new ArrayList<>()).add(id);
            }
        }
        Set<Integer> still = ClusterStore.stillHeld(c, me.id(), held);
        byPartition.forEach((p, ids) -> {
            if (!still.contains(p)) {
                out.addAll(ids);
            }
        });
        return out;
    }

    /** Partition → epoch of every partition this node owns. */
    public Map<Integer, Long> owned() {
        Map<Integer, Long> out = new HashMap<>();
        for (int p = 0; p < Partitions.COUNT; p++) {
            long e = epochs.get(p);
            if (e != NOT_HELD) {
                out.put(p, e);
            }
        }
        return out;
    }

    /**
     * Where the owner of {@code partition} is reached, as of the last round: empty while nobody
     * holds it (a failed owner's lease has not run out yet) or when this node is the owner.
     */
    public Optional<URI> ownerUrl(int partition) {
        ClusterStore.Round r = last;
        if (r == null) {
            return Optional.empty();
        }
        Balance.Partition p = r.partitions().get(partition);
        if (p.free(r.now()) || p.owner().equals(me.id())) {
            return Optional.empty();
        }
        for (ClusterStore.NodeRow n : r.nodes()) {
            if (n.id().equals(p.owner())) {
                return Optional.of(URI.create(n.advertiseUrl()));
            }
        }
        return Optional.empty();
    }

    /** The ids of the nodes live as of the last round (this one included). */
    public Set<String> liveNodeIds() {
        Set<String> out = new java.util.HashSet<>();
        for (ClusterView.Node n : view().nodes()) {
            if (n.live()) {
                out.add(n.id());
            }
        }
        out.add(me.id());
        return out;
    }

    /** What the last round read, for {@code /api/v1/cluster}. */
    public ClusterView view() {
        ClusterStore.Round r = last;
        if (r == null) {
            return new ClusterView(me.id(), List.of(), Partitions.COUNT, Partitions.COUNT, -1);
        }
        long leaseMs = timing.lease().toMillis();
        Map<String, Integer> held = new HashMap<>();
        int unowned = 0;
        for (Balance.Partition p : r.partitions()) {
            if (p.free(r.now())) {
                unowned++;
            } else {
                held.merge(p.owner(), 1, Integer::sum);
            }
        }
        List<ClusterView.Node> nodes = new ArrayList<>();
        for (ClusterStore.NodeRow n : r.nodes()) {
            boolean live = n.id().equals(me.id()) || n.seenAt() >= r.now() - leaseMs;
            nodes.add(new ClusterView.Node(n.id(), n.advertiseUrl(), n.version(), live, n.id().equals(me.id()),
                    n.startedAt(), n.seenAt(), r.now() - n.seenAt(), held.getOrDefault(n.id(), 0),
                    ConfigDigest.differing(digest, parse(n.configDigest())).isEmpty()));
        }
        return new ClusterView(me.id(), List.copyOf(nodes), Partitions.COUNT, unowned,
                (System.nanoTime() - lastRenewNanos) / 1_000_000);
    }

    /**
     * The config file was reloaded: this node's digest follows it from its next renewal, so a node
     * that joins later with the edited file is compared with what runs, not with what ran at start.
     */
    public void configReloaded(dev.watchpost.config.WatchpostConfig config) {
        Map<String, String> next = ConfigDigest.of(config);
        digest = next;
        ClusterStore.NodeRow m = me;
        me = new ClusterStore.NodeRow(m.id(), m.advertiseUrl(), digestJson(next), m.version(), m.incarnation(), m.startedAt(),
                m.seenAt());
    }

    /** Reports passed to their owner since this node started; empty before a forwarder was made. */
    OptionalLong forwarded() {
        Forwarder f = forwarder;
        return f == null ? OptionalLong.empty() : OptionalLong.of(f.forwarded());
    }

    private void run() {
        long every = timing.renewEvery().toNanos();
        long next = System.nanoTime() + every;
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
                continue;
            }
            next += every;
            if (System.nanoTime() - next > every) {
                next = System.nanoTime() + every; // paused or starved: no burst of rounds to catch up
            }
            try {
                if (failing) {
                    // Others' leases may have run out while the database was away for them too: give the
                    // nodes coming back with this one time to renew theirs before taking any.
                    claimsFrozenUntil = System.nanoTime() + timing.lease().toNanos() * 2;
                }
                round();
                if (failing) {
                    LOG.info("event=cluster.renewing_again node={} partitions={}", me.id(), owned().size());
                    failing = false;
                }
            } catch (StoreException e) {
                if (!failing) {
                    LOG.warn("event=cluster.renew_failed node={} partitions={} error=\"{}\" hint=\"this node keeps "
                            + "acting for its partitions; what it writes is checked against their owner when the database "
                            + "is back\"", me.id(), owned().size(), e.getMessage());
                    failing = true;
                }
            } catch (RuntimeException e) {
                LOG.error("event=cluster.round_failed node={}", me.id(), e);
                failing = true;
            }
        }
    }

    private void round() {
        long started = System.nanoTime();
        long leaseMs = timing.lease().toMillis();
        ClusterStore.Round r = store.renew(me, leaseMs, owned());
        // Rows naming this node that it does not hold: its previous run's (killed and restarted within
        // a lease). Nobody acts for them; free them at once rather than when their lease runs out.
        boolean stale = false;
        for (Balance.Partition p : r.partitions()) {
            if (me.id().equals(p.owner()) && epochs.get(p.number()) == NOT_HELD && !r.renewed().containsKey(p.number())) {
                stale |= store.release(me.id(), p.number(), p.epoch());
            }
        }
        if (stale) {
            r = store.renew(me, leaseMs, owned());
        }
        lastRenewNanos = started;
        last = r;
        Set<Integer> taken = new java.util.TreeSet<>();
        for (Map.Entry<Integer, Long> held : owned().entrySet()) {
            Long renewed = r.renewed().get(held.getKey());
            if (renewed == null || renewed.longValue() != held.getValue()) {
                taken.add(held.getKey());
            }
        }
        if (!taken.isEmpty()) {
            LOG.warn("event=cluster.partitions_taken node={} partitions={}", me.id(), taken);
            lose(taken);
        }
        Balance.Plan plan = Balance.plan(me.id(), r.now(), timing.lease().toMillis(), balanceNodes(r), r.partitions());
        Map<Integer, Long> release = new HashMap<>();
        for (int p : plan.release()) {
            long e = epochs.get(p);
            if (e != NOT_HELD) {
                release.put(p, e);
            }
        }
        if (!release.isEmpty()) {
            lose(release.keySet()); // listeners flush first: the next owner reads what this one wrote
            release.forEach((p, e) -> store.release(me.id(), p, e));
        }
        Set<Integer> claimed = new java.util.TreeSet<>();
        boolean frozen = System.nanoTime() - claimsFrozenUntil < 0;
        try {
            for (int p : plan.claim()) {
                if (frozen && r.partitions().get(p).owner() != null) {
                    continue; // its owner may be back in a moment, as this node is
                }
                OptionalLong e = store.claim(me.id(), p, timing.lease().toMillis());
                if (e.isPresent()) {
                    gainedAt.set(p, System.currentTimeMillis());
                    epochs.set(p, e.getAsLong());
                    claimed.add(p);
                }
            }
        } finally {
            // also when a later claim failed: what was claimed is this node's, and its listeners must know
            if (!claimed.isEmpty()) {
                tell(l -> l.gained(claimed), claimed);
                for (int p : claimed) {
                    acting.set(p, 1);
                }
            }
        }
        if (!plan.claim().isEmpty() || !plan.release().isEmpty()) {
            last = store.renew(me, leaseMs, owned());
        }
    }

    private static List<Balance.Node> balanceNodes(ClusterStore.Round r) {
        return r.nodes().stream().map(n -> new Balance.Node(n.id(), n.seenAt())).toList();
    }

    private void lose(Set<Integer> partitions) {
        Set<Integer> lost = Set.copyOf(partitions);
        for (int p : lost) {
            acting.set(p, 0);
            epochs.set(p, NOT_HELD);
        }
        tell(l -> l.lost(lost), lost);
    }

    private void tell(java.util.function.Consumer<Listener> call, Set<Integer> partitions) {
        for (Listener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.error("event=cluster.listener_failed partitions={} listener={}", partitions.size(),
                        l.getClass().getSimpleName(), e);
            }
        }
    }

    /** Stops renewing and hands every partition over at once (flushed first), so no one waits for a lease. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        java.util.concurrent.locks.LockSupport.unpark(thread);
        try {
            thread.join(timing.lease().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Map<Integer, Long> held = owned();
            lose(held.keySet());
            held.forEach((p, e) -> store.release(me.id(), p, e));
            store.leave(me.id(), me.incarnation());
            LOG.info("event=cluster.left node={}", me.id());
            drain(held.keySet());
        } catch (StoreException e) {
            LOG.warn("event=cluster.leave_failed node={} error=\"{}\" hint=\"its partitions move when their leases run out\"",
                    me.id(), e.getMessage());
        }
    }

    /**
     * After handing partitions over, this node may still receive reports for them until its listener
     * closes: it reads who took them (for up to {@link #DRAIN}) so those reports are passed on to the
     * new owners instead of waiting for this node.
     */
    private void drain(Set<Integer> released) {
        long until = System.nanoTime() + DRAIN.toNanos();
        while (!released.isEmpty() && System.nanoTime() - until < 0) {
            ClusterStore.Round r = store.read();
            last = r;
            if (released.stream().noneMatch(p -> r.partitions().get(p).free(r.now()))) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** How long a stopping node waits for others to take its partitions (they claim within a renewal). */
    static final Duration DRAIN = Duration.ofSeconds(3);

    private static String digestJson(Map<String, String> digest) {
        StringBuilder s = new StringBuilder("{");
        digest.forEach((k, v) -> s.append(s.length() > 1 ? "," : "").append('"').append(k).append("\":\"").append(v).append('"'));
        return s.append('}').toString();
    }

    /** Section names are record components (camel case: {@code statusPage}). */
    private static Map<String, String> parse(String json) {
        Map<String, String> out = new java.util.TreeMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([A-Za-z]+)\":\"([0-9a-f]+)\"").matcher(json);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }
}
