package dev.watchpost.notice;

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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static dev.watchpost.testing.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /api/v1/notices} over real HTTP. */
@Tag("integration")
class NoticeApiTest {

    @TempDir
    Path dir;
    TestServer server;
    Http http;

    @BeforeEach
    void start() {
        server = TestServer.start(dir, Clock.systemUTC(), Map.of());
        http = server.http();
        assertThat(http.postJson("/api/v1/targets", "{\"id\":\"web\",\"manual\":{}}", TestServer.ADMIN).statusCode()).isEqualTo(201);
        http.postJson("/api/v1/targets/web/status", "{\"status\":\"up\",\"message\":\"fine\"}", TestServer.ADMIN);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path, String body, String token) {
        HttpRequest.Builder b = http.request(path).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build());
    }

    @Test
    void incidentsArePostedUpdatedAndListed() {
        HttpResponse<String> created = http.postJson("/api/v1/notices",
                "{\"kind\":\"incident\",\"title\":\"API errors\",\"message\":\"Looking into it\",\"targets\":[\"web\"]}",
                TestServer.ADMIN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode n = Http.json(created);
        long id = n.get("id").asLong();
        assertThat(n.get("status").asText()).isEqualTo("investigating");
        assertThat(n.get("ends_at").isNull()).isTrue();
        assertThat(n.get("updates").get(0).get("message").asText()).isEqualTo("Looking into it");

        HttpResponse<String> upd = http.postJson("/api/v1/notices/" + id + "/updates",
                "{\"status\":\"resolved\",\"message\":\"Fixed\"}", TestServer.ADMIN);
        assertThat(upd.statusCode()).as(upd.body()).isEqualTo(201);
        assertThat(Http.json(upd).get("status").asText()).isEqualTo("resolved");
        assertThat(Http.json(upd).get("updates")).hasSize(2);

        JsonNode board = Http.json(http.get("/api/v1/notices"));
        assertThat(board.get("current")).isEmpty();
        assertThat(board.get("recent").get(0).get("id").asLong()).isEqualTo(id);
        assertThat(Http.json(http.get("/api/v1/notices/" + id)).get("title").asText()).isEqualTo("API errors");

        assertThat(send("DELETE", "/api/v1/notices/" + id, null, TestServer.ADMIN).statusCode()).isEqualTo(204);
        assertError(http.get("/api/v1/notices/" + id), 404, "no notice " + id);
    }

    @Test
    void maintenanceHoldsItsTargetsWhileOpen() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        HttpResponse<String> created = http.postJson("/api/v1/notices", "{\"kind\":\"maintenance\",\"title\":\"Move\","
                + "\"message\":\"New rack\",\"targets\":[\"web\"],\"starts_at\":\"" + now.minusSeconds(60) + "\",\"ends_at\":\""
                + now.plusSeconds(3600) + "\"}", TestServer.ADMIN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long id = Http.json(created).get("id").asLong();
        assertThat(Http.json(created).get("status").asText()).isEqualTo("in_progress");
        JsonNode target = Http.json(http.get("/api/v1/targets/web")).get("target");
        assertThat(target.get("state").asText()).isEqualTo("maintenance");
        assertThat(target.get("message").asText()).isEqualTo("maintenance: Move");

        HttpResponse<String> ended = send("PUT", "/api/v1/notices/" + id, "{\"ends_at\":\"" + now + "\"}", TestServer.ADMIN);
        assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
        assertThat(Http.json(ended).get("status").asText()).isEqualTo("completed");
        target = Http.json(http.get("/api/v1/targets/web")).get("target");
        assertThat(target.get("state").asText()).isEqualTo("online");
        assertThat(target.get("message").asText()).isEqualTo("fine");
    }

    @Test
    void badInputIs400SayingWhatIsWrong() {
        assertError(http.postJson("/api/v1/notices", "[]", TestServer.ADMIN), 400,
                "body: expected an object such as {\"kind\":\"incident\",\"title\":\"...\",\"message\":\"...\",\"targets\":[\"web/api\"]}");
        assertError(http.postJson("/api/v1/notices", "{\"title\":\"x\"}", TestServer.ADMIN), 400, "kind is required");
        assertError(http.postJson("/api/v1/notices", "{\"kind\":\"outage\"}", TestServer.ADMIN), 400,
                "kind: expected incident or maintenance (got 'outage')");
        assertError(http.postJson("/api/v1/notices", "{\"kind\":\"incident\",\"title\":\"x\"}", TestServer.ADMIN), 400,
                "message is required");
        assertError(http.postJson("/api/v1/notices", "{\"kind\":\"incident\",\"title\":\"x\",\"message\":\"m\",\"colour\":1}",
                TestServer.ADMIN), 400, "body: unknown key 'colour' (allowed: ends_at, kind, message, starts_at, status, targets, title)");
        assertError(http.postJson("/api/v1/notices", "{\"kind\":\"maintenance\",\"title\":\"x\",\"message\":\"m\","
                + "\"starts_at\":\"tomorrow\"}", TestServer.ADMIN), 400,
                "starts_at: 'tomorrow' is not a time; use ISO-8601 with a zone, e.g. 2026-11-23T14:00:00Z");
        assertError(http.postJson("/api/v1/notices", "{\"kind\":\"maintenance\",\"title\":\"x\",\"message\":\"m\","
                + "\"starts_at\":\"2026-01-01T00:00:00Z\"}", TestServer.ADMIN), 400, "ends_at is required for maintenance");
        assertError(http.postJson("/api/v1/notices", "{\"kind\":\"incident\",\"title\":\"x\",\"message\":\"m\","
                + "\"targets\":[\"ghost\"]}", TestServer.ADMIN), 400, "targets[0]: no target or group 'ghost'");
        // Times that parse but do not fit epoch milliseconds: once a 500 from the database write.
        assertError(http.postJson("/api/v1/notices", "{\"kind\":\"maintenance\",\"title\":\"x\",\"message\":\"m\","
                + "\"starts_at\":\"+999999999-01-01T00:00:00Z\",\"ends_at\":\"+999999999-02-01T00:00:00Z\"}", TestServer.ADMIN), 400,
                "starts_at: must lie between the years 1970 and 9999");
        assertError(http.postJson("/api/v1/notices", "{\"kind\":\"maintenance\",\"title\":\"x\",\"message\":\"m\","
                + "\"starts_at\":\"2026-01-01T00:00:00Z\",\"ends_at\":\"+10000-01-01T00:00:00Z\"}", TestServer.ADMIN), 400,
                "ends_at: must lie between the years 1970 and 9999");
        assertError(http.postJson("/api/v1/notices/9/updates", "{\"message\":\"m\"}", TestServer.ADMIN), 404, "no notice 9");
        assertError(http.get("/api/v1/notices?days=365"), 400, "days: expected a whole number 1-90 (got '365')");
    }

    @Test
    void readsArePublicAndWritesNeedAnAdminToken() {
        assertThat(http.get("/api/v1/notices").statusCode()).isEqualTo(200);
        assertThat(http.postJson("/api/v1/notices", "{}", null).statusCode()).isEqualTo(401);
        assertThat(http.postJson("/api/v1/notices", "{}", TestServer.READ).statusCode()).isEqualTo(403);
        assertThat(send("DELETE", "/api/v1/notices/1", null, TestServer.INGEST).statusCode()).isEqualTo(403);
    }
}
