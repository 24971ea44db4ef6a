package dev.watchpost.page;

import dev.watchpost.web.Html;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final Layout layout;

    FleetView(Layout layout) {
        this.layout = layout;
    }

    // ---------------------------------------------------------------- pages

    String global(Map<String, Object> view) {
        Html h = new Html(16_384);
        layout.open(h, "Fleet", Layout.Nav.FLEET, false);
        crumbs(h, null, null);
        h.raw("<h1>Fleet</h1>");
        List<Map<String, Object>> fleets = list(view.get("fleets"));
        if (fleets.isEmpty()) {
            h.raw("<p class=\"empty\">No Argus Fleet members have registered yet. Members register with "
                    + "<code>POST /fleet/register</code> and appear here.</p>");
            layout.close(h);
            return h.toString();
        }
        source(h, view);
        h.raw("<section aria-labelledby=\"global-title\"><h2 id=\"global-title\">Global</h2>");
        metrics(h, map(view.get("global")), map(view.get("grades")));
        h.raw("</section><section aria-labelledby=\"fleets-title\"><h2 id=\"fleets-title\">Fleets</h2>");
        tableOpen(h, "Fleets", List.of("Fleet", "Clusters up"));
        for (Map<String, Object> f : fleets) {
            String name = str(f.get("name"));
            h.raw("<tr><th scope=\"row\"><a").attr("href", "/fleet/" + name).raw(">").text(name).raw("</a></th><td>")
                    .text(num(f.get("clusters_up")) + " / " + num(f.get("clusters_total"))).raw("</td>");
            cells(h, map(f.get("rollup")), map(f.get("grades")));
            h.raw("</tr>");
        }
        tableClose(h);
        h.raw("</section>");
        layout.close(h);
        return h.toString();
    }

    /** Empty when the view has no such fleet. */
    Optional<String> fleet(Map<String, Object> view, String name) {
        Map<String, Object> fleet = null;
        for (Map<String, Object> f : list(view.get("fleets"))) {
            if (name.equals(f.get("name"))) {
                fleet = f;
            }
        }
        if (fleet == null) {
            return Optional.empty();
        }
        Html h = new Html(16_384);
        layout.open(h, "Fleet " + name, Layout.Nav.FLEET, false);
        crumbs(h, name, null);
        h.raw("<h1>Fleet <span class=\"ident\">").text(name).raw("</span></h1>");
        source(h, view);
        h.raw("<p class=\"summary\">").text(num(fleet.get("clusters_up")) + " of " + num(fleet.get("clusters_total"))
                + " clusters up").raw("</p>");
        h.raw("<section aria-labelledby=\"rollup-title\"><h2 id=\"rollup-title\">Roll-up</h2>");
        metrics(h, map(fleet.get("rollup")), map(fleet.get("grades")));
        h.raw("</section><section aria-labelledby=\"clusters-title\"><h2 id=\"clusters-title\">Clusters</h2>");
        tableOpen(h, "Clusters of " + name, List.of("Cluster", "Identity", "Status", "Last seen"));
        for (Map<String, Object> c : list(fleet.get("clusters"))) {
            String number = num(c.get("number"));
            String status = str(c.get("status"));
            h.raw("<tr><th scope=\"row\"><a").attr("href", "/fleet/" + name + "/" + number).raw(">#").text(number)
                    .raw("</a></th><td>").text(str(c.get("identity"))).raw("</td>");
            status(h, status);
            h.raw("<td>").text(seen(c.get("last_seen"))).raw("</td>");
            cells(h, map(c.get("metrics")), map(c.get("grades")));
            h.raw("</tr>");
        }
        tableClose(h);
        h.raw("</section>");
        layout.close(h);
        return Optional.of(h.toString());
    }

    String cluster(String fleetName, Map<String, Object> detail) {
        Map<String, Object> c = map(detail.get("cluster"));
        String number = num(c.get("number"));
        Html h = new Html(16_384);
        layout.open(h, "Cluster " + fleetName + " #" + number, Layout.Nav.FLEET, false);
        crumbs(h, fleetName, number);
        String status = str(c.get("status"));
        h.raw("<h1>Cluster #").text(number).raw(" <span class=\"ident\">").text(str(c.get("identity"))).raw("</span></h1>");
        h.raw("<dl class=\"facts\"><div><dt>Status</dt><dd class=\"status\"").attr("data-status", status)
                .raw("><span class=\"sym\" aria-hidden=\"true\"></span>").text(status).raw("</dd></div>")
                .raw("<div><dt>Last seen</dt><dd>").text(seen(c.get("last_seen"))).raw("</dd></div>")
                .raw("<div><dt>Version</dt><dd>").text(c.get("version") == null ? "—" : str(c.get("version"))).raw("</dd></div>")
                .raw("<div><dt>Scrape target</dt><dd>").text(c.get("scrape_target") == null ? "—" : str(c.get("scrape_target")))
                .raw("</dd></div></dl>");
        h.raw("<section aria-labelledby=\"metrics-title\"><h2 id=\"metrics-title\">Metrics</h2>");
        metrics(h, map(c.get("metrics")), map(c.get("grades")));
        h.raw("</section>");
        history(h, list(detail.get("history")));
        List<Map<String, Object>> shards = list(c.get("shards"));
        h.raw("<section aria-labelledby=\"shards-title\"><h2 id=\"shards-title\">Shards</h2>");
        if (shards.isEmpty()) {
            h.raw("<p class=\"empty\">This cluster has not reported any shards.</p>");
        } else {
            h.raw("<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"Shards\"><table><thead><tr>"
                    + "<th scope=\"col\">Shard</th><th scope=\"col\">Status</th><th scope=\"col\">Latency</th></tr></thead><tbody>");
            for (Map<String, Object> s : shards) {
                h.raw("<tr><th scope=\"row\">").text(num(s.get("shard_id"))).raw("</th>");
                status(h, str(s.get("status")));
                Object lat = s.get("latency_seconds");
                Map<String, Object> grade = lat instanceof Number n
                        ? gradeOf("latency_seconds", n.doubleValue()) : Map.of();
                cell(h, METRICS.get(0), lat, grade.isEmpty() ? null : str(grade.get("latency_seconds")));
                h.raw("</tr>");
            }
            h.raw("</tbody></table></div>");
        }
        h.raw("</section>");
        layout.close(h);
        return h.toString();
    }

    // ---------------------------------------------------------------- parts

    private static void crumbs(Html h, String fleet, String cluster) {
        h.raw("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><ol><li>");
        if (fleet == null) {
            h.raw("<a href=\"/fleet\" aria-current=\"page\">Global</a></li>");
        } else {
            h.raw("<a href=\"/fleet\">Global</a></li><li><a").attr("href", "/fleet/" + fleet)
                    .raw(cluster == null ? " aria-current=\"page\">" : ">").text(fleet).raw("</a></li>");
            if (cluster != null) {
                h.raw("<li><a").attr("href", "/fleet/" + fleet + "/" + cluster).raw(" aria-current=\"page\">#")
                        .text(cluster).raw("</a></li>");
            }
        }
        h.raw("</ol></nav>");
    }

    private static void source(Html h, Map<String, Object> view) {
        Object error = view.get("prometheus_error");
        if (error != null) {
            h.raw("<p class=\"warning\" role=\"note\">Prometheus could not be read; showing pushed figures: ")
                    .text(str(error)).raw("</p>");
        }
    }

    /** The nine metrics as a description list. */
    private static void metrics(Html h, Map<String, Object> values, Map<String, Object> grades) {
        h.raw("<dl class=\"metrics\">");
        for (Metric m : METRICS) {
            Object grade = grades.get(m.key());
            h.raw("<div").attr("data-metric", m.key());
            if (grade != null) {
                h.attr("data-grade", str(grade));
            }
            h.raw("><dt>").text(m.label()).raw("</dt><dd>").text(value(m, values.get(m.key())));
            gradeWord(h, grade == null ? null : str(grade));
            h.raw("</dd></div>");
        }
        h.raw("</dl>");
    }

    private static void tableOpen(Html h, String label, List<String> first) {
        h.raw("<div class=\"scroll\" role=\"region\" tabindex=\"0\"").attr("aria-label", label).raw("><table><thead><tr>");
        for (String f : first) {
            h.raw("<th scope=\"col\">").text(f).raw("</th>");
        }
        for (Metric m : METRICS) {
            h.raw("<th scope=\"col\">").text(m.label()).raw("</th>");
        }
        h.raw("</tr></thead><tbody>");
    }

    private static void tableClose(Html h) {
        h.raw("</tbody></table></div>");
    }

    private static void cells(Html h, Map<String, Object> values, Map<String, Object> grades) {
        for (Metric m : METRICS) {
            Object g = grades.get(m.key());
            cell(h, m, values.get(m.key()), g == null ? null : str(g));
        }
    }

    private static void cell(Html h, Metric m, Object value, String grade) {
        h.raw("<td").attr("data-metric", m.key());
        if (grade != null) {
            h.attr("data-grade", grade);
        }
        h.raw(">").text(value(m, value));
        gradeWord(h, grade);
        h.raw("</td>");
    }

    /** Warn and bad also say so in words: a grade is never told by colour alone. */
    private static void gradeWord(Html h, String grade) {
        if ("warn".equals(grade) || "bad".equals(grade)) {
            h.raw(" <span class=\"grade\">").text(grade).raw("</span>");
        }
    }

    private static void status(Html h, String status) {
        h.raw("<td class=\"status\"").attr("data-status", status).raw("><span class=\"sym\" aria-hidden=\"true\"></span>")
                .text(status).raw("</td>");
    }

    /** Sparklines of the cluster's pushed history: latency, guilds, interactions and error rate. */
    private static void history(Html h, List<Map<String, Object>> points) {
        h.raw("<section aria-labelledby=\"history-title\"><h2 id=\"history-title\">History</h2>");
        if (points.size() < 2) {
            h.raw("<p class=\"empty\">Not enough history yet: points arrive with each heartbeat that carries metrics.</p></section>");
            return;
        }
        double t0 = epochSeconds(points.get(0).get("t"));
        double t1 = epochSeconds(points.get(points.size() - 1).get("t"));
        h.raw("<p class=\"note\">").text(points.size() + " points from " + TIME.format(instant(t0)) + " to "
                + TIME.format(instant(t1))).raw("</p><div class=\"sparks\">");
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
        h.raw("</div></section>");
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
    private static String seen(Object isoTime) {
        if (!(isoTime instanceof String text)) {
            return "never";
        }
        return TIME.format(OffsetDateTime.parse(text).toInstant());
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
