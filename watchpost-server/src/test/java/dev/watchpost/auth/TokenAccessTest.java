package dev.watchpost.auth;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Token scopes over real HTTP, and what is (not) stored. */
@Tag("integration")
class TokenAccessTest {

    @TempDir
    Path dir;
    MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    TestServer server;
    Http http;

    @BeforeEach
    void start() {
        server = TestServer.start(dir, clock, Map.of());
        http = server.http();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void adminRouteWithoutTokenIs401() {
        HttpResponse<String> r = http.get("/api/v1/tokens");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(Http.json(r).get("error").asText())
                .isEqualTo("this route needs an API token with scope 'admin': send Authorization: Bearer <token>");
    }

    @Test
    void adminRouteWithWrongTokenIs401() {
        HttpResponse<String> r = http.get("/api/v1/tokens", "not-a-real-token-at-all");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(Http.json(r).get("error").asText()).isEqualTo("the API token is not valid (unknown or revoked)");
    }

    @Test
    void adminRouteWithReadOrIngestTokenIs403() {
        for (String token : new String[] {TestServer.READ, TestServer.INGEST}) {
            HttpResponse<String> r = http.get("/api/v1/tokens", token);
            assertThat(r.statusCode()).isEqualTo(403);
            JsonNode body = Http.json(r);
            assertThat(body.get("error").asText()).startsWith("this route needs a token with scope 'admin'");
            assertThat(body.get("required_scope").asText()).isEqualTo("admin");
        }
    }

    @Test
    void adminTokenFromHeaderOrQueryParameterIsAccepted() {
        assertThat(http.get("/api/v1/tokens", TestServer.ADMIN).statusCode()).isEqualTo(200);
        assertThat(http.get("/api/v1/tokens?token=" + TestServer.ADMIN).statusCode()).isEqualTo(200);
    }

    @Test
    void createdTokenWorksOnceAndIsStoredOnlyAsHash() throws Exception {
        HttpResponse<String> created = http.postJson("/api/v1/tokens", "{\"scope\":\"admin\",\"name\":\"ops laptop\"}",
                TestServer.ADMIN);
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode body = Http.json(created);
        String token = body.get("token").asText();
        assertThat(token).startsWith("wp_").hasSize(35);
        assertThat(body.get("scope").asText()).isEqualTo("admin");
        assertThat(body.get("created_at").asText()).isEqualTo("2026-03-01T10:00:00Z");

        assertThat(http.get("/api/v1/tokens", token).statusCode()).isEqualTo(200);

        // The listing never shows a token again, only its hint.
        HttpResponse<String> list = http.get("/api/v1/tokens", TestServer.ADMIN);
        assertThat(list.body()).doesNotContain(token).contains(token.substring(0, 7));

        server.app().database().write(c -> null); // nothing pending hides in a transaction
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("watchpost.db"));
             ResultSet rs = c.createStatement().executeQuery("SELECT token_hash, hint FROM api_token")) {
            assertThat(rs.next()).isTrue();
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
            assertThat(rs.getString(1)).isEqualTo(sha).isNotEqualTo(token);
            assertThat(rs.getString(2)).isEqualTo(token.substring(0, 7));
        }
        byte[] file = Files.readAllBytes(dir.resolve("watchpost.db"));
        assertThat(new String(file, StandardCharsets.ISO_8859_1)).doesNotContain(token);
    }

    @Test
    void revokedTokenIs401() {
        JsonNode body = Http.json(http.postJson("/api/v1/tokens", "{\"scope\":\"read\"}", TestServer.ADMIN));
        String token = body.get("token").asText();
        long id = body.get("id").asLong();
        assertThat(http.get("/metrics", token).statusCode()).isEqualTo(200);

        HttpResponse<String> del = http.send(http.request("/api/v1/tokens/" + id)
                .header("Authorization", "Bearer " + TestServer.ADMIN).DELETE().build());
        assertThat(del.statusCode()).isEqualTo(204);
        assertThat(http.get("/api/v1/tokens", token).statusCode()).isEqualTo(401);

        HttpResponse<String> again = http.send(http.request("/api/v1/tokens/" + id)
                .header("Authorization", "Bearer " + TestServer.ADMIN).DELETE().build());
        assertThat(again.statusCode()).isEqualTo(404);
        HttpResponse<String> bad = http.send(http.request("/api/v1/tokens/abc")
                .header("Authorization", "Bearer " + TestServer.ADMIN).DELETE().build());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Http.json(bad).get("error").asText()).isEqualTo("token id must be a number (got 'abc')");
    }

    @Test
    void createRejectsBadScopeAndName() {
        HttpResponse<String> r = http.postJson("/api/v1/tokens", "{\"scope\":\"root\"}", TestServer.ADMIN);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r).get("error").asText()).isEqualTo("field 'scope' must be one of ingest, read, admin, prober (got 'root')");
        r = http.postJson("/api/v1/tokens", "{}", TestServer.ADMIN);
        assertThat(Http.json(r).get("error").asText()).isEqualTo("field 'scope' is required: one of ingest, read, admin, prober");
        r = http.postJson("/api/v1/tokens", "[1]", TestServer.ADMIN);
        assertThat(r.statusCode()).isEqualTo(400);
        r = http.postJson("/api/v1/tokens", "{\"scope\":\"read\",\"name\":\"" + "n".repeat(101) + "\"}", TestServer.ADMIN);
        assertThat(Http.json(r).get("error").asText()).isEqualTo("field 'name' must be 1-100 characters");
    }

    @Test
    void lastUseIsRecordedInTheBackgroundAndSurvivesShutdown() throws Exception {
        JsonNode body = Http.json(http.postJson("/api/v1/tokens", "{\"scope\":\"admin\"}", TestServer.ADMIN));
        String token = body.get("token").asText();
        clock.advance(Duration.ofMinutes(5));
        assertThat(http.get("/api/v1/tokens", token).statusCode()).isEqualTo(200);
        server.close(); // graceful stop flushes the coalesced write
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("watchpost.db"));
             ResultSet rs = c.createStatement().executeQuery("SELECT last_used_at FROM api_token")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(clock.instant().toEpochMilli());
        }
        server = TestServer.start(dir, clock, Map.of()); // for @AfterEach
    }

    @Test
    void readsArePublicByDefaultAndGatedWhenConfigured() throws Exception {
        assertThat(http.get("/metrics").statusCode()).isEqualTo(200);
        server.close();
        server = TestServer.start(dir, clock, Map.of("WATCHPOST_PUBLIC_READ", "false"));
        http = server.http();
        assertThat(http.get("/metrics").statusCode()).isEqualTo(401);
        assertThat(http.get("/metrics", TestServer.INGEST).statusCode()).isEqualTo(403);
        assertThat(http.get("/metrics", TestServer.READ).statusCode()).isEqualTo(200);
        assertThat(http.get("/healthz").statusCode()).as("never gated").isEqualTo(200);
        assertThat(http.get("/readyz").statusCode()).as("never gated").isEqualTo(200);
    }
}
