package dev.watchpost.location;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.probe.HttpClients;
import dev.watchpost.probe.ProbePlan;
import dev.watchpost.probe.ProbeResult;
import dev.watchpost.probe.ProbeScheduler;
import dev.watchpost.probe.RemoteProbes;
import dev.watchpost.targets.Specs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code watchpost prober}: a remote location. Outbound HTTP(S) only, so it works behind NAT:
 * <ul>
 *   <li>long-polls {@code GET /api/v1/prober/assignments} with its last ETag, reads each check with
 *       the server's own parser ({@link Specs#probePlan}) and runs them with the server's checkers,
 *       grid and limits ({@link RemoteProbes});</li>
 *   <li>sends results in batches of at most {@link ResultBatch#MAX_RESULTS}, four times a second, with
 *       {@code sent_at} so the server can correct its clock;</li>
 *   <li>while the server is unreachable, answers 5xx, or refuses the token, keeps checking and puts
 *       the results in its {@link ResultBuffer} on disk, then sends them oldest first, with their
 *       original times, once the server takes them (they land in history, not the current state).</li>
 * </ul>
 * The token is never logged, nor the checks' contents (they carry secrets); target ids are.
 */
public final class RemoteProber implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteProber.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The disk buffer's bound: about 400,000 results, hours of an outage for thousands of targets. */
    public static final long BUFFER_CAP = 64L * 1024 * 1024;
    /**
     * How often what was checked is sent: a result waits at most this long on the prober, which is
     * most of the time from the k-th location seeing a change to the server deciding it. A quarter
     * second keeps that well under a second at a few requests a second per prober.
     */
    static final Duration SEND_EVERY = Duration.ofMillis(250);
    /** How often the prober logs what it ran (checks, skipped slots, start drift). */
    static final Duration REPORT_EVERY = Duration.ofMinutes(1);
    /** Until the first assignments say the server's: the server's defaults. */
    static final ProbeScheduler.Settings DEFAULT_LIMITS = new ProbeScheduler.Settings(256, 16);
    static final Duration POLL_WAIT = Duration.ofSeconds(30);
    /**
     * After a 401 or 403, how long before asking again. Slow: the token will not mend itself often,
     * and a prober that stays up resumes by itself when it does (a token table restored, a proxy
     * fixed) without a supervisor restarting it in a loop that logs the refusal every few seconds.
     */
    static final Duration REFUSED_RETRY = Duration.ofSeconds(30);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /**
     * How to reach the server and which location to speak for.
     *
     * @param server   the server's base URL ({@code https://status.example.com})
     * @param token    a token of scope {@code prober}
     * @param location the location's name
     * @param buffer   the directory results wait in while the server is out of reach
     */
    public record Settings(URI server, String token, String location, Path buffer) {
        public Settings {
            String scheme = server.getScheme();
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || server.getHost() == null) {
                throw new IllegalArgumentException("--server: expected the server's URL, such as https://status.example.com "
                        + "(got '" + server + "')");
            }
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("--token: a token of scope prober is needed (watchpost token create "
                        + "--scope prober --location " + location + ")");
            }
            Probers.nameProblem(location).ifPresent(p -> {
                throw new IllegalArgumentException("--location: " + p);
            });
        }

        /** The server's address for the log: no credentials, should the URL carry any. */
        String shownServer() {
            return server.getScheme() + "://" + server.getHost() + (server.getPort() > 0 ? ":" + server.getPort() : "")
                    + Optional.ofNullable(server.getPath()).orElse("");
        }
    }

    private final Settings settings;
    private final Clock clock;
    private final HttpClient http;
    private final HttpClients clients;
    private final RemoteProbes probes;
    private final ResultBuffer buffer;
    private final String base;
    private final ConcurrentLinkedQueue<ObjectNode> fresh = new ConcurrentLinkedQueue<>();
    private final Map<String, ProbePlan> plans = new HashMap<>(); // the poller's only
    private final AtomicBoolean unreachable = new AtomicBoolean();
    private final AtomicBoolean refused = new AtomicBoolean();
    private final ScheduledExecutorService sender;
    private final Thread poller;
    private volatile boolean closed;
    // The sender's only:
    private long lastRefusedAttemptMs;
    private long dropped;
    private long backlogSent;
    private long backlogHistory;
    private long backlogCurrent;

    private RemoteProber(Settings settings, Clock clock) {
        this.settings = settings;
        this.clients = HttpClients.forLocation(settings.location());
        this.clock = clock;
        String s = settings.server().toString();
        this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        this.buffer = new ResultBuffer(settings.buffer(), BUFFER_CAP);
        this.probes = new RemoteProbes(clock, DEFAULT_LIMITS, clients, this::checked);
        this.sender = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "prober-sender");
            t.setDaemon(true);
            return t;
        });
        // Not a daemon: the process lives as long as the prober polls (until a signal closes it).
        this.poller = Thread.ofPlatform().daemon(false).name("prober-assignments").unstarted(this::pollLoop);
    }

    /** Starts polling, checking and sending; runs until {@link #close}. */
    public static RemoteProber start(Settings settings, Clock clock) {
        RemoteProber p = new RemoteProber(settings, clock);
        if (!p.buffer.isEmpty()) {
            LOG.info("event=prober.buffer_found dir={} files={} hint=\"results kept from an earlier run; sent once the "
                    + "server takes them\"", p.buffer.dir(), p.buffer.files().size());
        }
        p.probes.start();
        p.poller.start();
        long every = SEND_EVERY.toMillis();
        p.sender.scheduleWithFixedDelay(p::sendSafely, every, every, TimeUnit.MILLISECONDS);
        long report = REPORT_EVERY.toMillis();
        p.sender.scheduleAtFixedRate(p::report, report, report, TimeUnit.MILLISECONDS);
        return p;
    }

    private void checked(String target, ProbeResult r, Instant at) {
        fresh.add(ResultBatch.json(target, at, r));
    }

    // ------------------------------------------------------------------ assignments

    private void pollLoop() {
        String etag = null;
        boolean started = false;
        Duration backoff = Duration.ofSeconds(1);
        String url = base + "/api/v1/prober/assignments?location=" + URLEncoder.encode(settings.location(), StandardCharsets.UTF_8);
        while (!closed) {
            Duration pause = Duration.ZERO;
            try {
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(etag == null ? url : url + "&wait="
                        + POLL_WAIT.toSeconds() + "s"))
                        .timeout(POLL_WAIT.plusSeconds(15)).header("Authorization", "Bearer " + settings.token()).GET();
                if (etag != null) {
                    req.header("If-None-Match", etag);
                }
                HttpResponse<byte[]> res = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
                int status = res.statusCode();
                if (status == 200 || status == 304) {
                    reached();
                    accepted();
                    backoff = Duration.ofSeconds(1);
                    etag = res.headers().firstValue("ETag").orElse(null);
                    if (status == 200) {
                        apply(MAPPER.readTree(res.body()), !started);
                        started = true;
                    }
                } else if (status == 401 || status == 403) {
                    reached();
                    tokenRefused(status, res.body());
                    pause = REFUSED_RETRY;
                } else {
                    unreachable("assignments: status " + status);
                    pause = backoff;
                    backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
                }
            } catch (IOException e) {
                unreachable("assignments: " + describe(e));
                pause = backoff;
                backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("event=prober.assignments_failed error=\"{}\"", e.toString(), e);
                pause = MAX_BACKOFF;
            }
            if (!started && !pause.isZero()) {
                started = true; // the start line once, even while the server cannot be reached
                LOG.info("event=prober.started server={} location={} targets=0 buffer={} note=\"no assignments yet: "
                        + "the server did not answer them\"", settings.shownServer(), settings.location(), buffer.dir());
            }
            if (!pause.isZero()) {
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** The location's assignments: new targets start, changed ones take their new plan, removed ones stop. */
    private void apply(JsonNode body, boolean first) {
        Map<String, ProbePlan> next = new HashMap<>();
        JsonNode list = body.path("targets");
        for (int i = 0; i < list.size(); i++) {
            JsonNode t = list.get(i);
            String id = t.path("id").asText();
            String kind = t.path("kind").asText();
            try {
                next.put(id, Specs.probePlan(kind, t.get(kind), "targets[" + i + "]." + kind));
            } catch (IllegalArgumentException | NullPointerException e) {
                // A check this prober cannot read (a newer server's option): the others still run.
                LOG.warn("event=prober.assignment_unreadable target={} kind={} error=\"{}\"", id, kind, e.getMessage());
            }
        }
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (Map.Entry<String, ProbePlan> e : next.entrySet()) {
            ProbePlan old = plans.get(e.getKey());
            if (old == null) {
                added.add(e.getKey());
            } else if (!old.equals(e.getValue())) {
                changed.add(e.getKey());
            }
            probes.schedule(e.getKey(), e.getValue());
        }
        for (String id : plans.keySet()) {
            if (!next.containsKey(id)) {
                removed.add(id);
                probes.unschedule(id);
            }
        }
        plans.clear();
        plans.putAll(next);
        JsonNode limits = body.path("limits");
        if (limits.path("max_concurrent").canConvertToInt() && limits.path("max_per_host").canConvertToInt()) {
            try {
                probes.limits(new ProbeScheduler.Settings(limits.get("max_concurrent").asInt(), limits.get("max_per_host").asInt()));
            } catch (IllegalArgumentException e) {
                LOG.warn("event=prober.limits_unreadable error=\"{}\"", e.getMessage()); // keeps the ones it has
            }
        }
        if (first) {
            LOG.info("event=prober.started server={} location={} targets={} max_concurrent={} max_per_host={} buffer={}",
                    settings.shownServer(), settings.location(), next.size(), probes.limits().maxConcurrent(),
                    probes.limits().maxPerHost(), buffer.dir());
        } else if (!added.isEmpty() || !changed.isEmpty() || !removed.isEmpty()) {
            LOG.info("event=prober.assignments location={} targets={} added={} changed={} removed={}", settings.location(),
                    next.size(), names(added), names(changed), names(removed));
        }
    }

    private static String names(List<String> ids) {
        List<String> sorted = ids.stream().sorted().toList();
        return sorted.size() <= 10 ? "[" + String.join(",", sorted) + "]"
                : "[" + String.join(",", sorted.subList(0, 10)) + ",+" + (sorted.size() - 10) + " more]";
    }

    /**
     * Once a minute, what ran: a prober has no endpoint of its own (outbound only), so its health is
     * in its log. Drift is how late checks started after their slot (bucket upper bounds).
     */
    private void report() {
        RemoteProbes.Window w = probes.window();
        if (w.checks() == 0 && w.skipped() == 0) {
            return;
        }
        LOG.info("event=prober.checks location={} window_s={} checks={} skipped={} drift_p50_ms<={} drift_p99_ms<={} "
                + "drift_max_ms<={}", settings.location(), REPORT_EVERY.toSeconds(), w.checks(), w.skipped(),
                shown(w.driftP50Ms()), shown(w.driftP99Ms()), shown(w.driftMaxMs()));
    }

    private static String shown(long ms) {
        return ms == Long.MAX_VALUE ? "inf" : Long.toString(ms);
    }

    // ------------------------------------------------------------------ results

    private enum Sent { TAKEN, RETRY, DROPPED }

    /**
     * A batch as it goes out, its id made once: kept with it on disk until the server answers, so a
     * batch sent again after its answer was lost is known for the same (empty: an older prober's file).
     */
    private record Outgoing(Optional<String> id, List<ObjectNode> results) {
        static Outgoing of(List<ObjectNode> results) {
            return new Outgoing(Optional.of(java.util.UUID.randomUUID().toString().replace("-", "")), results);
        }
    }

    private void sendSafely() {
        try {
            send();
        } catch (RuntimeException e) {
            LOG.error("event=prober.send_failed error=\"{}\"", e.toString(), e);
        }
    }

    /**
     * Four times a second: what was checked since goes straight to the server when nothing waits before
     * it; otherwise (a backlog, or the server out of reach) onto the disk behind the backlog, which
     * then goes oldest first, so the server always gets a location's results in order.
     */
    private void send() {
        List<ObjectNode> now = new ArrayList<>();
        for (ObjectNode o; (o = fresh.poll()) != null; ) {
            now.add(o);
        }
        List<Outgoing> batches = chunks(now);
        int i = 0;
        if (buffer.isEmpty() && !refused.get()) {
            for (; i < batches.size(); i++) {
                Sent s = post(batches.get(i), false);
                if (s == Sent.RETRY) {
                    break;
                }
            }
        }
        for (; i < batches.size(); i++) {
            keep(batches.get(i));
        }
        deliverBacklog();
    }

    private void deliverBacklog() {
        if (buffer.isEmpty()) {
            return;
        }
        long nowMs = clock.millis();
        if (refused.get() && nowMs - lastRefusedAttemptMs < REFUSED_RETRY.toMillis()) {
            return;
        }
        lastRefusedAttemptMs = nowMs;
        for (Path file : buffer.files()) {
            if (closed) {
                return;
            }
            List<ObjectNode> results = buffer.read(file);
            Sent s = results.isEmpty() ? Sent.TAKEN : post(new Outgoing(ResultBuffer.batchId(file), results), true);
            if (s == Sent.RETRY) {
                return;
            }
            buffer.delete(file);
        }
        LOG.info("event=prober.backlog_delivered location={} results={} current={} history_only={} dropped_when_full={}",
                settings.location(), backlogSent, backlogCurrent, backlogHistory, dropped);
        backlogSent = 0;
        backlogCurrent = 0;
        backlogHistory = 0;
        dropped = 0;
    }

    private void keep(Outgoing batch) {
        try {
            long lost = buffer.append(batch.id().orElseThrow(), batch.results(), clock.millis());
            if (lost > 0) {
                if (dropped == 0) {
                    LOG.warn("event=prober.buffer_full dir={} cap_mb={} action=\"dropping the oldest results; the count "
                            + "is logged once they are delivered\"", buffer.dir(), BUFFER_CAP / (1024 * 1024));
                }
                dropped += lost;
            }
        } catch (IOException e) {
            LOG.error("event=prober.buffer_write_failed dir={} results_lost={} error=\"{}\"", buffer.dir(), batch.results().size(),
                    e.toString());
        }
    }

    /** Posts one batch; RETRY when it should be sent again later (unreachable, 5xx, token refused). */
    private Sent post(Outgoing batch, boolean backlog) {
        List<ObjectNode> results = batch.results();
        ObjectNode body = MAPPER.createObjectNode();
        body.put("location", settings.location());
        batch.id().ifPresent(id -> body.put("batch_id", id));
        body.put("sent_at", clock.instant().toString());
        ArrayNode list = body.putArray("results");
        results.forEach(list::add);
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/prober/results"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + settings.token())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body))).build();
            HttpResponse<byte[]> res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            int status = res.statusCode();
            if (status == 200) {
                reached();
                accepted();
                JsonNode answer = MAPPER.readTree(res.body());
                JsonNode refusedList = answer.path("refused");
                if (refusedList.size() > 0) {
                    // Sending them again cannot help: the server said why, once per batch in the log.
                    LOG.warn("event=prober.results_refused location={} refused={} first=\"{}\"", settings.location(),
                            refusedList.size(), refusedList.get(0).path("error").asText());
                }
                if (backlog) {
                    backlogSent += results.size();
                    backlogCurrent += answer.path("current").asLong();
                    backlogHistory += answer.path("history_only").asLong();
                }
                return Sent.TAKEN;
            }
            if (status == 401 || status == 403) {
                reached();
                tokenRefused(status, res.body());
                return Sent.RETRY;
            }
            if (status >= 500 || status == 429 || status == 408) {
                unreachable("results: status " + status);
                return Sent.RETRY;
            }
            // 400, 413: the batch itself is wrong, and would be again.
            reached();
            LOG.error("event=prober.batch_refused location={} status={} results={} error=\"{}\"", settings.location(), status,
                    results.size(), errorOf(res.body()));
            return Sent.DROPPED;
        } catch (IOException e) {
            unreachable("results: " + describe(e));
            return Sent.RETRY;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Sent.RETRY;
        }
    }

    private static List<Outgoing> chunks(List<ObjectNode> all) {
        List<Outgoing> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += ResultBatch.MAX_RESULTS) {
            out.add(Outgoing.of(all.subList(i, Math.min(all.size(), i + ResultBatch.MAX_RESULTS))));
        }
        return out;
    }

    // ------------------------------------------------------------------ what the log says

    private void unreachable(String why) {
        if (unreachable.compareAndSet(false, true)) {
            LOG.warn("event=prober.server_unreachable server={} reason=\"{}\" action=\"checking on; results wait in {}\"",
                    settings.shownServer(), why, buffer.dir());
        }
    }

    private void reached() {
        if (unreachable.compareAndSet(true, false)) {
            LOG.info("event=prober.server_back server={}", settings.shownServer());
        }
    }

    private void tokenRefused(int status, byte[] body) {
        if (refused.compareAndSet(false, true)) {
            String what = status == 401 ? "the server refused the prober's token (401): revoked or wrong"
                    : "the server refused the prober's token (403): not a prober token, or bound to another location";
            LOG.error("event=prober.token_refused server={} location={} status={} message=\"{}\" server_says=\"{}\" "
                    + "action=\"checking on, results kept in {}; asking again every {} s\"", settings.shownServer(),
                    settings.location(), status, what, errorOf(body), buffer.dir(), REFUSED_RETRY.toSeconds());
        }
    }

    private void accepted() {
        if (refused.compareAndSet(true, false)) {
            LOG.info("event=prober.token_accepted server={} location={}", settings.shownServer(), settings.location());
        }
    }

    private static String errorOf(byte[] body) {
        try {
            return MAPPER.readTree(body).path("error").asText("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Stops; results not sent yet go to the buffer, so the next start delivers them. */
    @Override
    public void close() {
        closed = true;
        poller.interrupt();
        probes.close();
        sender.shutdown();
        try {
            sender.awaitTermination(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<ObjectNode> left = new ArrayList<>();
        for (ObjectNode o; (o = fresh.poll()) != null; ) {
            left.add(o);
        }
        chunks(left).forEach(this::keep);
        clients.close();
    }
}
