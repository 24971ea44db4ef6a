package dev.watchpost.page;

import dev.watchpost.web.Html;
import dev.watchpost.history.Bucket;
import dev.watchpost.history.DayBar;
import dev.watchpost.history.History;
import dev.watchpost.history.Uptime;
import dev.watchpost.live.GroupView;
import dev.watchpost.live.Snapshot;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Renders the public status page from one snapshot plus the history read for it. Complete without
 * JavaScript: banner, notices, every group with its targets (state as symbol and text, 90 day bars,
 * uptime, a latency sparkline for probed targets) and one tile grid per sharded group.
 *
 * <p><b>Size.</b> Built for 5,000 shards and 1,000 services on one page: a tile is one empty
 * {@code <li>} whose {@code title} carries its number and state (tooltip and accessible name at
 * once); day bars are one small SVG per target in which days that look alike (all up, or no data,
 * with nothing to report) are one rectangle, while a day pattern keeps every day visible as its own
 * cell. Every string that came from users or reporters is escaped by {@link Html}.
 */
final class StatusView {

    static final int DAYS = 90;
    static final List<Duration> WINDOWS = List.of(Duration.ofHours(24), Duration.ofDays(30), Duration.ofDays(90));
    static final List<String> WINDOW_LABELS = List.of("24 h", "30 d", "90 d");
    /** Kinds that Watchpost measures itself, so their latency means something: they get a sparkline. */
    static final Set<String> PROBED = Set.of("http", "tcp", "tls", "stats");
    static final int NOTICES = 5;

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    /**
     * Everything one rendering needs, read once.
     *
     * @param historyUnavailable the database could not be read: {@code history} and {@code latency}
     *                           are the last read, as of {@code historyAsOf} (empty: none were)
     */
    record Data(Snapshot snapshot, Map<String, History.Overview> history, Map<String, List<Bucket>> latency,
                List<Notices.Notice> notices, Optional<GuildQuery> guild, Instant now,
                boolean historyUnavailable, Optional<Instant> historyAsOf) {
    }

    /** The snapshot arranged as the page walks it. */
    record Tree(Map<String, List<GroupView>> childGroups, Map<String, List<TargetView>> targets,
                Map<String, State[]> shards, List<GroupView> groups, List<TargetView> ungrouped) {

        static Tree of(Snapshot s) {
            Map<String, List<GroupView>> children = new LinkedHashMap<>();
            Map<String, State[]> shards = new HashMap<>();
            for (GroupView g : s.groups()) {
                children.computeIfAbsent(g.parentId() == null ? "" : g.parentId(), k -> new ArrayList<>()).add(g);
                if (g.shards() > 0) {
                    State[] states = new State[g.shards()];
                    java.util.Arrays.fill(states, State.UNKNOWN);
                    shards.put(g.id(), states);
                }
            }
            Map<String, List<TargetView>> targets = new HashMap<>();
            List<TargetView> ungrouped = new ArrayList<>();
            s.forEachTarget(v -> {
                if (v.shard() >= 0 && v.groupId() != null) {
                    State[] states = shards.get(v.groupId());
                    if (states != null && v.shard() < states.length) {
                        states[v.shard()] = v.state();
                        return;
                    }
                }
                if (v.groupId() == null) {
                    ungrouped.add(v);
                } else {
                    targets.computeIfAbsent(v.groupId(), k -> new ArrayList<>()).add(v);
                }
            });
            return new Tree(children, targets, shards, s.groups(), ungrouped);
        }

        /** Targets that get history on the page: all but shards. */
        List<TargetView> services() {
            List<TargetView> out = new ArrayList<>(ungrouped);
            targets.values().forEach(out::addAll);
            return out;
        }
    }

    private final Layout layout;

    StatusView(Layout layout) {
        this.layout = layout;
    }

    String render(Data d) {
        Tree tree = Tree.of(d.snapshot());
        int tiles = tree.shards().values().stream().mapToInt(a -> a.length).sum();
        Html h = new Html(8_192 + tiles * 64 + tree.services().size() * 1_200);
        layout.open(h, "Status", Layout.Nav.STATUS, true);
        banner(h, Banner.decide(tree.groups(), tree.ungrouped()), d);
        if (d.historyUnavailable()) {
            historyUnavailable(h, d.historyAsOf());
        }
        notices(h, d.notices());
        if (!tree.shards().isEmpty()) {
            guildSearch(h, d.guild(), tree);
        }
        int[] ids = {0};
        for (GroupView g : tree.childGroups().getOrDefault("", List.of())) {
            group(h, g, tree, d, 2, ids);
        }
        if (!tree.ungrouped().isEmpty()) {
            h.raw("<section class=\"group\" aria-labelledby=\"g-other\"><h2 id=\"g-other\">Other services</h2>");
            targets(h, tree.ungrouped(), d);
            h.raw("</section>");
        }
        if (tree.groups().isEmpty() && tree.ungrouped().isEmpty()) {
            h.raw("<p class=\"empty\">Nothing is monitored yet. Declare groups and targets in "
                    + "<code>watchpost.yml</code> or through the API, and they appear here.</p>");
        }
        legend(h, !tree.shards().isEmpty());
        layout.close(h);
        return h.toString();
    }

    // ---------------------------------------------------------------- banner, notices, search

    private static void banner(Html h, Banner b, Data d) {
        h.raw("<section id=\"banner\" class=\"banner\"").attr("data-level", b.level())
                .raw(" aria-labelledby=\"banner-title\"><h1 id=\"banner-title\"><span class=\"sym\" aria-hidden=\"true\"></span>")
                .raw("<span class=\"banner-text\">").text(b.title()).raw("</span></h1>")
                .raw("<p class=\"as-of\">As of <time").attr("datetime", d.snapshot().generatedAt().toString()).raw(">")
                .text(TIME.format(d.snapshot().generatedAt())).raw("</time></p></section>");
    }

    /** The states above are live; only the history below them could not be read. */
    private static void historyUnavailable(Html h, Optional<Instant> asOf) {
        h.raw("<p id=\"history-unavailable\" class=\"note history-unavailable\" role=\"status\">")
                .text("History unavailable: the database cannot be reached. Current states are live; ");
        if (asOf.isPresent()) {
            h.text("uptime and day bars are as of ").raw("<time").attr("datetime", asOf.get().toString()).raw(">")
                    .text(TIME.format(asOf.get())).raw("</time>.");
        } else {
            h.text("uptime and day bars are not shown until it is back.");
        }
        h.raw("</p>");
    }

    private static void notices(Html h, List<Notices.Notice> notices) {
        if (notices.isEmpty()) {
            return;
        }
        h.raw("<section class=\"notices\" aria-labelledby=\"notices-title\"><h2 id=\"notices-title\">Notices</h2><ul>");
        for (Notices.Notice n : notices) {
            h.raw("<li class=\"notice\"").attr("data-state", n.state().id()).raw("><p class=\"notice-head\">")
                    .raw("<span class=\"state\"><span class=\"sym\" aria-hidden=\"true\"></span><span class=\"label\">")
                    .text(n.label()).raw("</span></span> <strong>").text(n.title()).raw("</strong> <time")
                    .attr("datetime", n.at().toString()).raw(">").text(TIME.format(n.at())).raw("</time></p>")
                    .raw("<p class=\"notice-text\">").text(n.message()).raw("</p></li>");
        }
        h.raw("</ul></section>");
    }

    private static void guildSearch(Html h, Optional<GuildQuery> guild, Tree tree) {
        h.raw("<section class=\"guild\" aria-labelledby=\"guild-title\"><h2 id=\"guild-title\">Find a server's shard</h2>"
                + "<form id=\"guild-form\" action=\"/\" method=\"get\" role=\"search\" novalidate>"
                + "<label for=\"guild\">Discord guild id</label><span class=\"field\">"
                + "<input id=\"guild\" name=\"guild\" inputmode=\"numeric\" autocomplete=\"off\" spellcheck=\"false\" "
                + "aria-describedby=\"guild-msg\"");
        guild.ifPresent(g -> h.attr("value", g.raw()));
        if (guild.isPresent() && !guild.get().valid()) {
            h.raw(" aria-invalid=\"true\"");
        }
        h.raw("><button type=\"submit\">Find shard</button></span>"
                + "<button type=\"button\" id=\"motion\" class=\"motion\" aria-pressed=\"true\" hidden>Animations on</button>"
                + "<p id=\"guild-msg\" class=\"guild-msg\" role=\"status\" aria-live=\"polite\"");
        if (guild.isPresent() && !guild.get().valid()) {
            h.raw(" data-error=\"true\">").text(guild.get().error());
        } else if (guild.isPresent()) {
            GuildQuery g = guild.get();
            h.raw(">");
            List<String> parts = new ArrayList<>();
            for (GroupView grp : tree.groups()) {
                State[] states = tree.shards().get(grp.id());
                if (states != null) {
                    int shard = g.shard(states.length);
                    parts.add(grp.name() + ": shard " + shard + " (" + Format.state(states[shard]) + ")");
                }
            }
            h.text("Guild " + g.raw() + " is on " + String.join("; ", parts) + ".");
        } else {
            h.raw(">");
        }
        h.raw("</p></form></section>");
    }

    // ---------------------------------------------------------------- groups

    private void group(Html h, GroupView g, Tree tree, Data d, int level, int[] ids) {
        String hid = "g-" + ids[0]++;
        String tag = "h" + Math.min(level, 6);
        h.raw("<section class=\"group\"").attr("data-group", g.id()).attr("aria-labelledby", hid).raw("><")
                .raw(tag).attr("id", hid).raw(">").text(g.name()).raw("</").raw(tag).raw(">")
                .raw("<p class=\"summary\"").attr("data-summary", g.id()).raw(">").text(summary(g)).raw("</p>");
        State[] shards = tree.shards().get(g.id());
        if (shards != null) {
            grid(h, g, shards, d.guild());
        }
        List<TargetView> targets = tree.targets().getOrDefault(g.id(), List.of());
        if (!targets.isEmpty()) {
            targets(h, targets, d);
        }
        for (GroupView child : tree.childGroups().getOrDefault(g.id(), List.of())) {
            group(h, child, tree, d, level + 1, ids);
        }
        h.raw("</section>");
    }

    /** "358 online · 2 unhealthy", in state order; "no targets" when empty. */
    static String summary(GroupView g) {
        if (g.total() == 0) {
            return "No targets";
        }
        List<String> parts = new ArrayList<>();
        for (State s : State.values()) {
            Integer n = g.counts().get(s);
            if (n != null && n > 0) {
                parts.add(n + " " + s.id());
            }
        }
        return String.join(" · ", parts);
    }

    private static void grid(Html h, GroupView g, State[] shards, Optional<GuildQuery> guild) {
        int found = guild.filter(GuildQuery::valid).map(q -> q.shard(shards.length)).orElse(-1);
        h.raw("<ol class=\"grid\"").attr("data-group", g.id()).attr("data-cluster", g.id().substring(g.id().lastIndexOf('/') + 1))
                .attr("data-shards", shards.length).attr("data-name", g.name()).attr("aria-label", "Shards of " + g.name()).raw(">");
        for (int i = 0; i < shards.length; i++) {
            String label = Format.state(shards[i]);
            h.raw("<li data-shard=\"").text(i).raw("\" data-state=\"").raw(shards[i].id()).raw("\" title=\"Shard ")
                    .text(i).raw(": ").raw(label).raw(i == found ? "\" class=\"found\" aria-current=\"true\">" : "\">")
                    .raw("</li>");
        }
        h.raw("</ol>");
    }

    // ---------------------------------------------------------------- targets

    private static void targets(Html h, List<TargetView> targets, Data d) {
        h.raw("<ul class=\"targets\">");
        for (TargetView v : targets) {
            target(h, v, d);
        }
        h.raw("</ul>");
    }

    private static void target(Html h, TargetView v, Data d) {
        // The id anchors links to this row (alerts link to <public-url>/#<target id>).
        h.raw("<li class=\"target\"").attr("id", v.id()).attr("data-target", v.id()).attr("data-state", v.state().id())
                .raw("><div class=\"head\"><span class=\"name\">").text(v.name()).raw("</span>")
                .raw("<span class=\"state\"><span class=\"sym\" aria-hidden=\"true\"></span><span class=\"label\">")
                .text(Format.state(v.state())).raw("</span></span></div>");
        if (v.message() != null && !v.message().isBlank()) {
            h.raw("<p class=\"msg\">").text(v.message()).raw("</p>");
        }
        History.Overview o = d.history().get(v.id());
        h.raw("<div class=\"hist\">");
        bars(h, o == null ? List.of() : o.days(), d.now());
        h.raw("<dl class=\"uptime\">");
        for (int i = 0; i < WINDOWS.size(); i++) {
            OptionalDouble r = o == null ? OptionalDouble.empty() : o.uptime().get(i).ratio();
            h.raw("<div><dt>").raw(WINDOW_LABELS.get(i)).raw("</dt><dd>").text(Format.percent(r)).raw("</dd></div>");
        }
        h.raw("</dl>");
        if (PROBED.contains(v.kind())) {
            sparkline(h, d.latency().getOrDefault(v.id(), List.of()), d.now());
        }
        h.raw("</div></li>");
    }

    /** The class of a day's cell: how good it was, independent of colour names. */
    static String dayClass(DayBar b) {
        if (b.uptime().isEmpty()) {
            return "none";
        }
        double u = b.uptime().getAsDouble();
        if (u >= 1.0 && b.incidentCount() == 0) {
            return "ok";
        }
        if (u >= 0.99) {
            return "minor";
        }
        return u >= 0.95 ? "partial" : "major";
    }

    /**
     * The 90 day cells. {@code days} oldest first, may be empty (no history: 90 days without data).
     * Consecutive "ok" or "none" days without incidents are one rectangle with one tooltip; every other
     * day is its own, with its uptime, down time and first incidents in the tooltip.
     */
    static void bars(Html h, List<DayBar> days, Instant now) {
        int n = DAYS;
        String[] cls = new String[n];
        int offset = n - days.size();
        java.util.Arrays.fill(cls, 0, Math.max(0, offset), "none");
        for (int i = 0; i < days.size() && i < n; i++) {
            cls[offset + i] = dayClass(days.get(i));
        }
        int incidents = 0;
        for (DayBar b : days) {
            incidents += b.incidentCount();
        }
        OptionalDouble overall = overall(days);
        h.raw("<svg class=\"bars\" viewBox=\"0 0 90 10\" preserveAspectRatio=\"none\" role=\"img\"")
                .attr("aria-label", "Last 90 days: " + (overall.isPresent() ? Format.percent(overall) + " uptime" : "no data")
                        + (incidents > 0 ? ", " + incidents + (incidents == 1 ? " incident" : " incidents") : ""))
                .raw(">");
        java.time.LocalDate today = java.time.LocalDate.ofInstant(now, ZoneOffset.UTC);
        int i = 0;
        while (i < n) {
            DayBar bar = i >= offset ? days.get(i - offset) : null;
            int j = i + 1;
            boolean mergeable = (cls[i].equals("ok") || cls[i].equals("none")) && (bar == null || bar.incidentCount() == 0);
            if (mergeable) {
                while (j < n && cls[j].equals(cls[i]) && (j < offset || days.get(j - offset).incidentCount() == 0)) {
                    j++;
                }
            }
            h.raw("<rect x=\"").text(i).raw("\" width=\"").text(j - i).raw("\" height=\"10\" class=\"d-").raw(cls[i]).raw("\"><title>");
            java.time.LocalDate from = today.minusDays(n - 1L - i);
            java.time.LocalDate to = today.minusDays(n - (long) j);
            if (j - i > 1) {
                h.text(from + " – " + to + ": " + (cls[i].equals("ok") ? "100% up, no incidents" : "no data"));
            } else if (bar == null || bar.uptime().isEmpty()) {
                h.text(from + ": no data");
            } else {
                h.text(dayTooltip(bar));
            }
            h.raw("</title></rect>");
            i = j;
        }
        // One cell per day stays visible inside merged runs: a gap every unit, drawn over the cells.
        h.raw("<rect width=\"90\" height=\"10\" fill=\"url(#day-gaps)\" pointer-events=\"none\"/></svg>");
    }

    /** "2026-11-20: 99.95% up, 43 s down, 1 incident: down at 14:03 UTC (status 503)". */
    static String dayTooltip(DayBar b) {
        StringBuilder s = new StringBuilder().append(b.date()).append(": ").append(Format.percent(b.uptime())).append(" up");
        if (b.down().toSeconds() > 0) {
            s.append(", ").append(Format.duration(b.down())).append(" down");
        }
        if (b.incidentCount() > 0) {
            s.append(", ").append(b.incidentCount()).append(b.incidentCount() == 1 ? " incident" : " incidents");
            String sep = ": ";
            for (DayBar.Incident i : b.incidents()) {
                s.append(sep).append(i.to().id()).append(" at ")
                        .append(DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC).format(i.at()))
                        .append(" UTC");
                if (!i.reason().isBlank()) {
                    s.append(" (").append(i.reason()).append(')');
                }
                sep = "; ";
            }
            if (b.incidentCount() > b.incidents().size()) {
                s.append("; …");
            }
        }
        if (b.latencyAverageMs().isPresent()) {
            s.append(", avg ").append(Format.millis(b.latencyAverageMs().getAsDouble()));
        }
        return s.toString();
    }

    /** Uptime over all days with data, weighting each day equally by its observed share (an estimate for the label). */
    private static OptionalDouble overall(List<DayBar> days) {
        double sum = 0;
        int n = 0;
        for (DayBar b : days) {
            if (b.uptime().isPresent()) {
                sum += b.uptime().getAsDouble();
                n++;
            }
        }
        return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / n);
    }

    /** Mean latency per hour over the last 24 hours as a line; hours without a measurement leave a gap. */
    static void sparkline(Html h, List<Bucket> hours, Instant now) {
        long end = now.toEpochMilli() / 3_600_000 * 3_600_000;
        long start = end - 23 * 3_600_000L;
        double[] avg = new double[24];
        java.util.Arrays.fill(avg, Double.NaN);
        double max = 0;
        double sum = 0;
        long count = 0;
        for (Bucket b : hours) {
            int i = (int) ((b.start().toEpochMilli() - start) / 3_600_000);
            OptionalDouble a = b.latencyAverageMs();
            if (i >= 0 && i < 24 && a.isPresent()) {
                avg[i] = a.getAsDouble();
                max = Math.max(max, a.getAsDouble());
                sum += b.latencySumMs();
                count += b.latencyCount();
            }
        }
        if (count == 0) {
            h.raw("<p class=\"spark-none\">No response times in the last 24 h</p>");
            return;
        }
        String label = "Response time, last 24 h: average " + Format.millis(sum / count) + ", highest hourly average "
                + Format.millis(max);
        h.raw("<figure class=\"spark\"><svg viewBox=\"0 0 230 24\" preserveAspectRatio=\"none\" role=\"img\"")
                .attr("aria-label", label).raw("><title>").text(label).raw("</title><path d=\"");
        boolean pen = false;
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            if (Double.isNaN(avg[i])) {
                pen = false;
                continue;
            }
            double y = 22 - 20 * avg[i] / max;
            p.append(pen ? 'L' : 'M').append(i * 10).append(' ').append(String.format(java.util.Locale.ROOT, "%.1f", y));
            if (!pen && (i == 23 || Double.isNaN(avg[i + 1]))) {
                p.append("h1"); // a lone point still shows
            }
            pen = true;
        }
        h.text(p.toString()).raw("\" vector-effect=\"non-scaling-stroke\"/></svg><figcaption>avg ")
                .text(Format.millis(sum / count)).raw("</figcaption></figure>");
    }

    // ---------------------------------------------------------------- legend

    private static void legend(Html h, boolean shards) {
        h.raw("<section class=\"legend\" aria-labelledby=\"legend-title\"><h2 id=\"legend-title\">Legend</h2><ul class=\"states\">");
        for (State s : State.values()) {
            h.raw("<li").attr("data-state", s.id()).raw("><span class=\"tile\" aria-hidden=\"true\"></span>")
                    .text(Format.state(s)).raw("</li>");
        }
        h.raw("</ul><ul class=\"days\">"
                + "<li><span class=\"cell d-ok\" aria-hidden=\"true\"></span>100% up</li>"
                + "<li><span class=\"cell d-minor\" aria-hidden=\"true\"></span>99% or more, or an incident</li>"
                + "<li><span class=\"cell d-partial\" aria-hidden=\"true\"></span>95–99%</li>"
                + "<li><span class=\"cell d-major\" aria-hidden=\"true\"></span>under 95%</li>"
                + "<li><span class=\"cell d-none\" aria-hidden=\"true\"></span>no data</li></ul>"
                + "<p class=\"note\">Days are UTC days; hover a day for its uptime, down time and incidents.");
        if (shards) {
            h.raw(" Each square of a shard grid is one shard; hover it for its number and state.");
        }
        h.raw("</p></section>"
                // The day-gap pattern every bar chart refers to.
                + "<svg class=\"defs\" aria-hidden=\"true\" focusable=\"false\" width=\"0\" height=\"0\"><defs>"
                + "<pattern id=\"day-gaps\" width=\"1\" height=\"10\" patternUnits=\"userSpaceOnUse\">"
                + "<rect x=\"0.78\" width=\"0.22\" height=\"10\" class=\"gap\"/></pattern></defs></svg>");
    }

    // ---------------------------------------------------------------- summary for the live module

    /** {@code /status.json}: the banner and the group summaries, so the browser shows the server's verdict. */
    static Map<String, Object> summaryJson(Snapshot s) {
        Tree tree = Tree.of(s);
        Banner b = Banner.decide(tree.groups(), tree.ungrouped());
        Map<String, Object> groups = new LinkedHashMap<>();
        for (GroupView g : s.groups()) {
            groups.put(g.id(), summary(g));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", s.version());
        out.put("generated_at", s.generatedAt().toString());
        out.put("banner", Map.of("level", b.level(), "title", b.title()));
        out.put("groups", groups);
        return out;
    }
}
