package dev.watchpost.app;

import dev.watchpost.alert.AlertEngine;
import dev.watchpost.alert.AlertRoutes;
import dev.watchpost.alert.LocationSource;
import dev.watchpost.admin.AdminRoutes;
import dev.watchpost.auth.Access;
import dev.watchpost.auth.TokenRoutes;
import dev.watchpost.auth.TokenStore;
import dev.watchpost.auth.Tokens;
import dev.watchpost.compat.argus.ArgusFleet;
import dev.watchpost.compat.argus.ArgusRoutes;
import dev.watchpost.compat.argus.ArgusSettings;
import dev.watchpost.compat.argus.PrometheusSource;
import dev.watchpost.compat.glance.GlanceClusters;
import dev.watchpost.compat.glance.GlanceFeed;
import dev.watchpost.compat.glance.GlanceRoutes;
import dev.watchpost.compat.platypus.Platypus;
import dev.watchpost.cluster.ClusterRoutes;
import dev.watchpost.cluster.Membership;
import dev.watchpost.store.ChangeFeed;
import dev.watchpost.cluster.Partitions;
import dev.watchpost.composite.CompositeEngine;
import dev.watchpost.composite.CompositeRoutes;
import dev.watchpost.compat.stashboard.StashboardRoutes;
import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.feed.FeedRoutes;
import dev.watchpost.history.History;
import dev.watchpost.history.HistoryRoutes;
import dev.watchpost.history.HistoryService;
import dev.watchpost.live.LiveState;
import dev.watchpost.location.Assignments;
import dev.watchpost.location.ProberRoutes;
import dev.watchpost.reload.ConfigReload;
import dev.watchpost.reload.ReloadRoutes;
import dev.watchpost.location.Probers;
import dev.watchpost.location.RelayRoutes;
import dev.watchpost.location.ResultRelay;
import dev.watchpost.manual.ManualRoutes;
import dev.watchpost.manual.ManualService;
import dev.watchpost.page.FleetSource;
import dev.watchpost.page.Notices;
import dev.watchpost.page.PageRoutes;
import dev.watchpost.page.TargetRoutes;
import dev.watchpost.notice.NoticeRoutes;
import dev.watchpost.notice.NoticeService;
import dev.watchpost.probe.HttpClients;
import dev.watchpost.probe.ProbeRoutes;
import dev.watchpost.probe.ProbeScheduler;
import dev.watchpost.push.IngestRoutes;
import dev.watchpost.push.PingRoutes;
import dev.watchpost.targets.TargetDecl;
import dev.watchpost.targets.Topology;
import dev.watchpost.targets.Activation;
import dev.watchpost.targets.TopologyRoutes;
import dev.watchpost.targets.TopologyStore;
import dev.watchpost.observe.Metrics;
import dev.watchpost.observe.ObserveRoutes;
import dev.watchpost.openapi.ApiDocument;
import dev.watchpost.openapi.OpenApiRoutes;
import dev.watchpost.observe.StateChanges;
import dev.watchpost.store.Database;
import dev.watchpost.store.SecretBox;
import dev.watchpost.store.SecretKeys;
import dev.watchpost.store.WriteBehind;
import dev.watchpost.web.ConnectionLimits;
import dev.watchpost.web.HttpServer;
import dev.watchpost.web.Times;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The composition root: builds every part with plain constructors, starts them in dependency order
 * and stops them in reverse. Tests build the same graph with their own clock, a temporary data
 * directory and port 0.
 */
public final class Watchpost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Watchpost.class);

    private final Deque<AutoCloseable> stopOrder;
    private final HttpServer http;
    private final Tokens tokens;
    private final Database database;
    private final LiveState live;
    private final HistoryService history;
    private final ProbeScheduler probes;
    private final AlertEngine alerts;
    private boolean closed;

    private Watchpost(Deque<AutoCloseable> stopOrder, HttpServer http, Tokens tokens, Database database, LiveState live,
                      HistoryService history, ProbeScheduler probes, AlertEngine alerts) {
        this.history = history;
        this.alerts = alerts;
        this.probes = probes;
        this.stopOrder = stopOrder;
        this.http = http;
        this.tokens = tokens;
        this.database = database;
        this.live = live;
    }

    /**
     * Starts Watchpost. On failure everything already started is stopped again before the exception
     * propagates.
     *
     * @throws StartupException when the configuration, the database or the listening policy forbid starting
     */
    public static Watchpost start(WatchpostConfig config, Clock clock) {
        long t0 = System.nanoTime();
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            PageRoutes.check(config.statusPage()); // before anything opens: a bad setting changes nothing
            // Every time written for people (pages, dashboard, alert texts) in one zone.
            Times times = new Times(config.statusPage().timeZone());
            PrometheusMeterRegistry meters = Metrics.registry();
            started.push(meters::close);
            long tStore = System.nanoTime();
            Database db = Stores.open(config.storage(), meters);
            started.push(db);
            SecretBox box = SecretsAtRest.openForServer(keys(config), db);
            long storeMs = (System.nanoTime() - tStore) / 1_000_000;
            WriteBehind writer = new WriteBehind(db, config.storage().flushInterval(), meters);
            started.push(writer);
            Tokens tokens = new Tokens(new TokenStore(db), writer, clock, config.auth());
            started.push(tokens);
            checkListeningPolicy(config, tokens);

            Access access = new Access(tokens, config.auth().publicRead());

            Optional<Membership> membership = Optional.empty();
            if (config.cluster().enabled()) {
                Membership m = new Membership(db, config.cluster().nodeId().orElseThrow(),
                        config.cluster().advertiseUrl().orElseThrow(), config, Membership.Timing.DEFAULTS, meters);
                try {
                    m.join(); // refusals first; it claims partitions only once it listens (below)
                } catch (IllegalStateException e) {
                    throw new StartupException(e.getMessage());
                }
                membership = Optional.of(m);
            }

            HistoryService history = new HistoryService(new History(db), clock);
            started.push(history); // stops after the live state, so its last transitions are counted
            LiveState live = new LiveState(db, clock, config.storage().flushInterval(), meters);
            started.push(live);
            java.util.concurrent.atomic.AtomicBoolean liveStarted = new java.util.concurrent.atomic.AtomicBoolean();
            Optional<Membership.Replicated> replication = membership.map(m -> Membership.replication(m, db, live));
            replication.ifPresent(r -> {
                live.addTransitionWriter(r.writer());
                started.push(r);
            });
            membership.ifPresent(m -> {
                live.setOwnership(m);
                live.setForwarding(Membership.forwarder(m, live, config.cluster().secret().orElseThrow(), meters));
                m.addListener(new Membership.Listener() {
                    @Override
                    public void gained(java.util.Set<Integer> partitions) {
                        if (liveStarted.get()) { // before, the restores at start cover them
                            java.util.function.Predicate<String> taken = id -> partitions.contains(Partitions.of(id));
                            live.takeOver(taken);
                            history.takeOver(live, taken);
                        }
                    }

                    @Override
                    public void lost(java.util.Set<Integer> partitions) {
                        // what is written before the release is what the next owner restores
                        live.flush(Duration.ofSeconds(2));
                        history.handOver(id -> partitions.contains(Partitions.of(id)));
                    }
                });
            });
            HttpClients probeClients = new HttpClients();
            started.push(probeClients);
            ProbeScheduler probes = new ProbeScheduler(live, clock,
                    new ProbeScheduler.Settings(config.probes().maxConcurrent(), config.probes().maxPerHost()),
                    probeClients, meters);
            started.push(probes); // stops before the live state: no results arrive after it closed
            Probers probers = new Probers(config.probes().locationLostAfter()); // remote locations: what `locations: all` means, who is there
            // cluster mode: a prober may talk to any node; results for others' targets go on to their owners
            Optional<ResultRelay> relay = membership.map(m -> new ResultRelay(id -> m.ownerUrl(Partitions.of(id)), probes,
                    config.cluster().secret().orElseThrow(), meters));
            relay.ifPresent(started::push); // stops before the scheduler it applies to
            probes.knowLocationsFrom(probers::known);
            probes.recordLocationsIn((id, location, at, ok, latency) ->
                    history.history().observe(History.locationSeries(id, location), at, ok, latency));
            CompositeEngine composites = new CompositeEngine(live, db, clock);
            started.push(composites); // stops before the live state
            AlertEngine alerts = new AlertEngine(live, db, box, clock, config.alerts(), config.server().publicUrl(), times);
            membership.ifPresent(m -> alerts.clusterAs(m.nodeId(), m::liveNodeIds));
            alerts.countDeliveriesIn(meters);
            started.push(alerts); // stops before the live state: its last transitions' alerts wait in the outbox
            TopologyStore topologyStore = new TopologyStore(db, box);
            Topology topology = new Topology(live, topologyStore, clock);
            alerts.systemAlertsFrom(now -> probers.lost(now, times::text)); // "Location eu lost: …"
            alerts.tagsFrom(id -> topology.declaration(id).map(TargetDecl::tags).orElse(java.util.Set.of()));
            topology.addListener(new Activation(live, probes, composites));
            Assignments assignments = new Assignments(topology, probes.settings()); // what each remote location checks
            topology.addListener(assignments);
            alerts.locationsFrom(new LocationSource() { // a location lost or back: alerts to the channels
                @Override
                public Map<String, Instant> lost(Instant now) {
                    return probers.lostAt(now);
                }

                @Override
                public java.util.Set<String> live(Instant now) {
                    return probers.live(now);
                }

                @Override
                public List<LocationSource.Checked> checkedFrom(String location) {
                    return assignments.checkedFrom(location).stream()
                            .map(d -> new LocationSource.Checked(d.id(), d.def().groupId().orElse(null))).toList();
                }
            });
            ManualService manual = new ManualService(db, live, topology, clock);
            topology.addListener(manual); // before load: it drops the events of targets no longer manual
            topology.load(config.declarations());
            GlanceClusters glance = GlanceClusters.resolve(config.glance(), live, topology);
            topology.requireCompositeParts(appearLater(config));
            ArgusSettings argusSettings = ArgusSettings.of(config.argus());
            Optional<PrometheusSource> prometheus = PrometheusSource.of(argusSettings, clock);
            prometheus.ifPresent(started::push);
            ArgusFleet fleet = new ArgusFleet(db, live, clock, argusSettings, meters);
            fleet.start(); // restores clusters before the live state starts, so they keep their state
            NoticeService notices = new NoticeService(db, live, clock);
            notices.start(); // claims the holds of open maintenance windows before the live state releases the rest
            started.push(notices); // stops before the live state
            replication.ifPresent(r -> {
                // API changes made through any node reach every node
                ChangeFeed changes = r.changes();
                topology.publishChangesTo(changes);
                alerts.publishChangesTo(changes);
                notices.publishChangesTo(changes);
                manual.publishChangesTo(changes);
                tokens.publishChangesTo(changes);
                fleet.publishChangesTo(changes);
                r.receiveChanges((kind, id) -> {
                    switch (kind) {
                        case TARGET -> {
                            if (id.equals("*")) {
                                topology.reloadAll(); // groups too
                            } else {
                                topology.reloadTarget(id);
                            }
                        }
                        case GROUP -> {
                            if (!id.equals("*")) {
                                topology.reloadGroup(id);
                            }
                        }
                        case ALERTS -> alerts.reload();
                        case NOTICES -> notices.reloadFromStore();
                        case MANUAL -> manual.reloadFromStore();
                        case TOKENS -> tokens.reloadFromStore();
                        case ARGUS -> fleet.reloadFromStore();
                    }
                });
            });
            FeedRoutes feed = new FeedRoutes(live, access, meters, config.server().streamKeepAlive());
            GlanceFeed glanceFeed = new GlanceFeed(live, glance, access::mayRead, access::seesPrivate,
                    config.server().streamKeepAlive());

            // Who hears what the live state decides, all in one place. Writers run inside each
            // transition batch's transaction; listeners hear the batch once it is durable.
            live.addTransitionWriter(alerts.writer()); // a change and its alerts commit together
            live.setObservationSink(history.history()::observe);
            live.addOwnTransitionListener(history); // in cluster mode only a target's owner counts its time
            live.addOwnTransitionListener(new StateChanges()); // and logs its changes, once
            live.addTransitionListener(composites); // the rest hear other nodes' changes too
            live.addTransitionListener(feed);
            live.markSnapshotsWith(feed::position); // so a page knows from where its feed resumes
            live.addTransitionListener(glanceFeed);
            live.addSnapshotListener(glanceFeed);
            history.reopen(live);
            live.start();
            liveStarted.set(true);
            replication.ifPresent(r -> r.start().run());
            history.start();
            probes.start();
            composites.start();
            alerts.start();
            ConfigReload reload = new ConfigReload(config, topology, alerts, clock); // edits of the file apply in place
            started.push(reload);
            membership.ifPresent(m -> reload.onApplied(m::configReloaded)); // later joins compare with what runs now
            reload.start();

            Platypus platypus = new Platypus(live, topology, config.platypus(), access::mayRead, access::seesPrivate,
                    config.server().streamKeepAlive());

            ArgusRoutes argusRoutes = new ArgusRoutes(fleet, access, clock, argusSettings, prometheus);
            PageRoutes pages = new PageRoutes(live, history.history(), access, clock,
                    FleetSource.of(argusRoutes::viewJson, argusRoutes::clusterJson,
                            () -> config.argus().configured() || fleet.hasMembers(), config.argus().group()),
                    Notices.both(Notices.board(notices, clock, times), Notices.manualTargetMessages()), config.statusPage(),
                    times);
            TargetRoutes targetPages = new TargetRoutes(
                    new TargetRoutes.Sources(live, topology, topologyStore, history.history(), notices, probes), access, clock, pages);

            var s = config.server();
            long tHttp = System.nanoTime();
            StashboardRoutes stashboard = new StashboardRoutes(manual, topology, live, access);
            TopologyRoutes topologyRoutes = new TopologyRoutes(live, topology, topologyStore, access);
            HttpServer http;
            try {
                http = HttpServer.start(
                    new HttpServer.Settings(s.host(), s.port(), s.maxBodyBytes(), s.shutdownGrace(), s.idleTimeout(),
                            // besides connections, descriptors go to concurrent probes and database connections
                            // (SQLite: the file, its journal and shared memory)
                            new ConnectionLimits(s.maxConnections(), s.maxConnectionsPerAddress(),
                                    config.probes().maxConcurrent() + 3 * config.storage().poolSize()),
                            s.headerTimeout(), s.bodyTimeout()),
                    meters,
                    List.of(topologyRoutes.exactReads(), // first: a target named like a route (api/health) reads as itself
                            new ObserveRoutes(db::available, meters, access, live::snapshot, probes::lastDurationSeconds),
                            new OpenApiRoutes(ApiDocument.load()),
                            new ClusterRoutes(membership, live, config.cluster().secret(), access),
                            new TokenRoutes(tokens, access, Probers::nameProblem),
                            new ProberRoutes(assignments, probers, probes, access, clock, relay),
                            new RelayRoutes(probes, probers, membership.flatMap(m -> config.cluster().secret()), clock),
                            new HistoryRoutes(history.history(), live, access, clock),
                            new ProbeRoutes(probes, live, access),
                            new CompositeRoutes(composites, live, access),
                            new AlertRoutes(alerts, access),
                            new ReloadRoutes(reload, access),
                            new ManualRoutes(manual, live, access), // before the topology's greedy {+id} routes
                            topologyRoutes,
                            new IngestRoutes(live, access),
                            new PingRoutes(live),
                            feed,
                            new GlanceRoutes(live, glance, config.glance().passphrase(), tokens),
                            stashboard,
                            new NoticeRoutes(notices, live, access),
                            new AdminRoutes(new AdminRoutes.Services(live, topology, topologyStore, manual, notices, tokens, alerts,
                                    dev.watchpost.cluster.ClusterStatus.of(membership), probes, targetPages), db, clock,
                                    s.publicUrl(), times),
                            argusRoutes,
                            pages,
                            targetPages,
                            stashboard.fallback()), // last: takes the /api/... paths nothing else matched
                    // one WebSocket routing: Platypus's endpoints join Glance's feed
                    List.of(platypus.routing(glanceFeed.routing())));
            } catch (IllegalStateException e) {
                throw new StartupException(e.getMessage());
            }
            started.push(http);
            // Long-lived streams and held polls end before the server waits for in-flight requests.
            started.push(assignments);
            started.push(feed);
            started.push(glanceFeed);
            started.push(platypus);
            membership.ifPresent(m -> {
                // Other nodes pass reports on to this one as soon as it owns partitions: only now can it
                // take them. Stopped first: partitions handed over (flushed) while it still listens.
                m.serve();
                started.push(m);
            });
            long now = System.nanoTime();
            LOG.info("event=server.started address=http://{}:{} store={} ready_ms={} store_ms={} http_ms={}", s.host(),
                    http.port(), db.dialect().name().toLowerCase(), (now - t0) / 1_000_000, storeMs,
                    (now - tHttp) / 1_000_000);
            return new Watchpost(started, http, tokens, db, live, history, probes, alerts);
        } catch (RuntimeException e) {
            stopAll(started);
            throw e;
        }
    }

    /**
     * What {@code watchpost check} proves: the configuration, the database (opened and migrated) and
     * every declaration in the config file read as {@link #start} reads them, the listening policy
     * applied. Without side effects: no port is bound (a running server may hold it), no probe runs,
     * no engine starts, and nothing is written but the schema's migrations.
     *
     * @throws dev.watchpost.config.ConfigException naming the item when a declaration is invalid
     * @throws StartupException when the listening policy forbids starting
     */
    public static Checked check(WatchpostConfig config, Clock clock) {
        var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        PageRoutes.check(config.statusPage());
        try (Database db = Stores.open(config.storage(), meters);
             WriteBehind writer = new WriteBehind(db, config.storage().flushInterval(), meters);
             Tokens tokens = new Tokens(new TokenStore(db), writer, clock, config.auth())) {
            checkListeningPolicy(config, tokens);
            SecretBox box = keys(config).open(false); // makes no key file; sealed rows need the real key
            // Never started and never closed: closing would write its checkpoints. It holds no thread yet.
            LiveState live = new LiveState(db, clock, config.storage().flushInterval(), meters);
            Topology topology = new Topology(live, new TopologyStore(db, box), clock); // no listeners: nothing is scheduled
            topology.load(config.declarations());
            GlanceClusters.resolve(config.glance(), live, topology);
            topology.requireCompositeParts(appearLater(config));
            new AlertEngine(live, db, box, clock, config.alerts(), config.server().publicUrl(),
                    new Times(config.statusPage().timeZone())).close(); // reads channels and rules
            return new Checked(db.schemaVersion(), config.declarations().targets().size(), config.alerts().channels().size(),
                    config.alerts().rules().size());
        }
    }

    static SecretKeys keys(WatchpostConfig config) {
        return new SecretKeys(config.storage().secretsKey(), config.storage().secretsKeyFile());
    }

    /** What a successful {@link #check} read. */
    public record Checked(int schemaVersion, int targets, int channels, int rules) {
    }

    /**
     * Ids a composite may name before they exist: Argus Fleet's clusters appear when they register,
     * Platypus's hosts when their agent first reports.
     */
    private static java.util.function.Predicate<String> appearLater(WatchpostConfig config) {
        List<String> groups = List.of(config.argus().group(), config.platypus().group());
        return id -> groups.stream().anyMatch(g -> id.equals(g) || id.startsWith(g + "/"));
    }

    private static void checkListeningPolicy(WatchpostConfig config, Tokens tokens) {
        String host = config.server().host();
        if (refuseToListen(isLoopback(host), tokens.hasAdmin(), config.auth().insecure())) {
            throw new StartupException("refusing to listen on " + host + " without an admin token: create one with "
                    + "'watchpost token create --scope admin' or set WATCHPOST_ADMIN_TOKEN, "
                    + "or start with --insecure (WATCHPOST_INSECURE=true) to accept the risk");
        }
        if (!isLoopback(host) && !tokens.hasAdmin()) {
            LOG.warn("event=server.insecure host={} reason=\"no admin token exists and --insecure was given\"", host);
        }
    }

    /**
     * Whether to refuse to start: a listener other hosts can reach, with no admin token to protect
     * the API, is refused unless the operator explicitly accepted it.
     */
    static boolean refuseToListen(boolean loopbackOnly, boolean hasAdminToken, boolean insecure) {
        return !loopbackOnly && !hasAdminToken && !insecure;
    }

    static boolean isLoopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            throw new StartupException("cannot resolve server.host '" + host + "': " + e.getMessage());
        }
    }

    /** The HTTP port actually bound. */
    public int port() {
        return http.port();
    }

    /** Every HTTP route of this server (for the auth matrix and the fuzzer). */
    public dev.watchpost.web.RouteTable routes() {
        return http.routes();
    }

    /** Completes, with why, if the server stops listening while running (see {@link HttpServer#listenerLost()}). */
    public java.util.concurrent.CompletableFuture<String> listenerLost() {
        return http.listenerLost();
    }

    public Tokens tokens() {
        return tokens;
    }

    public Database database() {
        return database;
    }

    public LiveState live() {
        return live;
    }

    public HistoryService history() {
        return history;
    }

    public ProbeScheduler probes() {
        return probes;
    }

    public AlertEngine alerts() {
        return alerts;
    }

    /** Stops accepting requests, lets in-flight ones finish, flushes pending writes, closes the store. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("event=server.stopping");
        stopAll(stopOrder);
        LOG.info("event=server.stopped");
    }

    private static void stopAll(Deque<AutoCloseable> started) {
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.error("event=server.stop_failed part={} error=\"{}\"", c.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
