package dev.watchpost.page;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import dev.watchpost.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code public: false} over real HTTP: a server with public and private targets and groups (the
 * file's and the API's). Anonymous readers' raw bodies (the page, {@code /status.json}, the API, badges,
 * the SSE stream, Glance's feed, Stashboard's services, notices) carry no private id or name, while a
 * read token sees them; the banner counts only public targets the page's selection chooses.
 */
@Tag("integration")
class PublicPrivateTest {

    /** What must never reach a reader without a token: the private ids and names. */
    static final List<String> SECRETS = List.of("web/admin-panel", "Secret admin panel", "ops/", "Ops internal",
            "Nightly backup", "jobs/cleanup", "Cleanup cron", "bots/beta", "Beta bot", "switchboard", "Switchboard");

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                status-page:
                  name: Acme
                  banner: ["web/**", bots/main]
                groups:
                  - id: web
                    name: Web
                  - id: ops
                    name: Ops internal
                    public: false
                  - id: fleet
                    name: Fleet
                    public: false
                  - id: bots
                    name: Bots
                    groups:
                      - id: main
                        name: Main bot
                        shards: 4
                        lease: 1h
                      - id: beta
                        name: Beta bot
                        shards: 2
                        lease: 1h
                        public: false
                targets:
                  - id: web/api
                    name: Public API
                    push: { every: 1h }
                  - id: web/admin-panel
                    name: Secret admin panel
                    public: false
                    push: { every: 1h }
                  - id: ops/backup
                    name: Nightly backup
                    push: { every: 1h }
                  - id: ops/switchboard
                    name: Switchboard
                    manual: {}
                  - id: jobs/cleanup
                    name: Cleanup cron
                    public: false
                    push: { every: 1h }
                  - id: blog
                    name: Company blog
                    push: { every: 1h }
                  - id: status-note
                    name: Status note
                    manual: {}
                """);
        server = TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_CONFIG", config.toString(),
                "GLANCE_BOTS", "main:4;beta:2"));
        http = server.http();
        report("web/api", "online");
        for (int i = 0; i < 4; i++) {
            report("bots/main/" + i, "online");
        }
        // Everything private is down; so is the public blog, which the banner does not watch.
        report("web/admin-panel", "down");
        report("ops/backup", "down");
        report("jobs/cleanup", "down");
        report("bots/beta/0", "offline");
        report("blog", "down");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void report(String id, String state) {
        HttpResponse<String> r = http.postJson("/api/v1/heartbeat/" + id, "{\"state\":\"" + state + "\"}", TestServer.INGEST);
        assertThat(r.statusCode()).as(id + ": " + r.body()).isIn(200, 204);
    }

    static void assertNoSecret(String what, String body) {
        for (String s : SECRETS) {
            assertThat(body).as("%s must not name '%s'", what, s).doesNotContain(s);
        }
    }

    @Test
    void anonymousReadsNameNothingPrivateWhileAReadTokenSeesAll() {
        await().atMost(Duration.ofSeconds(5)).until(() -> http.get("/api/v1/snapshot").body().contains("\"bots/main/3\""));
        for (String path : List.of("/", "/status.json", "/api/v1/snapshot", "/api/v1/targets", "/api/v1/groups",
                "/api/v1/groups/web", "/api/v1/groups/bots", "/api/v1/guilds/1234567890123456789", "/api/v1/services",
                "/?guild=1234567890123456789")) {
            HttpResponse<String> anonymous = http.get(path);
            assertThat(anonymous.statusCode()).as(path).isEqualTo(200);
            assertNoSecret(path, anonymous.body());
        }
        String page = http.get("/").body();
        assertThat(page).contains("Public API", "Main bot", "Company blog", "Status note");

        // The same reads with a read token name the private ones.
        assertThat(http.get("/", TestServer.READ).body()).contains("Secret admin panel", "Nightly backup", "Cleanup cron",
                "Beta bot", "Ops internal");
        assertThat(http.get("/api/v1/snapshot", TestServer.READ).body()).contains("web/admin-panel", "ops/backup",
                "jobs/cleanup", "bots/beta/1");
        assertThat(http.get("/api/v1/guilds/1234567890123456789", TestServer.READ).body()).contains("bots/beta");
        assertThat(http.get("/api/v1/services", TestServer.READ).body()).contains("Switchboard");

        // The snapshot's ETag differs between the two views of one version.
        String anonymousTag = http.get("/api/v1/snapshot").headers().firstValue("ETag").orElseThrow();
        String readerTag = http.get("/api/v1/snapshot", TestServer.READ).headers().firstValue("ETag").orElseThrow();
        assertThat(anonymousTag).isNotEqualTo(readerTag);

        // Roll-ups count only what is shown: web's public total is 1, its whole total 2.
        assertThat(Http.json(http.get("/api/v1/groups/web")).get("group").get("total").asInt()).isEqualTo(1);
        assertThat(Http.json(http.get("/api/v1/groups/web", TestServer.READ)).get("group").get("total").asInt()).isEqualTo(2);
        assertThat(Http.json(http.get("/api/v1/groups/bots")).get("group").get("total").asInt()).isEqualTo(4);
        assertThat(Http.json(http.get("/status.json")).get("groups").get("web").asText()).isEqualTo("1 online");
    }

    @Test
    void privateTargetsAndGroupsAreAbsentWithoutATokenAndPresentWithOne() {
        for (String path : List.of("/api/v1/targets/web/admin-panel", "/api/v1/targets/web/admin-panel/history",
                "/api/v1/targets/ops/backup", "/api/v1/targets/bots/beta/0", "/api/v1/targets/jobs/cleanup/history",
                "/api/v1/targets/ops/switchboard/events", "/api/v1/groups/ops", "/api/v1/groups/bots/beta",
                "/badge/web/admin-panel/status.svg", "/badge/ops/backup/uptime.svg", "/badge/jobs/cleanup/shields.json",
                "/targets/web/admin-panel", "/targets/ops/backup", "/targets/bots/beta/0")) {
            HttpResponse<String> anonymous = http.get(path);
            assertThat(anonymous.statusCode()).as(path + ": " + anonymous.body()).isEqualTo(404);
        }
        for (String path : List.of("/api/v1/targets/web/admin-panel", "/api/v1/targets/web/admin-panel/history",
                "/api/v1/targets/ops/backup", "/api/v1/groups/ops", "/api/v1/targets/ops/switchboard/events",
                "/badge/web/admin-panel/status.svg", "/badge/jobs/cleanup/shields.json", "/targets/web/admin-panel")) {
            HttpResponse<String> reader = http.get(path, TestServer.READ);
            assertThat(reader.statusCode()).as(path + ": " + reader.body()).isEqualTo(200);
        }
        // A private badge read with a token is not for shared caches.
        assertThat(http.get("/badge/web/admin-panel/status.svg", TestServer.READ).headers().firstValue("Cache-Control"))
                .hasValue("private, max-age=60");
        assertThat(http.get("/badge/web/api/status.svg").headers().firstValue("Cache-Control")).hasValue("public, max-age=60");
        // Its declaration says so.
        assertThat(Http.json(http.get("/api/v1/targets/web/admin-panel", TestServer.READ)).get("spec").get("public").asBoolean(true))
                .isFalse();
    }

    @Test
    void theBannerCountsOnlyPublicTargetsTheSelectionChooses() {
        // Private targets are down, and so is the public blog, which the selection leaves out.
        await().atMost(Duration.ofSeconds(5)).until(() ->
                Http.json(http.get("/status.json")).get("banner").get("level").asText().equals("ok"));
        assertThat(http.get("/").body()).contains("All systems operational");
        assertThat(Http.json(http.get("/status.json", TestServer.READ)).get("banner").get("level").asText())
                .as("the banner is the public verdict for every reader").isEqualTo("ok");

        report("bots/main/2", "offline"); // one of four chosen shards: partial
        await().atMost(Duration.ofSeconds(5)).until(() ->
                Http.json(http.get("/status.json")).get("banner").get("level").asText().equals("partial"));
        report("bots/main/2", "online");
        await().atMost(Duration.ofSeconds(5)).until(() ->
                Http.json(http.get("/status.json")).get("banner").get("level").asText().equals("ok"));
    }

    @Test
    void theStreamCarriesNothingAboutPrivateTargetsToAnonymousReaders() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<InputStream> anonymous = client.send(http.request("/api/v1/stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> reader = client.send(http.request("/api/v1/stream")
                .header("Authorization", "Bearer " + TestServer.READ).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader a = new BufferedReader(new InputStreamReader(anonymous.body(), StandardCharsets.UTF_8));
             BufferedReader r = new BufferedReader(new InputStreamReader(reader.body(), StandardCharsets.UTF_8))) {
            String[] snapshot = readEvent(a);
            assertThat(snapshot[0]).isEqualTo("snapshot");
            assertNoSecret("the stream's snapshot", snapshot[1]);
            assertThat(readEvent(r)[1]).contains("web/admin-panel");

            // A private change first, then a public one: the anonymous stream, in order, skips the first.
            report("web/admin-panel", "online");
            report("bots/beta/1", "online");
            report("blog", "online");
            List<String> seen = new ArrayList<>();
            String[] event = CompletableFuture.supplyAsync(() -> readEvent(a)).get(10, TimeUnit.SECONDS);
            seen.add(event[1]);
            assertThat(event[0]).isEqualTo("transition");
            assertThat(new ObjectMapper().readTree(event[1]).get("target").asText()).isEqualTo("blog");
            seen.forEach(e -> assertNoSecret("an anonymous stream event", e));

            // The reader's stream has all three, in order.
            List<String> targets = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String[] e = CompletableFuture.supplyAsync(() -> readEvent(r)).get(10, TimeUnit.SECONDS);
                targets.add(new ObjectMapper().readTree(e[1]).get("target").asText());
            }
            assertThat(targets).containsExactly("web/admin-panel", "bots/beta/1", "blog");
        } finally {
            anonymous.body().close();
            reader.body().close();
        }
        // Resuming (a reconnect's Last-Event-ID) replays only public changes to an anonymous reader.
        HttpResponse<InputStream> first = client.send(http.request("/api/v1/stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        String lastId;
        try (BufferedReader a = new BufferedReader(new InputStreamReader(first.body(), StandardCharsets.UTF_8))) {
            String line;
            while (!(line = a.readLine()).startsWith("id:")) {
                // up to the snapshot's id
            }
            lastId = line.substring(3);
        }
        // a reader's stream tells when both changes were published (a moment after the reports' answers)
        HttpResponse<InputStream> watch = client.send(http.request("/api/v1/stream")
                .header("Authorization", "Bearer " + TestServer.READ).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader w = new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
            assertThat(readEvent(w)[0]).isEqualTo("snapshot");
            report("web/admin-panel", "offline");
            report("blog", "offline");
            for (String expected : List.of("web/admin-panel", "blog")) {
                String[] e = CompletableFuture.supplyAsync(() -> readEvent(w)).get(10, TimeUnit.SECONDS);
                assertThat(new ObjectMapper().readTree(e[1]).get("target").asText()).isEqualTo(expected);
            }
        }
        HttpResponse<InputStream> again = client.send(http.request("/api/v1/stream").header("Last-Event-ID", lastId).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader a = new BufferedReader(new InputStreamReader(again.body(), StandardCharsets.UTF_8))) {
            List<String> replayed = new ArrayList<>();
            String[] e;
            while (!(e = CompletableFuture.supplyAsync(() -> readEvent(a)).get(10, TimeUnit.SECONDS))[0].equals("resumed")) {
                assertThat(e[0]).isEqualTo("transition");
                replayed.add(new ObjectMapper().readTree(e[1]).get("target").asText());
            }
            assertThat(replayed).containsExactly("blog");
            assertThat(e[1]).as("not even a count of private changes").isEqualTo("{\"replayed\":1}");
        } finally {
            report("web/admin-panel", "down");
            report("blog", "down");
        }
    }

    @Test
    void glanceFeedLeavesOutPrivateClustersWithoutAToken() throws Exception {
        try (WsClient anonymous = new WsClient(server.app().port(), "/api/feed");
             WsClient reader = new WsClient(server.app().port(), "/api/feed?token=" + TestServer.READ)) {
            String hello = anonymous.texts.poll(10, TimeUnit.SECONDS);
            assertThat(hello).contains("\"main\"").doesNotContain("\"beta\"");
            assertThat(reader.texts.poll(10, TimeUnit.SECONDS)).contains("\"main\"", "\"beta\"");
            report("bots/beta/0", "online"); // private: only the reader hears it
            report("bots/main/1", "starting");
            String anonymousUpdate;
            do {
                anonymousUpdate = anonymous.texts.poll(10, TimeUnit.SECONDS);
                assertThat(anonymousUpdate).as("a message before main's update").isNotNull();
                assertThat(anonymousUpdate).doesNotContain("\"beta\"");
            } while (!anonymousUpdate.contains("state_update"));
            assertThat(anonymousUpdate).contains("\"cluster\":\"main\"");
            String readerUpdate;
            do {
                readerUpdate = reader.texts.poll(10, TimeUnit.SECONDS);
                assertThat(readerUpdate).isNotNull();
            } while (!readerUpdate.contains("state_update"));
            assertThat(readerUpdate).contains("\"cluster\":\"beta\"");
        } finally {
            report("bots/beta/0", "offline");
            report("bots/main/1", "online");
        }
    }

    @Test
    void noticesKeepTheirPrivateTargetsUnnamedWithoutAToken() {
        HttpResponse<String> created = http.postJson("/api/v1/notices", """
                {"kind":"incident","title":"Slow logins","message":"Looking into it",
                 "targets":["web/api","web/admin-panel","ops"]}""", TestServer.ADMIN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long id = Http.json(created).get("id").asLong();
        JsonNode anonymous = Http.json(http.get("/api/v1/notices/" + id));
        assertThat(anonymous.get("targets").toString()).isEqualTo("[\"web/api\"]");
        assertNoSecret("a notice", http.get("/api/v1/notices").body());
        assertThat(Http.json(http.get("/api/v1/notices/" + id, TestServer.READ)).get("targets").toString())
                .isEqualTo("[\"web/api\",\"web/admin-panel\",\"ops\"]");
        assertThat(http.get("/").body()).contains("Slow logins");
    }

    @Test
    void aPrivateArgusFleetShowsNothingWithoutAToken() {
        HttpResponse<String> reg = http.postJson("/fleet/register", "{\"identity\":\"hidden-bot-7\",\"fleet\":\"internal\"}",
                TestServer.INGEST);
        assertThat(reg.statusCode()).as(reg.body()).isEqualTo(200);
        int number = Http.json(reg).get("number").asInt();
        for (String path : List.of("/api/fleet/view", "/api/fleet/targets", "/fleet", "/fleet/internal", "/")) {
            assertThat(http.get(path).body()).as(path).doesNotContain("hidden-bot-7").doesNotContain("internal #");
        }
        assertThat(http.get("/").body()).as("no Fleet tab").doesNotContain("href=\"/fleet\"");
        assertThat(http.get("/fleet/internal").statusCode()).isEqualTo(404);
        assertThat(http.get("/fleet/internal/" + number).statusCode()).isEqualTo(404);
        assertThat(http.get("/api/fleet/cluster?fleet=internal&number=" + number).statusCode()).isEqualTo(404);
        assertThat(http.get("/api/fleet/view", TestServer.READ).body()).contains("hidden-bot-7");
        assertThat(http.get("/fleet/internal/" + number, TestServer.READ).statusCode()).isEqualTo(200);
        assertThat(http.get("/", TestServer.READ).body()).contains("href=\"/fleet\"");
    }

    @Test
    void robotsTxtKeepsSearchEnginesOffTheDashboardAndApi() {
        HttpResponse<String> robots = http.get("/robots.txt");
        assertThat(robots.statusCode()).isEqualTo(200);
        assertThat(robots.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(robots.body()).contains("User-agent: *", "Allow: /", "Disallow: /admin", "Disallow: /api/",
                "Disallow: /ping/");
        assertThat(http.get("/").body()).doesNotContain("name=\"robots\"");
    }

    @Test
    void aGroupMadePrivateThroughTheApiStaysPrivateAfterARestart(@TempDir Path own) {
        TestServer first = TestServer.start(own, Clock.systemUTC(), Map.of());
        try {
            Http h = first.http();
            HttpResponse<String> group = h.postJson("/api/v1/groups", "{\"id\":\"internal\",\"name\":\"Internal tools\",\"public\":false}",
                    TestServer.ADMIN);
            assertThat(group.statusCode()).as(group.body()).isEqualTo(201);
            assertThat(Http.json(group).get("public").asBoolean(true)).as("its declaration says so").isFalse();
            HttpResponse<String> target = h.postJson("/api/v1/targets", "{\"id\":\"internal/wiki\",\"push\":{\"every\":\"1h\"}}",
                    TestServer.ADMIN);
            assertThat(target.statusCode()).as(target.body()).isEqualTo(201);
            assertThat(h.get("/api/v1/targets/internal/wiki").statusCode()).isEqualTo(404);
        } finally {
            first.close();
        }
        TestServer again = TestServer.start(own, Clock.systemUTC(), Map.of());
        try {
            Http h = again.http();
            assertThat(h.get("/api/v1/targets/internal/wiki").statusCode()).isEqualTo(404);
            assertThat(h.get("/api/v1/groups").body()).doesNotContain("Internal tools");
            assertThat(h.get("/api/v1/targets/internal/wiki", TestServer.READ).statusCode()).isEqualTo(200);
            assertThat(h.get("/api/v1/groups", TestServer.READ).body()).contains("Internal tools");
        } finally {
            again.close();
        }
    }

    /** Reads one SSE event: {name, data}; skips comments. */
    static String[] readEvent(BufferedReader in) {
        try {
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (name != null || !data.isEmpty()) {
                        return new String[] {name, data.toString()};
                    }
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            }
            throw new AssertionError("the stream ended");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
