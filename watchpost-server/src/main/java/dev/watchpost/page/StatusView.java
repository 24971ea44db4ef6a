package dev.watchpost.page;

import dev.watchpost.web.Html;
import dev.watchpost.web.Templates;
import dev.watchpost.web.Times;
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
 * cell. The page is laid out by {@code page/status.jte} from the {@link Page} built here; every
 * string that came from users or reporters is escaped there, or by {@link Html} in the SVG drawn here.
 */
final class StatusView {

    static final int DAYS = 90;
    static final List<Duration> WINDOWS = List.of(Duration.ofHours(24), Duration.ofDays(30), Duration.ofDays(90));
    static final List<String> WINDOW_LABELS = List.of("24 h", "30 d", "90 d");
    static final int NOTICES = 5;

    /**
     * Everything one rendering needs, read once.
     *
     * @param snapshot           what this reader may see (the public view without a token)
     * @param historyUnavailable the database could not be read: {@code history} and {@code latency}
     *                           are the last read, as of {@code historyAsOf} (empty: none were)
     * @param banner             the public verdict ({@link BannerScope}), the same for every reader
     * @param fleetTab           whether the navigation offers the fleet view
     * @param nothingMonitored   nothing is declared at all (not just nothing public): the operator's first run
     */
    record Data(Snapshot snapshot, Map<String, History.Overview> history, Map<String, List<Bucket>> latency,
                List<Notices.Notice> notices, Optional<GuildQuery> guild, Instant now,
                boolean historyUnavailable, Optional<Instant> historyAsOf, Banner banner, boolean fleetTab,
                boolean nothingMonitored, String since) {
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

    // ---------------------------------------------------------------- the page's view model (page/status.jte)

    /** A moment as the page shows it: for machines ({@code datetime}, UTC) and for people (in the page's zone). */
    record Stamp(String iso, String text) {
        static Stamp of(Instant t, Times times) {
            return new Stamp(t.toString(), times.text(t));
        }
    }

    /**
     * The whole status page.
     *
     * @param historyAsOf when the shown history was read, while the database cannot be; null when
     *                    history is available or none was ever read
     * @param search      the guild search form; null when no group is sharded
     */
    /**
     * @param empty            nothing to show this reader
     * @param nothingMonitored nothing declared at all: the empty page says how to start
     */
    /**
     * @param zone how the notes name the zone the page's times and days are in ({@code UTC}, {@code Asia/Tokyo})
     */
    record Page(Layout.Shell shell, Banner banner, Stamp asOf, boolean historyUnavailable, Stamp historyAsOf,
                List<NoticeRow> notices, Search search, List<Group> groups, List<Row> ungrouped, boolean empty,
                boolean nothingMonitored, boolean shardGrids, String since, String zone) {
    }

    record NoticeRow(String state, String label, String title, Stamp at, String message) {
    }

    /** @param value what was searched (null: nothing); @param message the answer or the error, empty before a search */
    record Search(String value, boolean invalid, String message) {
    }

    /** @param hid the heading's id; @param grid null unless sharded */
    record Group(String id, String hid, int level, String name, String summary, Grid grid, List<Row> targets,
                 List<Group> children) {
    }

    /** Up to this many shards, a grid's tiles are large enough to carry their number. */
    static final int NUMBERED = 100;

    /** @param found the shard a guild search found, -1 for none */
    record Grid(String groupId, String cluster, String name, State[] states, int found) {
        int size() {
            return states.length;
        }

        /** Small grids show each tile's number in it; in big ones it would not fit (and weigh 5,000 texts). */
        boolean numbered() {
            return states.length <= NUMBERED;
        }

        String css() {
            return numbered() ? "grid numbered" : "grid";
        }

        String state(int i) {
            return states[i].id();
        }

        String label(int i) {
            return Format.state(states[i]);
        }

        String found(int i) {
            return i == found ? "found" : null;
        }

        String current(int i) {
            return i == found ? "true" : null;
        }
    }

    /**
     * One service. {@code bars} and {@code spark} are SVG drawn by {@link Html} (see {@link Html#content()});
     * {@code spark} is null for kinds Watchpost does not measure, {@code message} null when there is none.
     */
    record Row(String id, String state, String name, String label, String message, gg.jte.Content bars,
               List<UptimeCell> uptime, gg.jte.Content spark) {
    }

    record UptimeCell(String window, String value) {
    }

    record LegendEntry(String id, String label) {
    }

    static final List<LegendEntry> LEGEND = java.util.Arrays.stream(State.values())
            .map(s -> new LegendEntry(s.id(), Format.state(s))).toList();

    private final Layout layout;

    StatusView(Layout layout) {
        this.layout = layout;
    }

    /** The page in UTF-8. */
    byte[] render(Data d) {
        Tree tree = Tree.of(d.snapshot());
        int tiles = tree.shards().values().stream().mapToInt(a -> a.length).sum();
        return Templates.bytes("page/status.jte", page(d, tree), 8_192 + tiles * 80 + tree.services().size() * 1_400);
    }

    Page page(Data d, Tree tree) {
        Times times = layout.times();
        List<NoticeRow> notices = d.notices().stream()
                .map(n -> new NoticeRow(n.state().id(), n.label(), n.title(), Stamp.of(n.at(), times), n.message()))
                .toList();
        int[] ids = {0};
        List<Group> groups = new ArrayList<>();
        for (GroupView g : tree.childGroups().getOrDefault("", List.of())) {
            groups.add(group(g, tree, d, 2, ids));
        }
        return new Page(layout.statusShell(d.fleetTab()), d.banner(),
                Stamp.of(d.snapshot().generatedAt(), times), d.historyUnavailable(),
                d.historyAsOf().map(t -> Stamp.of(t, times)).orElse(null),
                notices, tree.shards().isEmpty() ? null : search(d.guild(), tree), groups, rows(tree.ungrouped(), d, times),
                tree.groups().isEmpty() && tree.ungrouped().isEmpty(), d.nothingMonitored(), !tree.shards().isEmpty(),
                d.since(), times.label());
    }

    // ---------------------------------------------------------------- search

    private static Search search(Optional<GuildQuery> guild, Tree tree) {
        if (guild.isEmpty()) {
            return new Search(null, false, "");
        }
        GuildQuery g = guild.get();
        if (!g.valid()) {
            return new Search(g.raw(), true, g.error());
        }
        List<String> parts = new ArrayList<>();
        for (GroupView grp : tree.groups()) {
            State[] states = tree.shards().get(grp.id());
            if (states != null) {
                int shard = g.shard(states.length);
                parts.add(grp.name() + ": shard " + shard + " (" + Format.state(states[shard]) + ")");
            }
        }
        return new Search(g.raw(), false, "Guild " + g.raw() + " is on " + String.join("; ", parts) + ".");
    }

    // ---------------------------------------------------------------- groups

    private Group group(GroupView g, Tree tree, Data d, int level, int[] ids) {
        String hid = "g-" + ids[0]++;
        State[] shards = tree.shards().get(g.id());
        Grid grid = null;
        if (shards != null) {
            int found = d.guild().filter(GuildQuery::valid).map(q -> q.shard(shards.length)).orElse(-1);
            grid = new Grid(g.id(), g.id().substring(g.id().lastIndexOf('/') + 1), g.name(), shards, found);
        }
        List<Row> targets = rows(tree.targets().getOrDefault(g.id(), List.of()), d, layout.times());
        List<Group> children = new ArrayList<>();
        for (GroupView child : tree.childGroups().getOrDefault(g.id(), List.of())) {
            children.add(group(child, tree, d, level + 1, ids));
        }
        return new Group(g.id(), hid, Math.min(level, 6), g.name(), summary(g), grid, targets, children);
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

    // ---------------------------------------------------------------- targets

    private static List<Row> rows(List<TargetView> targets, Data d, Times times) {
        List<Row> out = new ArrayList<>(targets.size());
        for (TargetView v : targets) {
            History.Overview o = d.history().get(v.id());
            Html bars = new Html(1_024);
            bars(bars, o == null ? List.of() : o.days(), d.now(), times);
            List<UptimeCell> uptime = new ArrayList<>(WINDOWS.size());
            for (int i = 0; i < WINDOWS.size(); i++) {
                OptionalDouble r = o == null ? OptionalDouble.empty() : o.uptime().get(i).ratio();
                uptime.add(new UptimeCell(WINDOW_LABELS.get(i), Format.percent(r)));
            }
            gg.jte.Content spark = null;
            if (v.kind().probed()) { // measured by Watchpost itself, so the latency means something
                Html h = new Html(512);
                sparkline(h, d.latency().getOrDefault(v.id(), List.of()), d.now());
                spark = h.content();
            }
            String message = v.message() == null || v.message().isBlank() ? null : v.message();
            out.add(new Row(v.id(), v.state().id(), v.name(), Format.state(v.state()), message, bars.content(), uptime, spark));
        }
        return out;
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
     * The 90 day cells. {@code days} oldest first, may be empty (no history: 90 days without data);
     * they are days of {@code times}' zone, the last one today there.
     * Consecutive "ok" or "none" days without incidents are one rectangle with one tooltip; every other
     * day is its own, with its uptime, down time and first incidents in the tooltip.
     */
    static void bars(Html h, List<DayBar> days, Instant now, Times times) {
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
        java.time.LocalDate today = times.date(now);
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
                h.text(dayTooltip(bar, times));
            }
            h.raw("</title></rect>");
            i = j;
        }
        // One cell per day stays visible inside merged runs: a gap every unit, drawn over the cells.
        h.raw("<rect width=\"90\" height=\"10\" fill=\"url(#day-gaps)\" pointer-events=\"none\"/></svg>");
    }

    /** "2026-11-20: 99.95% up, 43 s down, 1 incident: down at 14:03 UTC (status 503)". */
    static String dayTooltip(DayBar b, Times times) {
        StringBuilder s = new StringBuilder().append(b.date()).append(": ").append(Format.percent(b.uptime())).append(" up");
        if (b.down().toSeconds() > 0) {
            s.append(", ").append(Format.duration(b.down())).append(" down");
        }
        if (b.incidentCount() > 0) {
            s.append(", ").append(b.incidentCount()).append(b.incidentCount() == 1 ? " incident" : " incidents");
            String sep = ": ";
            for (DayBar.Incident i : b.incidents()) {
                s.append(sep).append(i.to().id()).append(" at ").append(times.minutes(i.at()));
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

    // ---------------------------------------------------------------- summary for the live module

    /**
     * {@code /status.json}: the banner and the group summaries, so the browser shows the server's verdict.
     *
     * @param s what this reader may see; @param b the public verdict
     */
    static Map<String, Object> summaryJson(Snapshot s, Banner b) {
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
