package dev.watchpost.alert;

import dev.watchpost.live.LiveState;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;
import dev.watchpost.store.Backoff;
import dev.watchpost.store.StoreException;
import dev.watchpost.web.Times;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The delivery of alerts: a round every {@link AlertEngine#ROUND}, on its own thread, writes
 * reminders and digests that are due and starts deliveries: per channel, in id order, one request at
 * a time on a virtual thread, so a slow or failing receiver holds up only its own channel; probes,
 * ingest and other channels never wait for it. A failed request is retried with {@link Backoff} (its
 * channel's later alerts wait, keeping the order) until it is delivered.
 *
 * <p>Each alert is claimed ({@code sending}) before its request and marked delivered after it, in
 * the database: a restart resumes everything pending, and re-sends only what a crash cut off
 * between request and mark, with the same {@code X-Watchpost-Delivery} key, so receivers can tell.
 *
 * <p>Nothing is due before the start-up grace ends, so a restart sends no storm: problems that
 * recover within it are cancelled, the rest go out together once it ends.
 *
 * <p>Group alerts: the rounds write what depends on time rather than on one transition (a
 * follow-up when a notified group outage has grown materially; "never reported" for shards still
 * silent a lease after their group was declared or the server started), and a group alert is
 * composed from its group's members when it is first sent, so its count is current.
 *
 * <p>A channel with a batch window (chat channels by default) sends the alerts that come due
 * within the window of the first as one message, the summary rate limits use.
 *
 * <p>It reads channels and rules, never changes them: they are the {@link AlertEngine}'s.
 */
final class DeliveryRounds implements AutoCloseable {

    /** The engine's logger: to whoever reads or filters the log, deliveries are the alert engine's. */
    private static final Logger LOG = LoggerFactory.getLogger(AlertEngine.class);

    /** Finished alerts are kept this long for the history. */
    static final Duration RETENTION = Duration.ofDays(30);
    static final int DUE_LIMIT = 5_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One request's worth of alerts for a channel (several: one summary message). */
    record Group(String key, List<Alert> alerts, boolean summary) {
    }

    private final LiveState live;
    private final Clock clock;
    private final Outbox outbox;
    private final Supplier<Routing> routing;
    /** The engine's current source of targets' tags (it is set after the engine is made). */
    private final Supplier<Function<String, Set<String>>> tagSource;
    private final Groups groups;
    private final Optional<URI> publicUrl;
    private final Times times;
    private final Instant graceEnd;
    private final Duration round;
    private final Backoff backoff;
    private final Duration timeout;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("watchpost-alerts").daemon(true).factory());
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    /** Built on first send: building one loads the TLS trust store, which a server without channels never needs. */
    private HttpClient http; // guarded by httpLock
    private final Object httpLock = new Object();

    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** Why a channel's deliveries fail, since when. */
    private record Failure(Instant since, String error) {
    }

    /** Channel id → its failure; cleared by a success. */
    private final Map<String, Failure> failing = new ConcurrentHashMap<>();
    /** System alerts from elsewhere (remote locations lost), at a moment; see {@link AlertEngine#systemAlertsFrom}. */
    private volatile Function<Instant, List<String>> moreSystemAlerts = now -> List.of();
    /** Channel id → alerts held back by its rate limit (0 when none). */
    private final Map<String, Integer> held = new ConcurrentHashMap<>();
    // engine thread only
    private final Map<String, RateLimit.Bucket> buckets = new LinkedHashMap<>();
    private final Map<String, Instant> nextBatch = new LinkedHashMap<>();
    private final Map<String, Instant> nextDigest = new LinkedHashMap<>();
    /** Sharded group id → when this run first saw it, and its unknown shards when last looked at. */
    private final Map<String, Silence> silences = new LinkedHashMap<>();
    private Instant nextPrune = Instant.MIN;
    private volatile Supplier<Set<String>> liveNodes;
    private volatile DeliveryMeter meter = DeliveryMeter.NONE;
    private final LocationAlerts locations;

    DeliveryRounds(LiveState live, Clock clock, Outbox outbox, Supplier<Routing> routing,
                   Supplier<Function<String, Set<String>>> tagSource, Groups groups, Optional<URI> publicUrl, Times times,
                   Instant graceEnd, Duration round, Backoff backoff, Duration timeout) {
        this.live = live;
        this.clock = clock;
        this.outbox = outbox;
        this.routing = routing;
        this.tagSource = tagSource;
        this.groups = groups;
        this.publicUrl = publicUrl;
        this.times = times;
        this.graceEnd = graceEnd;
        this.round = round;
        this.backoff = backoff;
        this.timeout = timeout;
        this.locations = new LocationAlerts(outbox, routing, tagSource, graceEnd);
    }

    private HttpClient http() {
        synchronized (httpLock) {
            if (http == null) {
                http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(timeout)
                        .executor(requests)
                        .build();
            }
            return http;
        }
    }

    /**
     * Cluster mode: this node claims the alerts it sends as {@code nodeId}; each round it resumes
     * what nodes no longer among {@code liveNodes} left half-sent. Call before {@link #start()}.
     */
    void clusterAs(String nodeId, Supplier<Set<String>> liveNodes) {
        outbox.claimAs(nodeId);
        this.liveNodes = liveNodes;
    }

    /** Counts deliveries from now on with {@code meter}. */
    void countWith(DeliveryMeter meter) {
        this.meter = meter;
    }

    /** Resumes deliveries cut off by a stop and starts the rounds. Call once the live state is started. */
    void start() {
        try {
            int resumed = outbox.resumeSending(clock.instant());
            if (resumed > 0) {
                LOG.warn("event=alert.resumed_in_flight count={} hint=\"re-sent with their X-Watchpost-Delivery keys\"", resumed);
            }
        } catch (StoreException e) {
            LOG.error("event=alert.resume_failed error=\"{}\"", e.getMessage());
        }
        thread.scheduleWithFixedDelay(() -> guard(this::round), round.toMillis(), round.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- the round (engine thread)

    private void round() {
        Instant now = clock.instant();
        moreSystemAlerts.apply(now); // steps their watches, so a loss is logged within a round, not at the next digest
        Supplier<Set<String>> nodes = liveNodes;
        if (nodes != null) {
            int resumed = outbox.resumeOrphaned(now, nodes.get());
            if (resumed > 0) {
                LOG.warn("event=alert.resumed_orphaned count={} hint=\"their sender left the cluster; re-sent with the "
                        + "same X-Watchpost-Delivery keys\"", resumed);
            }
        }
        reminders(now);
        worse(now);
        neverReported(now);
        locations.round(now);
        digests(now);
        dispatch(now);
        if (!now.isBefore(nextPrune)) {
            nextPrune = now.plus(Duration.ofHours(1));
            int pruned = outbox.prune(now.minus(RETENTION));
            if (pruned > 0) {
                LOG.info("event=alert.pruned count={}", pruned);
            }
        }
    }

    private void reminders(Instant now) {
        Routing r = routing.get();
        for (Alert p : outbox.dueReminders(now, 1_000)) {
            Optional<Duration> every = r.rule(p.ruleId()).flatMap(Rule::remindEvery);
            if (p.group()) {
                remindGroup(p, r, every, now);
                continue;
            }
            Optional<TargetView> view = p.targetId().flatMap(live::target);
            Policy.Reminder step = Policy.remind(p.remindAt().orElse(now), every, now, view.map(TargetView::state));
            Optional<Alert.New> reminder = Optional.empty();
            if (step.send() && r.channels().containsKey(p.channelId())) {
                TargetView v = view.get();
                reminder = Optional.of(new Alert.New(p.channelId(), p.ruleId(), p.targetId().orElse(null), Event.REMINDER,
                        p.from().orElse(null), v.state(), p.at(), v.message() == null ? p.reason() : v.message(), null,
                        Policy.dueAt(now, Duration.ZERO, graceEnd), false, null, "r:" + p.id() + ":" + (p.reminders() + 1)));
            }
            outbox.remind(p.id(), reminder, step.next(), now);
        }
    }

    /** A group problem's reminder: while enough members still have it ("still 45 of 48 shards down"), composed when sent. */
    private void remindGroup(Alert p, Routing r, Optional<Duration> every, Instant now) {
        // a rule changed to per: target speaks of its targets alone from now on
        Optional<Rule> rule = r.rule(p.ruleId()).filter(rl -> rl.per() != Rule.Per.TARGET);
        Optional<State> state = rule.flatMap(rl -> groups.tally(rl, p.targetId().orElseThrow())
                .map(t -> Policy.groupState(t, p.event(), rl.minDown())));
        Policy.Reminder step = Policy.remind(p.remindAt().orElse(now), every, now, state);
        Optional<Alert.New> reminder = Optional.empty();
        if (step.send() && r.channels().containsKey(p.channelId())) {
            reminder = Optional.of(new Alert.New(p.channelId(), p.ruleId(), p.targetId().orElseThrow(), Event.REMINDER, null,
                    Policy.stateOf(p.event()), p.at(), "", null, Policy.dueAt(now, Duration.ZERO, graceEnd), false, null,
                    "r:" + p.id() + ":" + (p.reminders() + 1), true));
        }
        outbox.remind(p.id(), reminder, step.next(), now);
    }

    /**
     * Group outages told that have grown materially since (their members with the problem doubled,
     * or now every member has it) are told again, once per step: a few follow-ups at most, never
     * one per member. Composed when sent, as the alert was.
     */
    private void worse(Instant now) {
        Routing r = routing.get();
        List<Alert> told = outbox.sentGroupProblems(1_000);
        if (told.isEmpty()) {
            return;
        }
        Map<String, Optional<Policy.Tally>> tallies = new java.util.HashMap<>();
        for (Alert p : told) {
            Optional<Rule> rule = r.rule(p.ruleId()).filter(rl -> rl.per() != Rule.Per.TARGET);
            if (rule.isEmpty() || !r.channels().containsKey(p.channelId()) || p.notified().isEmpty()) {
                continue;
            }
            String groupId = p.targetId().orElseThrow();
            Optional<Policy.Tally> tally = tallies.computeIfAbsent(rule.get().id() + "\n" + groupId,
                    k -> groups.tally(rule.get(), groupId));
            if (tally.isEmpty()) {
                continue;
            }
            int count = tally.get().count(p.event());
            if (!Policy.over(tally.get(), p.event(), rule.get().minDown())
                    || !Policy.worse(p.notified().get(), count, tally.get().total())) {
                continue;
            }
            outbox.worse(p.id(), new Alert.New(p.channelId(), p.ruleId(), groupId, Event.WORSE, null, Policy.stateOf(p.event()),
                    p.at(), "", null, Policy.dueAt(now, Duration.ZERO, graceEnd), false, null,
                    "w:" + p.id() + ":" + count, true), count, now);
            LOG.info("event=alert.group_worse rule={} group={} channel={} count={} was={}", p.ruleId(), groupId, p.channelId(),
                    count, p.notified().get());
        }
    }

    /** A sharded group as this run watches it for shards that never report. */
    private static final class Silence {
        final Instant firstSeen;
        int unknown = -1;

        Silence(Instant firstSeen) {
            this.firstSeen = firstSeen;
        }
    }

    /**
     * Shards of a sharded group that have not reported once, a lease after this run first saw the
     * group (declared, or the server started): one group alert ("Main bot: shards 3, 17 never
     * reported") per rule selecting them and channel (not PagerDuty: there would be nothing to
     * resolve its incident), open until they have all reported, then ended quietly. O(1) per group
     * and round; its shards are read only when its count of unknown shards changes.
     */
    private void neverReported(Instant now) {
        Routing r = routing.get();
        List<Rule> rules = r.alerting().stream().filter(rule -> rule.takes(Event.NEVER_REPORTED)).toList();
        Set<String> seen = new java.util.HashSet<>();
        for (dev.watchpost.live.GroupNode g : live.groups()) {
            if (!g.def().sharded() || g.def().lease().isEmpty()) {
                continue;
            }
            seen.add(g.id());
            Silence s = silences.computeIfAbsent(g.id(), k -> new Silence(now));
            if (!Policy.neverReportedDue(s.firstSeen, g.def().lease().get(), now)) {
                continue;
            }
            int unknown = g.memberCounts()[State.UNKNOWN.ordinal()];
            if (unknown == s.unknown) {
                continue;
            }
            s.unknown = unknown;
            List<TargetView> silent = new ArrayList<>();
            if (unknown > 0) {
                groups.forEachMember(g, v -> {
                    if (Groups.neverReported(v)) {
                        silent.add(v);
                    }
                });
            }
            if (silent.isEmpty()) {
                int ended = outbox.closeNeverReported(g.id(), now);
                if (ended > 0) {
                    LOG.info("event=alert.never_reported_ended group={} alerts={}", g.id(), ended);
                }
                continue;
            }
            Function<String, Set<String>> tags = tagSource.get();
            for (Rule rule : rules) {
                long selected = silent.stream().filter(v -> rule.matches(v.id(), v.groupId(), tags.apply(v.id()))).count();
                if (selected == 0) {
                    continue;
                }
                for (String channel : rule.notifies()) {
                    Optional<Channel> ch = r.channel(channel);
                    if (ch.isEmpty() || ch.get().settings() instanceof Channel.PagerDuty) {
                        continue;
                    }
                    // once per rule, group and channel while open, across restarts and nodes
                    long id = outbox.insert(new Alert.New(channel, rule.id(), g.id(), Event.NEVER_REPORTED, null, State.UNKNOWN,
                            s.firstSeen, "", null, Policy.dueAt(now, Duration.ZERO, graceEnd), true, null,
                            "n:" + rule.id() + ":" + g.id() + ":" + channel, true), now);
                    if (id >= 0) {
                        LOG.warn("event=alert.never_reported rule={} group={} channel={} shards={}", rule.id(), g.id(), channel,
                                selected);
                    }
                }
            }
        }
        silences.keySet().retainAll(seen);
    }

    private void digests(Instant now) {
        Routing r = routing.get();
        List<TargetView> all = null;
        for (Rule rule : r.rules().values()) {
            if (rule.digest().isEmpty()) {
                continue;
            }
            Schedule schedule = rule.digest().get().schedule();
            String key = rule.id() + "\n" + schedule.describe();
            Instant slot = nextDigest.computeIfAbsent(key, k -> schedule.next(now));
            if (now.isBefore(slot)) {
                continue;
            }
            nextDigest.put(key, schedule.next(now));
            if (all == null) {
                all = live.freshSnapshot().targets();
            }
            List<TargetView> down = Policy.down(rule, all, tagSource.get());
            if (down.isEmpty()) {
                continue; // nothing down: a digest says so by staying silent
            }
            String body = Texts.digestBody(down.stream().map(v -> new Texts.Down(v.id(), v.name(), v.state().id(),
                    Instant.ofEpochMilli(v.since()), v.message() == null ? "" : v.message())).toList());
            for (String channel : rule.digest().get().notifies()) {
                outbox.insert(new Alert.New(channel, rule.id(), null, Event.DIGEST, null, null, slot, "", body,
                        Policy.dueAt(now, Duration.ZERO, graceEnd), false, null,
                        "d:" + rule.id() + ":" + channel + ":" + slot.toEpochMilli()), now);
            }
            LOG.info("event=alert.digest rule={} down={} channels={}", rule.id(), down.size(), rule.digest().get().notifies().size());
        }
        nextDigest.keySet().removeIf(k -> !r.rules().containsKey(k.substring(0, k.indexOf('\n'))));
    }

    private void dispatch(Instant now) {
        Routing r = routing.get();
        Map<String, List<Alert>> byChannel = new LinkedHashMap<>();
        for (Alert a : outbox.due(now, DUE_LIMIT)) {
            byChannel.computeIfAbsent(a.channelId(), k -> new ArrayList<>()).add(a);
        }
        for (Map.Entry<String, List<Alert>> e : byChannel.entrySet()) {
            String id = e.getKey();
            if (inFlight.contains(id)) {
                continue;
            }
            Optional<Channel> channel = r.channel(id);
            if (channel.isEmpty()) {
                int n = outbox.abandonChannel(id, now);
                LOG.warn("event=alert.abandoned channel={} count={} reason=\"channel no longer exists\"", id, n);
                continue;
            }
            // a failed request waits for its retry, and every later alert of its channel with it
            if (e.getValue().stream().anyMatch(a -> a.attempts() > 0 && a.nextAt().map(now::isBefore).orElse(false))) {
                continue;
            }
            List<Group> plan = plan(channel.get(), e.getValue(), now);
            if (plan.isEmpty()) {
                continue;
            }
            inFlight.add(id);
            try {
                requests.execute(() -> deliver(channel.get(), plan));
            } catch (RejectedExecutionException closing) {
                inFlight.remove(id);
                return;
            }
        }
    }

    /** What to send to a channel now, in order; empty when it must wait (batch round, rate limit). */
    List<Group> plan(Channel c, List<Alert> ready, Instant now) {
        Optional<String> retry = ready.stream().map(Alert::delivery).flatMap(Optional::stream).findFirst();
        if (retry.isPresent()) {
            // a retry goes first, as the same request again: same alerts, same key
            String key = retry.get();
            List<Alert> same = ready.stream().filter(a -> a.delivery().equals(retry)).toList();
            return List.of(new Group(key, same, key.contains("-")));
        }
        List<Alert> fresh = ready.stream().filter(a -> a.delivery().isEmpty()).toList();
        if (c.batch().isPresent()) {
            // alerts due within the window of the first are one message (the rate limit's summary)
            if (now.isBefore(Policy.batchUntil(fresh, c.batch().get(), this::settled))) {
                return List.of();
            }
            if (!take(c, now, 1)) {
                if (held.put(c.id(), fresh.size()) == null) {
                    LOG.warn("event=alert.rate_limited channel={} held={} limit={}", c.id(), fresh.size(),
                            c.rateLimit().get().describe());
                }
                return List.of();
            }
            held.remove(c.id());
            return List.of(fresh.size() == 1 ? new Group(Long.toString(fresh.get(0).id()), fresh, false) : summary(fresh));
        }
        Optional<Duration> batch = c.batchEvery();
        if (batch.isPresent()) {
            Instant next = nextBatch.getOrDefault(c.id(), Instant.EPOCH);
            if (now.isBefore(next)) {
                return List.of();
            }
            nextBatch.put(c.id(), now.plus(batch.get()));
            if (!take(c, now, 1)) {
                return List.of();
            }
            return List.of(summary(fresh));
        }
        int room = c.rateLimit().isEmpty() ? fresh.size() : tokens(c, now);
        if (room >= fresh.size()) {
            take(c, now, fresh.size());
            held.remove(c.id());
            return fresh.stream().map(a -> new Group(Long.toString(a.id()), List.of(a), false)).toList();
        }
        if (room == 0) {
            if (held.put(c.id(), fresh.size()) == null) {
                LOG.warn("event=alert.rate_limited channel={} held={} limit={}", c.id(), fresh.size(),
                        c.rateLimit().get().describe());
            }
            return List.of();
        }
        // over the limit: what fits one by one, the rest together in the last request
        take(c, now, room);
        held.remove(c.id());
        List<Group> out = new ArrayList<>();
        for (int i = 0; i < room - 1; i++) {
            out.add(new Group(Long.toString(fresh.get(i).id()), List.of(fresh.get(i)), false));
        }
        out.add(summary(fresh.subList(room - 1, fresh.size())));
        LOG.info("event=alert.summarised channel={} alerts={} limit={}", c.id(), fresh.size() - room + 1,
                c.rateLimit().get().describe());
        return out;
    }

    /** How long an alert already waited to gather a burst: a group problem its rule's settle window. */
    private Duration settled(Alert a) {
        if (!a.group() || (a.event() != Event.DOWN && a.event() != Event.DEGRADED)) {
            return Duration.ZERO;
        }
        return routing.get().rule(a.ruleId()).map(Rule::settle).orElse(Duration.ZERO);
    }

    /** Several alerts in one request; the key names the first and last ("12-40"), so it says "summary". */
    private static Group summary(List<Alert> alerts) {
        return new Group(alerts.get(0).id() + "-" + alerts.get(alerts.size() - 1).id(), alerts, true);
    }

    private int tokens(Channel c, Instant now) {
        RateLimit limit = c.rateLimit().get();
        return buckets.computeIfAbsent(c.id(), k -> limit.full(now)).available(limit, now);
    }

    private boolean take(Channel c, Instant now, int n) {
        if (c.rateLimit().isEmpty()) {
            return true;
        }
        if (tokens(c, now) < n) {
            return false;
        }
        RateLimit limit = c.rateLimit().get();
        buckets.put(c.id(), buckets.get(c.id()).take(limit, now, n));
        return true;
    }

    // ---------------------------------------------------------------- delivery (virtual threads)

    private void deliver(Channel c, List<Group> plan) {
        try {
            Sender sender = Sender.of(c, http(), timeout);
            for (Group g : plan) {
                Routing r = routing.get();
                // a group alert says what its members are now, as it is first sent
                List<Alert> claimed = outbox.claim(g.alerts(), g.key(),
                        a -> groups.compose(r.rule(a.ruleId()).orElse(null), a).orElse(null), clock.instant());
                if (claimed.isEmpty()) {
                    continue; // cancelled or abandoned meanwhile
                }
                Instant at = clock.instant();
                Alert.Attempt attempt;
                try {
                    attempt = sender.send(new Sender.Delivery(g.key(), claimed, g.summary(), context(at, c.id())), at);
                } catch (RuntimeException e) {
                    LOG.error("event=alert.send_failed channel={} delivery={} error=\"{}\"", c.id(), g.key(), e.getMessage(), e);
                    attempt = new Alert.Attempt(at, g.key(), Optional.empty(), Optional.of("internal error: "
                            + e.getClass().getSimpleName()));
                }
                int failures = claimed.stream().mapToInt(Alert::attempts).max().orElse(0) + 1;
                Optional<Instant> retry = attempt.delivered() ? Optional.empty()
                        : Optional.of(attempt.at().plus(backoff.delay(failures)));
                outbox.attempted(claimed, g.key(), attempt, retry);
                if (attempt.delivered()) {
                    meter.delivered(c);
                    failing.remove(c.id());
                    LOG.info("event=alert.delivered channel={} kind={} delivery={} alerts={} event={}", c.id(), c.kind(), g.key(),
                            claimed.size(), g.summary() ? "summary" : claimed.get(0).event().id());
                } else {
                    String error = attempt.error().get();
                    meter.failed(c);
                    failing.compute(c.id(), (k, v) -> new Failure(v == null ? at : v.since(), error));
                    LOG.warn("event=alert.delivery_failed channel={} kind={} delivery={} attempt={} retry_at={} error=\"{}\"",
                            c.id(), c.kind(), g.key(), failures, retry.get(), attempt.error().get());
                    return; // the channel's later alerts wait for this one
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopping: claimed alerts resume after the restart
        } catch (StoreException e) {
            LOG.warn("event=alert.store_failed channel={} error=\"{}\"", c.id(), e.getMessage());
        } finally {
            inFlight.remove(c.id());
        }
    }

    /** What rendering for channel {@code channelId} needs; its current problems are those of its rules' targets. */
    private Texts.Context context(Instant now, String channelId) {
        Routing r = routing.get();
        List<Rule> rules = r.rules().values().stream().filter(rule -> rule.channels().contains(channelId)).toList();
        Function<String, Set<String>> tags = tagSource.get();
        return new Texts.Context(now, publicUrl, live::target, r.rules(),
                () -> Texts.problems(live.freshSnapshot().targets(), v -> rules.stream()
                        .anyMatch(rule -> rule.matches(v.id(), v.groupId(), tags.apply(v.id())))), this::systemAlerts,
                times);
    }

    /** Alerts about Watchpost itself, for batched e-mails: channels failing, alerts held back by rate limits. */
    List<String> systemAlerts() {
        List<String> out = new ArrayList<>(moreSystemAlerts.apply(clock.instant()));
        new java.util.TreeMap<>(failing).forEach((id, f) -> out.add("alerts to channel " + id + " are failing since "
                + times.text(f.since()) + ": " + f.error()));
        new java.util.TreeMap<>(held).forEach((id, n) -> out.add(Texts.count(n, "alert") + " to channel " + id
                + " held back by its rate limit"));
        return out;
    }

    /** Where the remote locations come from whose losses alert the channels (see {@link LocationAlerts}). */
    void locationsFrom(LocationSource source) {
        locations.from(source);
    }

    void systemAlertsFrom(Function<Instant, List<String>> source) {
        this.moreSystemAlerts = java.util.Objects.requireNonNull(source, "source");
    }

    /**
     * A channel was saved through the API: its rate limit starts again, full. Called on a request's
     * thread, so the bucket is dropped on the engine's thread, the only one that touches buckets.
     */
    void channelSaved(String channelId) {
        try {
            thread.execute(() -> buckets.remove(channelId));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping: no round will read the bucket again
        }
    }

    /**
     * Sends a test message to a channel now, past the outbox, rate limit and start-up grace (an
     * operator is waiting for the answer); nothing is recorded.
     */
    Alert.Attempt test(String channelId) throws InterruptedException {
        Channel c = routing.get().channel(channelId).orElseThrow();
        Instant now = clock.instant();
        String key = "test-" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
        Alert alert = new Alert(0, c.id(), "test", Optional.empty(), Event.TEST, Optional.empty(), Optional.of(State.ONLINE), now,
                "a test from the API", Optional.empty(), now, Alert.SENDING, Optional.empty(), 0, Optional.of(key), 0,
                Optional.empty(), Optional.empty(), List.of(), false, Optional.empty());
        Alert.Attempt a = Sender.of(c, http(), timeout).send(new Sender.Delivery(key, List.of(alert), false, context(now, c.id())), now);
        LOG.info("event=alert.test channel={} kind={} delivered={} error=\"{}\"", c.id(), c.kind(), a.delivered(),
                a.error().orElse(""));
        return a;
    }

    /** Channel id → why its deliveries fail (and since when); absent when its last delivery worked. */
    Optional<String> failure(String channelId) {
        return Optional.ofNullable(failing.get(channelId)).map(f -> "since " + times.text(f.since()) + ": " + f.error());
    }

    // ---------------------------------------------------------------- plumbing

    private static void guard(Runnable work) {
        try {
            work.run();
        } catch (StoreException e) {
            if (e.unavailable()) {
                // The outage is logged once by the store; a line every round would flood the log.
                LOG.debug("event=alert.round_skipped error=\"{}\"", e.getMessage());
            } else {
                LOG.warn("event=alert.round_failed error=\"{}\"", e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.error("event=alert.round_failed error=\"{}\"", e.getMessage(), e);
        }
    }

    /** Runs a round now and waits for it (tests; deliveries it starts go on by themselves). */
    void roundNow() {
        try {
            thread.submit(() -> guard(this::round)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("alert engine did not answer", e);
        }
    }

    /** Whether a delivery is under way (tests). */
    boolean busy() {
        return !inFlight.isEmpty();
    }

    /** Stops the rounds and deliveries in flight (what they claimed resumes after a restart). */
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
        requests.shutdownNow();
        try {
            requests.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (httpLock) {
            if (http != null) {
                http.shutdownNow();
            }
        }
    }
}
