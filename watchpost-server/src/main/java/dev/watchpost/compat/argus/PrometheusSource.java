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
 * ({@code GET <url>/api/v1/query}), grouped {@code by (cluster)} as Argus does: the {@code cluster}
 * label is the member's identity, whether it comes from the member's own series (Argus' shipped
 * {@code prometheus.yml}: static targets, no extra labels) or from the target labels
 * {@code /api/fleet/targets} gives. No {@code fleet} label is needed: the registry knows each
 * cluster's fleet. Argus' shard gauges carry only {@code shard}, so a shard series without
 * {@code cluster} is given the cluster of the scrape target ({@code instance}) that also reports its
 * uptime.
 *
 * <p><b>At most one reading per interval.</b> The last reading, success or failure, is cached for
 * one Argus interval (by the injected clock). A read after that starts a new reading (its queries
 * run at once) and waits for it at most {@code timeout}; the queries themselves time out then too.
 * A reading that fails or is late is a {@link PrometheusReading#failed failed} reading, so the read
 * routes show the pushed values and say why, and a Prometheus that is down costs the view at most
 * one timeout per interval.
 *
 * <p>A cluster's {@linkplain #history history} is read with range queries, so it exists as far back
 * as Prometheus keeps it, whether or not the member ever pushed a snapshot.
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
     * The instant queries, {@code %1$s} standing for the namespace: Argus' catalogue, except that
     * latency and shards up are taken from the per-shard rows (the same max and sum) so they can be
     * attributed by scrape target. Counters that need a window use {@code rate(...[5m])}; errors and
     * commands are the counters' current totals, from which Argus computes {@code error_rate}.
     */
    enum Query {
        SHARD_UP("max by (cluster, instance, shard) (%1$s_shard_up)"),
        SHARD_LATENCY("max by (cluster, instance, shard) (%1$s_shard_latency_seconds)"),
        UPTIME("max by (cluster, instance) (%1$s_uptime_seconds)"),
        GUILDS("sum by (cluster) (%1$s_guilds)"),
        CACHED_USERS("sum by (cluster) (%1$s_cached_users)"),
        INTERACTIONS("sum by (cluster) (rate(%1$s_interactions_total[5m]))"),
        RATELIMITS("sum by (cluster) (rate(%1$s_ratelimits_total[5m]))"),
        ERRORS("sum by (cluster) (%1$s_command_errors_total)"),
        COMMANDS("sum by (cluster) (%1$s_app_commands_total)"),
        P95("histogram_quantile(0.95, sum by (cluster, le) (rate(%1$s_app_command_duration_seconds_bucket[5m])))");

        private final String template;

        Query(String template) {
            this.template = template;
        }

        String promql(String namespace) {
            return String.format(Locale.ROOT, template, namespace);
        }
    }

    /**
     * The range queries of one cluster's history, {@code %2$s} standing for the matcher
     * {@code {cluster="<identity>"}}; shard series are tied to the cluster by scrape target.
     */
    enum Range {
        LATENCY("max(%1$s_shard_latency_seconds and on (instance) %1$s_uptime_seconds%2$s)"),
        SHARDS_UP("sum(%1$s_shard_up and on (instance) %1$s_uptime_seconds%2$s)"),
        GUILDS("sum(%1$s_guilds%2$s)"),
        CACHED_USERS("sum(%1$s_cached_users%2$s)"),
        UPTIME("max(%1$s_uptime_seconds%2$s)"),
        INTERACTIONS("sum(rate(%1$s_interactions_total%2$s[5m]))"),
        RATELIMITS("sum(rate(%1$s_ratelimits_total%2$s[5m]))"),
        ERRORS("sum(%1$s_command_errors_total%2$s)"),
        COMMANDS("sum(%1$s_app_commands_total%2$s)"),
        P95("histogram_quantile(0.95, sum by (le) (rate(%1$s_app_command_duration_seconds_bucket%2$s[5m])))");

        private final String template;

        Range(String template) {
            this.template = template;
        }

        String promql(String namespace, String identity) {
            return String.format(Locale.ROOT, template, namespace, "{cluster=\"" + escape(identity) + "\"}");
        }
    }

    /** A cluster's history from Prometheus, oldest first, or why it could not be read. */
    record History(List<ClusterHistory.Point> points, Optional<String> error) {
        History {
            points = List.copyOf(points);
            Objects.requireNonNull(error, "error");
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
    private final URI rangeUri;
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
        String api = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v1/";
        this.queryUri = URI.create(api + "query");
        this.rangeUri = URI.create(api + "query_range");
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
        return get(queryUri + "?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
                .thenApply(res -> parse(promql, res.statusCode(), res.body()));
    }

    private CompletableFuture<HttpResponse<String>> get(String uri) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(uri))
                .timeout(timeout).header("Accept", "application/json").GET().build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The last {@code points} points of one cluster, one per interval up to now, as Prometheus has
     * them; a point is there when any of the cluster's series has a value at that time. Waits at most
     * the timeout; never throws (a failure is an empty history with the reason).
     */
    History history(String identity, int points) {
        if (points <= 0) {
            return new History(List.of(), Optional.empty());
        }
        double step = interval.toMillis() / 1000.0;
        double end = clock.millis() / 1000.0;
        double start = end - step * (points - 1);
        Map<Range, CompletableFuture<Map<Long, Double>>> futures = new EnumMap<>(Range.class);
        for (Range r : Range.values()) {
            String promql = r.promql(namespace, identity);
            futures.put(r, get(rangeUri + "?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                    + String.format(Locale.ROOT, "&start=%.3f&end=%.3f&step=%.3f", start, end, step))
                    .thenApply(res -> parseRange(promql, res.statusCode(), res.body())));
        }
        try {
            CompletableFuture.allOf(futures.values().toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new History(List.of(), Optional.of("Prometheus did not answer within " + timeout.toMillis() + " ms"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new History(List.of(), Optional.of("interrupted while waiting for Prometheus"));
        } catch (ExecutionException e) {
            String why = describe(e.getCause());
            LOG.warn("event=argus.prometheus_failed url={} error=\"{}\"", rangeUri, why);
            return new History(List.of(), Optional.of(why));
        }
        Map<Range, Map<Long, Double>> series = new EnumMap<>(Range.class);
        TreeSet<Long> times = new TreeSet<>();
        futures.forEach((r, f) -> {
            series.put(r, f.join());
            times.addAll(f.join().keySet());
        });
        List<ClusterHistory.Point> out = new ArrayList<>(times.size());
        for (long t : times) {
            PrometheusReading.Figures fig = new PrometheusReading.Figures(
                    series.get(Range.LATENCY).get(t), series.get(Range.SHARDS_UP).get(t), series.get(Range.GUILDS).get(t),
                    series.get(Range.CACHED_USERS).get(t), series.get(Range.INTERACTIONS).get(t),
                    series.get(Range.ERRORS).get(t), series.get(Range.COMMANDS).get(t), series.get(Range.P95).get(t),
                    series.get(Range.RATELIMITS).get(t), series.get(Range.UPTIME).get(t), Map.of());
            out.add(new ClusterHistory.Point(t, fig.metrics()));
        }
        return new History(out, Optional.empty());
    }

    /**
     * The one series of a range answer as time (epoch ms) → value; finite non-negative values only.
     *
     * @throws QueryFailed as {@link #parse} does, or when the result is not a matrix
     */
    static Map<Long, Double> parseRange(String promql, int status, String body) {
        JsonNode data = data(promql, status, body, "matrix");
        Map<Long, Double> out = new TreeMap<>();
        for (JsonNode series : data.path("result")) {
            for (JsonNode v : series.path("values")) {
                double value = number(v.path(1).asText());
                if (Double.isFinite(value) && value >= 0) {
                    out.put(Math.round(v.path(0).asDouble() * 1000), value);
                }
            }
        }
        return out;
    }

    private static double number(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * The samples of an instant-vector answer.
     *
     * @throws QueryFailed for an HTTP error, a {@code status} other than {@code success}, a result
     *                     that is not a vector, or JSON that cannot be read
     */
    static List<Sample> parse(String promql, int status, String body) {
        JsonNode data = data(promql, status, body, "vector");
        List<Sample> out = new ArrayList<>();
        for (JsonNode r : data.path("result")) {
            Map<String, String> labels = new HashMap<>();
            r.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            double v = number(r.path("value").path(1).asText());
            // NaN (a quantile without observations), infinities and negatives are figures Prometheus lacks.
            if (Double.isFinite(v) && v >= 0) {
                out.add(new Sample(Map.copyOf(labels), v));
            }
        }
        return out;
    }

    private static JsonNode data(String promql, int status, String body, String type) {
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
        if (!type.equals(data.path("resultType").asText())) {
            throw new QueryFailed("Prometheus answered a " + data.path("resultType").asText("missing")
                    + " result instead of a " + type + " to " + promql);
        }
        return data;
    }

    /**
     * The samples regrouped per cluster identity. A shard or uptime sample without a {@code cluster}
     * label takes the cluster its scrape target ({@code instance}) reports uptime under; samples that
     * still have no cluster, or a shard label that is not a non-negative integer, are skipped.
     */
    static Map<String, PrometheusReading.Figures> figures(Map<Query, List<Sample>> results) {
        Map<String, String> clusterOfInstance = new HashMap<>();
        for (Sample s : results.getOrDefault(Query.UPTIME, List.of())) {
            String cluster = s.labels().get("cluster");
            String instance = s.labels().get("instance");
            if (cluster != null && !cluster.isEmpty() && instance != null) {
                clusterOfInstance.put(instance, cluster);
            }
        }
        Map<String, Map<Query, Double>> values = new HashMap<>();
        Map<String, Map<Integer, Double>> shardUp = new HashMap<>();
        Map<String, Map<Integer, Double>> shardLatency = new HashMap<>();
        results.forEach((q, samples) -> {
            for (Sample s : samples) {
                String cluster = s.labels().get("cluster");
                if (cluster == null || cluster.isEmpty()) {
                    cluster = clusterOfInstance.get(s.labels().get("instance"));
                }
                if (cluster == null) {
                    continue;
                }
                switch (q) {
                    case SHARD_UP, SHARD_LATENCY -> {
                        Integer shard = shardNumber(s.labels().get("shard"));
                        if (shard != null) {
                            (q == Query.SHARD_UP ? shardUp : shardLatency)
                                    .computeIfAbsent(cluster, k -> new TreeMap<>()).merge(shard, s.value(), Math::max);
                        }
                    }
                    // One process per instance: a cluster's uptime is its oldest process'.
                    case UPTIME -> values.computeIfAbsent(cluster, k -> new EnumMap<>(Query.class))
                            .merge(q, s.value(), Math::max);
                    default -> values.computeIfAbsent(cluster, k -> new EnumMap<>(Query.class)).put(q, s.value());
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
            // As Argus: the worst shard's latency, the sum of shard_up.
            Double worst = lat.values().stream().max(Double::compare).orElse(null);
            Double upSum = up.isEmpty() ? null : up.values().stream().mapToDouble(Double::doubleValue).sum();
            out.put(k, new PrometheusReading.Figures(worst, upSum, v.get(Query.GUILDS),
                    v.get(Query.CACHED_USERS), v.get(Query.INTERACTIONS), v.get(Query.ERRORS), v.get(Query.COMMANDS),
                    v.get(Query.P95), v.get(Query.RATELIMITS), v.get(Query.UPTIME), shards));
        }
        return out;
    }

    /** A non-negative integer label, or null. */
    private static Integer shardNumber(String label) {
        if (label == null || label.isEmpty() || label.length() > 9 || !label.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return Integer.parseInt(label);
    }

    /** A PromQL double-quoted string's content. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
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
