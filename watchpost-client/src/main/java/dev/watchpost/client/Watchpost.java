package dev.watchpost.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A client of one Watchpost server. Thread-safe; make one per process and {@link #close()} it on
 * shutdown (it sends what is queued, for up to the close timeout).
 *
 * <p>{@code heartbeat} calls never wait for the network: they are queued and sent in batches by a
 * background thread (see {@link #dropped()}). Every other call is synchronous and throws a
 * {@link WatchpostException} carrying the server's error.
 *
 * <pre>{@code
 * try (Watchpost watchpost = Watchpost.builder().url("http://127.0.0.1:8080").token(System.getenv("WATCHPOST_TOKEN")).build()) {
 *     watchpost.heartbeat("bots/main/0", State.ONLINE, Duration.ofMillis(42), Map.of("guilds", 1200));
 * }
 * }</pre>
 */
public final class Watchpost implements AutoCloseable {

    private final Api api;
    private final String token;
    private final String adminToken;
    private final Reporter reporter;
    private final Builder settings;
    private final ExecutorService executor;

    private Watchpost(Builder b) {
        this.settings = b;
        this.token = b.token;
        this.adminToken = b.adminToken != null ? b.adminToken : b.token;
        // daemon threads, so a client left open never keeps the JVM alive; shut down on close
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "watchpost-http");
            t.setDaemon(true);
            return t;
        });
        HttpClient http = HttpClient.newBuilder().connectTimeout(b.timeout).executor(executor).build();
        this.api = new Api(http, b.url, b.timeout);
        this.reporter = new Reporter(api, token, b.queueCapacity, b.batchDelay, b.closeTimeout, backoff());
    }

    public static Builder builder() {
        return new Builder();
    }

    private Backoff backoff() {
        return new Backoff(settings.firstRetry, settings.maxRetry);
    }

    // --- reporting (asynchronous) ---

    /** Says the target is alive, keeping its reported state. Never blocks; see {@link #dropped()}. */
    public boolean heartbeat(String target) {
        return heartbeat(target, null, null, null, null);
    }

    /** Reports a state. Never blocks; see {@link #dropped()}. */
    public boolean heartbeat(String target, State state) {
        return heartbeat(target, state, null, null, null);
    }

    /** Reports a state, a latency and numbers (each may be null). Never blocks; see {@link #dropped()}. */
    public boolean heartbeat(String target, State state, Duration latency, Map<String, ? extends Number> metrics) {
        return heartbeat(target, state, latency, metrics, null);
    }

    /**
     * Queues a heartbeat for {@code target}: its {@code state} (null keeps the reported one), a
     * {@code latency}, {@code metrics} (at most 64) and a {@code message} (at most 500 characters),
     * each optional. Answers at once: true when queued, false when dropped because the queue is
     * full (counted in {@link #dropped()}, logged once).
     *
     * @throws IllegalArgumentException for a missing target or the state {@link State#UNHEALTHY},
     *                                  which only Watchpost sets
     */
    public boolean heartbeat(String target, State state, Duration latency, Map<String, ? extends Number> metrics, String message) {
        if (target == null || target.isEmpty()) {
            throw new IllegalArgumentException("a heartbeat needs a target id");
        }
        if (state == State.UNHEALTHY || state == State.UNKNOWN) {
            throw new IllegalArgumentException("'" + state + "' is set by Watchpost; report offline or down instead");
        }
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("target", target);
        if (state != null) {
            h.put("state", state.id());
        }
        if (latency != null) {
            h.put("latency_ms", latency.toNanos() / 1e6);
        }
        if (metrics != null && !metrics.isEmpty()) {
            h.put("metrics", new LinkedHashMap<>(metrics));
        }
        if (message != null) {
            h.put("message", message);
        }
        return reporter.offer(h);
    }

    /** Heartbeats dropped so far because the queue was full (or the client closed before sending them). */
    public long dropped() {
        return reporter.dropped();
    }

    /** Heartbeats the server refused so far (an unknown target, a bad field, a token without the scope). */
    public long rejected() {
        return reporter.rejected();
    }

    /** Heartbeats the server accepted so far. */
    public long sent() {
        return reporter.sent();
    }

    /** Waits until every heartbeat queued so far is sent, rejected or dropped; false when {@code timeout} passed first. */
    public boolean flush(Duration timeout) {
        return reporter.flush(timeout);
    }

    // --- cron jobs (synchronous) ---

    /** A success ping: {@code POST /ping/{key}}. */
    public void ping(String key) {
        ping(key, null);
    }

    /** A success ping with a message (e.g. the job's output). */
    public void ping(String key, String message) {
        pingPath(key, null, message);
    }

    /** A failure ping with an exit code 1-255 (0 is a success) and a message (may be null). */
    public void exitCode(String key, int code, String message) {
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("an exit code is 0-255, not " + code);
        }
        pingPath(key, code == 0 ? null : Integer.toString(code), message);
    }

    /** A run's start: it must now end within the target's grace. */
    public void start(String key) {
        pingPath(key, "start", null);
    }

    /** The runs of the cron job whose push target has this ping key. */
    public Job job(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("a ping key is required");
        }
        return new Job(this, key);
    }

    void pingPath(String key, String suffix, String message) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("a ping key is required");
        }
        api.text("/ping/" + Api.segment(key) + (suffix == null ? "" : "/" + suffix), message);
    }

    // --- reading (synchronous) ---

    /** Every group and target at one moment. */
    public Snapshot snapshot() {
        return Snapshot.of(api.call("GET", "/api/v1/snapshot", null, adminToken));
    }

    /** One target, or empty when there is none with that id (or it is private and the token may not see it). */
    public Optional<Target> target(String id) {
        try {
            return Optional.of(Target.of(Json.object(api.call("GET", "/api/v1/targets/" + Api.id(id), null, adminToken).get("target"))));
        } catch (WatchpostException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Listens to the live stream until the answer is closed; reconnects by itself. */
    public LiveStream stream(StreamListener listener) {
        return new LiveStream(api, adminToken, Objects.requireNonNull(listener, "listener"), backoff(), settings.streamIdle);
    }

    // --- operators: manual statuses and notices (admin token) ---

    /** Sets a manual target's status ({@code up}, {@code down}, {@code warning} or one from the catalog); answers {@code {"event","target"}}. */
    public Map<String, Object> setStatus(String target, String status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (status != null) {
            body.put("status", status);
        }
        body.put("message", message);
        return api.call("POST", "/api/v1/targets/" + Api.id(target) + "/status", body, adminToken);
    }

    /** Opens an incident on these targets or groups (may be empty); answers the notice (its {@code id}). */
    public Map<String, Object> openIncident(String title, String message, List<String> targets) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", "incident");
        body.put("title", title);
        body.put("message", message);
        if (targets != null && !targets.isEmpty()) {
            body.put("targets", targets);
        }
        return api.call("POST", "/api/v1/notices", body, adminToken);
    }

    /** Posts any notice as {@code POST /api/v1/notices} takes it (an incident or a maintenance window). */
    public Map<String, Object> postNotice(Map<String, Object> notice) {
        return api.call("POST", "/api/v1/notices", notice, adminToken);
    }

    /** Adds an update to a notice; {@code status} (incidents only, may be null) e.g. {@code resolved}. */
    public Map<String, Object> updateNotice(long id, String message, String status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        if (status != null) {
            body.put("status", status);
        }
        return api.call("POST", "/api/v1/notices/" + id + "/updates", body, adminToken);
    }

    public void deleteNotice(long id) {
        api.call("DELETE", "/api/v1/notices/" + id, null, adminToken);
    }

    /** {@code {"generated_at","current","recent"}} as {@code GET /api/v1/notices} answers. */
    public Map<String, Object> notices() {
        return api.call("GET", "/api/v1/notices", null, adminToken);
    }

    // --- targets and groups (admin token) ---

    /** Declares a group as in the config file (creates it, or replaces it when it exists); answers the declaration. */
    public Map<String, Object> declareGroup(Map<String, Object> group) {
        return declare("groups", group);
    }

    /**
     * Declares a sharded group whose push targets are {@code id/0 .. id/(shards-1)}, e.g. a bot on
     * start: {@code declareShardedGroup("bots/main", "Main bot", shardCount, Duration.ofSeconds(30))}.
     */
    public Map<String, Object> declareShardedGroup(String id, String name, int shards, Duration lease) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("id", id);
        if (name != null) {
            g.put("name", name);
        }
        g.put("shards", shards);
        if (lease != null) {
            g.put("lease", Math.max(1, lease.toSeconds()) + "s");
        }
        return declareGroup(g);
    }

    /** Declares a target as in the config file (creates or replaces it); answers the declaration, with its {@code ping-key}. */
    public Map<String, Object> declareTarget(Map<String, Object> target) {
        return declare("targets", target);
    }

    public void deleteTarget(String id) {
        api.call("DELETE", "/api/v1/targets/" + Api.id(id), null, adminToken);
    }

    public void deleteGroup(String id) {
        api.call("DELETE", "/api/v1/groups/" + Api.id(id), null, adminToken);
    }

    private Map<String, Object> declare(String kind, Map<String, Object> declaration) {
        Object id = declaration.get("id");
        if (!(id instanceof String s) || s.isEmpty()) {
            throw new IllegalArgumentException("the declaration needs an \"id\"");
        }
        try {
            return api.call("POST", "/api/v1/" + kind, declaration, adminToken);
        } catch (WatchpostException e) {
            if (e.status() != 409) {
                throw e;
            }
            // it exists: replace it (a 409 again means it is declared in the server's config file)
            return api.call("PUT", "/api/v1/" + kind + "/" + Api.id(s), declaration, adminToken);
        }
    }

    /** Sends what is queued (for up to the close timeout, then counts the rest as dropped) and stops. */
    @Override
    public void close() {
        reporter.close();
        executor.shutdownNow();
    }

    /** How to reach the server and how the client behaves; {@link #url} is required. */
    public static final class Builder {
        private URI url;
        private String token;
        private String adminToken;
        private int queueCapacity = 10_000;
        private Duration batchDelay = Duration.ofMillis(50);
        private Duration timeout = Duration.ofSeconds(10);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private Duration firstRetry = Duration.ofMillis(250);
        private Duration maxRetry = Duration.ofSeconds(30);
        private Duration streamIdle = Duration.ofSeconds(45);

        private Builder() {
        }

        /** The server, e.g. {@code http://127.0.0.1:8080} or {@code https://status.example/} (a path prefix is kept). */
        public Builder url(String url) {
            return url(URI.create(url));
        }

        public Builder url(URI url) {
            String s = url.toString();
            if (!s.startsWith("http://") && !s.startsWith("https://")) {
                throw new IllegalArgumentException("url must start with http:// or https://");
            }
            this.url = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
            return this;
        }

        /** The API token for heartbeats and reads (scope {@code ingest}, {@code read} or {@code admin}); may be null where reads are open. */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        /** A token of scope {@code admin} for targets, groups, statuses and notices (used for reads too when given). */
        public Builder adminToken(String adminToken) {
            this.adminToken = adminToken;
            return this;
        }

        /** Heartbeats held while the server is slow or away (default 10,000); more are dropped and counted. */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1, not " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /** How long the first heartbeat of a batch waits for others to join it (default 50 ms; zero for none). */
        public Builder batchDelay(Duration delay) {
            this.batchDelay = requirePositiveOrZero("batchDelay", delay);
            return this;
        }

        /** Connect and answer timeout of each request (default 10 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = requirePositive("timeout", timeout);
            return this;
        }

        /** How long {@link Watchpost#close()} keeps sending what is queued (default 5 s). */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = requirePositiveOrZero("closeTimeout", timeout);
            return this;
        }

        /** The first and the longest wait between attempts (default 250 ms and 30 s; doubling, with jitter). */
        public Builder retry(Duration first, Duration max) {
            this.firstRetry = requirePositive("retry first", first);
            this.maxRetry = requirePositive("retry max", max);
            return this;
        }

        /**
         * How long the live stream may stay silent before it is taken for dead and reconnected
         * (default 45 s: three of the server's 15 s keep-alives; keep it above the server's
         * {@code server.stream-keepalive}).
         */
        public Builder streamIdleTimeout(Duration idle) {
            this.streamIdle = requirePositive("streamIdleTimeout", idle);
            return this;
        }

        public Watchpost build() {
            if (url == null) {
                throw new IllegalArgumentException("url is required, e.g. http://127.0.0.1:8080");
            }
            return new Watchpost(this);
        }

        private static Duration requirePositive(String name, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, not " + d);
            }
            return d;
        }

        private static Duration requirePositiveOrZero(String name, Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, not " + d);
            }
            return d;
        }
    }
}
