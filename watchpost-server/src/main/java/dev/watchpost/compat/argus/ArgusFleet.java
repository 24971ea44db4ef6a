package dev.watchpost.compat.argus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.compat.argus.FleetStore.MemberRow;
import dev.watchpost.live.GroupDef;
import dev.watchpost.live.GroupNode;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Observation;
import dev.watchpost.live.TargetDef;
import dev.watchpost.live.TargetKind;
import dev.watchpost.live.TargetView;
import dev.watchpost.store.Database;
import dev.watchpost.web.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The Argus Fleet registry: which member processes ("clusters") exist, their numbers, leases and
 * metrics.
 *
 * <p><b>Numbers.</b> Per fleet, monotonic, never reused: the last number given is a row per fleet
 * ({@code argus_fleet_seq}) that only grows, so neither pruning a member nor moving it to another
 * fleet frees its number. A known identity that registers again in the same fleet keeps its number.
 * One that registers in a <em>different</em> fleet gets the next number of the new fleet (numbers are
 * only unique within a fleet, so it cannot carry its old one over) and its old number is retired.
 *
 * <p><b>Durability.</b> Register (rare) writes the member row before it answers, so an acknowledged
 * registration survives a restart. Heartbeats (frequent) only touch memory: the cluster is the push
 * target {@code <prefix>/<fleet>/<number>} of the {@link LiveState}, whose checkpoints keep its state,
 * last-seen time and last metrics. Rates need two snapshots and history is a ring per cluster; both
 * are in memory only, so after a restart rates come back with the second heartbeat and history
 * starts empty.
 *
 * <p><b>Leases.</b> Register answers an opaque random token; only its SHA-256 is stored. A register
 * that presents the identity's current token keeps it; any other register issues a new one and so
 * supersedes the process holding the old one. A heartbeat that presents a token other than the
 * current one is refused ({@link HeartbeatOutcome#LEASE_MISMATCH}, HTTP 409) rather than told to
 * register again: two processes with one identity would otherwise take the identity from each other
 * forever. A heartbeat without a token is accepted (members that predate leases).
 *
 * <p>Thread-safe. Registrations are serialised by one lock; heartbeats take only their member's.
 */
public final class ArgusFleet {

    private static final Logger LOG = LoggerFactory.getLogger(ArgusFleet.class);

    static final int MAX_IDENTITY = 200;
    static final int MAX_VERSION = 128;
    static final int MAX_LEASE = 200;
    static final String DEFAULT_FLEET = "default";
    static final String SOURCE = "protocol";
    private static final Pattern FLEET = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** host:port as Prometheus takes it, IPv6 in brackets. */
    private static final Pattern SCRAPE_TARGET = Pattern.compile("[A-Za-z0-9._\\-\\[\\]:%]{1,255}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * What a member says about itself when it registers; a register replaces all of it (an absent
     * version or scrape target clears the old one).
     */
    record Registration(String identity, String fleet, Optional<String> version, Optional<String> scrapeTarget) {
        Registration {
            checkIdentity(identity);
            Objects.requireNonNull(fleet, "fleet");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(scrapeTarget, "scrapeTarget");
            checkFleet(fleet);
            version.ifPresent(v -> {
                if (v.isEmpty() || v.length() > MAX_VERSION || hasControl(v)) {
                    throw new IllegalArgumentException("version must be 1-" + MAX_VERSION
                            + " characters without control characters");
                }
            });
            scrapeTarget.ifPresent(t -> {
                if (!SCRAPE_TARGET.matcher(t).matches()) {
                    throw new IllegalArgumentException("scrape_target must be host:port (at most 255 characters, "
                            + "IPv6 in brackets), got '" + shorten(t) + "'");
                }
            });
        }
    }

    /** The answer to a register: the member's number and the lease token it must present from now on. */
    record Registered(int number, String lease) {
        @Override
        public String toString() {
            return "Registered[number=" + number + ", lease=***]";
        }
    }

    enum HeartbeatOutcome { ACCEPTED, UNKNOWN_IDENTITY, LEASE_MISMATCH }

    /** The fleet cannot be used because a Watchpost group in the way is not one the fleet can own. */
    /** A new member would exceed {@link ArgusSettings#maxMembers()}. */
    static final class Full extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Full(String message) {
            super(message, null, false, false);
        }
    }

    static final class Conflict extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Conflict(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * One cluster as readers see it. {@code lastSeenMs} is -1 when never seen. {@code fromPrometheus}
     * when its metrics and shards are Prometheus' rather than its own pushes.
     */
    record Cluster(int number, String identity, String fleet, Optional<String> version, Optional<String> scrapeTarget,
                   boolean up, long lastSeenMs, ClusterMetrics metrics, List<ParsedSnapshot.Shard> shards,
                   boolean fromPrometheus) {
    }

    /** A cluster and its history, oldest point first. */
    record Detail(Cluster cluster, List<ClusterHistory.Point> history) {
    }

    private static final class Member {
        /** Immutable; swapped on register. */
        volatile MemberRow info;
        private ParsedSnapshot last;            // guarded by this
        private Instant lastAt;                 // guarded by this
        private ClusterMetrics metrics;         // guarded by this
        private final ClusterHistory history;          // guarded by this

        Member(MemberRow info, int historyPoints) {
            this.info = info;
            this.history = new ClusterHistory(historyPoints);
        }
    }

    private final FleetStore store;
    private final LiveState live;
    private final Clock clock;
    private final ArgusSettings settings;
    private final TargetDefs defs;
    private final SnapshotParser parser;
    private final ConcurrentHashMap<String, Member> byIdentity = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Member> byCluster = new ConcurrentHashMap<>();
    private final Object registry = new Object();

    private final Counter registeredNew;
    private final Counter registeredKnown;
    private final Counter registeredMoved;
    private final Counter registeredRefused;
    private final Counter heartbeatsAccepted;
    private final Counter heartbeatsUnknown;
    private final Counter heartbeatsLeaseMismatch;

    public ArgusFleet(Database db, LiveState live, Clock clock, ArgusSettings settings, MeterRegistry meters) {
        this.store = new FleetStore(Objects.requireNonNull(db, "db"));
        this.live = Objects.requireNonNull(live, "live");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.defs = new TargetDefs(settings);
        this.parser = SnapshotParser.forNamespace(settings.namespace());
        this.registeredNew = registrations(meters, "new");
        this.registeredKnown = registrations(meters, "known");
        this.registeredMoved = registrations(meters, "moved");
        this.registeredRefused = registrations(meters, "refused");
        this.heartbeatsAccepted = heartbeats(meters, "accepted");
        this.heartbeatsUnknown = heartbeats(meters, "unknown_identity");
        this.heartbeatsLeaseMismatch = heartbeats(meters, "lease_mismatch");
        Gauge.builder("watchpost.argus.members", byIdentity, Map::size)
                .description("Argus Fleet members registered").register(meters);
    }

    private static Counter registrations(MeterRegistry meters, String outcome) {
        return Counter.builder("watchpost.argus.registrations").tag("outcome", outcome)
                .description("Argus Fleet registrations").register(meters);
    }

    private static Counter heartbeats(MeterRegistry meters, String outcome) {
        return Counter.builder("watchpost.argus.heartbeats").tag("outcome", outcome)
                .description("Argus Fleet heartbeats").register(meters);
    }

    /**
     * Restores every stored member and defines its groups and target. Call once, before the
     * {@link LiveState} is started (so the targets get their checkpointed state back) and before
     * the HTTP server starts.
     */
    /**
     * Whether readers without a token may see the fleet: false when its group ({@code argus.group})
     * is declared {@code public: false}.
     */
    public boolean isPublic() {
        return live.isPublic(settings.groupPrefix());
    }

    /** Whether any member is known (registered now or restored from the database). */
    public boolean hasMembers() {
        return !byIdentity.isEmpty();
    }

    public void start() {
        List<MemberRow> stored = store.members();
        synchronized (registry) {
            for (MemberRow info : stored) {
                Member m = new Member(info, settings.historyPoints());
                try {
                    defs.ensure(live, info.fleet(), info.number());
                } catch (RuntimeException e) {
                    // Keep the member (and its number); it is redefined on its next heartbeat.
                    LOG.error("event=argus.restore_target_failed identity=\"{}\" fleet={} number={} error=\"{}\"",
                            info.identity(), info.fleet(), info.number(), e.getMessage());
                }
                live.target(defs.targetId(info.fleet(), info.number()))
                        .map(TargetView::metrics).map(ArgusFleet::metricsOf)
                        .ifPresent(restored -> m.metrics = restored);
                byIdentity.put(info.identity(), m);
                byCluster.put(key(info.fleet(), info.number()), m);
            }
        }
        LOG.info("event=argus.restored members={}", stored.size());
    }

    private volatile dev.watchpost.store.ChangeFeed changes = dev.watchpost.store.ChangeFeed.NONE;

    /** Cluster mode: the other nodes hear of every member registered, moved or pruned here. */
    public void publishChangesTo(dev.watchpost.store.ChangeFeed changes) {
        this.changes = Objects.requireNonNull(changes, "changes");
    }

    /**
     * Another node registered, moved or pruned members: the stored members become this node's, so a
     * member's heartbeats are known whichever node they reach. Metrics stay per node: each computes
     * rates from the snapshots it receives.
     */
    public void reloadFromStore() {
        List<MemberRow> stored = store.members();
        synchronized (registry) {
            java.util.Set<String> keep = new java.util.HashSet<>();
            for (MemberRow info : stored) {
                keep.add(info.identity());
                Member m = byIdentity.get(info.identity());
                MemberRow old = m == null ? null : m.info;
                if (old != null && old.fleet().equals(info.fleet()) && old.number() == info.number()) {
                    m.info = info; // a new lease or version
                    continue;
                }
                if (old != null) {
                    byCluster.remove(key(old.fleet(), old.number()), m);
                    defs.remove(live, old.fleet(), old.number());
                    m.info = info;
                } else {
                    m = new Member(info, settings.historyPoints());
                    byIdentity.put(info.identity(), m);
                }
                byCluster.put(key(info.fleet(), info.number()), m);
                try {
                    defs.ensure(live, info.fleet(), info.number());
                } catch (RuntimeException e) {
                    LOG.error("event=argus.reload_target_failed identity=\"{}\" error=\"{}\"", info.identity(), e.getMessage());
                }
            }
            for (Member m : List.copyOf(byIdentity.values())) {
                MemberRow info = m.info;
                if (!keep.contains(info.identity())) {
                    byIdentity.remove(info.identity(), m);
                    byCluster.remove(key(info.fleet(), info.number()), m);
                    defs.remove(live, info.fleet(), info.number());
                }
            }
        }
    }

    // ---------------------------------------------------------------- member protocol

    /**
     * Registers a member, or registers a known one again. Written to the database before it returns.
     *
     * @param presentedLease the lease token the member sent, if any: the current one keeps it
     * @throws Conflict when a Watchpost group in the fleet's place cannot hold its clusters
     */
    Registered register(Registration r, Optional<String> presentedLease) {
        synchronized (registry) {
            defs.check(live, r.fleet());
            Member m = byIdentity.get(r.identity());
            if (m == null && byIdentity.size() >= settings.maxMembers()) {
                registeredRefused.increment();
                throw new Full("the fleet has " + byIdentity.size() + " members, the most argus.max-members allows: "
                        + "prune members that are gone (DELETE /api/fleet/cluster) or raise the limit");
            }
            MemberRow old = m == null ? null : m.info;
            boolean keepLease = old != null && presentedLease.filter(l -> leaseMatches(old.leaseHash(), l)).isPresent();
            String lease = keepLease ? presentedLease.get() : newLease();
            String leaseHash = keepLease ? old.leaseHash() : hashHex(lease);
            long now = clock.millis();
            boolean sameFleet = old != null && old.fleet().equals(r.fleet());
            MemberRow next = store.register(new FleetStore.Registering(r.identity(), r.fleet(),
                    sameFleet ? OptionalInt.of(old.number()) : OptionalInt.empty(), r.version().orElse(null),
                    r.scrapeTarget().orElse(null), leaseHash, old == null ? now : old.registeredAt()), now);
            // Memory follows only a committed write.
            if (old != null && !sameFleet) {
                byCluster.remove(key(old.fleet(), old.number()), m);
                defs.remove(live, old.fleet(), old.number());
            }
            if (m == null) {
                m = new Member(next, settings.historyPoints());
                byIdentity.put(next.identity(), m);
            } else {
                m.info = next;
            }
            byCluster.put(key(next.fleet(), next.number()), m);
            defs.ensure(live, next.fleet(), next.number());
            ClusterMetrics metrics;
            synchronized (m) {
                metrics = m.metrics;
            }
            changes.changed(dev.watchpost.store.ChangeFeed.Kind.ARGUS, next.identity());
            live.observe(defs.targetId(next.fleet(), next.number()), observation(metrics));
            (old == null ? registeredNew : sameFleet ? registeredKnown : registeredMoved).increment();
            LOG.info("event=argus.registered identity=\"{}\" fleet={} number={} outcome={}{}", next.identity(),
                    next.fleet(), next.number(), old == null ? "new" : sameFleet ? "known" : "moved",
                    old != null && !sameFleet ? " from=" + old.fleet() + "/" + old.number() : "");
            return new Registered(next.number(), lease);
        }
    }

    /**
     * Records a heartbeat: refreshes the cluster's lease and, with a snapshot, its metrics. Memory only.
     *
     * @param snapshot the parsed snapshot, or null when the heartbeat carried none
     * @throws Conflict when the cluster's target had to be defined again and a group is in the way
     */
    HeartbeatOutcome heartbeat(String identity, Optional<String> presentedLease, ParsedSnapshot snapshot) {
        Member m = byIdentity.get(identity);
        if (m == null) {
            heartbeatsUnknown.increment();
            return HeartbeatOutcome.UNKNOWN_IDENTITY;
        }
        MemberRow info = m.info;
        if (presentedLease.isPresent() && !leaseMatches(info.leaseHash(), presentedLease.get())) {
            heartbeatsLeaseMismatch.increment();
            return HeartbeatOutcome.LEASE_MISMATCH;
        }
        ClusterMetrics metrics = null;
        if (snapshot != null) {
            Instant now = clock.instant();
            synchronized (m) {
                m.metrics = ClusterMetrics.compute(m.last, m.lastAt, snapshot, now);
                m.last = snapshot;
                m.lastAt = now;
                m.history.add(now.toEpochMilli(), m.metrics);
                metrics = m.metrics;
            }
        }
        Observation o = observation(metrics);
        if (live.observe(defs.targetId(info.fleet(), info.number()), o) == LiveState.Outcome.UNKNOWN_TARGET) {
            // The member was pruned or moved meanwhile, or someone removed its target (the API, a
            // failed restore) while it is still registered: then define the target again.
            String target;
            synchronized (registry) {
                if (byIdentity.get(identity) != m) {
                    heartbeatsUnknown.increment();
                    return HeartbeatOutcome.UNKNOWN_IDENTITY;
                }
                MemberRow current = m.info;
                defs.ensure(live, current.fleet(), current.number());
                target = defs.targetId(current.fleet(), current.number());
            }
            live.observe(target, o);
        }
        heartbeatsAccepted.increment();
        return HeartbeatOutcome.ACCEPTED;
    }

    /** Reads a heartbeat's snapshot with the configured namespace. */
    ParsedSnapshot parse(JsonNode snapshot) {
        return parser.parse(snapshot);
    }

    /**
     * Forgets a member (an operator's decision; members are never pruned automatically). Its number
     * is not given again. False when there is no such cluster.
     */
    boolean prune(String fleet, int number) {
        synchronized (registry) {
            Member m = byCluster.get(key(fleet, number));
            if (m == null) {
                return false;
            }
            MemberRow info = m.info;
            store.remove(info.identity());
            byCluster.remove(key(fleet, number), m);
            byIdentity.remove(info.identity(), m);
            defs.remove(live, fleet, number);
            changes.changed(dev.watchpost.store.ChangeFeed.Kind.ARGUS, info.identity());
            LOG.info("event=argus.pruned identity=\"{}\" fleet={} number={}", info.identity(), fleet, number);
            return true;
        }
    }

    // ---------------------------------------------------------------- reads

    /** Every cluster, by fleet then number, with {@code up} decided now. */
    List<Cluster> clusters() {
        long now = clock.millis();
        List<Cluster> out = new ArrayList<>(byIdentity.size());
        for (Member m : byIdentity.values()) {
            out.add(view(m, now));
        }
        out.sort(Comparator.comparing(Cluster::fleet).thenComparingInt(Cluster::number));
        return out;
    }

    Optional<Detail> cluster(String fleet, int number) {
        Member m = byCluster.get(key(fleet, number));
        if (m == null) {
            return Optional.empty();
        }
        Cluster c = view(m, clock.millis());
        List<ClusterHistory.Point> points;
        synchronized (m) {
            points = m.history.points();
        }
        return Optional.of(new Detail(c, points));
    }

    /**
     * Up while the target's state counts as up and its lease has not run out at {@code now}: the
     * contract's {@code now - last_seen <= interval × ttl_factor}, exact to the millisecond rather
     * than waiting for the lease wheel's next tick to mark the target Unhealthy.
     */
    private Cluster view(Member m, long now) {
        MemberRow info = m.info;
        Optional<TargetView> t = live.target(defs.targetId(info.fleet(), info.number()));
        boolean up = t.map(v -> v.state().up() && now <= v.deadline()).orElse(false);
        long lastSeen = t.map(TargetView::lastSeen).orElse(-1L);
        ClusterMetrics metrics;
        List<ParsedSnapshot.Shard> shards;
        synchronized (m) {
            metrics = m.metrics == null ? ClusterMetrics.UNKNOWN : m.metrics;
            shards = m.last == null ? List.of() : m.last.shards();
        }
        return new Cluster(info.number(), info.identity(), info.fleet(), Optional.ofNullable(info.version()),
                Optional.ofNullable(info.scrapeTarget()), up, lastSeen, metrics, shards, false);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * An ALIVE observation carrying the known metrics (so the native API shows them) and the worst
     * shard's latency as the target's latency. Without metrics the target keeps its last ones.
     */
    private static Observation observation(ClusterMetrics metrics) {
        if (metrics == null) {
            return Observation.alive();
        }
        ObjectNode node = Json.MAPPER.createObjectNode();
        metrics.known().forEach((k, v) -> {
            switch (v) {
                case Integer i -> node.put(k, i);
                case Long l -> node.put(k, l);
                case Double d -> node.put(k, d);
                case null, default -> { } // unknown values are left out
            }
        });
        double latencyMs = metrics.latencySeconds() == null ? Double.NaN : metrics.latencySeconds() * 1000;
        return new Observation(Observation.Kind.ALIVE, null, null, latencyMs, node);
    }

    /** The metrics a checkpoint kept, or null when there are none or they cannot be read. */
    static ClusterMetrics metricsOf(ObjectNode node) {
        if (node == null) {
            return null;
        }
        try {
            return new ClusterMetrics(dbl(node, "latency_seconds"),
                    node.path("shards_up").canConvertToInt() && node.path("shards_up").isIntegralNumber()
                            ? node.get("shards_up").intValue() : null,
                    lng(node, "guilds"), lng(node, "cached_users"), dbl(node, "interactions_rate"),
                    dbl(node, "error_rate"), dbl(node, "duration_p95_seconds"), dbl(node, "ratelimits_rate"),
                    dbl(node, "uptime_seconds"), null);
        } catch (IllegalArgumentException e) {
            return null; // a damaged checkpoint loses its numbers until the next snapshot
        }
    }

    private static Double dbl(ObjectNode n, String key) {
        JsonNode v = n.get(key);
        return v != null && v.isNumber() ? v.doubleValue() : null;
    }

    private static Long lng(ObjectNode n, String key) {
        JsonNode v = n.get(key);
        return v != null && v.isIntegralNumber() && v.canConvertToLong() ? v.longValue() : null;
    }

    private static String key(String fleet, int number) {
        return fleet + "/" + number;
    }

    private static String newLease() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return "fl_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String hashHex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    /** Constant-time comparison of a presented token with a stored hash. */
    private static boolean leaseMatches(String storedHex, String presented) {
        return MessageDigest.isEqual(HexFormat.of().parseHex(storedHex), sha256(presented));
    }

    static void checkFleet(String fleet) {
        if (!FLEET.matcher(fleet).matches()) {
            throw new IllegalArgumentException("fleet must be 1-64 characters of a-z, 0-9, '.', '_', '-' starting "
                    + "with a letter or digit, got '" + shorten(fleet) + "'");
        }
    }

    static void checkIdentity(String identity) {
        if (identity == null || identity.isBlank()) {
            throw new IllegalArgumentException("identity is required: a non-empty string naming this process");
        }
        if (identity.length() > MAX_IDENTITY) {
            throw new IllegalArgumentException("identity must be at most " + MAX_IDENTITY + " characters, got "
                    + identity.length());
        }
        if (hasControl(identity)) {
            throw new IllegalArgumentException("identity must not contain control characters");
        }
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }

    private static String shorten(String s) {
        String t = s.chars().anyMatch(Character::isISOControl) ? s.replaceAll("\\p{Cntrl}", "?") : s;
        return t.length() <= 40 ? t : t.substring(0, 40) + "…";
    }

    // ---------------------------------------------------------------- Watchpost groups and targets

    /** The groups and targets a fleet lives in: {@code <prefix>}, {@code <prefix>/<fleet>}, {@code .../<number>}. */
    private static final class TargetDefs {
        private final String prefix;
        private final ArgusSettings settings;

        TargetDefs(ArgusSettings settings) {
            this.prefix = settings.groupPrefix();
            this.settings = settings;
        }

        String targetId(String fleet, int number) {
            return prefix + "/" + fleet + "/" + number;
        }

        /** Refuses a fleet whose groups exist as sharded groups: their shards would take our target ids. */
        void check(LiveState live, String fleet) {
            for (String id : groupIds(fleet)) {
                Optional<GroupNode> g = live.group(id);
                if (g.isPresent() && g.get().def().sharded()) {
                    throw new Conflict("fleet '" + fleet + "' cannot be used: Watchpost group '" + id
                            + "' is a sharded group, so it cannot hold Argus clusters");
                }
            }
        }

        /**
         * Defines the groups (only when missing, so a group the config file declares keeps its
         * definition) and the target (again only when its definition differs, keeping its state).
         */
        void ensure(LiveState live, String fleet, int number) {
            check(live, fleet);
            for (String id : groupIds(fleet)) {
                if (live.group(id).isEmpty()) {
                    String leaf = id.substring(id.lastIndexOf('/') + 1);
                    live.defineGroup(new GroupDef(id, leaf, 0, Optional.empty(), SOURCE));
                }
            }
            String id = targetId(fleet, number);
            TargetDef def = new TargetDef(id, fleet + " #" + number, Optional.of(prefix + "/" + fleet), TargetKind.PUSH,
                    Optional.of(settings.lease()), Optional.empty(), SOURCE);
            if (!live.definition(id).equals(Optional.of(def))) {
                live.defineTarget(def);
            }
        }

        /** Removes a cluster's target, and its fleet's group when that is now empty and ours. */
        void remove(LiveState live, String fleet, int number) {
            live.removeTarget(targetId(fleet, number));
            String fleetGroup = prefix + "/" + fleet;
            if (live.group(fleetGroup).map(g -> g.def().source().equals(SOURCE)).orElse(false)) {
                try {
                    live.removeGroup(fleetGroup);
                } catch (IllegalStateException stillUsed) {
                    // other clusters remain in the fleet: the group stays
                }
            }
        }

        /** The prefix's ancestors, the prefix, and the fleet's group, outermost first. */
        private List<String> groupIds(String fleet) {
            List<String> ids = new ArrayList<>();
            int slash = -1;
            while ((slash = prefix.indexOf('/', slash + 1)) >= 0) {
                ids.add(prefix.substring(0, slash));
            }
            ids.add(prefix);
            ids.add(prefix + "/" + fleet);
            return ids;
        }
    }
}
