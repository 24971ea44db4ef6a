package dev.watchpost.composite;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.MutableClock;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static dev.watchpost.testing.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A composite declared in the config file, driven over HTTP against the real server. */
@Tag("integration")
class CompositeServerTest {

    @TempDir
    Path dir;
    MutableClock clock = MutableClock.at("2026-06-01T12:00:00Z");
    TestServer server;
    Http http;

    private void start(Map<String, String> env) throws Exception {
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                targets:
                  - id: lab/p1/jump
                    push: { every: 30s }
                  - id: lab/p1/data
                    push: { every: 30s }
                  - id: lab/p1/video
                    push: { every: 30s }
                  - id: lab/p1
                    name: Pendulum 1
                    composite:
                      parts: [lab/p1/jump, lab/p1/data, lab/p1/video]
                      required: [lab/p1/data, lab/p1/video]
                      startup-grace: 10s
                  - id: lab/other/health
                    push: { every: 30s }
                """);
        java.util.Map<String, String> all = new java.util.HashMap<>(env);
        all.put("WATCHPOST_CONFIG", config.toString());
        server = TestServer.start(dir, clock, all);
        http = server.http();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void heartbeat(String id, String body) {
        assertThat(http.postJson("/api/v1/heartbeat/" + id, body, TestServer.INGEST).statusCode()).isEqualTo(204);
    }

    private JsonNode target(String id) {
        return Http.json(http.get("/api/v1/targets/" + id)).get("target");
    }

    private JsonNode health(String id) {
        var r = http.get("/api/v1/targets/" + id + "/health");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r);
    }

    @Test
    void partsDecideTheCompositeAfterTheStartupGrace() throws Exception {
        start(Map.of());
        JsonNode early = health("lab/p1");
        assertThat(early.get("assessed").asBoolean()).isFalse();
        assertThat(early.get("assess_from").asText()).isEqualTo("2026-06-01T12:00:10Z");
        assertThat(early.get("events")).isEmpty();

        heartbeat("lab/p1/jump", "");
        heartbeat("lab/p1/data", "");
        heartbeat("lab/p1/video", "{\"state\":\"online\"}");
        clock.advance(Duration.ofSeconds(5));
        assertThat(target("lab/p1").get("state").asText()).as("within the grace").isEqualTo("unknown");

        clock.advance(Duration.ofSeconds(5));
        await().untilAsserted(() -> assertThat(target("lab/p1").get("state").asText()).isEqualTo("online"));
        assertThat(target("lab/p1").get("message").asText()).isEqualTo("all parts OK");
        assertThat(target("lab/p1").get("kind").asText()).isEqualTo("composite");

        clock.advance(Duration.ofSeconds(1));
        heartbeat("lab/p1/data", "{\"state\":\"down\",\"message\":\"sensor unplugged\"}");
        await().untilAsserted(() -> assertThat(target("lab/p1").get("state").asText()).isEqualTo("down"));

        JsonNode detail = Http.json(http.get("/api/v1/targets/lab/p1"));
        assertThat(detail.get("target").get("message").asText()).isEqualTo("unhealthy lab/p1/data");
        assertThat(detail.get("spec").get("composite").get("required")).hasSize(2);
        assertThat(detail.get("transitions").get(0).get("to").asText()).isEqualTo("down");

        JsonNode h = health("lab/p1");
        assertThat(h.get("assessed").asBoolean()).isTrue();
        assertThat(h.get("state").asText()).isEqualTo("down");
        assertThat(h.get("healthy").asBoolean()).isFalse();
        assertThat(h.get("available").asBoolean()).isFalse();
        assertThat(h.get("issues").toString()).isEqualTo("[\"unhealthy lab/p1/data\"]");
        assertThat(h.get("parts").get(1).toString()).isEqualTo(
                "{\"id\":\"lab/p1/data\",\"required\":true,\"state\":\"down\",\"condition\":\"unhealthy\",\"ok\":false}");
        assertThat(h.get("events")).hasSize(2);
        assertThat(h.get("events").get(0).get("state").asText()).as("newest first").isEqualTo("down");
        assertThat(h.get("events").get(0).get("parts").toString())
                .isEqualTo("{\"lab/p1/jump\":true,\"lab/p1/data\":false,\"lab/p1/video\":true}");
        assertThat(h.get("events").get(1).get("available").asBoolean()).isTrue();
        assertThat(h.get("availability_webhook").get("url").isNull()).isTrue();
        assertThat(h.get("availability_webhook").get("actions")).isEmpty();
    }

    @Test
    void theHealthRouteAnswersOnlyForComposites() throws Exception {
        start(Map.of());
        assertError(http.get("/api/v1/targets/lab/p1/data/health"), 404, "'lab/p1/data' is not a composite target");
        assertError(http.get("/api/v1/targets/nope/health"), 404, "no target 'nope'");
        JsonNode plain = Http.json(http.get("/api/v1/targets/lab/other/health"));
        assertThat(plain.get("target").get("id").asText()).as("a target whose id ends in /health").isEqualTo("lab/other/health");
        assertThat(target("lab/p1").get("id").asText()).isEqualTo("lab/p1");
    }

    @Test
    void aCompositeMadeThroughTheApiAnswersAtOnce() throws Exception {
        start(Map.of());
        var created = http.postJson("/api/v1/targets",
                "{\"id\":\"lab/p2\",\"composite\":{\"parts\":[\"lab/p1/data\"]}}", TestServer.ADMIN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(health("lab/p2").get("assessed").asBoolean()).isFalse();
        assertError(http.postJson("/api/v1/targets", "{\"id\":\"lab/p3\",\"composite\":{\"parts\":[\"lab/p3\"]}}",
                TestServer.ADMIN), 400, "body.composite.parts: a composite cannot be a part of itself");
    }

    @Test
    void theHealthRouteNeedsAReadTokenWhenReadsAreNotPublic() throws Exception {
        start(Map.of("WATCHPOST_PUBLIC_READ", "false"));
        assertThat(http.get("/api/v1/targets/lab/p1/health").statusCode()).isEqualTo(401);
        assertThat(http.get("/api/v1/targets/lab/p1/health", TestServer.READ).statusCode()).isEqualTo(200);
    }
}
