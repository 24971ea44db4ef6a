package dev.watchpost.manual;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.MutableClock;
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
import java.time.Duration;
import java.util.Map;

import static dev.watchpost.testing.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/** Watchpost's own routes for manual targets, and how they sit beside the topology's greedy routes. */
@Tag("integration")
class ManualApiTest {

    @TempDir
    Path dir;
    MutableClock clock = MutableClock.at("2025-03-10T12:00:00Z");
    TestServer server;
    Http http;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("watchpost.yml"), """
                groups:
                  - id: bots
                    shards: 2
                targets:
                  - id: ops/db
                    name: Database
                    manual: {}
                """);
        startServer();
        assertThat(http.postJson("/api/v1/targets", "{\"id\":\"a/b\",\"name\":\"A B\",\"manual\":{}}", TestServer.ADMIN)
                .statusCode()).isEqualTo(201);
        assertThat(http.postJson("/api/v1/targets", "{\"id\":\"web\",\"push\":{\"every\":\"1h\"}}", TestServer.ADMIN)
                .statusCode()).isEqualTo(201);
    }

    private void startServer() {
        server = TestServer.start(dir, clock, Map.of("WATCHPOST_CONFIG", dir.resolve("watchpost.yml").toString(),
                "WATCHPOST_FLUSH_INTERVAL", "1m"));
        http = server.http();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> status(String id, String body) {
        return http.postJson("/api/v1/targets/" + id + "/status", body, TestServer.ADMIN);
    }

    private JsonNode get(String path) {
        HttpResponse<String> r = http.get(path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return Http.json(r);
    }

    @Test
    void settingAStatusRecordsAnEventAndChangesTheState() {
        HttpResponse<String> r = status("a/b", "{\"status\":\"down\",\"message\":\"Broken <b>badly</b>\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode event = Http.json(r).get("event");
        assertThat(event.get("target").asText()).isEqualTo("a/b");
        assertThat(event.get("at").asText()).isEqualTo("2025-03-10T12:00:00Z");
        assertThat(event.get("status").asText()).isEqualTo("down");
        assertThat(event.get("message").asText()).isEqualTo("Broken <b>badly</b>");
        assertThat(event.get("informational").asBoolean()).isFalse();
        assertThat(Http.json(r).get("target").get("state").asText()).isEqualTo("down");
        assertThat(get("/api/v1/targets/a/b").get("target").get("message").asText()).isEqualTo("Broken <b>badly</b>");

        clock.advance(Duration.ofMinutes(1));
        JsonNode note = Http.json(status("a/b", "{\"message\":\"Still on it\",\"informational\":true}")).get("event");
        assertThat(note.get("status").asText()).as("defaults to the current status").isEqualTo("down");
        assertThat(get("/api/v1/targets/a/b").get("target").get("message").asText()).isEqualTo("Broken <b>badly</b>");

        JsonNode events = get("/api/v1/targets/a/b/events");
        assertThat(events.get("target").asText()).isEqualTo("a/b");
        assertThat(events.get("events")).containsExactly(note, event);
        assertThat(get("/api/v1/services/a/b/events/current").get("message").asText())
                .as("the same events through Stashboard's API").isEqualTo("Broken <b>badly</b>");
    }

    @Test
    void eventsCanBeFilteredByStartAndEnd() {
        status("ops/db", "{\"status\":\"warning\",\"message\":\"a\"}");
        clock.advance(Duration.ofDays(1));
        status("ops/db", "{\"status\":\"up\",\"message\":\"b\"}");
        assertThat(get("/api/v1/targets/ops/db/events?start=2025-03-11").get("events")).extracting(e -> e.get("message").asText())
                .containsExactly("b");
        assertThat(get("/api/v1/targets/ops/db/events?end=2025-03-10T12:00:00Z").get("events"))
                .extracting(e -> e.get("message").asText()).containsExactly("a");
        assertThat(http.get("/api/v1/targets/ops/db/events?end=soon").statusCode()).isEqualTo(400);
    }

    @Test
    void onlyManualTargetsTakeStatuses() {
        assertError(status("web", "{\"status\":\"down\",\"message\":\"x\"}"), 409,
                "target 'web' is of kind push; only manual targets take status events");
        assertError(status("bots/1", "{\"status\":\"down\",\"message\":\"x\"}"), 409, "'bots/1' is a shard, not a manual target");
        assertError(status("ghost", "{\"status\":\"down\",\"message\":\"x\"}"), 404, "no target 'ghost'");
        assertThat(get("/api/v1/targets/web/events").get("events")).as("other kinds have no events").isEmpty();
        assertError(http.get("/api/v1/targets/ghost/events"), 404, "no target 'ghost'");
    }

    @Test
    void badBodiesSayWhatIsWrong() {
        assertError(status("a/b", "{\"status\":\"nope\",\"message\":\"x\"}"), 400, "unknown status 'nope' (known: down, up, warning)");
        assertError(status("a/b", "{\"status\":\"down\"}"), 400, "message is required");
        assertError(status("a/b", "{\"status\":\"down\",\"message\":\"x\",\"colour\":\"red\"}"), 400,
                "body: unknown key 'colour' (allowed: informational, message, status)");
        assertError(status("a/b", "{\"message\":\"x\",\"informational\":\"yes\"}"), 400, "body.informational: expected true or false");
        assertError(status("a/b", "{\"message\":7}"), 400, "body.message: expected a string");
        assertError(status("a/b", "[]"), 400, "body: expected an object such as {\"status\":\"down\",\"message\":\"...\"}");
        assertThat(get("/api/v1/targets/a/b/events").get("events")).isEmpty();
    }

    @Test
    void settingAStatusNeedsAnAdminToken() {
        for (String token : new String[] {null, "wrong-token-0000000000", TestServer.INGEST, TestServer.READ}) {
            int code = http.postJson("/api/v1/targets/a/b/status", "{\"status\":\"down\",\"message\":\"x\"}", token).statusCode();
            assertThat(code).as(String.valueOf(token)).isEqualTo(token == null || token.startsWith("wrong") ? 401 : 403);
        }
        assertThat(get("/api/v1/targets/a/b").get("target").get("state").asText()).isEqualTo("unknown");
    }

    @Test
    void theGreedyTargetRoutesStillServeWhatIsNotOurs() {
        JsonNode ab = get("/api/v1/targets/a/b");
        assertThat(ab.get("target").get("id").asText()).isEqualTo("a/b");
        assertThat(ab.get("spec").has("manual")).isTrue();
        assertThat(get("/api/v1/targets/a/b/history").get("target").asText()).isEqualTo("a/b");
        // A target whose own id ends in "/events" is the topology's, not an event listing.
        http.postJson("/api/v1/targets", "{\"id\":\"x/events\",\"push\":{\"every\":\"1h\"}}", TestServer.ADMIN);
        http.postJson("/api/v1/targets", "{\"id\":\"web/events\",\"push\":{\"every\":\"1h\"}}", TestServer.ADMIN);
        assertThat(get("/api/v1/targets/x/events").get("target").get("id").asText()).isEqualTo("x/events");
        assertThat(get("/api/v1/targets/web/events").get("target").get("id").asText()).isEqualTo("web/events");
    }

    @Test
    void aTargetThatStopsBeingManualLosesItsEvents() {
        status("a/b", "{\"status\":\"down\",\"message\":\"x\"}");
        HttpResponse<String> put = http.send(http.request("/api/v1/targets/a/b").header("Authorization", "Bearer " + TestServer.ADMIN)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"push\":{\"every\":\"1h\"}}")).build());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        http.send(http.request("/api/v1/targets/a/b").header("Authorization", "Bearer " + TestServer.ADMIN)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"manual\":{}}")).build());
        assertThat(get("/api/v1/targets/a/b/events").get("events")).isEmpty();
        assertThat(http.get("/api/v1/services/a/b/events/current").statusCode()).isEqualTo(404);
    }

    @Test
    void theStateAndEventsSurviveARestart() {
        status("ops/db", "{\"status\":\"warning\",\"message\":\"Replica lag\"}");
        server.close();
        startServer();
        JsonNode t = get("/api/v1/targets/ops/db").get("target");
        assertThat(t.get("state").asText()).isEqualTo("degraded");
        assertThat(t.get("message").asText()).isEqualTo("Replica lag");
        assertThat(get("/api/v1/targets/ops/db/events").get("events")).hasSize(1);
        assertThat(get("/api/v1/targets/ops/db").get("transitions")).extracting(x -> x.get("reason").asText())
                .containsExactly("reported degraded: Replica lag");
    }
}
