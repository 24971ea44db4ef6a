package dev.watchpost.targets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static dev.watchpost.testing.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/** Groups and targets through the API and the config file. */
@Tag("integration")
class TopologyApiTest {

    @TempDir
    Path dir;
    TestServer server;
    Http http;

    @BeforeEach
    void start() throws Exception {
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                groups:
                  - id: bots
                    groups:
                      - id: main
                        shards: 3
                        lease: 45s
                targets:
                  - id: workers/mailer
                    name: Mailer
                    push: { every: 30s, grace: 15s }
                """);
        server = TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_CONFIG", config.toString()));
        http = server.http();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> delete(String path) {
        return http.send(http.request(path).header("Authorization", "Bearer " + TestServer.ADMIN).DELETE().build());
    }

    private HttpResponse<String> put(String path, String body) {
        return http.send(http.request(path).header("Authorization", "Bearer " + TestServer.ADMIN)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void configDeclaresGroupsShardsAndTargets() {
        JsonNode main = Http.json(http.get("/api/v1/groups/bots/main"));
        assertThat(main.get("group").get("shards").asInt()).isEqualTo(3);
        assertThat(main.get("group").get("lease").asText()).isEqualTo("45s");
        assertThat(main.get("targets")).hasSize(3);
        assertThat(main.get("managed_by_config").asBoolean()).isTrue();
        JsonNode mailer = Http.json(http.get("/api/v1/targets/workers/mailer"));
        assertThat(mailer.get("target").get("lease").asText()).isEqualTo("45s");
        assertThat(mailer.get("spec").get("push").toString()).as("reads back as declared")
                .isEqualTo("{\"every\":\"30s\",\"grace\":\"15s\"}");
        assertThat(mailer.get("target").get("state").asText()).isEqualTo("unknown");
    }

    @Test
    void configManagedObjectsCannotBeChangedThroughTheApi() {
        assertError(delete("/api/v1/targets/workers/mailer"), 409, "'workers/mailer' is declared in the configuration; change it there");
        assertError(delete("/api/v1/groups/bots/main"), 409, "'bots/main' is declared in the configuration; change it there");
        assertError(delete("/api/v1/targets/bots/main/1"), 409, "'bots/main/1' is a shard; change its group's shard count instead");
    }

    @Test
    void createReadReplaceDeleteATarget() {
        HttpResponse<String> created = http.postJson("/api/v1/targets",
                "{\"id\":\"jobs/nightly\",\"name\":\"Nightly\",\"push\":{\"timeout\":\"2h\"}}", TestServer.ADMIN);
        assertThat(created.statusCode()).isEqualTo(201);
        String key = Http.json(created).get("ping-key").asText();
        assertThat(key).hasSize(24);
        assertError(http.postJson("/api/v1/targets", "{\"id\":\"jobs/nightly\",\"push\":{\"timeout\":\"2h\"}}", TestServer.ADMIN),
                409, "target 'jobs/nightly' already exists");

        HttpResponse<String> replaced = put("/api/v1/targets/jobs/nightly", "{\"name\":\"Nightly build\",\"push\":{\"every\":\"1d\"}}");
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        assertThat(Http.json(replaced).get("ping-key").asText()).as("the ping URL keeps working").isEqualTo(key);
        assertThat(Http.json(http.get("/api/v1/targets/jobs/nightly")).get("target").get("name").asText()).isEqualTo("Nightly build");

        assertThat(delete("/api/v1/targets/jobs/nightly").statusCode()).isEqualTo(204);
        assertError(http.get("/api/v1/targets/jobs/nightly"), 404, "no target 'jobs/nightly'");
        assertError(delete("/api/v1/targets/jobs/nightly"), 404, "no target 'jobs/nightly'");
    }

    @Test
    void probedTargetsTakeLocationsAndAQuorumThroughTheApi() {
        String url = "\"url\":\"http://127.0.0.1:9/health\",\"every\":\"1h\"";
        HttpResponse<String> created = http.postJson("/api/v1/targets",
                "{\"id\":\"web/api\",\"http\":{" + url + ",\"locations\":[\"local\",\"eu\",\"us\"],\"quorum\":2}}",
                TestServer.ADMIN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(Http.json(created).get("http").get("locations").toString()).isEqualTo("[\"local\",\"eu\",\"us\"]");
        assertThat(Http.json(created).get("http").get("quorum").asInt()).isEqualTo(2);

        HttpResponse<String> replaced = put("/api/v1/targets/web/api", "{\"http\":{" + url + ",\"locations\":\"all\"}}");
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        JsonNode section = Http.json(http.get("/api/v1/targets/web/api")).get("spec").get("http");
        assertThat(section.get("locations").asText()).isEqualTo("all");
        assertThat(section.has("quorum")).isFalse();

        assertError(put("/api/v1/targets/web/api", "{\"http\":{" + url + ",\"locations\":[\"eu\",\"us\"],\"quorum\":3}}"),
                400, "body.http.quorum: 3 is more than the 2 locations listed");
        assertError(http.postJson("/api/v1/targets", "{\"id\":\"db/main\",\"tcp\":{\"host\":\"db\",\"port\":5432,\"quorum\":1}}",
                TestServer.ADMIN), 400, "body.tcp.quorum: needs 'locations' (without them the target is checked from this server alone)");
        assertError(http.postJson("/api/v1/targets", "{\"id\":\"db/main\",\"tcp\":{\"host\":\"db\",\"port\":5432,"
                + "\"locations\":[\"eu\",\"eu\"]}}", TestServer.ADMIN), 400, "body.tcp.locations: 'eu' is listed twice");
        assertThat(Http.json(http.get("/api/v1/targets/web/api")).get("spec").get("http").get("locations").asText())
                .as("a refused change leaves the target as it was").isEqualTo("all");
    }

    @Test
    void aTargetNamedLikeARouteReadsAsItselfAndIdsThatWouldHideARouteAreRefused() {
        // api/health is a target's own path: it reads as that target, not as the health of 'api'
        for (String last : java.util.List.of("probe", "health", "history", "events", "status")) {
            assertThat(http.postJson("/api/v1/targets", "{\"id\":\"svc/" + last + "\",\"manual\":{}}", TestServer.ADMIN)
                    .statusCode()).isEqualTo(201);
            assertThat(Http.json(http.get("/api/v1/targets/svc/" + last)).path("target").path("id").asText()).isEqualTo("svc/" + last);
        }
        // where both would exist, the route of the existing target is not taken away
        assertThat(http.postJson("/api/v1/targets", "{\"id\":\"web\",\"manual\":{}}", TestServer.ADMIN).statusCode()).isEqualTo(201);
        assertError(http.postJson("/api/v1/targets", "{\"id\":\"web/history\",\"manual\":{}}", TestServer.ADMIN), 400,
                "body.id: 'web/history' would hide the history of target 'web' (/api/v1/targets/web/history); choose another last part");
        assertThat(http.get("/api/v1/targets/web/history").statusCode()).isEqualTo(200); // web's history, as before
        assertError(http.postJson("/api/v1/targets", "{\"id\":\"svc\",\"manual\":{}}", TestServer.ADMIN), 400,
                "body.id: the target 'svc/history' exists, so /api/v1/targets/svc/history would not reach the history of 'svc'; choose another id");
        // a route the existing target does not have is not taken: 'web' is manual, it has no probe
        assertThat(http.postJson("/api/v1/targets", "{\"id\":\"web/probe\",\"manual\":{}}", TestServer.ADMIN).statusCode()).isEqualTo(201);
    }

    @Test
    void aGroupJustMadeIsReadAtOnce() {
        // A bot declares its group on start and reads it back straight away: no wait for the next snapshot.
        for (int i = 0; i < 20; i++) {
            assertThat(http.postJson("/api/v1/groups", "{\"id\":\"fresh" + i + "\",\"shards\":2}", TestServer.ADMIN).statusCode())
                    .isEqualTo(201);
            HttpResponse<String> read = http.get("/api/v1/groups/fresh" + i);
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            assertThat(Http.json(read).get("targets")).hasSize(2);
        }
        assertThat(http.get("/api/v1/groups/never-made").statusCode()).isEqualTo(404);
    }

    @Test
    void apiObjectsSurviveARestart() {
        http.postJson("/api/v1/groups", "{\"id\":\"shop\",\"name\":\"Shop\"}", TestServer.ADMIN);
        http.postJson("/api/v1/groups", "{\"id\":\"shop/eu\",\"shards\":4,\"lease\":\"10s\"}", TestServer.ADMIN);
        http.postJson("/api/v1/targets", "{\"id\":\"shop/cart\",\"push\":{\"every\":\"1m\"}}", TestServer.ADMIN);
        http.postJson("/api/v1/heartbeat/shop/eu/2", "{\"state\":\"starting\"}", TestServer.INGEST);
        server.close();
        server = TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_CONFIG", dir.resolve("watchpost.yml").toString()));
        http = server.http();
        assertThat(Http.json(http.get("/api/v1/groups/shop/eu")).get("targets")).hasSize(4);
        assertThat(Http.json(http.get("/api/v1/targets/shop/cart")).get("target").get("group").asText()).isEqualTo("shop");
        assertThat(Http.json(http.get("/api/v1/targets/shop/eu/2")).get("target").get("state").asText()).isEqualTo("starting");
        JsonNode transitions = Http.json(http.get("/api/v1/targets/shop/eu/2")).get("transitions");
        assertThat(transitions).hasSize(1);
        assertThat(transitions.get(0).get("to").asText()).isEqualTo("starting");
    }

    @Test
    void everyChangeNeedsAnAdminToken() {
        String[][] routes = {
                {"POST", "/api/v1/groups", "{\"id\":\"g\"}"},
                {"PUT", "/api/v1/groups/g", "{\"id\":\"g\"}"},
                {"DELETE", "/api/v1/groups/g", ""},
                {"POST", "/api/v1/targets", "{\"id\":\"t\",\"push\":{\"every\":\"1m\"}}"},
                {"PUT", "/api/v1/targets/t", "{\"id\":\"t\",\"push\":{\"every\":\"1m\"}}"},
                {"DELETE", "/api/v1/targets/t", ""}};
        for (String[] r : routes) {
            for (String token : new String[] {null, "wrong-token-0000000000", TestServer.INGEST, TestServer.READ}) {
                HttpRequest.Builder b = http.request(r[1]).header("Content-Type", "application/json")
                        .method(r[0], r[2].isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(r[2]));
                if (token != null) {
                    b.header("Authorization", "Bearer " + token);
                }
                HttpResponse<String> res = http.send(b.build());
                int expected = token == null || token.startsWith("wrong") ? 401 : 403;
                assertThat(res.statusCode()).as("%s %s with %s", r[0], r[1], token).isEqualTo(expected);
                assertThat(Http.json(res).has("error")).isTrue();
            }
        }
        assertThat(http.get("/api/v1/groups/g").statusCode()).as("nothing was created").isEqualTo(404);
    }

    @Test
    void apiObjectsInsideConfigGroupsSurviveARestartAndPutKeepsTheLastState() {
        server.close();
        Map<String, String> env = Map.of("WATCHPOST_CONFIG", dir.resolve("watchpost.yml").toString(), "WATCHPOST_FLUSH_INTERVAL", "1m");
        server = TestServer.start(dir, Clock.systemUTC(), env);
        http = server.http();
        assertThat(http.postJson("/api/v1/targets", "{\"id\":\"bots/extra\",\"push\":{\"every\":\"1h\"}}", TestServer.ADMIN)
                .statusCode()).isEqualTo(201);
        assertThat(http.postJson("/api/v1/groups", "{\"id\":\"bots/side\"}", TestServer.ADMIN).statusCode()).isEqualTo(201);
        http.postJson("/api/v1/heartbeat/bots/extra", "{\"message\":\"hello\"}", TestServer.INGEST);
        assertThat(put("/api/v1/targets/bots/extra", "{\"name\":\"Extra\",\"push\":{\"every\":\"1h\"}}").statusCode()).isEqualTo(200);
        server.close();
        server = TestServer.start(dir, Clock.systemUTC(), env);
        http = server.http();
        JsonNode extra = Http.json(http.get("/api/v1/targets/bots/extra")).get("target");
        assertThat(extra.get("state").asText()).isEqualTo("online");
        assertThat(extra.get("message").asText()).isEqualTo("hello");
        assertThat(extra.get("name").asText()).isEqualTo("Extra");
        assertThat(Http.json(http.get("/api/v1/groups/bots/side")).get("group").get("parent").asText()).isEqualTo("bots");
    }

    @Test
    void aShardedGroupThatWouldSwallowATargetIsRefusedWhole() {
        http.postJson("/api/v1/targets", "{\"id\":\"x/2\",\"push\":{\"every\":\"1h\"}}", TestServer.ADMIN);
        assertError(http.postJson("/api/v1/groups", "{\"id\":\"x\",\"shards\":4}", TestServer.ADMIN), 400,
                "target 'x/2' already exists; a sharded group 'x' would own it");
        assertThat(http.postJson("/api/v1/heartbeat/x/0", "", TestServer.INGEST).statusCode()).isEqualTo(404);
        assertThat(http.get("/api/v1/groups/x").statusCode()).isEqualTo(404);
    }

    @Test
    void badDeclarationsSayWhatIsWrong() {
        assertError(http.postJson("/api/v1/targets", "{\"id\":\"Bad Id\",\"push\":{\"every\":\"1m\"}}", TestServer.ADMIN), 400,
                "body: target id 'Bad Id' must be lower-case path segments of a-z, 0-9, '.', '_', '-' separated by '/'");
        assertError(http.postJson("/api/v1/targets", "{\"id\":\"x\",\"push\":{\"every\":\"soon\"}}", TestServer.ADMIN), 400,
                "body.push.every: 'soon' is not a duration such as 500ms, 90s, 15m, 24h, 1d or ISO-8601 (PT30S)");
        assertError(http.postJson("/api/v1/targets", "{\"id\":\"x\",\"push\":{\"every\":\"1m\",\"timeout\":\"2m\"}}", TestServer.ADMIN), 400,
                "body.push: give exactly one of 'every' (with optional 'grace'), 'timeout', or 'schedule' (a cron expression, with optional 'timezone' and 'grace')");
        assertError(http.postJson("/api/v1/targets", "{\"id\":\"x\",\"push\":{\"schedule\":\"61 * * * *\"}}", TestServer.ADMIN), 400,
                "body.push.schedule: cron field 'minute' value 61 is out of range 0-59 in \"61 * * * *\"");
        assertError(http.postJson("/api/v1/targets", "{\"id\":\"x\"}", TestServer.ADMIN), 400,
                "body: a target needs exactly one kind: push, http, tcp, tls, stats, manual, composite");
        assertError(http.postJson("/api/v1/targets", "{\"id\":\"x\",\"push\":{\"every\":\"1m\"},\"colour\":1}", TestServer.ADMIN), 400,
                "body: unknown key 'colour' (allowed: composite, description, group, http, id, manual, name, paused, ping-key, public, push, stats, tags, tcp, tls)");
        assertError(http.postJson("/api/v1/targets", "{\"id\":\"x\",\"push\":{\"every\":\"1m\"},\"public\":\"no\"}", TestServer.ADMIN), 400,
                "body.public: expected true or false, got \"no\"");
        assertError(http.postJson("/api/v1/targets", "{\"id\":\"x\",\"push\":{\"every\":\"1m\"},\"manual\":{}}", TestServer.ADMIN), 400,
                "body: a target needs exactly one kind: push, http, tcp, tls, stats, manual, composite (got push, manual)");
        assertError(http.postJson("/api/v1/targets", "{\"id\":\"x\",\"push\":{\"every\":\"1m\"},\"tags\":[\"Bad Tag\"]}", TestServer.ADMIN), 400,
                "body.tags: 'Bad Tag' is not a tag (lower-case letters, digits, '.', '_', '-'; at most 64)");
        HttpResponse<String> tagged = http.postJson("/api/v1/targets",
                "{\"id\":\"tagged\",\"push\":{\"every\":\"1m\"},\"tags\":[\"prod\",\"payments\",\"prod\"]}", TestServer.ADMIN);
        assertThat(tagged.statusCode()).isEqualTo(201);
        assertThat(dev.watchpost.testing.Http.json(tagged).get("tags").toString()).isEqualTo("[\"prod\",\"payments\"]");
        assertError(http.postJson("/api/v1/groups", "{\"id\":\"g\",\"shards\":0}", TestServer.ADMIN), 400,
                "body.shards: expected a whole number 1-1000000, got 0");
        assertError(http.postJson("/api/v1/groups", "{\"id\":\"a/b\"}", TestServer.ADMIN), 400,
                "body: parent group 'a' does not exist; create it first");
        assertError(http.postJson("/api/v1/targets", "{\"id\":\"x\",\"group\":\"ghost\",\"push\":{\"every\":\"1m\"}}", TestServer.ADMIN), 400,
                "target 'x' names group 'ghost', which does not exist");
        assertError(put("/api/v1/targets/jobs/a", "{\"id\":\"jobs/b\",\"push\":{\"every\":\"1m\"}}"), 400,
                "body.id 'jobs/b' does not match the URL's 'jobs/a'");
        assertThat(http.postJson("/api/v1/targets", "{\"id\":\"x\",\"push\":{\"every\":\"1m\"}}", TestServer.READ).statusCode())
                .isEqualTo(403);
    }
}
