package dev.watchpost.page;

import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static dev.watchpost.testing.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The status page, fleet pages, badges and assets over real HTTP (what the browser tests build on). */
@Tag("integration")
class PageRoutesTest {

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, Clock.systemUTC(),
                Map.of("WATCHPOST_CONFIG", PageFixtures.config(dir, 360).toString()));
        http = server.http();
        post("/api/v1/heartbeat/web/status", "{\"state\":\"online\",\"message\":" + quote(PageFixtures.IMG) + "}");
        post("/api/v1/heartbeat/workers/mailer", "{\"state\":\"online\",\"latency_ms\":12}");
        post("/api/v1/heartbeat/bots/main/0", "{\"state\":\"online\"}");
        post("/api/v1/heartbeat/bots/main/9", "{\"state\":\"starting\"}");
        await().atMost(Duration.ofSeconds(3)).until(() -> page().contains("data-shard=\"9\" data-state=\"starting\""));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void post(String path, String body) {
        HttpResponse<String> r = http.postJson(path, body, TestServer.INGEST);
        assertThat(r.statusCode()).as(r.body()).isIn(200, 204);
    }

    static String page() {
        HttpResponse<String> r = http.get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * The page is sent from its cached bytes in two writes (its first byte with the headers, then the
     * rest): on one kept-alive connection, each answer's length is what its Content-Length says, the
     * next request on the same socket is answered as well, and the gzip holds the same page.
     */
    @Test
    void aLargePageArrivesWholeOnAKeptAliveConnection() throws Exception {
        byte[] plain = http.get("/").body().getBytes(StandardCharsets.UTF_8);
        assertThat(plain.length).as("large enough to be sent in two writes").isGreaterThan(16 * 1024);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.app().port())) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            var in = new java.io.BufferedInputStream(socket.getInputStream());
            for (String encoding : new String[] {"identity", "gzip", "identity"}) {
                out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: " + encoding + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Map<String, String> head = new java.util.HashMap<>();
                String status = line(in);
                for (String l = line(in); !l.isEmpty(); l = line(in)) {
                    head.put(l.substring(0, l.indexOf(':')).toLowerCase(java.util.Locale.ROOT), l.substring(l.indexOf(':') + 1).trim());
                }
                assertThat(status).isEqualTo("HTTP/1.1 200 OK");
                assertThat(head).doesNotContainKey("transfer-encoding");
                byte[] body = in.readNBytes(Integer.parseInt(head.get("content-length")));
                byte[] page = "gzip".equals(encoding)
                        ? new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes() : body;
                assertThat(head.getOrDefault("content-encoding", "identity")).isEqualTo(encoding);
                assertThat(new String(page, StandardCharsets.UTF_8).strip()).startsWith("<!doctype html>").endsWith("</html>")
                        .contains("data-shard=\"9\" data-state=\"starting\"");
            }
        }
    }

    private static String line(java.io.InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed after " + b);
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    @Test
    void operatorsNoticesAppearAndFollowTheirUpdates() {
        HttpResponse<String> created = http.postJson("/api/v1/notices",
                "{\"kind\":\"incident\",\"title\":\"Payments <slow>\",\"message\":\"Looking into it\"}", TestServer.ADMIN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String html = page();
        assertThat(html).contains("Incident: investigating</span></span> <strong>Payments &lt;slow&gt;</strong>")
                .contains("Looking into it");
        // An update changes no target, so the snapshot stays the same: the page must still follow it.
        String id = dev.watchpost.testing.Http.json(created).get("id").asText();
        assertThat(http.postJson("/api/v1/notices/" + id + "/updates", "{\"status\":\"resolved\",\"message\":\"Fixed\"}",
                TestServer.ADMIN).statusCode()).isEqualTo(201);
        assertThat(page()).contains("Incident: resolved</span></span> <strong>Payments &lt;slow&gt;</strong>").contains("Fixed")
                .doesNotContain("Incident: investigating");
        assertThat(http.send(http.request("/api/v1/notices/" + id).DELETE()
                .header("Authorization", "Bearer " + TestServer.ADMIN).build()).statusCode()).isEqualTo(204);
    }

    @Test
    void rendersGroupsTargetsAndOneTilePerShard() {
        String html = page();
        assertThat(html).contains("<h2 id=\"g-0\">Discord bots</h2>", ">Main bot</h3>", ">Web</h2>", "Other services",
                ">Public API</a></span>", ">Mailer</a></span>");
        Matcher tiles = Pattern.compile("<li data-shard=\"(\\d+)\" data-state=\"([a-z]+)\" title=\"Shard \\1: ([A-Za-z]+)\"")
                .matcher(html);
        int n = 0;
        while (tiles.find()) {
            assertThat(tiles.group(1)).isEqualTo(Integer.toString(n));
            assertThat(tiles.group(3).toLowerCase()).isEqualTo(tiles.group(2)); // the state in words, for tooltip and screen readers
            n++;
        }
        assertThat(n).isEqualTo(360);
        assertThat(html).contains("data-shard=\"0\" data-state=\"online\" title=\"Shard 0: Online\"");
        // A state is told by words too, not only by colour.
        assertThat(html).containsPattern("id=\"workers/mailer\" data-target=\"workers/mailer\" data-state=\"online\">.*?<span class=\"label\">Online</span>");
        assertThat(html).contains("data-summary=\"bots/main\">358 unknown · 1 online · 1 starting<");
        // Probed kinds get a latency line; push targets do not.
        assertThat(section(html, "web/api")).contains("No response times in the last 24 h");
        assertThat(section(html, "workers/mailer")).doesNotContain("spark");
        // 90 days of bars per service, even without history.
        assertThat(section(html, "workers/mailer")).contains("aria-label=\"Last 90 days: ");
    }

    @Test
    void userSuppliedStringsAreEscapedEverywhere() {
        String html = page();
        assertThat(html).doesNotContain(PageFixtures.SCRIPT).doesNotContain("<img");
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(html).contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
        // The message of a manual target is a notice.
        assertThat(html).contains("<h2 id=\"notices-title\">Notices</h2>");
    }

    @Test
    void bannerFollowsTheRules() {
        // web/api probes a closed port and is down: half of the "web" area → major outage.
        await().atMost(Duration.ofSeconds(15)).until(() -> page().contains("data-level=\"major\""));
        var summary = Http.json(http.get("/status.json"));
        assertThat(summary.get("banner").get("level").asText()).isEqualTo("major");
        assertThat(summary.get("banner").get("title").asText()).isEqualTo("Major outage");
        assertThat(summary.get("groups").get("web").asText()).isEqualTo("1 online · 1 down");
    }

    @Test
    void pageHasAnEtagAndGzip() throws IOException {
        HttpResponse<String> first = http.get("/");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(first.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        // The CSP forbids inline script and style; the page has none.
        assertThat(first.body()).doesNotContain("style=").doesNotContainPattern("<script(?![^>]*\\ssrc=)");
        HttpResponse<String> again = http.send(http.request("/").header("If-None-Match", etag).GET().build());
        assertThat(again.statusCode()).isIn(200, 304); // 200 only when something changed in between
        HttpResponse<byte[]> gz = bytes(http.request("/").header("Accept-Encoding", "gzip").GET().build());
        assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
        String unzipped = new String(new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes(), StandardCharsets.UTF_8);
        assertThat(unzipped).contains("Discord bots");
    }

    @Test
    void guildSearchWorksWithoutJavaScript() {
        String guild = "1234567890123456789";
        int shard = new BigInteger(guild).shiftRight(22).mod(BigInteger.valueOf(360)).intValueExact();
        HttpResponse<String> r = http.get("/?guild=" + guild);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("data-shard=\"" + shard + "\" data-state=\"unknown\" title=\"Shard " + shard
                + ": Unknown\" class=\"found\" aria-current=\"true\"");
        assertThat(r.body()).contains("Guild " + guild + " is on Main bot: shard " + shard + " (Unknown).");
        assertThat(r.body()).containsOnlyOnce("class=\"found\"");

        HttpResponse<String> bad = http.get("/?guild=12ab");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("data-error=\"true\">A guild id has digits only (0-9).").doesNotContain("class=\"found\"");
        assertThat(http.get("/?guild=18446744073709551616").body()).contains("larger than any Discord id");
        assertThat(http.get("/?guild=").body()).contains("Enter a guild id");
    }

    @Test
    void assetsAreServedFromTheJarWithCachingAndEtags() {
        String html = page();
        Matcher m = Pattern.compile("href=\"(/assets/page\\.css\\?v=([0-9a-f]+))\"").matcher(html);
        assertThat(m.find()).isTrue();
        HttpResponse<String> css = http.get(m.group(1));
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        assertThat(css.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(css.headers().firstValue("ETag")).hasValue("\"" + m.group(2) + "\"");
        // Modules import each other without the hash: those revalidate.
        HttpResponse<String> live = http.get("/assets/live.js");
        assertThat(live.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(live.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        String etag = live.headers().firstValue("ETag").orElseThrow();
        assertThat(http.send(http.request("/assets/live.js").header("If-None-Match", etag).GET().build()).statusCode())
                .isEqualTo(304);
        assertError(http.get("/assets/watchpost.yml"), 404, "no asset 'watchpost.yml'");
    }

    @Test
    void badgesAndTheShieldsEndpoint() {
        HttpResponse<String> status = http.get("/badge/workers/mailer/status.svg");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.headers().firstValue("Content-Type")).hasValue("image/svg+xml; charset=utf-8");
        assertThat(status.body()).startsWith("<svg").contains(">Mailer</text>", ">online</text>", "#4c1");

        // Names are escaped in SVG too.
        HttpResponse<String> evil = http.get("/badge/web/status/status.svg");
        assertThat(evil.body()).doesNotContain("<script").contains("&lt;script&gt;alert(1)&lt;/script&gt;");

        HttpResponse<String> uptime = http.get("/badge/workers/mailer/uptime.svg?window=7d");
        assertThat(uptime.statusCode()).isEqualTo(200);
        assertThat(uptime.body()).contains(">uptime 7d</text>");
        assertError(http.get("/badge/workers/mailer/uptime.svg?window=2d"), 400,
                "window must be one of 24h, 7d, 30d, 90d (got '2d')");
        assertError(http.get("/badge/nothing/here/status.svg"), 404, "no target 'nothing/here'");

        HttpResponse<String> shields = http.get("/badge/bots/main/9/shields.json");
        assertThat(shields.statusCode()).isEqualTo(200);
        assertThat(Http.json(shields).toString())
                .isEqualTo("{\"schemaVersion\":1,\"label\":\"Main bot #9\",\"message\":\"starting\",\"color\":\"yellow\"}");
        assertThat(Http.json(http.get("/badge/workers/mailer/shields.json?window=24h")).get("label").asText())
                .isEqualTo("Mailer 24h");
        assertError(http.get("/badge/nothing/shields.json"), 404, "no target 'nothing'");
    }

    @Test
    void historyAppearsAsBarsAndUptime() {
        server.app().live().flush();
        server.app().history().flush();
        String mailer = section(page(), "workers/mailer");
        // Observed since it reported, never down: 100 % in every window, today's cell green.
        assertThat(mailer).contains("<dt>24 h</dt><dd>100%</dd>", "<dt>30 d</dt><dd>100%</dd>", "<dt>90 d</dt><dd>100%</dd>");
        assertThat(mailer).containsPattern("<rect x=\"89\" width=\"1\" height=\"10\" class=\"d-ok\"><title>[0-9-]+: 100% up");
        assertThat(mailer).contains("<rect x=\"0\" width=\"89\" height=\"10\" class=\"d-none\"><title>");
    }

    @Test
    void fleetPagesDrillDownFromGlobalToShards() {
        HttpResponse<String> reg = http.postJson("/fleet/register", "{\"identity\":\"eu-bot-<b>1</b>\",\"fleet\":\"europe\"}",
                TestServer.INGEST);
        assertThat(reg.statusCode()).as(reg.body()).isEqualTo(200);
        int number = Http.json(reg).get("number").intValue();
        post("/fleet/heartbeat", "{\"identity\":\"eu-bot-<b>1</b>\",\"snapshot\":" + PageFixtures.argusSnapshot(0.05, 1.5, 100, 1) + "}");

        String global = http.get("/fleet").body();
        assertThat(global).contains("<h1>Fleet</h1>", "href=\"/fleet/europe\">europe</a>");
        String fleet = http.get("/fleet/europe").body();
        assertThat(fleet).contains("href=\"/fleet/europe/" + number + "\">#" + number + "</a>", "eu-bot-&lt;b&gt;1&lt;/b&gt;");
        // The worst shard's latency, 1.5 s, as Argus defines it: bad (0.3 / 1.0 s), graded by the server and said in words.
        assertThat(fleet).contains("<td data-metric=\"latency_seconds\" data-grade=\"bad\">1.50 s <span class=\"grade\">bad</span></td>");
        // last_seen is an ISO-8601 string on the wire; the page still shows it as a time.
        assertThat(fleet).containsPattern("<td>\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC</td>").doesNotContain("<td>never</td>");
        String cluster = http.get("/fleet/europe/" + number).body();
        assertThat(cluster).contains("<h2 id=\"shards-title\">Shards</h2>");
        assertThat(cluster).containsPattern("<th scope=\"row\">1</th><td class=\"status\" data-status=\"up\">.*?data-grade=\"bad\">1.50 s");
        HttpResponse<String> missing = http.get("/fleet/nowhere");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("There is no fleet &#39;nowhere&#39;.");
        assertThat(http.get("/fleet/europe/99").statusCode()).isEqualTo(404);
    }

    /** The markup of one target's row. */
    static String section(String html, String target) {
        int start = html.indexOf("data-target=\"" + target + "\"");
        assertThat(start).as("row of " + target).isNotNegative();
        int end = html.indexOf("</li>", html.indexOf("class=\"hist\"", start));
        return html.substring(start, end);
    }

    static HttpResponse<byte[]> bytes(java.net.http.HttpRequest request) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
