package dev.watchpost.page;

import dev.watchpost.web.Html;
import dev.watchpost.web.Templates;
import dev.watchpost.web.Times;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Argus fleet drill-down, Global → Fleet → Cluster → shards, rendered on the server from the
 * same bodies {@code /api/fleet/view} and {@code /api/fleet/cluster} answer. Grades come from those
 * bodies ({@code grades} next to each metrics object, computed by the Argus adapter), so the page
 * never re-implements the thresholds; a grade is told by colour and by the words "warn" or "bad".
 * The pages are {@code page/fleetGlobal.jte}, {@code fleetOne.jte} and {@code fleetCluster.jte}; only the
 * sparklines are drawn here.
 */
final class FleetView {

    /** The nine metrics: wire name, column heading, how a value reads. */
    private record Metric(String key, String label, String unit) {
    }

    private static final List<Metric> METRICS = List.of(
            new Metric("latency_seconds", "Latency", "seconds-as-ms"),
            new Metric("shards_up", "Shards up", "count"),
            new Metric("guilds", "Guilds", "count"),
            new Metric("cached_users", "Cached users", "count"),
            new Metric("interactions_rate", "Interactions/s", "rate"),
            new Metric("error_rate", "Error rate", "percent"),
            new Metric("duration_p95_seconds", "p95 duration", "seconds"),
            new Metric("ratelimits_rate", "Rate limits/s", "rate"),
            new Metric("uptime_seconds", "Uptime", "duration"));

    // ---------------------------------------------------------------- view models (page/fleet*.jte)

    record NotFound(Layout.Shell shell, String message) {
    }

    /** A breadcrumb; the last one is the current page. */
    record Crumb(String text, String href, boolean current) {
    }

    /**
     * One metric's value, in a table cell or a description list.
     *
     * @param grade {@code ok}, {@code warn}, {@code bad} or null when ungraded
     */
    record Cell(String metric, String label, String grade, String text) {

        /** Warn and bad also say so in words: a grade is never told by colour alone. Null otherwise. */
        String word() {
            return "warn".equals(grade) || "bad".equals(grade) ? grade : null;
        }
    }

    /** @param error why Prometheus could not be read (the figures are the pushed ones), or null */
    record Global(Layout.Shell shell, List<Crumb> crumbs, String error, List<Cell> metrics, List<String> headings,
                  List<FleetRow> fleets) {
    }

    record FleetRow(String href, String name, String up, List<Cell> cells) {
    }

    record Fleet(Layout.Shell shell, List<Crumb> crumbs, String name, String error, String summary, List<Cell> rollup,
                 List<String> headings, List<ClusterRow> clusters) {
    }

    record ClusterRow(String href, String number, String identity, String status, String seen, List<Cell> cells) {
    }

    /**
     * @param historyNote which points the sparklines span; null when there are too few points to draw
     * @param sparks      the sparklines, drawn by {@link Html}
     */
    record Cluster(Layout.Shell shell, List<Crumb> crumbs, String number, String identity, String status, String seen,
                   String version, String scrapeTarget, List<Cell> metrics, String historyNote, gg.jte.Content sparks,
                   List<ShardRow> shards) {
    }

    record ShardRow(String id, String status, Cell latency) {
    }

    private final Layout layout;

    FleetView(Layout layout) {
        this.layout = layout;
    }

    // ---------------------------------------------------------------- pages

    /**
     * @param details whether the reader holds a token: only then are a failing metrics source's error
     *                and a cluster's scrape target (internal addresses) shown
     */
    byte[] global(Map<String, Object> view, boolean details) {
        List<FleetRow> fleets = new ArrayList<>();
        for (Map<String, Object> f : list(view.get("fleets"))) {
            String name = str(f.get("name"));
            fleets.add(new FleetRow("/fleet/" + name, name, num(f.get("clusters_up")) + " / " + num(f.get("clusters_total")),
                    cells(map(f.get("rollup")), map(f.get("grades")))));
        }
        Global page = new Global(layout.shell("Fleet", Layout.Nav.FLEET, false, true), crumbs(null, null), error(view, details),
                cells(map(view.get("global")), map(view.get("grades"))), headings("Fleet", "Clusters up"), fleets);
        return Templates.bytes("page/fleetGlobal.jte", page, 16_384);
    }

    /** Empty when the view has no such fleet. */
    Optional<byte[]> fleet(Map<String, Object> view, String name, boolean details) {
        Map<String, Object> fleet = null;
        for (Map<String, Object> f : list(view.get("fleets"))) {
            if (name.equals(f.get("name"))) {
                fleet = f;
            }
        }
        if (fleet == null) {
            return Optional.empty();
        }
        List<ClusterRow> clusters = new ArrayList<>();
        for (Map<String, Object> c : list(fleet.get("clusters"))) {
            String number = num(c.get("number"));
            clusters.add(new ClusterRow("/fleet/" + name + "/" + number, number, str(c.get("identity")),
                    str(c.get("status")), seen(c.get("last_seen"), layout.times()),
                    cells(map(c.get("metrics")), map(c.get("grades")))));
        }
        Fleet page = new Fleet(layout.shell("Fleet " + name, Layout.Nav.FLEET, false, true), crumbs(name, null), name,
                error(view, details), num(fleet.get("clusters_up")) + " of " + num(fleet.get("clusters_total")) + " clusters up",
                cells(map(fleet.get("rollup")), map(fleet.get("grades"))),
                headings("Cluster", "Identity", "Status", "Last seen"), clusters);
        return Optional.of(Templates.bytes("page/fleetOne.jte", page, 16_384));
    }

    byte[] cluster(String fleetName, Map<String, Object> detail, boolean details) {
        Map<String, Object> c = map(detail.get("cluster"));
        String number = num(c.get("number"));
        List<ShardRow> shards = new ArrayList<>();
        for (Map<String, Object> s : list(c.get("shards"))) {
            Object lat = s.get("latency_seconds");
            Map<String, Object> grade = lat instanceof Number n ? gradeOf("latency_seconds", n.doubleValue()) : Map.of();
            shards.add(new ShardRow(num(s.get("shard_id")), str(s.get("status")),
                    cell(METRICS.get(0), lat, grade.isEmpty() ? null : str(grade.get("latency_seconds")))));
        }
        List<Map<String, Object>> points = list(detail.get("history"));
        String historyNote = null;
        gg.jte.Content sparks = null;
        if (points.size() >= 2) {
            double t0 = epochSeconds(points.get(0).get("t"));
            double t1 = epochSeconds(points.get(points.size() - 1).get("t"));
            historyNote = points.size() + " points from " + layout.times().text(instant(t0)) + " to "
                    + layout.times().text(instant(t1));
            Html h = new Html(4_096);
            sparks(h, points, t0, t1);
            sparks = h.content();
        }
        Cluster page = new Cluster(layout.shell("Cluster " + fleetName + " #" + number, Layout.Nav.FLEET, false, true),
                crumbs(fleetName, number), number, str(c.get("identity")), str(c.get("status")),
                seen(c.get("last_seen"), layout.times()),
                c.get("version") == null ? "—" : str(c.get("version")),
                c.get("scrape_target") == null || !details ? "—" : str(c.get("scrape_target")),
                cells(map(c.get("metrics")), map(c.get("grades"))), historyNote, sparks, shards);
        return Templates.bytes("page/fleetCluster.jte", page, 16_384);
    }

    // ---------------------------------------------------------------- parts

    private static List<Crumb> crumbs(String fleet, String cluster) {
        List<Crumb> out = new ArrayList<>();
        out.add(new Crumb("Global", "/fleet", fleet == null));
        if (fleet != null) {
            out.add(new Crumb(fleet, "/fleet/" + fleet, cluster == null));
            if (cluster != null) {
                out.add(new Crumb("#" + cluster, "/fleet/" + fleet + "/" + cluster, true));
            }
        }
        return out;
    }

    private static String error(Map<String, Object> view, boolean details) {
        Object error = view.get("prometheus_error");
        return error == null ? null : details ? str(error) : "the metrics source did not answer";
    }

    /** A table's column headings: its own, then the nine metrics. */
    private static List<String> headings(String... first) {
        List<String> out = new ArrayList<>(List.of(first));
        METRICS.forEach(m -> out.add(m.label()));
        return out;
    }

    /** The nine metrics, each with its grade. */
    private static List<Cell> cells(Map<String, Object> values, Map<String, Object> grades) {
        List<Cell> out = new ArrayList<>(METRICS.size());
        for (Metric m : METRICS) {
            Object g = grades.get(m.key());
            out.add(cell(m, values.get(m.key()), g == null ? null : str(g)));
        }
        return out;
    }

    private static Cell cell(Metric m, Object value, String grade) {
        return new Cell(m.key(), m.label(), grade, value(m, value));
    }

    /** Sparklines of the cluster's pushed history: latency, guilds, interactions and error rate. */
    private static void sparks(Html h, List<Map<String, Object>> points, double t0, double t1) {
        for (int k : new int[] {0, 2, 4, 5}) {
            Metric m = METRICS.get(k);
            List<double[]> xy = new ArrayList<>();
            double max = 0;
            double last = Double.NaN;
            for (Map<String, Object> p : points) {
                Object v = map(p.get("metrics")).get(m.key());
                if (v instanceof Number n) {
                    double t = epochSeconds(p.get("t"));
                    xy.add(new double[] {t, n.doubleValue()});
                    max = Math.max(max, n.doubleValue());
                    last = n.doubleValue();
                }
            }
            h.raw("<figure class=\"spark\"").attr("data-metric", m.key()).raw(">");
            if (xy.size() < 2) {
                h.raw("<figcaption>").text(m.label() + ": no data").raw("</figcaption></figure>");
                continue;
            }
            String label = m.label() + " over the last " + points.size() + " points, now " + value(m, last);
            h.raw("<svg viewBox=\"0 0 230 24\" preserveAspectRatio=\"none\" role=\"img\"").attr("aria-label", label)
                    .raw("><title>").text(label).raw("</title><path d=\"");
            StringBuilder d = new StringBuilder();
            double span = Math.max(t1 - t0, 1e-9);
            for (int i = 0; i < xy.size(); i++) {
                double x = 230 * (xy.get(i)[0] - t0) / span;
                double y = max == 0 ? 22 : 22 - 20 * xy.get(i)[1] / max;
                d.append(i == 0 ? 'M' : 'L').append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
            }
            h.text(d.toString()).raw("\" vector-effect=\"non-scaling-stroke\"/></svg><figcaption>")
                    .text(m.label() + ": " + value(m, last)).raw("</figcaption></figure>");
        }
    }

    // ---------------------------------------------------------------- values

    private static String value(Metric m, Object v) {
        if (!(v instanceof Number n)) {
            return "—";
        }
        double d = n.doubleValue();
        return switch (m.unit()) {
            case "seconds-as-ms" -> Format.millis(d * 1000);
            case "seconds" -> String.format(Locale.ROOT, "%.2f s", d);
            case "percent" -> String.format(Locale.ROOT, "%.2f%%", d * 100);
            case "rate" -> String.format(Locale.ROOT, "%.2f", d);
            case "duration" -> Format.duration(Duration.ofMillis((long) (d * 1000)));
            default -> Format.number(d);
        };
    }

    /** A shard's latency graded as the cluster's is (the Argus thresholds, from its one source). */
    private static Map<String, Object> gradeOf(String metric, double value) {
        return dev.watchpost.compat.argus.Grade.grade(metric, value)
                .<Map<String, Object>>map(g -> Map.of(metric, g.name().toLowerCase(Locale.ROOT))).orElse(Map.of());
    }

    /** A time as the fleet bodies give it: an ISO-8601 string with an offset, as Argus writes it. */
    private static String seen(Object isoTime, Times times) {
        if (!(isoTime instanceof String text)) {
            return "never";
        }
        return times.text(OffsetDateTime.parse(text).toInstant());
    }

    private static double epochSeconds(Object isoTime) {
        return OffsetDateTime.parse(str(isoTime)).toInstant().toEpochMilli() / 1000.0;
    }

    private static Instant instant(double epochSeconds) {
        return Instant.ofEpochMilli((long) (epochSeconds * 1000));
    }

    private static String num(Object o) {
        if (o instanceof Number n) {
            return Long.toString(n.longValue());
        }
        return o == null ? "—" : o.toString();
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        return o instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }
}
