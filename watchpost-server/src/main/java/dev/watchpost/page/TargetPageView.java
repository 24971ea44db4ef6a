package dev.watchpost.page;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.composite.CompositeDef;
import dev.watchpost.config.Durations;
import dev.watchpost.history.Uptime;
import dev.watchpost.live.GroupView;
import dev.watchpost.live.Held;
import dev.watchpost.live.Severity;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetKind;
import dev.watchpost.live.TargetView;
import dev.watchpost.live.Transition;
import dev.watchpost.probe.RecentChecks;
import dev.watchpost.targets.TargetDecl;
import dev.watchpost.web.Html;
import dev.watchpost.web.Templates;
import dev.watchpost.web.Times;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Lays out one target's page ({@code page/target.jte}) from what {@link TargetRoutes#load} read, and
 * its history section ({@link TargetHistory}, {@code page/history.jte}), which the dashboard's target
 * page shows too.
 * Pure: the same data and range give the same page. Every string from users or reporters is escaped
 * by the template, or by {@link Html} in the chart and day bars drawn here.
 *
 * <p>Nothing secret is read into the page: a check is described by its kind and interval, never its
 * URL, headers or body, and a push target's ping key is not part of its view.
 */
final class TargetPageView {

    static final List<String> WINDOW_LABELS = List.of("24 h", "7 d", "30 d", "1 y");
    /** Metrics listed at most, and the longest value shown. */
    static final int METRICS = 60;
    static final int METRIC_TEXT = 200;

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
    private static final DateTimeFormatter END = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT);

    private TargetPageView() {
    }

    // ---------------------------------------------------------------- the page's view model (page/target.jte)

    /**
     * The whole page.
     *
     * @param since   when the current state began; null when it never changed
     * @param message null when there is none
     * @param zone    how the page names the zone its times and days are in ({@code UTC}, {@code Asia/Tokyo})
     * @param history uptime, day bars, the response-time chart and a composite's parts ({@code page/history.jte})
     */
    record Page(Layout.Shell shell, List<FleetView.Crumb> crumbs, String id, String name, String state, String label,
                StatusView.Stamp since, String sinceFor, String message, String description, List<Fact> facts,
                TargetHistory history, List<Fact> metrics, List<TransitionRow> transitions, boolean transitionsUnavailable,
                List<StatusView.NoticeRow> notices, StatusView.Stamp asOf, String zone) {
    }

    /** @param href null when it is not a link; @param time null unless the value is a moment */
    record Fact(String label, String value, String href, StatusView.Stamp time) {
        static Fact text(String label, String value) {
            return new Fact(label, value, null, null);
        }
    }

    /** @param detail "43 s down", "since 2026-11-20", or empty */
    record UptimeCell(String window, String value, String detail) {
    }

    /**
     * The response-time section.
     *
     * @param svg     the drawn chart; null when the range has no measurement
     * @param summary the figures of the range in words (also the chart's description)
     * @param checks  how many checks are drawn one by one (0: none)
     */
    record Chart(List<RangeLink> ranges, String rangeText, gg.jte.Content svg, String summary, List<ChartRow> rows,
                 int checks, boolean clipped) {
    }

    record RangeLink(String text, String href, boolean current) {
        String ariaCurrent() {
            return current ? "page" : null;
        }
    }

    record ChartRow(StatusView.Stamp at, String period, String count, String p50, String p95, String max, String failed) {
    }

    /** @param href the part's page (a target) or its group on the status page; @param detail its message, or null */
    record PartRow(String id, String name, String href, String state, String label, boolean required, String detail) {
    }

    record TransitionRow(StatusView.Stamp at, String from, String fromLabel, String to, String toLabel, String reason) {
    }

    /** @param state a state id, or {@code silent} for a location whose latest result no longer counts; @param at null when it never reported */
    record LocationRow(String location, String state, String label, String message, String latency, StatusView.Stamp at) {
    }

    // ---------------------------------------------------------------- building it

    static byte[] render(Layout layout, boolean fleetTab, TargetRoutes.Data d, ChartRange range) {
        Page p = page(layout, fleetTab, d, range);
        Chart chart = p.history().chart();
        return Templates.bytes("page/target.jte", p, 16_384 + p.transitions().size() * 300
                + (chart == null ? 0 : chart.rows().size() * 260 + d.checks().size() * 16));
    }

    static Page page(Layout layout, boolean fleetTab, TargetRoutes.Data d, ChartRange range) {
        Times times = layout.times();
        TargetView v = d.view();
        List<FleetView.Crumb> crumbs = new ArrayList<>();
        crumbs.add(new FleetView.Crumb("Status", "/", false));
        for (GroupView g : d.groups()) {
            crumbs.add(new FleetView.Crumb(g.name(), groupHref(g.id()), false));
        }
        crumbs.add(new FleetView.Crumb(v.name(), href(v.id()), true));
        String message = v.message() == null || v.message().isBlank() ? null : v.message();
        String description = d.decl().flatMap(TargetDecl::description).filter(s -> !s.isBlank()).orElse(null);
        StatusView.Stamp since = v.since() > 0 ? StatusView.Stamp.of(Instant.ofEpochMilli(v.since()), times) : null;
        String sinceFor = v.since() > 0 ? Format.duration(Duration.ofMillis(d.now().toEpochMilli() - v.since())) : null;
        return new Page(layout.shell(v.name(), Layout.Nav.STATUS, false, fleetTab), crumbs, v.id(), v.name(), v.state().id(),
                Format.state(v.state()), since, sinceFor, message, description, facts(d, times),
                history(d, range, links(v.id()), times), metrics(v.metrics()), transitions(d.transitions(), times),
                d.transitionsUnavailable(), notices(d.notices(), times),
                StatusView.Stamp.of(d.now(), times), times.label());
    }

    /**
     * The history section of {@code d}'s page ({@code page/history.jte}) with its chart over {@code range},
     * linking where {@code links} say: the one place it is built, for the status page and the dashboard.
     */
    static TargetHistory history(TargetRoutes.Data d, ChartRange range, TargetHistory.Links links, Times times) {
        return new TargetHistory(d.historyUnavailable(), uptime(d, times), bars(d, times), chart(d, range, links, times),
                parts(d, links), locations(d.locations(), d.now(), times), times.label());
    }

    /** The status page's links from the page of {@code targetId}: target pages, groups' sections, this page's ranges. */
    static TargetHistory.Links links(String targetId) {
        return new TargetHistory.Links(TargetPageView::href, TargetPageView::groupHref,
                range -> href(targetId) + (range.isEmpty() ? "" : "?range=" + range));
    }

    /** The link to a target's page; each segment of the id percent-encoded where it needs to be. */
    static String href(String targetId) {
        StringBuilder b = new StringBuilder("/targets/");
        for (byte c : targetId.getBytes(StandardCharsets.UTF_8)) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '-'
                    || c == '.' || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format(Locale.ROOT, "%02X", c & 0xff));
            }
        }
        return b.toString();
    }

    /** A group's section on the status page. */
    static String groupHref(String groupId) {
        return "/#group:" + groupId;
    }

    private static List<Fact> facts(TargetRoutes.Data d, Times times) {
        TargetView v = d.view();
        List<Fact> out = new ArrayList<>();
        out.add(Fact.text("Kind", kind(v, d.decl(), d.groups())));
        if (!d.groups().isEmpty()) {
            GroupView g = d.groups().get(d.groups().size() - 1);
            out.add(new Fact("Group", g.name(), groupHref(g.id()), null));
        }
        out.add(v.lastSeen() >= 0
                ? new Fact(v.kind().probed() ? "Last check" : "Last report", null, null,
                StatusView.Stamp.of(Instant.ofEpochMilli(v.lastSeen()), times))
                : Fact.text(v.kind().probed() ? "Last check" : "Last report", "none yet"));
        if (!Double.isNaN(v.latencyMs())) {
            out.add(Fact.text("Last response time", Format.millis(v.latencyMs())));
        }
        if (v.lease() != null && v.kind() == TargetKind.PUSH) {
            out.add(Fact.text("Expected", "a report within " + v.lease()));
        }
        d.held().map(TargetPageView::held).ifPresent(h -> out.add(Fact.text("Held", h)));
        return out;
    }

    private static String kind(TargetView v, Optional<TargetDecl> decl, List<GroupView> groups) {
        if (v.shard() >= 0) {
            return "Shard " + v.shard() + (groups.isEmpty() ? "" : " of " + groups.get(groups.size() - 1).name());
        }
        return switch (v.kind()) {
            case PUSH -> "Push: reports in";
            case HTTP, TCP, TLS, STATS -> {
                String what = switch (v.kind()) {
                    case HTTP -> "HTTP check";
                    case TCP -> "TCP check";
                    case TLS -> "TLS certificate check";
                    default -> "Stats agent check";
                };
                yield decl.flatMap(TargetDecl::probe).map(p -> what + " every " + Durations.format(p.every())).orElse(what);
            }
            case MANUAL -> "Manual: set by operators";
            case COMPOSITE -> decl.flatMap(TargetDecl::composite).map(TargetPageView::rule).orElse("Composite");
        };
    }

    private static String rule(CompositeDef c) {
        String parts = c.parts().size() + (c.parts().size() == 1 ? " part" : " parts");
        return "Composite of " + parts + switch (c.rule()) {
            case ALL -> ": healthy when every part is";
            case WORST -> ": the worst of its parts";
            case AT_LEAST -> ": healthy when at least " + c.atLeast() + " are";
        };
    }

    private static String held(Held h) {
        List<String> why = new ArrayList<>();
        for (String holder : h.holders()) {
            why.add(holder.equals("paused") ? "paused" : holder.startsWith("notice:") ? "maintenance" : holder);
        }
        return String.join(", ", why) + "; its reports say " + h.underlying().id();
    }

    private static List<UptimeCell> uptime(TargetRoutes.Data d, Times times) {
        List<UptimeCell> out = new ArrayList<>(WINDOW_LABELS.size());
        if (d.uptime().isEmpty()) {
            WINDOW_LABELS.forEach(w -> out.add(new UptimeCell(w, "—", d.historyUnavailable() ? "" : "no data yet")));
            return out;
        }
        Uptime u = d.uptime().get();
        List<Uptime.Window> windows = List.of(u.last24Hours(), u.last7Days(), u.last30Days(), u.lastYear());
        for (int i = 0; i < windows.size(); i++) {
            Uptime.Window w = windows.get(i);
            OptionalDouble r = w.ratio();
            String detail = "";
            if (r.isPresent()) {
                List<String> parts = new ArrayList<>();
                if (w.down().toSeconds() > 0) {
                    parts.add(Format.duration(w.down()) + " down");
                }
                if (w.from().isAfter(d.now().minus(w.length()).plus(Duration.ofDays(1)))) {
                    parts.add("since " + times.date(w.from()));
                }
                detail = String.join(", ", parts);
            } else {
                detail = "nothing observed";
            }
            out.add(new UptimeCell(WINDOW_LABELS.get(i), Format.percent(r), detail));
        }
        return out;
    }

    private static gg.jte.Content bars(TargetRoutes.Data d, Times times) {
        if (d.historyUnavailable()) {
            return null;
        }
        Html h = new Html(2_048);
        StatusView.bars(h, d.days(), d.now(), times);
        return h.content();
    }

    /** Kinds with response times: Watchpost's own checks, and anything that reported a latency. */
    private static boolean measured(TargetRoutes.Data d) {
        return d.view().kind().probed() || !Double.isNaN(d.view().latencyMs())
                || d.latency().stream().anyMatch(b -> b.latencyCount() > 0);
    }

    private static Chart chart(TargetRoutes.Data d, ChartRange range, TargetHistory.Links to, Times times) {
        if (!measured(d)) {
            return null;
        }
        TargetView v = d.view();
        long now = d.now().toEpochMilli();
        List<RangeLink> links = new ArrayList<>();
        for (ChartRange r : ChartRange.values()) {
            links.add(new RangeLink(r.id(), to.page().apply(r == ChartRange.DEFAULT ? "" : r.id()) + "#response-time",
                    r == range));
        }
        List<LatencyChart.Point> points = LatencyChart.points(d.latency(), range, now);
        LatencyChart.Summary s = LatencyChart.summary(points);
        List<RecentChecks.Result> checks = range == ChartRange.DAY ? inRange(d.checks(), range, now) : List.of();
        long measuredChecks = checks.stream().filter(c -> !Double.isNaN(c.latencyMs())).count();
        String rangeText = capital(range.text());
        if (s.count() == 0 && measuredChecks == 0) {
            String none = d.historyUnavailable()
                    ? "Response times cannot be read now: the database is unavailable."
                    : "No response times in the " + range.text() + ".";
            return new Chart(links, rangeText, null, none, List.of(), 0, false);
        }
        LatencyChart.Scale scale = LatencyChart.scale(points, checks);
        String summary = summary(s, range, checks.size(), scale, times);
        Html h = new Html(8_192 + checks.size() * 16);
        LatencyChart.draw(h, points, checks, range, now, "Response time of " + v.name() + ", " + range.text(), summary,
                times.zone());
        List<ChartRow> rows = new ArrayList<>();
        for (LatencyChart.Point p : points) {
            if (p.measured() || p.failures() > 0) {
                rows.add(new ChartRow(StatusView.Stamp.of(Instant.ofEpochMilli(p.startMs()), times),
                        period(p, range, times),
                        String.format(Locale.ROOT, "%,d", p.count()), ms(p.p50()), ms(p.p95()), ms(p.max()),
                        String.format(Locale.ROOT, "%,d", p.failures())));
            }
        }
        return new Chart(links, rangeText, h.content(), summary, rows, checks.size(), scale.clipped());
    }

    private static List<RecentChecks.Result> inRange(List<RecentChecks.Result> checks, ChartRange range, long now) {
        long start = range.startMs(now);
        return checks.stream().filter(c -> c.at().toEpochMilli() >= start && c.at().toEpochMilli() <= now).toList();
    }

    /** The range's figures in words: what the chart shows, for screen readers and as its caption. */
    static String summary(LatencyChart.Summary s, ChartRange range, int checks, LatencyChart.Scale scale, Times times) {
        StringBuilder b = new StringBuilder(capital(range.text())).append(": ");
        if (s.count() == 0) {
            b.append("no response times in the buckets yet");
        } else {
            b.append("median ").append(Format.millis(s.p50().getAsDouble()))
                    .append(", 95th percentile ").append(Format.millis(s.p95().getAsDouble()))
                    .append(", highest ").append(Format.millis(s.max().getAsDouble()))
                    .append(" (").append(period(s.maxAtMs(), range, times)).append(")")
                    .append(", from ").append(String.format(Locale.ROOT, "%,d", s.count()))
                    .append(s.count() == 1 ? " measurement" : " measurements");
        }
        if (s.failures() > 0) {
            b.append("; ").append(String.format(Locale.ROOT, "%,d", s.failures())).append(" failed");
        }
        b.append(". ");
        if (s.count() > 0) {
            b.append("Median and 95th percentile per ").append(pointText(range))
                    .append(" are estimated from latency histograms; the highest is exact. ");
        }
        if (checks > 0) {
            b.append("The last ").append(checks).append(checks == 1 ? " check is" : " checks are").append(" drawn one by one. ");
        }
        if (scale.clipped()) {
            b.append("The scale stops at ").append(LatencyChart.tick(scale.top()))
                    .append("; higher values are drawn at its top. ");
        }
        return b.toString().strip();
    }

    private static String pointText(ChartRange range) {
        return switch (range) {
            case DAY, WEEK -> "hour";
            case MONTH -> "6 hours";
            case YEAR -> "day";
        };
    }

    private static String period(LatencyChart.Point p, ChartRange range, Times times) {
        return range == ChartRange.YEAR ? day(p.startMs()) : hours(p.startMs(), p.endMs(), times);
    }

    private static String period(long startMs, ChartRange range, Times times) {
        return range == ChartRange.YEAR ? "on " + day(startMs) : "at " + hours(startMs, startMs + range.stepMs(), times);
    }

    /** "2026-11-23 21:00–22:00 JST": a point of hours, in the page's zone. */
    private static String hours(long startMs, long endMs, Times times) {
        Instant from = Instant.ofEpochMilli(startMs);
        ZoneId zone = times.zone();
        return HOUR.withZone(zone).format(from) + "–" + END.withZone(zone).format(Instant.ofEpochMilli(endMs)) + " "
                + times.name(from);
    }

    /**
     * A point of the year's chart: a UTC day (the day buckets history keeps), named by its UTC date,
     * which is the date of most of it in any zone within 12 hours of UTC.
     */
    private static String day(long startMs) {
        return DATE.withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(startMs));
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "—" : Format.millis(v);
    }

    private static String capital(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static List<PartRow> parts(TargetRoutes.Data d, TargetHistory.Links links) {
        List<PartRow> out = new ArrayList<>(d.parts().size());
        for (TargetRoutes.Part p : d.parts()) {
            if (p.target().isPresent()) {
                TargetView t = p.target().get();
                out.add(new PartRow(p.id(), t.name(), links.target().apply(t.id()), t.state().id(), Format.state(t.state()),
                        p.required(), t.message() == null || t.message().isBlank() ? null : t.message()));
            } else if (p.group().isPresent()) {
                GroupView g = p.group().get();
                State worst = worst(g.severity());
                out.add(new PartRow(p.id(), g.name() + " (group)", links.group().apply(g.id()), worst.id(),
                        StatusView.summary(g), p.required(), null));
            } else {
                out.add(new PartRow(p.id(), p.id(), null, State.UNKNOWN.id(), "Missing", p.required(),
                        "no target or group with this id"));
            }
        }
        return out;
    }

    /** The state a group's worst severity reads as, for its symbol. */
    private static State worst(Severity s) {
        return switch (s) {
            case OK -> State.ONLINE;
            case WARN -> State.DEGRADED;
            case BAD -> State.DOWN;
            case MAINTENANCE -> State.MAINTENANCE;
            case UNKNOWN -> State.UNKNOWN;
        };
    }

    /** A report's metrics, flattened one level deep ({@code shards.up}), numbers formatted; at most {@link #METRICS}. */
    static List<Fact> metrics(ObjectNode metrics) {
        List<Fact> out = new ArrayList<>();
        if (metrics == null) {
            return out;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = metrics.fields();
        while (fields.hasNext() && out.size() < METRICS) {
            Map.Entry<String, JsonNode> e = fields.next();
            JsonNode value = e.getValue();
            if (value.isObject()) {
                Iterator<Map.Entry<String, JsonNode>> inner = value.fields();
                while (inner.hasNext() && out.size() < METRICS) {
                    Map.Entry<String, JsonNode> i = inner.next();
                    out.add(Fact.text(e.getKey() + "." + i.getKey(), metric(i.getValue())));
                }
            } else {
                out.add(Fact.text(e.getKey(), metric(value)));
            }
        }
        return out;
    }

    private static String metric(JsonNode v) {
        String text;
        if (v.isNumber()) {
            text = Format.number(v.asDouble());
        } else if (v.isTextual()) {
            text = v.asText();
        } else if (v.isNull()) {
            text = "—";
        } else {
            text = v.toString();
        }
        return text.length() > METRIC_TEXT ? text.substring(0, METRIC_TEXT - 1) + "…" : text;
    }

    private static List<TransitionRow> transitions(List<Transition> transitions, Times times) {
        return transitions.stream().map(t -> new TransitionRow(StatusView.Stamp.of(t.at(), times), t.from().id(),
                Format.state(t.from()), t.to().id(), Format.state(t.to()), t.reason())).toList();
    }

    private static List<StatusView.NoticeRow> notices(List<Notices.Notice> notices, Times times) {
        return notices.stream().map(n -> new StatusView.NoticeRow(n.state().id(), n.label(), n.title(),
                StatusView.Stamp.of(n.at(), times), n.message())).toList();
    }

    static List<LocationRow> locations(List<Locations.Result> results, Instant now, Times times) {
        if (results.size() < 2) {
            return List.of(); // one location says no more than the target's own state above
        }
        return results.stream().map(r -> {
            StatusView.Stamp at = r.at().map(t -> StatusView.Stamp.of(t, times)).orElse(null);
            String latency = Double.isNaN(r.latencyMs()) ? "—" : Format.millis(r.latencyMs());
            if (r.live()) {
                return new LocationRow(r.location(), r.state().id(), Format.state(r.state()), r.message(), latency, at);
            }
            // Silent: left out of the quorum, never counted as down; its last result is only a clue.
            String message = r.at().map(t -> "No result for " + Format.duration(Duration.between(t, now))
                    + (r.message() == null ? "" : "; the last said: " + r.message())).orElse("No result yet");
            return new LocationRow(r.location(), "silent", "Silent", message, latency, at);
        }).toList();
    }
}
