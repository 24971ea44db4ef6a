package dev.watchpost.compat.argus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.web.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads the nine Argus metrics and the per-shard rows from Prometheus' HTTP API
 * ({@code GET <url>/api/v1/query}), grouped {@code by (fleet, cluster)}: the labels
 * {@code /api/fleet/targets} gives every scrape target, so {@code cluster} is the member's number.
 *
 * <p><b>At most one reading per interval.</b> The last reading, success or failure, is cached for
 * one Argus interval (by the injected clock). A read after that starts a new reading (its twelve
 * queries run at once) and waits for it at most {@code timeout}; the queries themselves time out
 * then too. A reading that fails or is late is a {@link PrometheusReading#failed failed} reading, so
 * the read routes show the pushed values and say why, and a Prometheus that is down costs the view
 * at most one timeout per interval.
 *
 * <p>Thread-safe: concurrent reads share the reading in flight.
 */
public final class PrometheusSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusSource.class);

    /** How long a view waits for Prometheus, and how long each query may take. */
    public static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** Longest error text shown in the view. */
    private static final int MAX_ERROR = 300;

    /**
     * The queries, {@code %1$s} standing for the namespace. Gauges are read as they are (summed or
     * maximised over instances of one cluster), counters with {@code rate(...[5m])}. Latency is the
     * mean over the shards that are up, as for pushes. {@code error_rate} is errors / commands,
     * computed here from the two rates rather than in PromQL so the roll-ups can recompute it from
     * the summed parts.
     */
    enum Query {
        LATENCY("avg by (fleet, cluster) (%1$s_shard_latency_seconds and on (fleet, cluster, shard) (%1$s_shard_up > 0))"),
        SHARDS_UP("sum by (fleet, cluster) (%1$s_shard_up > bool 0)"),
        GUILDS("sum by (fleet, cluster) (%1$s_guilds)"),
        CACHED_USERS("sum by (fleet, cluster) (%1$s_cached_users)"),
        UPTIME("max by (fleet, cluster) (%1$s_uptime_seconds)"),
        INTERACTIONS("sum by (fleet, cluster) (rate(%1$s_interactions_total[5m]))"),
        RATELIMITS("sum by (fleet, cluster) (rate(%1$s_ratelimits_total[5m]))"),
        ERRORS("sum by (fleet, cluster) (rate(%1$s_command_errors_total[5m]))"),
        COMMANDS("sum by (fleet, cluster) (rate({__name__=~\"%1$s_app_commands_total|%1$s_commands_total\"}[5m]))"),
        P95("histogram_quantile(0.95, sum by (fleet, cluster, le) (rate(%1$s_app_command_duration_seconds_bucket[5m])))"),
        SHARD_UP("max by (fleet, cluster, shard) (%1$s_shard_up)"),
        SHARD_LATENCY("max by (fleet, cluster, shard) (%1$s_shard_latency_seconds)");

        private final String template;

        Query(String template) {
            this.template = template;
        }

        String promql(String namespace) {
            return String.format(Locale.ROOT, template, namespace);
        }
    }

    /** A query that failed; the message names the query. */
    static final class QueryFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        QueryFailed(String message) {
            super(message, null, false, false);
        }
    }

    /** One sample of an instant vector. */
    record Sample(Map<String, String> labels, double value) {
    }

    private final URI queryUri;
    private final String namespace;
    private final Duration interval;
    private final Duration timeout;
    private final Clock clock;
    private final HttpClient http;
    private final AtomicReference<PrometheusReading> last = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<PrometheusReading>> inFlight = new AtomicReference<>();

    /**
     * @param url       Prometheus' base URL ({@code http://prometheus:9090}, or with a path prefix)
     * @param namespace the metric prefix
     * @param interval  how long a reading is reused
     * @param timeout   how long a view waits for a reading, and each query may take
     * @param clock     decides when a reading is stale
     */
    PrometheusSource(URI url, String namespace, Duration interval, Duration timeout, Clock clock) {
        String base = Objects.requireNonNull(url, "url").toString();
        this.queryUri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v1/query");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * The source the settings ask for: empty when no Prometheus URL is configured. The caller closes
     * it when it stops.
     */
    public static Optional<PrometheusSource> of(ArgusSettings settings, Clock clock) {
        return settings.prometheusUrl().map(u -> new PrometheusSource(u, settings.namespace(), settings.interval(),
                TIMEOUT, clock));
    }

    /** The query texts, in {@link Query} order. */
    List<String> queries() {
        List<String> out = new ArrayList<>();
        for (Query q : Query.values()) {
            out.add(q.promql(namespace));
        }
        return out;
    }

    /**
     * The cached reading while it is fresh; otherwise a new one, waited for at most the timeout
     * (a late one reads as failed). Never throws; restores the interrupt flag if interrupted.
     */
    PrometheusReading read() {
        long now = clock.millis();
        PrometheusReading cached = last.get();
        if (cached != null && now < cached.atMs() + interval.toMillis()) {
            return cached;
        }
        CompletableFuture<PrometheusReading> f = inFlight.get();
        if (f == null) {
            CompletableFuture<PrometheusReading> mine = new CompletableFuture<>();
            if (inFlight.compareAndSet(null, mine)) {
                fetch(now).whenComplete((r, e) -> {
                    PrometheusReading reading = r != null ? r : PrometheusReading.failed(now, describe(e));
                    last.set(reading);
                    inFlight.set(null);
                    mine.complete(reading);
                });
                f = mine;
            } else {
                f = inFlight.get();
                if (f == null) { // finished meanwhile
                    PrometheusReading done = last.get();
                    return done != null ? done : PrometheusReading.failed(now, "Prometheus has not been read yet");
                }
            }
        }
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return PrometheusReading.failed(now, "Prometheus did not answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PrometheusReading.failed(now, "interrupted while waiting for Prometheus");
        } catch (ExecutionException e) {
            return PrometheusReading.failed(now, describe(e.getCause()));
        }
    }

    /** All queries at once; completes normally with a successful or a failed reading. */
    private CompletableFuture<PrometheusReading> fetch(long now) {
        Map<Query, CompletableFuture<List<Sample>>> futures = new EnumMap<>(Query.class);
        for (Query q : Query.values()) {
            futures.put(q, query(q.promql(namespace)));
        }
        return CompletableFuture.allOf(futures.values().toArray(CompletableFuture[]::new))
                .handle((ignored, e) -> {
                    if (e != null) {
                        String why = describe(e);
                        LOG.warn("event=argus.prometheus_failed url={} error=\"{}\"", queryUri, why);
                        return PrometheusReading.failed(now, why);
                    }
                    Map<Query, List<Sample>> results = new EnumMap<>(Query.class);
                    futures.forEach((q, f) -> results.put(q, f.join()));
                    return new PrometheusReading(now, figures(results), Optional.empty());
                });
    }

    private CompletableFuture<List<Sample>> query(String promql) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(queryUri + "?query="
                        + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                .timeout(timeout).header("Accept", "application/json").GET().build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
                .thenApply(res -> parse(promql, res.statusCode(), res.body()));
    }

    /**
     * The samples of an instant-vector answer.
     *
     * @throws QueryFailed for an HTTP error, a {@code status} other than {@code success}, a result
     *                     that is not a vector, or JSON that cannot be read
     */
    static List<Sample> parse(String promql, int status, String body) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            root = null;
        }
        if (status != 200 || root == null || !"success".equals(root.path("status").asText())) {
            String detail = root != null && root.hasNonNull("error") ? ": " + root.get("error").asText() : "";
            throw new QueryFailed("Prometheus answered HTTP " + status + detail + " to " + promql);
        }
        JsonNode data = root.path("data");
        if (!"vector".equals(data.path("resultType").asText())) {
            throw new QueryFailed("Prometheus answered a " + data.path("resultType").asText("missing")
                    + " result instead of a vector to " + promql);
        }
        List<Sample> out = new ArrayList<>();
        for (JsonNode r : data.path("result")) {
            Map<String, String> labels = new HashMap<>();
            r.path("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            double v;
            try {
                v = Double.parseDouble(r.path("value").path(1).asText());
            } catch (NumberFormatException e) {
                continue;
            }
            // NaN (a quantile without observations), infinities and negatives are gaps for pushes to fill.
            if (Double.isFinite(v) && v >= 0) {
                out.add(new Sample(Map.copyOf(labels), v));
            }
        }
        return out;
    }

    /** The samples regrouped per cluster; samples without a usable fleet and cluster label are skipped. */
    static Map<String, PrometheusReading.Figures> figures(Map<Query, List<Sample>> results) {
        Map<String, Map<Query, Double>> values = new HashMap<>();
        Map<String, Map<Integer, Double>> shardUp = new HashMap<>();
        Map<String, Map<Integer, Double>> shardLatency = new HashMap<>();
        results.forEach((q, samples) -> {
            for (Sample s : samples) {
                Optional<String> key = key(s.labels());
                if (key.isEmpty()) {
                    continue;
                }
                switch (q) {
                    case SHARD_UP, SHARD_LATENCY -> {
                        Integer shard = number(s.labels().get("shard"));
                        if (shard != null) {
                            (q == Query.SHARD_UP ? shardUp : shardLatency)
                                    .computeIfAbsent(key.get(), k -> new TreeMap<>()).put(shard, s.value());
                        }
                    }
                    default -> values.computeIfAbsent(key.get(), k -> new EnumMap<>(Query.class)).put(q, s.value());
                }
            }
        });
        Map<String, PrometheusReading.Figures> out = new HashMap<>();
        Set<String> keys = new HashSet<>(values.keySet());
        keys.addAll(shardUp.keySet());
        keys.addAll(shardLatency.keySet());
        for (String k : keys) {
            Map<Query, Double> v = values.getOrDefault(k, Map.of());
            Map<Integer, Double> up = shardUp.getOrDefault(k, Map.of());
            Map<Integer, Double> lat = shardLatency.getOrDefault(k, Map.of());
            Map<Integer, ParsedSnapshot.Shard> shards = new TreeMap<>();
            Set<Integer> ids = new TreeSet<>(up.keySet());
            ids.addAll(lat.keySet());
            for (int id : ids) {
                Double u = up.get(id);
                shards.put(id, new ParsedSnapshot.Shard(id, lat.get(id), u == null ? null : u > 0));
            }
            out.put(k, new PrometheusReading.Figures(v.get(Query.LATENCY), v.get(Query.SHARDS_UP), v.get(Query.GUILDS),
                    v.get(Query.CACHED_USERS), v.get(Query.INTERACTIONS), v.get(Query.ERRORS), v.get(Query.COMMANDS),
                    v.get(Query.P95), v.get(Query.RATELIMITS), v.get(Query.UPTIME), shards));
        }
        return out;
    }

    private static Optional<String> key(Map<String, String> labels) {
        String fleet = labels.get("fleet");
        Integer number = number(labels.get("cluster"));
        return fleet == null || number == null ? Optional.empty() : Optional.of(PrometheusReading.key(fleet, number));
    }

    /** A non-negative integer label, or null. */
    private static Integer number(String label) {
        if (label == null || label.isEmpty() || label.length() > 9 || !label.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return Integer.parseInt(label);
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String message = switch (t) {
            case QueryFailed q -> q.getMessage();
            case HttpTimeoutException h -> "Prometheus did not answer in time: " + h.getMessage();
            case ConnectException c -> "cannot connect to Prometheus: " + c;
            default -> "cannot read Prometheus: " + t;
        };
        return message.length() <= MAX_ERROR ? message : message.substring(0, MAX_ERROR) + "…";
    }

    /** Stops the HTTP client without waiting for queries in flight. */
    @Override
    public void close() {
        http.shutdownNow();
    }
}
