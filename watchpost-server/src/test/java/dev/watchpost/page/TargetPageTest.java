package dev.watchpost.page;

import com.sun.net.httpserver.HttpServer;
import dev.watchpost.history.History;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetKind;
import dev.watchpost.live.TargetRef;
import dev.watchpost.live.Transition;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.MutableClock;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.watchpost.testing.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Target pages over real HTTP from a real server (SQLite file, a local HTTP service it probes): one
 * per kind with the right state, uptime computed from history written by the server's own history
 * code, the response-time chart with its text alternative, changes, notices, a composite's parts, a
 * shard's metrics; 404 and 400 as HTML or JSON; no secret of any target on any page.
 *
 * <p>The server runs on a clock the test moves: every report, check and history entry is stamped
 * by it, so uptime and chart figures are exact.
 */
@Tag("integration")
class TargetPageTest {

    static final String URL_PASSWORD = "s3cretpw-in-url";
    static final String QUERY_SECRET = "QUERYSECRET9";
    static final String HEADER_SECRET = "HEADERSECRET9";

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;
    static MutableClock clock;
    static HttpServer service;
    static final AtomicInteger served = new AtomicInteger();
    static String pingKey;
    /** When the seeded history's observations were, every 10 minutes (latency 120 ms). */
    static final List<Instant> seeded = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        service = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        service.createContext("/health", ex -> {
            served.incrementAndGet();
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        service.start();
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                groups:
                  - id: bots
                    name: Discord bots
                    groups:
                      - { id: main, name: Main bot, shards: 4, lease: 1h }
                  - id: web
                    name: Web
                targets:
                  - id: web/api
                    name: Public API
                    description: The public REST API, checked from the inside.
                    http:
                      url: "http://probe:%s@127.0.0.1:%d/health?key=%s"
                      every: 1h
                      headers: { Authorization: "Bearer %s" }
                  - id: web/status
                    name: Payments
                    manual: {}
                  - id: workers/mailer
                    name: Mailer
                    push: { every: 1h }
                  - id: lab/exp
                    name: Experiment
                    composite: { parts: [web/api, workers/mailer, bots/main], required: [web/api] }
                """.formatted(URL_PASSWORD, service.getAddress().getPort(), QUERY_SECRET, HEADER_SECRET));
        clock = MutableClock.at("2026-11-23T12:27:00Z");
        server = TestServer.start(dir, clock, Map.of("WATCHPOST_CONFIG", config.toString()));
        http = server.http();

        // What happens now, a minute apart: checks, reports, an operator's status, a notice.
        HttpResponse<String> made = http.postJson("/api/v1/targets", "{\"id\":\"jobs/nightly\",\"push\":{\"every\":\"1d\"}}",
                TestServer.ADMIN);
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        pingKey = Http.json(made).get("ping-key").asText();
        check();
        post("/api/v1/heartbeat/workers/mailer", "{\"state\":\"starting\"}");
        post("/api/v1/heartbeat/bots/main/2", "{\"state\":\"online\",\"message\":\"resumed after reconnect\",\"latency_ms\":48,"
                + "\"metrics\":{\"guilds\":1500,\"region\":\"<eu-west>\"}}");
        clock.advance(Duration.ofMinutes(1));
        check();
        post("/api/v1/heartbeat/workers/mailer", "{\"state\":\"online\"}");
        HttpResponse<String> status = http.postJson("/api/v1/targets/web/status/status",
                "{\"status\":\"down\",\"message\":\"Card payments are failing\"}", TestServer.ADMIN);
        assertThat(status.statusCode()).as(status.body()).isEqualTo(201);
        HttpResponse<String> notice = http.postJson("/api/v1/notices",
                "{\"kind\":\"incident\",\"title\":\"Slow web\",\"message\":\"Looking into it\",\"targets\":[\"web\"]}",
                TestServer.ADMIN);
        assertThat(notice.statusCode()).as(notice.body()).isEqualTo(201);
        clock.advance(Duration.ofMinutes(1));
        check();
        clock.advance(Duration.ofMinutes(1)); // 12:30

        // Eight days and a half hour of the mailer's history, written by the server's history code:
        // a report every 10 minutes at 120 ms, and one hour down three days ago.
        Instant now = clock.instant();
        History history = server.app().history().history();
        for (Instant t = now.minus(Duration.ofDays(8)).minus(Duration.ofMinutes(30)); t.isBefore(now); t = t.plus(Duration.ofMinutes(10))) {
            history.observe("workers/mailer", t, true, 120.0);
            seeded.add(t);
        }
        TargetRef mailer = new TargetRef("workers/mailer", TargetKind.PUSH, null, -1);
        Instant down = now.minus(Duration.ofDays(3));
        history.transition(new Transition(mailer, State.ONLINE, State.DOWN, down, "no report for 72m"));
        history.transition(new Transition(mailer, State.DOWN, State.ONLINE, down.plus(Duration.ofHours(1)), "reported online"));
        server.app().live().flush();
        server.app().history().flush();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (service != null) {
            service.stop(0);
        }
    }

    static void check() {
        HttpResponse<String> r = http.postJson("/api/v1/targets/web/api/check", "", TestServer.ADMIN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    static void post(String path, String body) {
        HttpResponse<String> r = http.postJson(path, body, TestServer.INGEST);
        assertThat(r.statusCode()).as(r.body()).isIn(200, 204);
    }

    static String page(String path) {
        HttpResponse<String> r = http.send(http.request(path).header("Accept", "text/html").GET().build());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        return r.body();
    }

    /** The text of the element with {@code id} up to its section's end. */
    static String section(String html, String id) {
        int at = html.indexOf("id=\"" + id + "\"");
        assertThat(at).as("section " + id).isGreaterThanOrEqualTo(0);
        int end = html.indexOf("</section>", at);
        return html.substring(at, end < 0 ? html.length() : end);
    }

    static String uptime(String html, String window) {
        Matcher m = Pattern.compile("<dt>" + Pattern.quote(window) + "</dt><dd><strong>([^<]*)</strong>(?: <span class=\"detail\">([^<]*)</span>)?")
                .matcher(html);
        assertThat(m.find()).as("uptime " + window).isTrue();
        return m.group(1) + (m.group(2) == null ? "" : " | " + m.group(2));
    }

    @Test
    void aPushTargetShowsUptimeFromItsHistoryAndItsResponseTimes() {
        String html = page("/targets/workers/mailer");
        assertThat(html).contains("<title>Mailer · Watchpost</title>", "<h1 id=\"target-title\">Mailer <span class=\"ident\">workers/mailer</span></h1>");
        assertThat(html).contains("<p class=\"now\" data-state=\"online\"><span class=\"state\"><span class=\"sym\" aria-hidden=\"true\"></span><span class=\"label\">Online</span></span>")
                .contains("since <time datetime=\"2026-11-23T12:28:00Z\">2026-11-23 12:28:00 UTC</time> (2 min)");
        // Down one hour in the last 7 days (7 d 30 min observed) and in the 8 d 30 min since its first report.
        assertThat(uptime(html, "24 h")).isEqualTo("100%");
        assertThat(uptime(html, "7 d")).isEqualTo("99.40% | 1 h down");
        assertThat(uptime(html, "30 d")).isEqualTo("99.48% | 1 h down, since 2026-11-15");
        assertThat(uptime(html, "1 y")).isEqualTo("99.48% | 1 h down, since 2026-11-15");
        assertThat(html).contains("<title>2026-11-20: 95.83% up, 1 h down");

        String week = page("/targets/workers/mailer?range=7d");
        String chart = section(week, "response-time");
        long inWeek = seeded.stream().filter(t -> !t.isBefore(Instant.parse("2026-11-16T13:00:00Z"))).count();
        assertThat(chart).contains("<a href=\"/targets/workers/mailer?range=7d#response-time\" aria-current=\"page\">7d</a>")
                .contains("<a href=\"/targets/workers/mailer#response-time\">24h</a>")
                .contains("<svg class=\"chart\" viewBox=\"0 0 720 240\" role=\"img\" aria-labelledby=\"chart-title chart-desc\">")
                .contains("<title id=\"chart-title\">Response time of Mailer, last 7 days</title>")
                .contains("<desc id=\"chart-desc\">Last 7 days: median 120 ms, 95th percentile 120 ms, highest 120 ms")
                .contains("from " + String.format(java.util.Locale.ROOT, "%,d", inWeek) + " measurements")
                .contains("<path class=\"p50\" d=\"M", "<path class=\"p95\" d=\"M")
                .contains("<summary>Last 7 days as a table</summary>")
                .contains("<tr><th scope=\"row\"><time datetime=\"2026-11-20T12:00:00Z\">2026-11-20 12:00–13:00 UTC</time></th><td>6</td><td>120 ms</td><td>120 ms</td><td>120 ms</td><td>0</td></tr>");
        String year = page("/targets/workers/mailer?range=1y");
        assertThat(section(year, "response-time")).contains("Last 365 days: median 120 ms")
                .contains("from " + String.format(java.util.Locale.ROOT, "%,d", seeded.size()) + " measurements")
                .contains("<time datetime=\"2026-11-15T00:00:00Z\">2026-11-15</time></th><td>72</td>");
        // Changes, newest first, with their reasons.
        String changes = section(html, "transitions-title");
        assertThat(changes.indexOf("reported online")).isLessThan(changes.indexOf("reported starting"));
        assertThat(changes).contains("<td data-state=\"starting\"><span class=\"state\"><span class=\"sym\" aria-hidden=\"true\"></span><span class=\"label\">Starting</span></span></td><td data-state=\"online\">");
        // Its notices: none name it or a group around it.
        assertThat(section(html, "notices-title")).contains("No incidents or maintenance").doesNotContain("Slow web");
    }

    @Test
    void anHttpTargetShowsItsChecksButNoneOfItsSecrets() {
        String html = page("/targets/web/api");
        assertThat(served.get()).as("the checks reached the service").isGreaterThanOrEqualTo(3);
        assertThat(html).contains("<p class=\"now\" data-state=\"online\">", "<span class=\"label\">Online</span>")
                .contains("<p class=\"description\">The public REST API, checked from the inside.</p>")
                .contains("<dt>Kind</dt><dd>HTTP check every 1h</dd>")
                .contains("<dt>Group</dt><dd><a href=\"/#group:web\">Web</a></dd>")
                .contains("<a href=\"/#group:web\">Web</a></li><li><a href=\"/targets/web/api\" aria-current=\"page\">Public API</a>");
        String chart = section(html, "response-time");
        assertThat(chart).contains("<title id=\"chart-title\">Response time of Public API, last 24 hours</title>")
                .contains("The last " + served.get() + " checks are drawn one by one.") // ours, and the scheduler's first
                .contains("<path class=\"checks\" d=\"M")
                .contains("<li><span class=\"key checks\"></span>each check</li>");
        // A notice naming its group is its notice too.
        assertThat(section(html, "notices-title")).contains("<strong>Slow web</strong>", "Looking into it", "Incident: investigating");
        for (String path : List.of("/targets/web/api", "/targets/web/api?range=1y", "/targets/lab/exp", "/")) {
            assertThat(http.get(path).body()).as(path).doesNotContain(URL_PASSWORD).doesNotContain(QUERY_SECRET)
                    .doesNotContain(HEADER_SECRET).doesNotContain("/health?key");
        }
    }

    @Test
    void aPushTargetsPingKeyIsNotOnItsPage() {
        String html = page("/targets/jobs/nightly");
        assertThat(pingKey).hasSizeGreaterThan(10);
        assertThat(html).contains("<span class=\"label\">Unknown</span>", "<dt>Last report</dt><dd>none yet</dd>")
                .doesNotContain(pingKey).doesNotContain("/ping/");
    }

    @Test
    void aManualTargetShowsTheOperatorsStatusAndMessage() {
        String html = page("/targets/web/status");
        assertThat(html).contains("<p class=\"now\" data-state=\"down\">", "<span class=\"label\">Down</span>")
                .contains("<p class=\"msg target-msg\">Card payments are failing</p>")
                .contains("<dt>Kind</dt><dd>Manual: set by operators</dd>");
        assertThat(section(html, "transitions-title")).contains("<span class=\"label\">Down</span>");
        assertThat(section(html, "notices-title")).contains("Slow web");
        // No response-time chart for a status people set.
        assertThat(html).doesNotContain("id=\"response-time\"");
    }

    @Test
    void aCompositeListsItsPartsWithTheirStatesAndLinks() {
        // The page shows the composite's state as the API does (its engine may still be deciding: ask both until they agree).
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> page("/targets/lab/exp").contains(
                "<p class=\"now\" data-state=\"" + Http.json(http.get("/api/v1/targets/lab/exp")).get("target").get("state").asText() + "\">"));
        String html = page("/targets/lab/exp");
        String parts = section(html, "parts-title");
        assertThat(parts).contains("<tr data-part=\"web/api\"><th scope=\"row\"><a href=\"/targets/web/api\">Public API</a> <span class=\"ident\">web/api</span></th><td data-state=\"online\">")
                .contains("<tr data-part=\"workers/mailer\"><th scope=\"row\"><a href=\"/targets/workers/mailer\">Mailer</a>")
                .contains("<tr data-part=\"bots/main\"><th scope=\"row\"><a href=\"/#group:bots/main\">Main bot (group)</a>")
                .contains("3 unknown · 1 online");
        assertThat(parts.split("<td>required</td>", -1)).hasSize(2);
        assertThat(parts.split("<td>optional</td>", -1)).hasSize(3);
        assertThat(html).contains("<dt>Kind</dt><dd>Composite of 3 parts: healthy when every part is</dd>");
    }

    @Test
    void aShardShowsItsMessageAndMetrics() {
        String html = page("/targets/bots/main/2");
        assertThat(html).contains("<title>Main bot #2 · Watchpost</title>", "<span class=\"label\">Online</span>")
                .contains("<p class=\"msg target-msg\">resumed after reconnect</p>")
                .contains("<dt>Kind</dt><dd>Shard 2 of Main bot</dd>")
                .contains("<a href=\"/#group:bots\">Discord bots</a></li><li><a href=\"/#group:bots/main\">Main bot</a>");
        assertThat(section(html, "metrics-title")).contains("<dt>guilds</dt><dd>1,500</dd>")
                .contains("<dt>region</dt><dd>&lt;eu-west&gt;</dd>");
        assertThat(page("/targets/bots/main/3")).contains("<span class=\"label\">Unknown</span>").doesNotContain("metrics-title");
    }

    @Test
    void theStatusPageLinksEachRowToItsPage() {
        String html = page("/");
        assertThat(html).contains("<span class=\"name\"><a href=\"/targets/web/api\">Public API</a></span>")
                .contains("<span class=\"name\"><a href=\"/targets/workers/mailer\">Mailer</a></span>")
                .contains("<section class=\"group\" id=\"group:web\" data-group=\"web\"");
    }

    @Test
    void unknownTargetsAre404AndBadRangesAre400AsHtmlOrJson() {
        HttpResponse<String> page = http.send(http.request("/targets/nope/x").header("Accept", "text/html,*/*;q=0.8").GET().build());
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<h1>Not found</h1>", "no target &#39;nope/x&#39;", "<a href=\"/\">Back to the status page</a>");
        assertError(http.send(http.request("/targets/nope/x").header("Accept", "application/json").GET().build()), 404,
                "no target 'nope/x'");

        HttpResponse<String> bad = http.send(http.request("/targets/web/api?range=forever").header("Accept", "text/html").GET().build());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("range must be one of 24h, 7d, 30d or 1y (got &#39;forever&#39;)",
                "<a href=\"/targets/web/api\">Open the target's page</a>");
        assertError(http.send(http.request("/targets/web/api?range=forever").header("Accept", "application/json").GET().build()),
                400, "range must be one of 24h, 7d, 30d or 1y (got 'forever')");
        for (String range : List.of("24h", "7d", "30d", "1y")) {
            assertThat(http.get("/targets/web/api?range=" + range).statusCode()).as(range).isEqualTo(200);
        }
    }

    @Test
    void theTargetPageIsAReadRoute(@TempDir Path other) {
        try (TestServer closed = TestServer.start(other, clock, Map.of("WATCHPOST_PUBLIC_READ", "false"))) {
            closed.http().postJson("/api/v1/targets", "{\"id\":\"api\",\"push\":{\"every\":\"1h\"}}", TestServer.ADMIN);
            assertThat(closed.http().get("/targets/api").statusCode()).isEqualTo(401);
            assertThat(closed.http().get("/targets/api", TestServer.INGEST).statusCode()).isEqualTo(403);
            HttpResponse<String> read = closed.http().get("/targets/api", TestServer.READ);
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.body()).contains("<h1 id=\"target-title\">api");
        }
    }
}
