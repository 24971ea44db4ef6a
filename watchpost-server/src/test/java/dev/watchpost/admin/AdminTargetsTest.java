package dev.watchpost.admin;

import com.sun.net.httpserver.HttpServer;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard during an outage: the one API that is down comes before 48 green shards, which are
 * one row; "check now" runs the probe, and only for a signed-in session with its form's token; the
 * target's page lists its alerts and links to its public page.
 */
@Tag("integration")
class AdminTargetsTest {

    @TempDir
    Path dir;
    TestServer server;
    AdminClient admin;
    HttpServer api;
    HttpServer hook;
    final AtomicInteger checks = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.createContext("/health", ex -> {
            checks.incrementAndGet();
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        api.start();
        hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hook.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                groups:
                  - { id: bots, name: Discord bots, groups: [ { id: main, name: Main bot, shards: 48, lease: 1h } ] }
                targets:
                  - { id: zz/api, name: Public API, http: { url: "http://127.0.0.1:%d/health", every: 1h, failure-threshold: 1 } }
                channels:
                  - { id: hook, webhook: { url: "http://127.0.0.1:%d/" } }
                rules:
                  - { targets: ["zz/*"], notify: [hook] }
                """.formatted(api.getAddress().getPort(), hook.getAddress().getPort()));
        server = TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_CONFIG", config.toString(),
                "WATCHPOST_ALERTS_STARTUP_GRACE", "0s"));
        admin = new AdminClient(server.app().port());
        admin.signInWithToken(TestServer.ADMIN);
        StringBuilder all = new StringBuilder("[");
        for (int i = 0; i < 48; i++) {
            all.append(i == 0 ? "" : ",").append("{\"target\":\"bots/main/").append(i).append("\",\"state\":\"online\"}");
        }
        server.http().postJson("/api/v1/heartbeats", all.append(']').toString(), TestServer.INGEST);
    }

    @AfterEach
    void stop() {
        server.close();
        api.stop(0);
        hook.stop(0);
    }

    private static List<String> rowIds(String html) {
        Matcher m = Pattern.compile("<tr data-id=\"([^\"]+)\"").matcher(html);
        List<String> ids = new java.util.ArrayList<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    @Test
    void problemsComeFirstAndTheShardsOfAGroupAreOneRow() {
        await().atMost(Duration.ofSeconds(10)).until(() -> server.http().get("/api/v1/targets/zz/api").body().contains("\"down\""));
        String list = admin.get("/admin/targets").body();
        assertThat(rowIds(list)).as("the API that is down first, though its id sorts last; the shards one row")
                .containsExactly("zz/api", "bots/main");
        assertThat(list).contains("48 shards: 48 online");

        server.http().postJson("/api/v1/heartbeat/bots/main/7", "{\"state\":\"offline\"}", TestServer.INGEST);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(admin.get("/admin/targets").body()).contains("48 shards: 1 offline, 47 online"));

        String shards = admin.get("/admin/targets?group=bots/main").body();
        assertThat(rowIds(shards)).as("the group's own page lists its shards, the offline one first")
                .hasSize(48).first().isEqualTo("bots/main/7");
        String offline = admin.get("/admin/targets?state=offline").body();
        assertThat(offline).contains("1 shard: 1 offline").contains("href=\"/admin/targets?group=bots%2Fmain&amp;state=offline\"");
    }

    @Test
    void checkNowRunsTheProbeAndTheTargetsPageListsItsAlerts() {
        await().atMost(Duration.ofSeconds(10)).until(() -> checks.get() >= 1);
        int before = checks.get();
        String page = admin.get("/admin/target?id=zz/api").body();
        assertThat(page).contains("id=\"check-now\"").contains("href=\"/targets/zz/api\"");

        HttpResponse<String> r = admin.submit("/admin/target?id=zz/api", "/admin/target/check?id=zz/api", Map.of());
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(checks.get()).as("the probe ran during the request").isEqualTo(before + 1);
        String after = admin.get(r.headers().firstValue("Location").orElseThrow()).body();
        assertThat(after).contains("Checked now").contains("id=\"last-check\" data-outcome=\"down\"").contains("500");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(admin.get("/admin/target?id=zz/api").body()).contains("<table id=\"alerts\">")
                        .containsPattern("<td>down</td><td>hook</td><td>(delivered|sending|pending)</td>"));
        assertThat(admin.get("/admin/target?id=bots/main/3").body()).as("a shard is not probed: no button")
                .doesNotContain("id=\"check-now\"").contains("No alerts about this target.");
        assertThat(admin.submit("/admin/target?id=bots/main/3", "/admin/target/check?id=bots/main/3", Map.of()).statusCode())
                .isEqualTo(409);
    }

    @Test
    void checkNowWithoutASessionOrWithoutItsTokenIsRefusedAndTheProbeDoesNotRun() {
        // The scheduler's first check is done (the API is down) and its next is an hour away.
        await().atMost(Duration.ofSeconds(10)).until(() -> server.http().get("/api/v1/targets/zz/api").body().contains("\"down\""));
        int before = checks.get();
        String action = "/admin/target/check?id=zz/api";

        // No session: refused as every dashboard POST without one is (403, not a redirect to sign in).
        AdminClient stranger = new AdminClient(server.app().port());
        HttpResponse<String> anonymous = stranger.post(action, Map.of());
        assertThat(anonymous.statusCode()).isEqualTo(403);
        assertThat(anonymous.headers().firstValue("Location")).isEmpty();
        assertThat(anonymous.body()).contains("You are not signed in");
        assertThat(stranger.post(action, Map.of("csrf", admin.csrf("/admin/target?id=zz/api"))).statusCode())
                .as("a session's token without its cookie").isEqualTo(403);

        // The session, but no token, a wrong one, or another session's.
        HttpResponse<String> none = admin.post(action, Map.of());
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.body()).contains("nothing was changed");
        assertThat(admin.post(action, Map.of("csrf", "not-the-token")).statusCode()).isEqualTo(403);
        AdminClient other = new AdminClient(server.app().port());
        other.signInWithToken(TestServer.ADMIN);
        assertThat(admin.post(action, Map.of("csrf", other.csrf("/admin/target?id=zz/api"))).statusCode()).isEqualTo(403);

        assertThat(checks.get()).as("no refused request ran the probe").isEqualTo(before);
        assertThat(admin.get("/admin/target?id=zz/api").body()).as("nor did any show a result").doesNotContain("Checked now");
        // The same request with its token does run it: the counter would have seen the others.
        assertThat(admin.submit("/admin/target?id=zz/api", action, Map.of()).statusCode()).isEqualTo(303);
        assertThat(checks.get()).isEqualTo(before + 1);
    }
}
