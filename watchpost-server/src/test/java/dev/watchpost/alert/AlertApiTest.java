package dev.watchpost.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.config.ConfigException;
import dev.watchpost.live.Observation;
import dev.watchpost.live.State;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.MutableClock;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The whole server: channels and rules from the config file (with ${VAR} secrets) and the API. */
@Tag("integration")
class AlertApiTest {

    @TempDir
    Path dir;

    final Receiver receiver = new Receiver();
    final MutableClock clock = MutableClock.at("2026-06-01T12:00:00Z");
    TestServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        receiver.close();
    }

    private Path config() throws Exception {
        Path file = dir.resolve("watchpost.yml");
        Files.writeString(file, """
                server:
                  public-url: https://status.example.com
                targets:
                  - id: web/api
                    name: Public API
                    push: { every: 1h }
                channels:
                  - id: ops-hook
                    webhook: { url: "${HOOK_URL}", secret: "${HOOK_SECRET}" }
                rules:
                  - id: web
                    targets: ["web/*"]
                    notify: [ops-hook]
                """);
        return file;
    }

    private TestServer start() throws Exception {
        return TestServer.start(dir, clock, Map.of("WATCHPOST_CONFIG", config().toString(),
                "HOOK_URL", receiver.url("/hooks/secret-token-in-path"), "HOOK_SECRET", "shared-secret-from-env",
                "WATCHPOST_ALERTS_STARTUP_GRACE", "0s"));
    }

    private static HttpResponse<String> send(Http http, String method, String path, String body) {
        HttpRequest.Builder b = http.request(path).header("Authorization", "Bearer " + TestServer.ADMIN)
                .header("Content-Type", "application/json");
        return http.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void configChannelsUseEnvironmentSecretsAndAnswerRedacted() throws Exception {
        server = start();
        Http http = server.http();
        HttpResponse<String> list = http.get("/api/v1/channels", TestServer.ADMIN);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).doesNotContain("secret-token-in-path").doesNotContain("shared-secret-from-env");
        JsonNode c = Http.json(list).path("channels").get(0);
        assertThat(c.path("id").asText()).isEqualTo("ops-hook");
        assertThat(c.path("kind").asText()).isEqualTo("webhook");
        assertThat(c.path("managed_by_config").asBoolean()).isTrue();
        assertThat(c.path("spec").path("webhook").path("url").asText()).isEqualTo("http://127.0.0.1:"
                + receiver.url("/").split(":")[2].replace("/", "") + "/***");
        assertThat(c.path("rules").get(0).asText()).isEqualTo("web");
        // reads need admin: channels hold secrets
        assertThat(http.get("/api/v1/channels", TestServer.READ).statusCode()).isEqualTo(403);
        assertThat(http.get("/api/v1/channels").statusCode()).isEqualTo(401);

        // config wins: 409 on change and removal
        Http.assertError(send(http, "PUT", "/api/v1/channels/ops-hook", "{\"slack\":{\"webhook\":\"https://x.example/h\"}}"), 409,
                "channel 'ops-hook' is declared in the configuration; change it there");
        Http.assertError(send(http, "DELETE", "/api/v1/rules/web", null), 409,
                "rule 'web' is declared in the configuration; change it there");

        // a real alert, signed with the secret from the environment
        server.app().live().observe("web/api", Observation.report(State.DOWN));
        server.app().live().flush();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            server.app().alerts().roundNow();
            assertThat(receiver.accepted()).hasSize(1);
        });
        Receiver.Request r = receiver.accepted().get(0);
        assertThat(r.path()).isEqualTo("/hooks/secret-token-in-path");
        assertThat(r.header("X-Watchpost-Signature")).isEqualTo("sha256=" + HttpSender.hmacSha256("shared-secret-from-env",
                r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(r.json().path("target").path("url").asText()).isEqualTo("https://status.example.com/targets/web/api");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode history = Http.json(http.get("/api/v1/alerts?target=web/api&status=delivered", TestServer.ADMIN));
            assertThat(history.path("alerts")).hasSize(1);
            JsonNode a = history.path("alerts").get(0);
            assertThat(a.path("event").asText()).isEqualTo("down");
            assertThat(a.path("channel").asText()).isEqualTo("ops-hook");
            assertThat(a.path("attempts").asInt()).isEqualTo(1);
            assertThat(a.path("log").get(0).path("status").asInt()).isEqualTo(200);
            assertThat(a.path("delivery").asText()).isEqualTo(r.delivery());
        });
        assertThat(Http.json(http.get("/api/v1/alerts?channel=nope", TestServer.ADMIN)).path("alerts")).isEmpty();
        Http.assertError(http.get("/api/v1/alerts?status=lost", TestServer.ADMIN), 400,
                "status: expected one of pending, sending, delivered, cancelled, abandoned");
    }

    @Test
    void channelsAndRulesAreManagedThroughTheApi() throws Exception {
        server = start();
        Http http = server.http();
        String slack = "{\"id\":\"chat\",\"rate-limit\":\"10/m\",\"slack\":{\"webhook\":\"" + receiver.url("/services/T/B/tok") + "\"}}";
        HttpResponse<String> created = send(http, "POST", "/api/v1/channels", slack);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain("tok");
        assertThat(Http.json(created).path("rate_limit").asText()).isEqualTo("10/m");
        Http.assertError(send(http, "POST", "/api/v1/channels", slack), 409, "channel 'chat' already exists");
        Http.assertError(send(http, "POST", "/api/v1/channels", "{\"id\":\"x\",\"slack\":{}}"), 400,
                "body.slack.webhook: required");

        // headers the HTTP client refuses: accepted, every send would fail and hold up the channel for good
        Http.assertError(send(http, "POST", "/api/v1/channels", "{\"id\":\"h1\",\"webhook\":{\"url\":\""
                + receiver.url("/h") + "\",\"headers\":{\"Connection\":\"close\"}}}"), 400,
                "body.webhook.headers.Connection: this header cannot be set (the HTTP client sets it, or the value is not a single line)");
        Http.assertError(send(http, "POST", "/api/v1/channels", "{\"id\":\"h2\",\"webhook\":{\"url\":\""
                + receiver.url("/h") + "\",\"headers\":{\"X-Team\":\"a\\nb\"}}}"), 400,
                "body.webhook.headers.X-Team: this header cannot be set (the HTTP client sets it, or the value is not a single line)");

        // a port no URL can have: refused, not accepted and then failing every send; the URL is not repeated
        HttpResponse<String> badPort = send(http, "POST", "/api/v1/channels",
                "{\"id\":\"p\",\"slack\":{\"webhook\":\"https://hooks.example.com:99999/services/T/B/port-secret\"}}");
        Http.assertError(badPort, 400, "body.slack.webhook: the port must be 1-65535");
        assertThat(badPort.body()).doesNotContain("port-secret");
        // ntfy is often self-hosted: without a url nothing is sent to the public server unasked
        Http.assertError(send(http, "POST", "/api/v1/channels", "{\"id\":\"n\",\"ntfy\":{\"topic\":\"ops\"}}"), 400,
                "body.ntfy.url: required: the ntfy server to publish to (https://ntfy.sh for the public one)");
        // a key given twice: which one counts is not left to chance
        HttpResponse<String> twice = send(http, "POST", "/api/v1/channels",
                "{\"id\":\"d\",\"slack\":{\"webhook\":\"" + receiver.url("/a") + "\",\"webhook\":\"" + receiver.url("/b") + "\"}}");
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(Http.json(twice).path("error").asText()).startsWith("request body is not valid JSON: Duplicate field 'webhook' (line 1, column ");

        // credentials in a URL that is not itself a secret (a self-hosted ntfy behind basic auth)
        HttpResponse<String> ntfy = send(http, "POST", "/api/v1/channels",
                "{\"id\":\"push\",\"ntfy\":{\"url\":\"https://alice:hunter2-pw@ntfy.example.com\",\"topic\":\"ops\"}}");
        assertThat(ntfy.statusCode()).as(ntfy.body()).isEqualTo(201);
        assertThat(ntfy.body()).doesNotContain("hunter2-pw").doesNotContain("alice");
        assertThat(http.get("/api/v1/channels/push", TestServer.ADMIN).body()).doesNotContain("hunter2-pw");
        assertThat(Http.json(ntfy).path("spec").path("ntfy").path("url").asText()).isEqualTo("https://***@ntfy.example.com");
        assertThat(send(http, "DELETE", "/api/v1/channels/push", null).statusCode()).isEqualTo(204);

        // send test: the dashboard's button
        HttpResponse<String> test = send(http, "POST", "/api/v1/channels/chat/test", null);
        assertThat(test.statusCode()).as(test.body()).isEqualTo(200);
        assertThat(Http.json(test).path("delivered").asBoolean()).isTrue();
        assertThat(receiver.received.get(0).path()).isEqualTo("/services/T/B/tok");
        receiver.answer(500);
        HttpResponse<String> failing = send(http, "POST", "/api/v1/channels/chat/test", null);
        assertThat(failing.statusCode()).isEqualTo(502);
        assertThat(Http.json(failing).path("error").asText()).startsWith("the test message to channel 'chat' was not delivered: HTTP 500");
        Http.assertError(send(http, "POST", "/api/v1/channels/none/test", null), 404, "no channel 'none'");

        HttpResponse<String> rule = send(http, "POST", "/api/v1/rules",
                "{\"id\":\"bots\",\"targets\":[\"bots/**\"],\"on\":[\"down\",\"recovered\"],\"notify\":[\"chat\"],\"for\":\"2m\"}");
        assertThat(rule.statusCode()).as(rule.body()).isEqualTo(201);
        Http.assertError(send(http, "POST", "/api/v1/rules", "{\"id\":\"r2\",\"notify\":[\"nope\"]}"), 400,
                "rule 'r2' notifies channel 'nope', which does not exist");
        Http.assertError(send(http, "DELETE", "/api/v1/channels/chat", null), 409,
                "channel 'chat' is used by rule bots; change or remove them first");
        assertThat(send(http, "PUT", "/api/v1/rules/bots", "{\"targets\":[\"bots/main/*\"],\"notify\":[\"chat\"]}").statusCode())
                .isEqualTo(200);
        assertThat(Http.json(http.get("/api/v1/rules/bots", TestServer.ADMIN)).path("spec").path("targets").get(0).asText())
                .isEqualTo("bots/main/*");

        // they survive a restart
        server.close();
        server = start();
        http = server.http();
        assertThat(Http.json(http.get("/api/v1/channels", TestServer.ADMIN)).path("channels")).hasSize(2);
        assertThat(send(http, "DELETE", "/api/v1/rules/bots", null).statusCode()).isEqualTo(204);
        assertThat(send(http, "DELETE", "/api/v1/channels/chat", null).statusCode()).isEqualTo(204);
        assertThat(http.get("/api/v1/channels/chat", TestServer.ADMIN).statusCode()).isEqualTo(404);
    }

    @Test
    void invalidConfigurationStopsTheStartNamingTheItem() throws Exception {
        Path file = dir.resolve("bad.yml");
        Files.writeString(file, """
                channels:
                  - id: chat
                    slack: { webhook: "${NOT_SET_ANYWHERE}" }
                """);
        assertThatThrownBy(() -> TestServer.config(dir, Map.of("WATCHPOST_CONFIG", file.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("channels[0] (chat).slack.webhook: environment variable NOT_SET_ANYWHERE is not set");
        Files.writeString(file, """
                channels:
                  - id: chat
                    slack: { webhook: "https://hooks.slack.com/services/x" }
                rules:
                  - targets: ["web/*"]
                    notify: [chat, pager]
                """);
        assertThatThrownBy(() -> TestServer.start(dir, clock, Map.of("WATCHPOST_CONFIG", file.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rules[0]: rule 'rule-1' notifies channel 'pager', which does not exist");
    }
}
