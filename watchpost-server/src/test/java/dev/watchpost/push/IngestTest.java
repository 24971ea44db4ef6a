package dev.watchpost.push;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static dev.watchpost.testing.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/** Native heartbeats, batches and cron-style pings over real HTTP. */
@Tag("integration")
class IngestTest {

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;
    static String pingKey;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, Clock.systemUTC(), Map.of());
        http = server.http();
        http.postJson("/api/v1/groups", "{\"id\":\"jobs\",\"name\":\"Jobs\"}", TestServer.ADMIN);
        for (String id : new String[] {"jobs/a", "jobs/b", "jobs/c"}) {
            HttpResponse<String> r = http.postJson("/api/v1/targets",
                    "{\"id\":\"" + id + "\",\"push\":{\"every\":\"1m\"}}", TestServer.ADMIN);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        JsonNode cron = Http.json(http.postJson("/api/v1/targets",
                "{\"id\":\"jobs/backup\",\"push\":{\"schedule\":\"0 3 * * *\",\"timezone\":\"Europe/Berlin\",\"grace\":\"1h\"}}",
                TestServer.ADMIN));
        pingKey = cron.get("ping-key").asText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode target(String id) {
        return Http.json(http.get("/api/v1/targets/" + id)).get("target");
    }

    @Test
    void heartbeatWithoutBodyMeansAlive() {
        HttpResponse<String> r = http.postJson("/api/v1/heartbeat/jobs/a", "", TestServer.INGEST);
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(target("jobs/a").get("state").asText()).isEqualTo("online");
        assertThat(target("jobs/a").get("last_seen").isNull()).isFalse();
    }

    @Test
    void heartbeatCarriesStateMessageLatencyAndMetrics() {
        HttpResponse<String> r = http.postJson("/api/v1/heartbeat/jobs/b",
                "{\"state\":\"degraded\",\"message\":\"queue is long\",\"latency_ms\":12.5,\"metrics\":{\"queue\":4200}}",
                TestServer.INGEST);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        JsonNode t = target("jobs/b");
        assertThat(t.get("state").asText()).isEqualTo("degraded");
        assertThat(t.get("message").asText()).isEqualTo("queue is long");
        assertThat(t.get("latency_ms").asDouble()).isEqualTo(12.5);
        assertThat(t.get("metrics").get("queue").asInt()).isEqualTo(4200);
        assertThat(http.postJson("/api/v1/heartbeat/jobs/b", "{\"state\":3}", TestServer.INGEST).statusCode()).isEqualTo(204);
        assertThat(target("jobs/b").get("state").asText()).isEqualTo("online");
    }

    @Test
    void badHeartbeatsGetA4xxSayingWhy() {
        assertError(http.postJson("/api/v1/heartbeat/jobs/c", "{\"state\":99}", TestServer.INGEST), 400,
                "'state' 99 is not a state code (0-9)");
        assertError(http.postJson("/api/v1/heartbeat/jobs/c", "{\"state\":\"sleepy\"}", TestServer.INGEST), 400,
                "'state' 'sleepy' is not a state (e.g. online, offline, starting, degraded, down)");
        assertError(http.postJson("/api/v1/heartbeat/jobs/c", "{\"state\":\"unhealthy\"}", TestServer.INGEST), 400,
                "'state' unhealthy is set by Watchpost when a target goes quiet; report offline or down instead");
        assertError(http.postJson("/api/v1/heartbeat/jobs/c", "{\"latency_ms\":-1}", TestServer.INGEST), 400,
                "'latency_ms' must be a number of milliseconds, 0 or more");
        assertError(http.postJson("/api/v1/heartbeat/jobs/c", "{\"colour\":\"red\"}", TestServer.INGEST), 400,
                "unknown field 'colour' (allowed: state, message, latency_ms, metrics)");
        assertThat(http.postJson("/api/v1/heartbeat/jobs/c", "{\"state\": ", TestServer.INGEST).statusCode()).isEqualTo(400);
        assertThat(Http.json(http.postJson("/api/v1/heartbeat/jobs/c", "{\"state\": ", TestServer.INGEST))
                .get("error").asText()).startsWith("request body is not valid JSON");
        assertError(http.postJson("/api/v1/heartbeat/jobs/nope", "", TestServer.INGEST), 404,
                "no target 'jobs/nope'; declare it in the config file or create it with POST /api/v1/targets");
        assertThat(http.postJson("/api/v1/heartbeat/jobs/c", "{\"message\":\"" + "x".repeat(300 * 1024) + "\"}",
                TestServer.INGEST).statusCode()).isEqualTo(413);
        assertError(http.postJson("/api/v1/heartbeat/jobs/c", "{\"message\":[\"x\",\"y\"]}", TestServer.INGEST), 400,
                "'message' must be a string");
        assertError(http.postJson("/api/v1/heartbeat/jobs/c", "{\"latency_ms\":{\"v\":1}}", TestServer.INGEST), 400,
                "'latency_ms' must be a number of milliseconds, 0 or more");
        assertThat(target("jobs/c").get("state").asText()).as("nothing applied").isEqualTo("unknown");
    }

    @Test
    void ingestNeedsAnIngestToken() {
        assertThat(http.postJson("/api/v1/heartbeat/jobs/a", "", null).statusCode()).isEqualTo(401);
        assertThat(http.postJson("/api/v1/heartbeat/jobs/a", "", TestServer.READ).statusCode()).isEqualTo(403);
        assertThat(http.postJson("/api/v1/heartbeat/jobs/a?token=" + TestServer.INGEST, "", null).statusCode()).isEqualTo(204);
    }

    @Test
    void batchAcceptsTheGoodOnesAndNamesTheBadOnes() {
        HttpResponse<String> r = http.postJson("/api/v1/heartbeats", """
                [{"target":"jobs/a","state":"online"},
                 {"target":"jobs/nope"},
                 {"target":"jobs/b","state":42},
                 {"state":"online"},
                 7,
                 {"target":"jobs/c","message":"ok"}]""", TestServer.INGEST);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Http.json(r);
        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        assertThat(body.get("rejected").toString()).isEqualTo("[{\"index\":1,\"target\":\"jobs/nope\",\"error\":\"no such target\"},"
                + "{\"index\":2,\"target\":\"jobs/b\",\"error\":\"'state' 42 is not a state code (0-9)\"},"
                + "{\"index\":3,\"error\":\"'target' is required\"},{\"index\":4,\"error\":\"expected an object\"}]");
        assertThat(target("jobs/c").get("message").asText()).isEqualTo("ok");
        JsonNode nested = Http.json(http.postJson("/api/v1/heartbeats",
                "[{\"target\":\"jobs/a\",\"message\":{\"k\":1}},{\"target\":\"jobs/a\"}]", TestServer.INGEST));
        assertThat(nested.toString()).as("a nested value is skipped whole, not read as further items")
                .isEqualTo("{\"accepted\":1,\"rejected\":[{\"index\":0,\"target\":\"jobs/a\",\"error\":\"'message' must be a string\"}]}");
        assertError(http.postJson("/api/v1/heartbeats", "{\"target\":\"jobs/a\"}", TestServer.INGEST), 400,
                "body: expected a JSON array such as [{\"target\": \"jobs/a\", \"state\": \"online\"}]");
    }

    @Test
    void cronPingsFollowHealthchecks() {
        assertThat(http.get("/ping/" + pingKey).body()).isEqualTo("OK");
        assertThat(target("jobs/backup").get("state").asText()).isEqualTo("online");
        assertThat(target("jobs/backup").get("lease").asText()).isEqualTo("cron '0 3 * * *' (Europe/Berlin) + 1h");
        assertThat(http.get("/ping/" + pingKey + "/start").statusCode()).isEqualTo(200);
        HttpResponse<String> fail = http.send(http.request("/ping/" + pingKey + "/fail")
                .POST(HttpRequest.BodyPublishers.ofString("tar: disk full")).build());
        assertThat(fail.statusCode()).isEqualTo(200);
        assertThat(target("jobs/backup").get("state").asText()).isEqualTo("down");
        assertThat(target("jobs/backup").get("message").asText()).isEqualTo("tar: disk full");
        assertThat(http.get("/ping/" + pingKey + "/0").statusCode()).isEqualTo(200);
        assertThat(target("jobs/backup").get("state").asText()).isEqualTo("online");
        http.get("/ping/" + pingKey + "/2");
        assertThat(target("jobs/backup").get("state").asText()).isEqualTo("down");
        assertThat(target("jobs/backup").get("message").asText()).isEqualTo("exit code 2");
        assertError(http.get("/ping/" + pingKey + "/256"), 400, "exit code must be 0-255, got 256");
        assertError(http.get("/ping/not-a-real-key-123"), 404, "no target has this ping key");
    }
}
