package dev.watchpost.page;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.history.Bucket;
import dev.watchpost.history.Resolution;
import dev.watchpost.live.GroupView;
import dev.watchpost.live.Severity;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetKind;
import dev.watchpost.live.TargetView;
import dev.watchpost.probe.Outcome;
import dev.watchpost.probe.RecentChecks;
import dev.watchpost.web.Html;
import dev.watchpost.web.Templates;
import dev.watchpost.web.Times;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The target page's pure parts: ranges, the chart's points, scale and drawing, links and metrics,
 * and its history section as another page (the dashboard's) links and shows it.
 */
class TargetPageUnitsTest {

    static final Instant NOW = Instant.parse("2026-11-23T12:30:00Z");
    static final long NOW_MS = NOW.toEpochMilli();

    /** A bucket of {@code n} observations of {@code ms} each (plus one of {@code peak} when above 0). */
    static Bucket bucket(Resolution r, Instant start, int n, double ms, double peak) {
        long[] bins = new long[8];
        int[] bin = {bin(ms)};
        bins[bin[0]] += n;
        double sum = n * ms;
        double squares = n * ms * ms;
        double max = n > 0 ? ms : 0;
        long count = n;
        if (peak > 0) {
            bins[bin(peak)]++;
            sum += peak;
            squares += peak * peak;
            max = Math.max(max, peak);
            count++;
        }
        return new Bucket(r, start, count, 0, Duration.ZERO, Duration.ZERO, sum, squares, max, LongStream.of(bins).boxed().toList());
    }

    static int bin(double ms) {
        List<Double> bounds = Bucket.LATENCY_UPPER_BOUNDS_MS;
        for (int i = 0; i < bounds.size(); i++) {
            if (ms <= bounds.get(i)) {
                return i;
            }
        }
        return bounds.size();
    }

    @Test
    void rangesEndWithThePeriodRunningNowAndSayWhatIsAllowed() {
        assertThat(ChartRange.DAY.endMs(NOW_MS)).isEqualTo(Instant.parse("2026-11-23T13:00:00Z").toEpochMilli());
        assertThat(ChartRange.DAY.startMs(NOW_MS)).isEqualTo(Instant.parse("2026-11-22T13:00:00Z").toEpochMilli());
        assertThat(ChartRange.MONTH.startMs(NOW_MS)).isEqualTo(Instant.parse("2026-10-24T18:00:00Z").toEpochMilli());
        assertThat(ChartRange.YEAR.startMs(NOW_MS)).isEqualTo(Instant.parse("2025-11-24T00:00:00Z").toEpochMilli());
        assertThat(ChartRange.parse("7d")).contains(ChartRange.WEEK);
        assertThat(ChartRange.parse("2y")).isEmpty();
        assertThat(ChartRange.allowed()).isEqualTo("24h, 7d, 30d or 1y");
    }

    @Test
    void bucketsMergeIntoTheRangesPointsAndTheSummaryCoversThemAll() {
        // 30 days of hours at 6-hour points: each point merges six hour buckets, histograms and all.
        List<Bucket> hours = new ArrayList<>();
        long start = ChartRange.MONTH.startMs(NOW_MS);
        for (long t = start; t <= NOW_MS; t += 3_600_000L) {
            boolean spike = t == start + 6 * 3_600_000L * 10 + 3_600_000L; // inside point 10
            hours.add(bucket(Resolution.HOUR, Instant.ofEpochMilli(t), 60, 120, spike ? 2_400 : 0));
        }
        List<LatencyChart.Point> points = LatencyChart.points(hours, ChartRange.MONTH, NOW_MS);
        assertThat(points).hasSize(120);
        assertThat(points.get(0).count()).isEqualTo(360);
        assertThat(points.get(0).p50()).isEqualTo(120.0);
        assertThat(points.get(0).max()).isEqualTo(120.0);
        assertThat(points.get(10).max()).isEqualTo(2_400.0);
        assertThat(points.get(10).p95()).as("one slow check in 361 does not move the 95th percentile").isEqualTo(120.0);
        assertThat(points.get(119).count()).as("the point running now: 12:00 and its half hour").isEqualTo(60);
        LatencyChart.Summary s = LatencyChart.summary(points);
        assertThat(s.count()).isEqualTo(hours.size() * 60L + 1);
        assertThat(s.max()).hasValue(2_400.0);
        assertThat(s.maxAtMs()).isEqualTo(points.get(10).startMs());
        assertThat(s.p50()).hasValue(120.0);
    }

    @Test
    void aTimeoutDoesNotFlattenTheChart() {
        List<Bucket> hours = new ArrayList<>();
        long start = ChartRange.DAY.startMs(NOW_MS);
        for (int i = 0; i < 24; i++) {
            hours.add(bucket(Resolution.HOUR, Instant.ofEpochMilli(start + i * 3_600_000L), 120, 80, i == 5 ? 10_000 : 0));
        }
        List<LatencyChart.Point> points = LatencyChart.points(hours, ChartRange.DAY, NOW_MS);
        LatencyChart.Scale scale = LatencyChart.scale(points, List.of());
        assertThat(scale.clipped()).isTrue();
        assertThat(scale.top()).isLessThan(200.0).isGreaterThanOrEqualTo(120.0);
        LatencyChart.Scale plain = LatencyChart.scale(LatencyChart.points(hours.subList(6, 24), ChartRange.DAY, NOW_MS), List.of());
        assertThat(plain.clipped()).isFalse();
        assertThat(plain.top()).isGreaterThanOrEqualTo(80.0);
        assertThat(LatencyChart.nice(37)).isEqualTo(50.0);
        assertThat(LatencyChart.nice(0.3)).isEqualTo(0.5);
        assertThat(LatencyChart.tick(2_500)).isEqualTo("2.5 s");
        assertThat(LatencyChart.tick(250)).isEqualTo("250 ms");
    }

    @Test
    void theDrawnChartCarriesItsTextAlternativeAndEscapesIt() {
        long start = ChartRange.DAY.startMs(NOW_MS);
        List<Bucket> hours = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            if (i != 7) { // an hour without data leaves a gap in the lines
                hours.add(bucket(Resolution.HOUR, Instant.ofEpochMilli(start + i * 3_600_000L), 10, 60 + i, 0));
            }
        }
        List<RecentChecks.Result> checks = List.of(
                new RecentChecks.Result(NOW.minusSeconds(120), Outcome.UP, 70),
                new RecentChecks.Result(NOW.minusSeconds(60), Outcome.DOWN, Double.NaN),
                new RecentChecks.Result(NOW, Outcome.UP, 75));
        Html h = new Html();
        List<LatencyChart.Point> points = LatencyChart.points(hours, ChartRange.DAY, NOW_MS);
        LatencyChart.draw(h, points, checks, ChartRange.DAY, NOW_MS, "Response time of <b>x</b>", "median & more",
                ZoneOffset.UTC);
        String svg = h.toString();
        assertThat(svg).startsWith("<svg class=\"chart\" viewBox=\"0 0 720 240\" role=\"img\" aria-labelledby=\"chart-title chart-desc\">")
                .contains("<title id=\"chart-title\">Response time of &lt;b&gt;x&lt;/b&gt;</title>")
                .contains("<desc id=\"chart-desc\">median &amp; more</desc>")
                .contains("<path class=\"p50\" d=\"M", "<path class=\"p95\"", "<path class=\"max\"", "<path class=\"band\"",
                        "<path class=\"checks\" d=\"M", "<path class=\"fails\" d=\"M")
                .contains(">0 ms</text>", ">18:00</text>", ">00:00</text>")
                .doesNotContain("style=");
        String p50 = svg.replaceAll("(?s).*<path class=\"p50\" d=\"([^\"]*)\".*", "$1");
        assertThat(p50.chars().filter(c -> c == 'M')).as("the gap at hour 7 starts a second line").hasSize(2);
        String checkLine = svg.replaceAll("(?s).*<path class=\"checks\" d=\"([^\"]*)\".*", "$1");
        assertThat(checkLine.chars().filter(c -> c == 'M')).as("a check without an answer breaks the line").hasSize(2);

        String words = TargetPageView.summary(LatencyChart.summary(points), ChartRange.DAY, checks.size(),
                LatencyChart.scale(points, checks), Times.UTC);
        assertThat(words).startsWith("Last 24 hours: median ").contains("highest 83 ms (at 2026-11-23 12:00–13:00 UTC)")
                .contains("from 230 measurements").contains("The last 3 checks are drawn one by one.");
    }

    @Test
    void aYearIsLabelledByMonthWithTheYearAtJanuary() {
        Html h = new Html();
        List<Bucket> days = List.of(bucket(Resolution.DAY, Instant.parse("2026-03-02T00:00:00Z"), 100, 90, 0));
        LatencyChart.draw(h, LatencyChart.points(days, ChartRange.YEAR, NOW_MS), List.of(), ChartRange.YEAR, NOW_MS, "t", "d",
                ZoneOffset.UTC);
        assertThat(h.toString()).contains(">Dec</text>", ">2026</text>", ">Feb</text>", ">Nov</text>").doesNotContain(">Jan</text>");
        assertThat(LatencyChart.xTicks(ChartRange.YEAR, ChartRange.YEAR.startMs(NOW_MS), ChartRange.YEAR.endMs(NOW_MS),
                ZoneOffset.UTC)).hasSize(12);
    }

    @Test
    void theAxisAndThePeriodsReadThePagesClock() {
        java.time.ZoneId tokyo = java.time.ZoneId.of("Asia/Tokyo");
        // The last 24 hours end at 22:00 JST: ticks at Tokyo's 00:00, 06:00, 12:00 and 18:00.
        assertThat(LatencyChart.xTicks(ChartRange.DAY, ChartRange.DAY.startMs(NOW_MS), ChartRange.DAY.endMs(NOW_MS), tokyo))
                .containsExactly(ms("2026-11-22T15:00:00Z"), ms("2026-11-22T21:00:00Z"), ms("2026-11-23T03:00:00Z"),
                        ms("2026-11-23T09:00:00Z"));
        // A week across the end of summer time in New York (1 November 2026): each local midnight.
        long nowMs = ms("2026-11-04T12:30:00Z");
        java.time.ZoneId newYork = java.time.ZoneId.of("America/New_York");
        assertThat(LatencyChart.xTicks(ChartRange.WEEK, ChartRange.WEEK.startMs(nowMs), ChartRange.WEEK.endMs(nowMs), newYork))
                .containsExactly(ms("2026-10-29T04:00:00Z"), ms("2026-10-30T04:00:00Z"), ms("2026-10-31T04:00:00Z"),
                        ms("2026-11-01T04:00:00Z"), ms("2026-11-02T05:00:00Z"), ms("2026-11-03T05:00:00Z"),
                        ms("2026-11-04T05:00:00Z"));

        long start = ChartRange.DAY.startMs(NOW_MS);
        List<Bucket> hours = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            hours.add(bucket(Resolution.HOUR, Instant.ofEpochMilli(start + i * 3_600_000L), 10, 60 + i, 0));
        }
        List<LatencyChart.Point> points = LatencyChart.points(hours, ChartRange.DAY, NOW_MS);
        assertThat(TargetPageView.summary(LatencyChart.summary(points), ChartRange.DAY, 0, LatencyChart.scale(points, List.of()),
                new Times(tokyo))).contains("highest 83 ms (at 2026-11-23 21:00–22:00 JST)");
        Html h = new Html();
        LatencyChart.draw(h, points, List.of(), ChartRange.DAY, NOW_MS, "t", "d", tokyo);
        assertThat(h.toString()).contains(">00:00</text>", ">06:00</text>", ">12:00</text>", ">18:00</text>");
    }

    private static long ms(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void linksAndMetrics() throws Exception {
        assertThat(TargetPageView.href("bots/main/17")).isEqualTo("/targets/bots/main/17");
        assertThat(TargetPageView.href("a b/ü")).isEqualTo("/targets/a%20b/%C3%BC");
        assertThat(TargetPageView.groupHref("web")).isEqualTo("/#group:web");
        ObjectNode m = (ObjectNode) new ObjectMapper().readTree(
                "{\"guilds\":1500,\"ready\":true,\"region\":\"<eu>\",\"shards\":{\"up\":3},\"none\":null}");
        assertThat(TargetPageView.metrics(m)).extracting(TargetPageView.Fact::label, TargetPageView.Fact::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("guilds", "1,500"),
                        org.assertj.core.groups.Tuple.tuple("ready", "true"),
                        org.assertj.core.groups.Tuple.tuple("region", "<eu>"),
                        org.assertj.core.groups.Tuple.tuple("shards.up", "3"),
                        org.assertj.core.groups.Tuple.tuple("none", "—"));
        assertThat(TargetPageView.metrics(null)).isEmpty();
    }

    static final TargetHistory.Links ELSEWHERE = new TargetHistory.Links(t -> "/elsewhere/target?id=" + t,
            g -> "/elsewhere/group?id=" + g, r -> "/elsewhere/target?id=here" + (r.isEmpty() ? "" : "&range=" + r));

    static TargetView view(String id, String name, TargetKind kind, State state) {
        return new TargetView(id, name, kind, null, -1, state, NOW_MS - 60_000, NOW_MS - 60_000, -1, null, Double.NaN, null,
                null);
    }

    static TargetRoutes.Data data(TargetView v, List<TargetRoutes.Part> parts, boolean historyUnavailable) {
        return new TargetRoutes.Data(v, NOW, Optional.empty(), List.of(), Optional.empty(), parts, List.of(), Optional.empty(),
                List.of(), List.of(), historyUnavailable, List.of(), historyUnavailable, List.of(), List.of());
    }

    @Test
    void theHistorySectionLinksWhereItsPageSaysAndSaysWhenHistoryCannotBeRead() {
        TargetView api = view("web/api", "Public API", TargetKind.HTTP, State.ONLINE);
        String down = Templates.render("page/history.jte", TargetPageView.history(data(api, List.of(), true), ChartRange.WEEK,
                ELSEWHERE, Times.UTC));
        assertThat(down).contains("<p id=\"history-unavailable\" class=\"note history-unavailable\" role=\"status\">History unavailable")
                .contains("<p class=\"empty\">Response times cannot be read now: the database is unavailable.</p>")
                .contains("<a href=\"/elsewhere/target?id=here#response-time\">24h</a>")
                .contains("<a href=\"/elsewhere/target?id=here&amp;range=7d#response-time\" aria-current=\"page\">7d</a>")
                .doesNotContain("uptime-title").doesNotContain("class=\"bars\"").doesNotContain("day-gaps");

        String up = Templates.render("page/history.jte", TargetPageView.history(data(api, List.of(), false), ChartRange.DAY,
                ELSEWHERE, Times.UTC));
        assertThat(up).doesNotContain("history-unavailable").contains("<dt>24 h</dt><dd><strong>—</strong> <span class=\"detail\">no data yet</span>")
                .contains("<svg class=\"bars\"", "<pattern id=\"day-gaps\"", "No response times in the last 24 hours.");

        TargetView site = view("web/site", "Site", TargetKind.COMPOSITE, State.DEGRADED);
        GroupView bots = new GroupView("bots/main", "Main bot", "bots", 4, "1h", Map.of(State.ONLINE, 4), Severity.OK, 4);
        String parts = Templates.render("page/history.jte", TargetPageView.history(data(site, List.of(
                new TargetRoutes.Part("web/api", true, Optional.of(api), Optional.empty()),
                new TargetRoutes.Part("bots/main", false, Optional.empty(), Optional.of(bots)),
                new TargetRoutes.Part("gone", false, Optional.empty(), Optional.empty())), false), ChartRange.DAY, ELSEWHERE, Times.UTC));
        assertThat(parts).doesNotContain("id=\"response-time\"")
                .contains("<tr data-part=\"web/api\"><th scope=\"row\"><a href=\"/elsewhere/target?id=web/api\">Public API</a>")
                .contains("<tr data-part=\"bots/main\"><th scope=\"row\"><a href=\"/elsewhere/group?id=bots/main\">Main bot (group)</a>")
                .contains("<tr data-part=\"gone\"><th scope=\"row\">gone <span class=\"ident\">gone</span>");
        assertThat(TargetPageView.links("web/api").page().apply("1y")).isEqualTo("/targets/web/api?range=1y");
        assertThat(TargetPageView.links("web/api").page().apply("")).isEqualTo("/targets/web/api");
    }
}
