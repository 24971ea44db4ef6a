package dev.watchpost.alert;

import dev.watchpost.store.Backoff;
import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.config.ConfigException;
import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.TransitionWriter;
import dev.watchpost.store.Database;
import dev.watchpost.store.SecretBox;
import dev.watchpost.web.Times;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Alerts: channels and rules (config file and API), the outbox and its delivery. The engine is the
 * registry of channels and rules and the face the server, the API and the dashboard use; the
 * {@link DeliveryRounds} deliver.
 *
 * <p>Alerts are written by {@link AlertWriter} inside each transition batch's transaction (see
 * {@link LiveState#addTransitionWriter}) and delivered by the rounds: per channel, in order, retried
 * until delivered, resumed after a restart, nothing before the start-up grace ends.
 *
 * <p>Changes of channels and rules are serialised by the engine's monitor; readers take the whole
 * {@link Routing}, which is swapped, never changed.
 */
public final class AlertEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertEngine.class);

    public static final Duration ROUND = Duration.ofSeconds(1);
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final String CHANNELS = "alert_channel";
    static final String RULES = "alert_rule";

    /** The object cannot be made or changed here; the message says why (HTTP 409). */
    public static final class Conflict extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Conflict(String message) {
            super(message, null, false, false);
        }
    }

    private final LiveState live;
    private final Clock clock;
    private final Outbox outbox;
    private final SpecStore specs;
    private final Instant graceEnd;
    private final AtomicReference<Routing> routing = new AtomicReference<>(Routing.EMPTY);
    private volatile WatchpostConfig.Alerts config; // replaced by a reload of the config file
    private volatile dev.watchpost.store.ChangeFeed changes = dev.watchpost.store.ChangeFeed.NONE;
    private final DeliveryRounds rounds;
    private final Groups groups;

    /** The tags of a target (for rules naming tags); none until {@link #tagsFrom} is called. */
    private volatile Function<String, Set<String>> tagsOf = id -> Set.of();

    /** Where targets' tags come from (the topology, which is made after the engine). */
    public void tagsFrom(Function<String, Set<String>> tags) {
        this.tagsOf = java.util.Objects.requireNonNull(tags, "tags");
    }

    /**
     * Reads the channels and rules of the config file and the API: build it before the live state
     * starts, and register its {@link #writer()} with it.
     *
     * @param box   seals the channels made through the API, whose declarations hold secrets
     * @param times how alert texts write times: as the status page and the dashboard do
     * @throws ConfigException naming the item when a channel or rule in the config file is invalid
     */
    public AlertEngine(LiveState live, Database db, SecretBox box, Clock clock, WatchpostConfig.Alerts config,
                       Optional<URI> publicUrl, Times times) {
        this(live, db, box, clock, config, publicUrl, times, ROUND, Backoff.DEFAULT, TIMEOUT);
    }

    /** With the round, the retries' backoff and the requests' timeout given. */
    AlertEngine(LiveState live, Database db, SecretBox box, Clock clock, WatchpostConfig.Alerts config, Optional<URI> publicUrl,
                Times times, Duration round, Backoff backoff, Duration timeout) {
        this.live = live;
        this.clock = clock;
        this.outbox = new Outbox(db);
        this.specs = new SpecStore(db, box);
        this.graceEnd = clock.instant().plus(config.startupGrace());
        this.config = config;
        routing.set(load(config)); // first: an invalid config file leaves no client threads behind
        this.groups = new Groups(live, () -> tagsOf);
        this.rounds = new DeliveryRounds(live, clock, outbox, routing::get, () -> tagsOf, groups, publicUrl, times,
                graceEnd, round, backoff, timeout);
    }

    /**
     * Writes the alerts of each transition batch inside the batch's own transaction, so a change and
     * its alerts are durable together: register it with {@link LiveState#addTransitionWriter} before
     * the live state starts.
     */
    public TransitionWriter writer() {
        return new AlertWriter(routing::get, id -> tagsOf.apply(id), groups, clock, graceEnd);
    }

    /** Stored API objects first, then the config file's, which win; then the rules are checked against the channels. */
    private Routing load(WatchpostConfig.Alerts config) {
        Map<String, Channel> channels = new LinkedHashMap<>();
        Map<String, Rule> rules = new LinkedHashMap<>();
        Set<String> managed = new HashSet<>();
        for (JsonNode spec : specs.specs(CHANNELS)) {
            try {
                Channel c = AlertSpecs.channel(publicNtfyIfNone(spec), "stored channel", "api");
                channels.put(c.id(), c);
            } catch (IllegalArgumentException e) {
                LOG.error("event=alert.stored_channel_invalid error=\"{}\"", e.getMessage());
            }
        }
        for (int i = 0; i < config.channels().size(); i++) {
            String where = "channels[" + i + "]";
            JsonNode item = config.channels().get(i);
            try {
                Channel c = AlertSpecs.channel(item, where, "config");
                if (!managed.add(c.id())) {
                    throw new IllegalArgumentException(where + ".id: '" + c.id() + "' is declared twice");
                }
                channels.put(c.id(), c);
            } catch (IllegalArgumentException e) {
                throw ConfigException.inItem(where, ConfigException.idOf(item), e.getMessage());
            }
        }
        Set<String> configRules = new HashSet<>();
        List<Rule> stored = new ArrayList<>();
        for (JsonNode spec : specs.specs(RULES)) {
            try {
                stored.add(AlertSpecs.rule(spec, "stored rule", "api", null));
            } catch (IllegalArgumentException e) {
                LOG.error("event=alert.stored_rule_invalid error=\"{}\"", e.getMessage());
            }
        }
        for (int i = 0; i < config.rules().size(); i++) {
            String where = "rules[" + i + "]";
            JsonNode item = config.rules().get(i);
            try {
                Rule r = AlertSpecs.rule(item, where, "config", "rule-" + (i + 1));
                if (!configRules.add(r.id())) {
                    throw new IllegalArgumentException(where + ".id: '" + r.id() + "' is declared twice");
                }
                rules.put(r.id(), r);
                new Routing(channels, Map.of(r.id(), r), Set.of()).validate();
            } catch (IllegalArgumentException e) {
                throw ConfigException.inItem(where, ConfigException.idOf(item), e.getMessage());
            }
        }
        for (Rule r : stored) {
            if (configRules.contains(r.id())) {
                continue;
            }
            try {
                new Routing(channels, Map.of(r.id(), r), Set.of()).validate();
                rules.put(r.id(), r);
            } catch (IllegalArgumentException e) {
                LOG.error("event=alert.stored_rule_invalid error=\"{}\"", e.getMessage());
            }
        }
        managed.addAll(configRules.stream().map(id -> "rule:" + id).toList());
        Routing r = new Routing(channels, rules, managed);
        LOG.info("event=alert.loaded channels={} rules={} startup_grace_ends={}", channels.size(), rules.size(), graceEnd);
        return r;
    }

    /** Cluster mode: the other nodes hear of every channel and rule changed through this node's API. */
    public void publishChangesTo(dev.watchpost.store.ChangeFeed changes) {
        this.changes = java.util.Objects.requireNonNull(changes, "changes");
    }

    /** Another node changed channels or rules through its API: read them all again (the config file's win, as at start). */
    public synchronized void reload() {
        routing.set(load(config));
    }

    /** The channels and rules a reload of the config file adds, changes and removes (ids). */
    public record ConfigChanges(List<String> added, List<String> changed, List<String> removed) {
        public ConfigChanges {
            added = List.copyOf(added);
            changed = List.copyOf(changed);
            removed = List.copyOf(removed);
        }
    }

    /**
     * The config file's channels and rules read again and checked whole, ready to apply: what
     * applying them would change (channels as {@code channel:id}, rules as {@code rule:id}).
     */
    public static final class PreparedConfig {
        private final WatchpostConfig.Alerts config;
        private final Routing base;
        private final Routing routing;
        private final ConfigChanges changes;

        private PreparedConfig(WatchpostConfig.Alerts config, Routing base, Routing routing) {
            this.config = config;
            this.base = base;
            this.routing = routing;
            this.changes = diff(base, routing);
        }

        public ConfigChanges changes() {
            return changes;
        }
    }

    /**
     * Reads and checks {@code next} (the config file read again) against what runs; nothing is applied.
     *
     * @throws dev.watchpost.config.ConfigException naming the item
     */
    public synchronized PreparedConfig prepareConfig(WatchpostConfig.Alerts next) {
        return new PreparedConfig(next, routing.get(), load(next));
    }

    /**
     * Applies prepared channels and rules (digests are rules), swapped in at once. The API's own
     * channels and rules stay; alerts already written keep their course (a removed channel's pending
     * alerts are dropped by the rounds, as when the API removes one). Should the API have changed a
     * channel or rule since it was prepared, it is read again.
     *
     * @throws dev.watchpost.config.ConfigException naming the item; nothing was applied
     */
    public synchronized ConfigChanges applyConfig(PreparedConfig prepared) {
        PreparedConfig p = prepared.base == routing.get() ? prepared : prepareConfig(prepared.config);
        config = p.config;
        routing.set(p.routing);
        p.changes.changed().stream().filter(k -> k.startsWith("channel:")).forEach(k -> rounds.channelSaved(k.substring(8)));
        return p.changes;
    }

    private static ConfigChanges diff(Routing before, Routing after) {
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        Map<String, Object> was = new java.util.TreeMap<>();
        Map<String, Object> is = new java.util.TreeMap<>();
        before.channels().values().stream().filter(c -> before.managedByConfig().contains(c.id()))
                .forEach(c -> was.put("channel:" + c.id(), c.spec()));
        after.channels().values().stream().filter(c -> after.managedByConfig().contains(c.id()))
                .forEach(c -> is.put("channel:" + c.id(), c.spec()));
        before.rules().values().stream().filter(r -> before.managedByConfig().contains("rule:" + r.id()))
                .forEach(r -> was.put("rule:" + r.id(), r.spec()));
        after.rules().values().stream().filter(r -> after.managedByConfig().contains("rule:" + r.id()))
                .forEach(r -> is.put("rule:" + r.id(), r.spec()));
        is.forEach((k, v) -> {
            if (!was.containsKey(k)) {
                added.add(k);
            } else if (!was.get(k).equals(v)) {
                changed.add(k);
            }
        });
        was.keySet().stream().filter(k -> !is.containsKey(k)).forEach(removed::add);
        return new ConfigChanges(added, changed, removed);
    }

    /**
     * Cluster mode: this node claims the alerts it sends as {@code nodeId}; each round it resumes
     * what nodes no longer among {@code liveNodes} left half-sent. Call before {@link #start()}.
     */
    public void clusterAs(String nodeId, java.util.function.Supplier<java.util.Set<String>> liveNodes) {
        rounds.clusterAs(nodeId, liveNodes);
    }

    /**
     * Counts every channel's deliveries and failed deliveries in {@code meters}
     * ({@code watchpost_alert_deliveries_total{channel,kind,result}}). Call before {@link #start()}.
     */
    public void countDeliveriesIn(io.micrometer.core.instrument.MeterRegistry meters) {
        rounds.countWith(DeliveryMeter.of(meters));
    }

    /** Resumes deliveries cut off by a stop and starts the rounds. Call once the live state is started. */
    public void start() {
        rounds.start();
    }

    /**
     * More alerts about Watchpost itself, asked for at a moment: remote locations lost (made after
     * the engine). Asked every round too, so whatever they track moves on without a digest due.
     */
    public void systemAlertsFrom(Function<Instant, List<String>> source) {
        rounds.systemAlertsFrom(source);
    }

    /**
     * Where the remote locations come from: a lost one alerts the channels of the rules that take
     * {@code on: down} over a target checked from it, and its return ends that (see {@link LocationAlerts}).
     */
    public void locationsFrom(LocationSource source) {
        rounds.locationsFrom(source);
    }

    /** Alerts about Watchpost itself, for batched e-mails: channels failing, alerts held back by rate limits, locations lost. */
    List<String> systemAlerts() {
        return rounds.systemAlerts();
    }

    // ---------------------------------------------------------------- API (any thread)

    Routing routing() {
        return routing.get();
    }

    /** Whether the API may change {@code id} (a channel, or a rule as "rule:" + id). */
    boolean managedByConfig(String key) {
        return routing.get().managedByConfig().contains(key);
    }

    /**
     * An ntfy channel made before a server had to be named published to https://ntfy.sh; it keeps
     * doing so (dropping it would lose its alerts), and the log says so once per start.
     */
    private static JsonNode publicNtfyIfNone(JsonNode spec) {
        JsonNode ntfy = spec.path("ntfy");
        if (!ntfy.isObject() || ntfy.has("url")) {
            return spec;
        }
        com.fasterxml.jackson.databind.node.ObjectNode copy = spec.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy.get("ntfy")).put("url", "https://ntfy.sh");
        LOG.warn("event=alert.ntfy_public_server channel={} reason=\"made without a url; it publishes to https://ntfy.sh as it did: "
                + "name the server to keep alerts on your own\"", spec.path("id").asText());
        return copy;
    }

    synchronized Channel putChannel(JsonNode spec, boolean create) {
        Channel c = AlertSpecs.channel(spec, "body", "api");
        Routing r = routing.get();
        if (r.managedByConfig().contains(c.id())) {
            throw new Conflict("channel '" + c.id() + "' is declared in the configuration; change it there");
        }
        if (create && r.channels().containsKey(c.id())) {
            throw new Conflict("channel '" + c.id() + "' already exists");
        }
        specs.save(CHANNELS, c.id(), c.spec(), clock.instant());
        routing.set(r.withChannel(c));
        rounds.channelSaved(c.id());
        changes.changed(dev.watchpost.store.ChangeFeed.Kind.ALERTS, "channel:" + c.id());
        LOG.info("event=alert.channel_saved id={} kind={}", c.id(), c.kind());
        return c;
    }

    synchronized boolean removeChannel(String id) {
        Routing r = routing.get();
        if (r.managedByConfig().contains(id)) {
            throw new Conflict("channel '" + id + "' is declared in the configuration; change it there");
        }
        if (!r.channels().containsKey(id)) {
            return false;
        }
        List<String> users = r.rulesUsing(id);
        if (!users.isEmpty()) {
            throw new Conflict("channel '" + id + "' is used by rule" + (users.size() == 1 ? " " : "s ")
                    + String.join(", ", users) + "; change or remove them first");
        }
        specs.delete(CHANNELS, id);
        routing.set(r.withoutChannel(id));
        changes.changed(dev.watchpost.store.ChangeFeed.Kind.ALERTS, "channel:" + id);
        int abandoned = outbox.abandonChannel(id, clock.instant());
        LOG.info("event=alert.channel_removed id={} abandoned={}", id, abandoned);
        return true;
    }

    synchronized Rule putRule(JsonNode spec, boolean create) {
        Rule rule = AlertSpecs.rule(spec, "body", "api", null);
        Routing r = routing.get();
        if (r.managedByConfig().contains("rule:" + rule.id())) {
            throw new Conflict("rule '" + rule.id() + "' is declared in the configuration; change it there");
        }
        if (create && r.rules().containsKey(rule.id())) {
            throw new Conflict("rule '" + rule.id() + "' already exists");
        }
        Routing next = r.withRule(rule).validate();
        specs.save(RULES, rule.id(), rule.spec(), clock.instant());
        routing.set(next);
        changes.changed(dev.watchpost.store.ChangeFeed.Kind.ALERTS, "rule:" + rule.id());
        LOG.info("event=alert.rule_saved id={}", rule.id());
        return rule;
    }

    synchronized boolean removeRule(String id) {
        Routing r = routing.get();
        if (r.managedByConfig().contains("rule:" + id)) {
            throw new Conflict("rule '" + id + "' is declared in the configuration; change it there");
        }
        if (!r.rules().containsKey(id)) {
            return false;
        }
        specs.delete(RULES, id);
        routing.set(r.withoutRule(id));
        changes.changed(dev.watchpost.store.ChangeFeed.Kind.ALERTS, "rule:" + id);
        outbox.closeRule(id);
        LOG.info("event=alert.rule_removed id={}", id);
        return true;
    }

    /** Sends a test message to a channel now; nothing is recorded (see {@link DeliveryRounds#test}). */
    Alert.Attempt test(String channelId) throws InterruptedException {
        return rounds.test(channelId);
    }

    List<Alert> history(Outbox.Filter f, int limit) {
        return outbox.recent(f, limit);
    }

    // ---------------------------------------------------------------- for the dashboard

    /** A channel as the dashboard lists it. {@code failing}: why its deliveries fail, when they do. */
    public record ChannelInfo(String id, String kind, boolean managedByConfig, Optional<String> failing) {
    }

    /** One alert of the delivery history, as the dashboard lists it. */
    public record Delivery(long id, String channelId, Optional<String> targetId, String event, String status,
                           int attempts, Instant createdAt, Optional<String> lastResult) {
    }

    /** The answer to a test message: delivered, or what the receiver or the network said. */
    public record TestResult(boolean delivered, String result) {
    }

    public List<ChannelInfo> channels() {
        return routing.get().channels().values().stream()
                .map(c -> new ChannelInfo(c.id(), c.kind(), managedByConfig(c.id()), failure(c.id())))
                .toList();
    }

    /** The newest alerts, newest first, with their last attempt's result. */
    public List<Delivery> deliveries(int limit) {
        return deliveries(Optional.empty(), limit);
    }

    /** The newest alerts about one target, newest first (its page on the dashboard). */
    public List<Delivery> deliveries(String targetId, int limit) {
        return deliveries(Optional.of(targetId), limit);
    }

    private List<Delivery> deliveries(Optional<String> targetId, int limit) {
        return history(new Outbox.Filter(targetId, Optional.empty(), Optional.empty()), limit).stream()
                .map(a -> new Delivery(a.id(), a.channelId(), a.targetId(), a.event().name().toLowerCase(java.util.Locale.ROOT),
                        a.status(), a.attempts(), a.createdAt(), a.log().isEmpty() ? Optional.empty()
                        : Optional.of(describe(a.log().get(a.log().size() - 1)))))
                .toList();
    }

    /** Sends a test message to the channel now (see {@link #test}); empty when there is no such channel. */
    public Optional<TestResult> sendTest(String channelId) throws InterruptedException {
        if (routing.get().channel(channelId).isEmpty()) {
            return Optional.empty();
        }
        Alert.Attempt a = test(channelId);
        return Optional.of(new TestResult(a.delivered(), describe(a)));
    }

    private static String describe(Alert.Attempt a) {
        String status = a.statusCode().map(c -> "status " + c).orElse("");
        if (a.delivered()) {
            return status.isEmpty() ? "delivered" : "delivered (" + status + ")";
        }
        return (status.isEmpty() ? "" : status + ": ") + a.error().orElse("failed");
    }

    /** Channel id → why its deliveries fail (and since when); absent when its last delivery worked. */
    Optional<String> failure(String channelId) {
        return rounds.failure(channelId);
    }

    Instant graceEnd() {
        return graceEnd;
    }

    // ---------------------------------------------------------------- plumbing

    /** Runs a round now and waits for it (tests; deliveries it starts go on by themselves). */
    void roundNow() {
        rounds.roundNow();
    }

    /** Whether a delivery is under way (tests). */
    boolean busy() {
        return rounds.busy();
    }

    /** Stops the rounds and deliveries in flight (what they claimed resumes after a restart). */
    @Override
    public void close() {
        rounds.close();
    }
}
