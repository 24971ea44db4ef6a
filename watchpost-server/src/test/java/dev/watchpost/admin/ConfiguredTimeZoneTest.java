package dev.watchpost.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code status-page.time-zone: Asia/Tokyo} (+09:00 all year, no summer time) on a real server on the
 * real clock: one change of a target, read back from the API, is written as Tokyo time with JST on
 * the status page, the target's page, the dashboard and in the alert a webhook receives, while every
 * machine-readable form ({@code datetime}, the API, the webhook's own fields) stays ISO-8601 UTC. A
 * maintenance window is shown, and edited on the dashboard, in the same zone.
 */
@Tag("integration")
class ConfiguredTimeZoneTest {

    static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(TOKYO);
    static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(TOKYO);
    static final DateTimeFormatter LOCAL_INPUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm", Locale.ROOT).withZone(TOKYO);

    @TempDir
    Path dir;
    TestServer server;
    Http http;
    HttpServer hook;
    final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hook.createContext("/hook", ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                status-page:
                  time-zone: Asia/Tokyo
                targets:
                  - { id: web/api, name: Public API, push: { every: 1h } }
                channels:
                  - { id: hook, webhook: { url: "http://127.0.0.1:%d/hook" } }
                rules:
                  - { targets: ["web/*"], notify: [hook] }
                """.formatted(hook.getAddress().getPort()));
        server = TestServer.start(dir.resolve("data"), Clock.systemUTC(), Map.of("WATCHPOST_CONFIG", config.toString(),
                "WATCHPOST_ALERTS_STARTUP_GRACE", "0s"));
        http = server.http();
    }

    @AfterEach
    void stop() {
        server.close();
        hook.stop(0);
    }

    /** Tokyo time as every page and alert should write it. */
    static String tokyo(Instant t) {
        return TEXT.format(t) + " JST";
    }

    /** {@code <time datetime="iso">text</time>}: UTC for machines, Tokyo time for people. */
    static String time(Instant t) {
        return "<time datetime=\"" + t + "\">" + tokyo(t) + "</time>";
    }

    @Test
    void aChangeReadsAsTokyoTimeEverywherePeopleReadIt() {
        report("online");
        report("offline");
        JsonNode target = Http.json(http.get("/api/v1/targets/web/api", TestServer.READ)).get("target");
        assertThat(target.get("state").asText()).isEqualTo("offline");
        String iso = target.get("since").asText();
        assertThat(iso).as("the API stays UTC").endsWith("Z");
        Instant since = Instant.parse(iso);
        server.app().live().flush();
        server.app().history().flush();

        String status = page("/");
        assertThat(status).contains("<body data-zone=\"Asia/Tokyo\" data-zone-names=\"540=JST\">")
                .contains("Days are calendar days in Asia/Tokyo;")
                .as("the day bar of today names the change at Tokyo's clock")
                .contains("offline at " + MINUTES.format(since) + " JST (reported offline)")
                .containsPattern("As of <time datetime=\"[0-9T:.-]+Z\">\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d JST</time>");

        String own = page("/targets/web/api");
        assertThat(own).contains("since " + time(since) + " (")
                .contains("<th scope=\"col\">When (Asia/Tokyo)</th>")
                .contains("<tr><th scope=\"row\">" + time(since) + "</th>")
                .contains("Each cell is one of the last 90 calendar days in Asia/Tokyo;");

        AdminClient admin = new AdminClient(server.app().port());
        admin.signInWithToken(TestServer.ADMIN);
        String dashboard = admin.get("/admin/target?id=web/api").body().replace("\n", ""); // a time is a template of its own
        assertThat(dashboard).contains("<dt>Since</dt><dd>" + time(since) + "</dd>")
                .contains("<tr><td>" + time(since) + "</td>");

        await().atMost(Duration.ofSeconds(15)).until(() -> !received.isEmpty());
        JsonNode alert = json(received.get(0));
        assertThat(alert.get("text").asText()).as("the words people read")
                .isEqualTo("Public API (web/api) is offline since " + tokyo(since) + ": reported offline");
        assertThat(alert.get("since").asText()).as("the field machines read").isEqualTo(iso);
    }

    @Test
    void aMaintenanceWindowIsShownAndEditedInTokyoTime() {
        Instant starts = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MINUTES);
        Instant ends = starts.plus(Duration.ofHours(2));
        HttpResponse<String> created = http.postJson("/api/v1/notices", "{\"kind\":\"maintenance\",\"title\":\"Move\","
                + "\"message\":\"New rack\",\"targets\":[\"web/api\"],\"starts_at\":\"" + starts + "\",\"ends_at\":\""
                + ends + "\"}", TestServer.ADMIN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long id = Http.json(created).get("id").asLong();

        assertThat(page("/")).contains("From " + tokyo(starts) + " to " + tokyo(ends) + ". New rack");
        assertThat(page("/targets/web/api")).contains("From " + tokyo(starts) + " to " + tokyo(ends) + ". New rack");

        AdminClient admin = new AdminClient(server.app().port());
        admin.signInWithToken(TestServer.ADMIN);
        String detail = admin.get("/admin/notice?id=" + id).body().replace("\n", "");
        assertThat(detail).contains("<dt>Window</dt><dd>" + time(starts) + " – " + time(ends) + "</dd>")
                .as("the edit form's times are Tokyo's, and say so")
                .contains("value=\"" + LOCAL_INPUT.format(starts) + "\"", "value=\"" + LOCAL_INPUT.format(ends) + "\"")
                .contains("<input type=\"text\" name=\"tz\" id=\"f-tz\" value=\"Asia/Tokyo\">");
        assertThat(admin.get("/admin/notices/new?kind=maintenance").body()).as("a new window defaults to the zone too")
                .contains("<input type=\"text\" name=\"tz\" id=\"f-tz\" value=\"Asia/Tokyo\">");

        // Saved as shown, the window stays where it was.
        HttpResponse<String> saved = admin.submit("/admin/notice?id=" + id, "/admin/notice/edit?id=" + id, Map.of(
                "title", "Move", "targets", "web/api", "starts", LOCAL_INPUT.format(starts), "ends", LOCAL_INPUT.format(ends),
                "tz", "Asia/Tokyo"));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(303);
        JsonNode notice = Http.json(http.get("/api/v1/notices/" + id, TestServer.READ));
        assertThat(Instant.parse(notice.get("starts_at").asText())).isEqualTo(starts);
        assertThat(Instant.parse(notice.get("ends_at").asText())).isEqualTo(ends);
    }

    private static JsonNode json(String body) {
        try {
            return dev.watchpost.web.Json.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private void report(String state) {
        HttpResponse<String> r = http.postJson("/api/v1/heartbeat/web/api", "{\"state\":\"" + state + "\"}", TestServer.INGEST);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    }

    private String page(String path) {
        HttpResponse<String> r = http.send(http.request(path).header("Accept", "text/html").GET().build());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }
}
