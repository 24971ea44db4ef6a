package dev.watchpost.compat.argus;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Argus read routes' JSON, as maps and lists for the shared mapper. Pure.
 *
 * <p>Times are ISO-8601 strings with an offset, as Argus writes them ({@code 2026-03-01T10:00:00.438000+00:00}:
 * Python's {@code isoformat()} of a UTC time, so microseconds only when there is a fraction) and its page
 * prints them as given. A metric that is not known is 0 ({@link ClusterMetrics#toJson}). Next to every metrics object there is a {@code grades} object (metric → {@code ok}, {@code warn}
 * or {@code bad}, only for graded metrics whose value is known, so a 0 that stands for "not reported" is not graded): an addition old clients ignore. At the
 * top level {@code grades} belongs to {@code global}.
 *
 * <p>Roll-ups count only clusters that are up: a cluster that stopped reporting serves no guilds and
 * its last numbers are stale. Its own row still shows them, marked {@code down}. The global roll-up is
 * rolled up from the fleets' (which {@link ClusterMetrics#rollup} allows).
 */
final class FleetJson {

    private FleetJson() {
    }

    /** {@code GET /api/fleet/view} from pushes alone. {@code clusters} sorted by fleet, then number. */
    static Map<String, Object> view(List<ArgusFleet.Cluster> clusters, long nowMs) {
        return view(clusters, nowMs, "push", Optional.empty());
    }

    /**
     * {@code GET /api/fleet/view}. {@code clusters} sorted by fleet, then number, already merged with
     * Prometheus' figures when {@code source} is {@code prometheus}; roll-ups are computed from them.
     *
     * @param source          {@code prometheus} or {@code push}, shown as {@code source}
     * @param prometheusError why the last Prometheus reading failed, shown as {@code prometheus_error}
     *                        only when present; with a successful reading, the identities of clusters
     *                        Prometheus has no series for are listed as {@code prometheus_missing}
     */
    static Map<String, Object> view(List<ArgusFleet.Cluster> clusters, long nowMs, String source,
                                    Optional<String> prometheusError) {
        Map<String, List<ArgusFleet.Cluster>> byFleet = new TreeMap<>();
        for (ArgusFleet.Cluster c : clusters) {
            byFleet.computeIfAbsent(c.fleet(), f -> new ArrayList<>()).add(c);
        }
        List<Map<String, Object>> fleets = new ArrayList<>(byFleet.size());
        List<ClusterMetrics> fleetRollups = new ArrayList<>(byFleet.size());
        for (Map.Entry<String, List<ArgusFleet.Cluster>> e : byFleet.entrySet()) {
            List<ClusterMetrics> up = new ArrayList<>();
            List<Map<String, Object>> rows = new ArrayList<>(e.getValue().size());
            for (ArgusFleet.Cluster c : e.getValue()) {
                if (c.up()) {
                    up.add(c.metrics());
                }
                rows.add(cluster(c));
            }
            ClusterMetrics rollup = ClusterMetrics.rollup(up);
            fleetRollups.add(rollup);
            Map<String, Object> fleet = new LinkedHashMap<>();
            fleet.put("name", e.getKey());
            fleet.put("clusters_up", up.size());
            fleet.put("clusters_total", rows.size());
            fleet.put("rollup", rollup.toJson());
            fleet.put("grades", grades(rollup));
            fleet.put("clusters", rows);
            fleets.add(fleet);
        }
        ClusterMetrics global = ClusterMetrics.rollup(fleetRollups);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("generated_at", iso(nowMs));
        out.put("source", source);
        prometheusError.ifPresent(e -> out.put("prometheus_error", e));
        if ("prometheus".equals(source)) {
            // Said rather than hidden: these clusters' figures are their own pushes.
            List<String> missing = clusters.stream().filter(c -> !c.fromPrometheus()).map(ArgusFleet.Cluster::identity).toList();
            if (!missing.isEmpty()) {
                out.put("prometheus_missing", missing);
            }
        }
        out.put("global", global.toJson());
        out.put("grades", grades(global));
        out.put("fleets", fleets);
        return out;
    }

    /**
     * One cluster: the contract's fields, then the additions (version, scrape_target, grades, and
     * {@code source}: {@code prometheus} or {@code push}, where its metrics and shards come from).
     */
    static Map<String, Object> cluster(ArgusFleet.Cluster c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("number", c.number());
        out.put("identity", c.identity());
        out.put("fleet", c.fleet());
        out.put("status", c.up() ? "up" : "down");
        out.put("last_seen", c.lastSeenMs() < 0 ? null : iso(c.lastSeenMs()));
        out.put("metrics", c.metrics().toJson());
        out.put("grades", grades(c.metrics()));
        List<Map<String, Object>> shards = new ArrayList<>(c.shards().size());
        for (ParsedSnapshot.Shard s : c.shards()) {
            Map<String, Object> shard = new LinkedHashMap<>();
            shard.put("shard_id", s.id());
            // A shard of a cluster that stopped reporting is not known to be up.
            shard.put("status", c.up() && Boolean.TRUE.equals(s.up()) ? "up" : "down");
            shard.put("latency_seconds", s.latencySeconds());
            shards.add(shard);
        }
        out.put("shards", shards);
        out.put("version", c.version().orElse(null));
        out.put("scrape_target", c.scrapeTarget().orElse(null));
        out.put("source", c.fromPrometheus() ? "prometheus" : "push");
        return out;
    }

    /**
     * {@code GET /api/fleet/cluster}: the cluster and its history, oldest point first.
     *
     * @param historyError why Prometheus' history of the cluster could not be read, shown as
     *                     {@code history_error} only when present
     */
    static Map<String, Object> detail(ArgusFleet.Detail d, Optional<String> historyError) {
        List<Map<String, Object>> history = new ArrayList<>(d.history().size());
        for (ClusterHistory.Point p : d.history()) {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("t", iso(p.atMs()));
            point.put("metrics", p.metrics().toJson());
            history.add(point);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cluster", cluster(d.cluster()));
        out.put("history", history);
        historyError.ifPresent(e -> out.put("history_error", e));
        return out;
    }

    /**
     * {@code GET /api/fleet/targets}: Prometheus HTTP service discovery, one entry per member that
     * has a scrape target, up or down (Prometheus should see a down one fail). As in Argus, label
     * {@code cluster} is the member's identity (what its own metrics carry as {@code cluster}, and unique
     * across fleets, so rules {@code by (cluster)} never merge two members), with {@code fleet} and
     * {@code __metrics_path__}.
     */
    static List<Map<String, Object>> targets(List<ArgusFleet.Cluster> clusters) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ArgusFleet.Cluster c : clusters) {
            if (c.scrapeTarget().isEmpty()) {
                continue;
            }
            Map<String, Object> labels = new LinkedHashMap<>();
            labels.put("cluster", c.identity());
            labels.put("fleet", c.fleet());
            labels.put("__metrics_path__", "/metrics");
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("targets", List.of(c.scrapeTarget().get()));
            entry.put("labels", labels);
            out.add(entry);
        }
        return out;
    }

    /** Graded metrics with a known value → {@code ok}, {@code warn} or {@code bad}. */
    static Map<String, String> grades(ClusterMetrics m) {
        Map<String, String> out = new LinkedHashMap<>();
        m.known().forEach((k, v) -> Grade.grade(k, v instanceof Number n ? n.doubleValue() : null)
                .ifPresent(g -> out.put(k, g.name().toLowerCase(Locale.ROOT))));
        return out;
    }

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** Epoch milliseconds as Python's {@code datetime.isoformat()} writes a UTC time. */
    static String iso(long ms) {
        long fraction = Math.floorMod(ms, 1000L);
        return SECONDS.format(Instant.ofEpochMilli(ms)) + (fraction == 0 ? "" : String.format(Locale.ROOT, ".%03d000", fraction))
                + "+00:00";
    }
}
