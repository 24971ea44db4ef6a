package dev.watchpost.targets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A target's secrets (ping key, an HTTP check's headers and body, a composite's webhook) are shown
 * to admin tokens only; anonymous and read-token readers see {@code ***}.
 */
@Tag("integration")
class TargetSecretsTest {

    static final String PING_KEY = "ping_key_secret_0123456789";
    static final String BEARER = "Bearer probe-credential-42";
    static final String BODY = "{\"password\":\"hunter2-body\"}";
    static final String HOOK = "https://hooks.example.com/T0/s3cr3t-path?sig=abcdef";

    @TempDir
    Path dir;
    TestServer server;
    Http http;

    @BeforeEach
    void start() throws Exception {
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                targets:
                  - id: jobs/backup
                    push: { every: 1h }
                    ping-key: %s
                  - id: web/api
                    http:
                      url: http://127.0.0.1:9/health
                      method: POST
                      headers: { Authorization: "%s", Accept: application/json }
                      body: '%s'
                      every: 1h
                  - id: web/all
                    composite:
                      parts: [web/api]
                      on-availability-change: { webhook: "%s" }
                """.formatted(PING_KEY, BEARER, BODY, HOOK));
        server = TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_CONFIG", config.toString()));
        http = server.http();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anonymousAndReadTokenReadersSeeNoSecret() {
        for (String token : new String[] {null, TestServer.READ}) {
            String as = token == null ? "anonymous" : "read token";
            for (String path : new String[] {"/api/v1/targets/jobs/backup", "/api/v1/targets/web/api",
                    "/api/v1/targets/web/all", "/api/v1/targets/web/all/health", "/api/v1/targets",
                    "/api/v1/targets/web/api/probe", "/api/v1/targets/jobs/backup/history", "/api/v1/snapshot",
                    "/status.json", "/"}) {
                HttpResponse<String> r = token == null ? http.get(path) : http.get(path, token);
                assertThat(r.statusCode()).as(as + " " + path).isLessThan(400);
                assertThat(r.body()).as(as + " " + path).doesNotContain(PING_KEY, "probe-credential-42", "hunter2-body",
                        "s3cr3t-path", "sig=abcdef");
            }
            JsonNode backup = spec("/api/v1/targets/jobs/backup", token);
            assertThat(backup.get("ping-key").asText()).as(as).isEqualTo("***");
            JsonNode api = spec("/api/v1/targets/web/api", token).get("http");
            assertThat(api.get("headers").get("Authorization").asText()).as(as).isEqualTo("***");
            assertThat(api.get("headers").get("Accept").asText()).as(as).isEqualTo("***");
            assertThat(api.get("body").asText()).as(as).isEqualTo("***");
            assertThat(api.get("url").asText()).as("not a secret").isEqualTo("http://127.0.0.1:9/health");
            JsonNode all = spec("/api/v1/targets/web/all", token).get("composite");
            assertThat(all.get("on-availability-change").get("webhook").asText()).as(as)
                    .isEqualTo("https://hooks.example.com/***");
            JsonNode health = Http.json(token == null ? http.get("/api/v1/targets/web/all/health")
                    : http.get("/api/v1/targets/web/all/health", token));
            assertThat(health.get("availability_webhook").get("url").asText()).as(as)
                    .isEqualTo("https://hooks.example.com/***");
        }
    }

    @Test
    void adminTokensSeeTheSecrets() {
        assertThat(spec("/api/v1/targets/jobs/backup", TestServer.ADMIN).get("ping-key").asText()).isEqualTo(PING_KEY);
        JsonNode api = spec("/api/v1/targets/web/api", TestServer.ADMIN).get("http");
        assertThat(api.get("headers").get("Authorization").asText()).isEqualTo(BEARER);
        assertThat(api.get("body").asText()).isEqualTo(BODY);
        assertThat(spec("/api/v1/targets/web/all", TestServer.ADMIN).get("composite").get("on-availability-change")
                .get("webhook").asText()).isEqualTo(HOOK);
        assertThat(Http.json(http.get("/api/v1/targets/web/all/health", TestServer.ADMIN))
                .get("availability_webhook").get("url").asText()).isEqualTo(HOOK);
    }

    @Test
    void creatingAPushTargetAnswersItsPingKeyToTheAdmin() {
        HttpResponse<String> r = http.postJson("/api/v1/targets", "{\"id\":\"jobs/new\",\"push\":{\"every\":\"5m\"}}",
                TestServer.ADMIN);
        assertThat(r.statusCode()).isEqualTo(201);
        String key = Http.json(r).get("ping-key").asText();
        assertThat(key).isNotBlank().isNotEqualTo("***");
        assertThat(spec("/api/v1/targets/jobs/new", null).get("ping-key").asText()).isEqualTo("***");
        assertThat(http.get("/ping/" + key).statusCode()).as("the answered key is the real one").isLessThan(300);
    }

    @Test
    void targetsTakeSecretsFromTheEnvironment() throws Exception {
        Path other = Files.createDirectories(dir.resolve("env"));
        Path config = other.resolve("watchpost.yml");
        Files.writeString(config, """
                targets:
                  - id: jobs/nightly
                    push: { every: 1d }
                    ping-key: ${NIGHTLY_PING_KEY}
                  - id: web/private
                    http:
                      url: http://127.0.0.1:9/
                      headers: { Authorization: "Bearer ${PROBE_TOKEN}" }
                      every: 1h
                """);
        String key = "nightly_key_from_env_0042";
        try (TestServer s = TestServer.start(other, Clock.systemUTC(), Map.of("WATCHPOST_CONFIG", config.toString(),
                "NIGHTLY_PING_KEY", key, "PROBE_TOKEN", "token-from-env"))) {
            Http h = s.http();
            assertThat(Http.json(h.get("/api/v1/targets/jobs/nightly", TestServer.ADMIN)).get("spec").get("ping-key")
                    .asText()).isEqualTo(key);
            assertThat(Http.json(h.get("/api/v1/targets/web/private", TestServer.ADMIN)).get("spec").get("http")
                    .get("headers").get("Authorization").asText()).isEqualTo("Bearer token-from-env");
            assertThat(h.get("/ping/" + key).statusCode()).isLessThan(300);
            assertThat(Http.json(h.get("/api/v1/targets/jobs/nightly")).get("target").get("state").asText()).isEqualTo("online");
        }
        assertThatThrownBy(() -> TestServer.start(other, Clock.systemUTC(), Map.of("WATCHPOST_CONFIG", config.toString(),
                "NIGHTLY_PING_KEY", key)))
                .hasMessageContaining("targets[1] (web/private).http.headers.Authorization: environment variable PROBE_TOKEN is not set")
                .hasMessageNotContaining(key);
    }

    @Test
    void refusalsNameTheFieldButNeverRepeatTheSecret() {
        String secret = "SeCrEt-value-77";
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("body.http.url", """
                {"id":"t/a","http":{"url":"https://user:%s@example.com/a b"}}""".formatted(secret));
        bodies.put("body.http.url:", """
                {"id":"t/a","http":{"url":"ftp://user:%s@example.com/"}}""".formatted(secret));
        bodies.put("body.stats.url", """
                {"id":"t/a","stats":{"url":"http://user:%s@example.com:9/x y"}}""".formatted(secret));
        bodies.put("body.http: header 'Authorization'", """
                {"id":"t/a","http":{"url":"https://example.com/","headers":{"Authorization":"Bearer %s\\r\\nX: y"}}}"""
                .formatted(secret));
        bodies.put("body.composite.on-availability-change.webhook", """
                {"id":"t/c","composite":{"parts":["web/api"],"on-availability-change":{"webhook":"https://h.example.com/%s/a b"}}}"""
                .formatted(secret));
        bodies.put("body.composite.on-availability-change.webhook:", """
                {"id":"t/c","composite":{"parts":["web/api"],"on-availability-change":{"webhook":"ftp://h.example.com/%s"}}}"""
                .formatted(secret));
        bodies.put("not valid JSON", """
                {"id":"t/a","http":{"url":"https://example.com/","headers":{"Authorization": %s}}}""".formatted(secret));
        bodies.put("body.ping-key", """
                {"id":"t/p","push":{"every":"1m"},"ping-key":"%s!"}""".formatted(secret));
        org.assertj.core.api.SoftAssertions.assertSoftly(soft -> bodies.forEach((field, body) -> {
            HttpResponse<String> r = http.postJson("/api/v1/targets", body, TestServer.ADMIN);
            soft.assertThat(r.statusCode()).as(body).isEqualTo(400);
            String error = Http.json(r).get("error").asText();
            soft.assertThat(error).as(body).contains(field.replaceAll(":$", "")).doesNotContain(secret);
        }));
    }

    private JsonNode spec(String path, String token) {
        HttpResponse<String> r = token == null ? http.get(path) : http.get(path, token);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return Http.json(r).get("spec");
    }
}
