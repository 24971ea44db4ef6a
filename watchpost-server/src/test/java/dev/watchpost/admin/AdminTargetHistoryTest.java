package dev.watchpost.admin;

import com.sun.net.httpserver.HttpServer;
import dev.watchpost.history.History;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetKind;
import dev.watchpost.live.TargetRef;
import dev.watchpost.live.Transition;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A target's page on the dashboard shows the status page's history section: uptime over four
 * windows, the day bars, the response-time chart with its ranges and the recent checks of a probed
 * target, a composite's parts; for private targets too, whose status page is not found by anonymous
 * readers. A real server on the real clock, with history written by the server's own history code
 * over the days before now.
 */
@Tag("integration")
class AdminTargetHistoryTest {

    @TempDir
    static Path dir;
    static TestServer server;
    static HttpServer service;
    static AdminClient admin;
    static final AtomicInteger served = new AtomicInteger();

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
                  - { id: web, name: Web }
                  - { id: ops, name: Ops }
                targets:
                  - { id: web/api, name: Public API, http: { url: "http://127.0.0.1:%d/health", every: 1h } }
                  - { id: ops/db, name: Internal DB, public: false, push: { every: 1h } }
                  - { id: web/site, name: Site, composite: { parts: [web/api, ops/db], required: [web/api] } }
                  - { id: web/world, name: World, http: { url: "https://world.example/", every: 1h, locations: [eu, us] } }
                """.formatted(service.getAddress().getPort()));
        server = TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_CONFIG", config.toString()));
        for (int i = 0; i < 2; i++) { // the recent checks the 24 h chart draws one by one
            HttpResponse<String> r = server.http().postJson("/api/v1/targets/web/api/check", "", TestServer.ADMIN);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        HttpResponse<String> db = server.http().postJson("/api/v1/heartbeat/ops/db", "{\"state\":\"online\",\"latency_ms\":45}",
                TestServer.INGEST);
        assertThat(db.statusCode()).as(db.body()).isIn(200, 204);

        // Eight days before now, an observation every 10 minutes; the API down for an hour three days
        // ago, from 10:00 UTC (a day it was watched all of).
        Instant now = Instant.now();
        History history = server.app().history().history();
        for (Instant t = now.minus(Duration.ofDays(8)); t.isBefore(now.minus(Duration.ofMinutes(5))); t = t.plus(Duration.ofMinutes(10))) {
            history.observe("web/api", t, true, 120.0);
            history.observe("ops/db", t, true, 45.0);
        }
        TargetRef api = new TargetRef("web/api", TargetKind.HTTP, "web", -1);
        Instant down = now.truncatedTo(java.time.temporal.ChronoUnit.DAYS).minus(Duration.ofDays(3)).plus(Duration.ofHours(10));
        history.transition(new Transition(api, State.ONLINE, State.DOWN, down, "status 503"));
        history.transition(new Transition(api, State.DOWN, State.ONLINE, down.plus(Duration.ofHours(1)), "status 200"));
        server.app().live().flush();
        server.app().history().flush();

        admin = new AdminClient(server.app().port());
        admin.signInWithToken(TestServer.ADMIN);
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

    static String page(String path) {
        HttpResponse<String> r = admin.get(path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    /** The history section of a dashboard page. */
    static String history(String html) {
        int at = html.indexOf("<div class=\"target-history\">");
        assertThat(at).as("the history section").isGreaterThanOrEqualTo(0);
        return html.substring(at, html.indexOf("<h2>Alerts</h2>", at));
    }

    static String uptime(String html, String window) {
        Matcher m = Pattern.compile("<dt>" + Pattern.quote(window)
                + "</dt><dd><strong>([^<]*)</strong>(?: <span class=\"detail\">([^<]*)</span>)?").matcher(html);
        assertThat(m.find()).as("uptime " + window).isTrue();
        return m.group(1) + (m.group(2) == null ? "" : " | " + m.group(2));
    }

    @Test
    void aProbedTargetsPageShowsItsUptimeDayBarsAndResponseTimeChartWithItsRanges() {
        assertThat(served.get()).as("the checks reached the service").isGreaterThanOrEqualTo(2);
        String html = history(page("/admin/target?id=web/api"));
        assertThat(uptime(html, "24 h")).isEqualTo("100%");
        assertThat(uptime(html, "7 d")).matches("99\\.\\d\\d% \\| 1 h down");
        assertThat(uptime(html, "30 d")).matches("99\\.\\d\\d% \\| 1 h down, since \\d{4}-\\d\\d-\\d\\d");
        assertThat(uptime(html, "1 y")).isNotEmpty();
        assertThat(html).contains("<svg class=\"bars\" viewBox=\"0 0 90 10\"", "<pattern id=\"day-gaps\"")
                .contains("95.83% up, 1 h down");
        assertThat(html).contains("<svg class=\"chart\" viewBox=\"0 0 720 240\" role=\"img\" aria-labelledby=\"chart-title chart-desc\">")
                .contains("<title id=\"chart-title\">Response time of Public API, last 24 hours</title>")
                .contains("<desc id=\"chart-desc\">Last 24 hours: median 120 ms")
                .containsPattern("The last [2-9] checks are drawn one by one.") // ours, and the scheduler's first
                .contains("<path class=\"p50\" d=\"M", "<path class=\"checks\" d=\"M")
                .contains("<summary>Last 24 hours as a table</summary>");
        // The range links stay on the dashboard.
        assertThat(html).contains("<a href=\"/admin/target?id=web%2Fapi#response-time\" aria-current=\"page\">24h</a>")
                .contains("<a href=\"/admin/target?id=web%2Fapi&amp;range=7d#response-time\">7d</a>")
                .contains("<a href=\"/admin/target?id=web%2Fapi&amp;range=30d#response-time\">30d</a>")
                .contains("<a href=\"/admin/target?id=web%2Fapi&amp;range=1y#response-time\">1y</a>");

        String week = history(page("/admin/target?id=web%2Fapi&range=7d"));
        assertThat(week).contains("<title id=\"chart-title\">Response time of Public API, last 7 days</title>")
                .contains("<a href=\"/admin/target?id=web%2Fapi&amp;range=7d#response-time\" aria-current=\"page\">7d</a>")
                .doesNotContain("drawn one by one"); // checks are drawn over 24 hours only
        for (String range : List.of("24h", "30d", "1y")) {
            assertThat(admin.get("/admin/target?id=web/api&range=" + range).statusCode()).as(range).isEqualTo(200);
        }
    }

    @Test
    void aBadRangeIsTheDashboardsErrorPageWith400() {
        HttpResponse<String> bad = admin.get("/admin/target?id=web/api&range=nope");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(bad.body()).contains("<title>Bad request · Watchpost admin</title>", "<h1>Bad request</h1>")
                .contains("range must be one of 24h, 7d, 30d or 1y (got &#39;nope&#39;).")
                .contains("<a href=\"/admin/target?id=web%2Fapi\">Open the target&#39;s page</a>")
                .contains("action=\"/admin/logout\"") // the dashboard's own chrome
                .doesNotContain("target-history");
        assertThat(admin.get("/admin/target?id=nope/x&range=7d").statusCode()).as("no such target").isEqualTo(404);
        assertThat(admin.get("/admin/target?id=nope/x").body()).contains("<h1>Not found</h1>", "There is no target &#39;nope/x&#39;.");
    }

    @Test
    void aPrivateTargetsHistoryIsOnTheDashboardThoughItsStatusPageIsNotFound() {
        assertThat(server.http().get("/targets/ops/db").statusCode()).as("anonymous readers").isEqualTo(404);
        String html = history(page("/admin/target?id=ops/db"));
        assertThat(html).contains("<title id=\"chart-title\">Response time of Internal DB, last 24 hours</title>")
                .contains("<desc id=\"chart-desc\">Last 24 hours: median 45 ms")
                .contains("<path class=\"p50\" d=\"M");
        assertThat(uptime(html, "7 d")).isEqualTo("100%");

        // A composite's parts, its private one too, each linked to its page on the dashboard.
        String site = history(page("/admin/target?id=web/site"));
        assertThat(site).contains("<tr data-part=\"web/api\"><th scope=\"row\"><a href=\"/admin/target?id=web%2Fapi\">Public API</a>")
                .contains("<tr data-part=\"ops/db\"><th scope=\"row\"><a href=\"/admin/target?id=ops%2Fdb\">Internal DB</a>");
        assertThat(server.http().get("/targets/web/site").body()).contains("data-part=\"web/api\"")
                .doesNotContain("ops/db").doesNotContain("Internal DB");
    }

    /**
     * The section's markup is the status page's, its classes styled by the status page's stylesheet:
     * each must be styled by the dashboard's too, or a chart line would be drawn in black on black.
     */
    @Test
    void everyClassOfTheHistorySectionIsStyledByTheDashboardsStylesheet() {
        String css = admin.get("/admin/assets/admin.css").body();
        Set<String> classes = new TreeSet<>();
        reportFromEuAndUs();
        for (String path : List.of("/admin/target?id=web/api", "/admin/target?id=web/site", "/admin/target?id=web/world")) {
            Matcher m = Pattern.compile("class=\"([^\"]+)\"").matcher(history(page(path)));
            while (m.find()) {
                classes.addAll(List.of(m.group(1).split(" ")));
            }
        }
        // Hooks only: styled through their context (or the dashboard's own rules for them, as .state).
        Set<String> unstyled = Set.of("axis", "facts", "hist", "wide", "label", "sym", "state", "parts", "message");
        assertThat(classes).contains("chart", "p50", "bars", "d-ok", "key", "ranges", "uptime-windows", "scroll");
        for (String c : classes) {
            if (!unstyled.contains(c)) {
                assertThat(css).as("admin.css styles ." + c).containsPattern("\\." + Pattern.quote(c) + "(?![\\w-])");
            }
        }
    }

    /** A target checked from two locations: the dashboard's page lists each one's latest result, as the status page does. */
    @Test
    void aTargetCheckedFromSeveralLocationsShowsEachOnesLatestResult() {
        reportFromEuAndUs();
        String html = history(page("/admin/target?id=web/world"));
        assertThat(html).contains("<h2 id=\"locations-title\">By location</h2>");
        assertThat(html).containsPattern("<tr><th scope=\"row\">eu</th><td data-state=\"online\">.*?<td>42 ms</td><td class=\"message\">status 200</td>");
        assertThat(html).containsPattern("<tr><th scope=\"row\">us</th><td data-state=\"down\">.*?<td>7 ms</td><td class=\"message\">connection refused</td>");
        assertThat(history(page("/admin/target?id=web/api"))).doesNotContain("By location");
    }

    /** eu sees web/world up, us sees it down, both checked just now. */
    static void reportFromEuAndUs() {
        HttpResponse<String> t = server.http().postJson("/api/v1/tokens", "{\"scope\":\"prober\"}", TestServer.ADMIN);
        assertThat(t.statusCode()).as(t.body()).isEqualTo(201);
        String token = dev.watchpost.testing.Http.json(t).get("token").asText();
        Instant now = Instant.now();
        for (String[] r : new String[][] {{"eu", "up", "42", "status 200"}, {"us", "down", "7", "connection refused"}}) {
            HttpResponse<String> sent = server.http().postJson("/api/v1/prober/results", "{\"location\":\"" + r[0]
                    + "\",\"results\":[{\"target\":\"web/world\",\"checked_at\":\"" + now + "\",\"outcome\":\"" + r[1]
                    + "\",\"latency_ms\":" + r[2] + ",\"reason\":\"" + r[3] + "\"}]}", token);
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        }
    }
}
