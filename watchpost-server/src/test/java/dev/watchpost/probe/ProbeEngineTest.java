package dev.watchpost.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.MutableClock;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.watchpost.testing.Http.assertError;
import static dev.watchpost.testing.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The probe engine inside a real server: targets declared in the config file and through the API
 * are checked against real local servers; time is a test clock, so schedules and damping are
 * stepped exactly, while network timeouts are real.
 */
@Tag("integration")
class ProbeEngineTest {

    @TempDir
    Path dir;

    private final TestServers servers = new TestServers();
    private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
    private final AtomicInteger flappingStatus = new AtomicInteger(200);
    private TestServer server;
    private Http http;
    private int port;

    @BeforeEach
    void start() throws Exception {
        HttpServer web = servers.http();
        web.createContext("/ok", TestServers.text(200, "all good"));
        web.createContext("/broken", TestServers.text(503, "down for maintenance"));
        web.createContext("/flapping", ex -> TestServers.send(ex, flappingStatus.get(), "text/plain", "it depends"));
        web.createContext("/hang", servers.hang());
        port = web.getAddress().getPort();
        ServerSocket open = servers.raw(true);
        int closed = TestServers.closedPort();
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                probes:
                  max-per-host: 2
                targets:
                  - id: web/ok
                    http: { url: "http://127.0.0.1:%1$d/ok", every: 30s, expect: { body-contains: good } }
                  - id: web/broken
                    http: { url: "http://127.0.0.1:%1$d/broken", every: 30s }
                  - id: web/flapping
                    http: { url: "http://127.0.0.1:%1$d/flapping", every: 30s, failure-threshold: 3, success-threshold: 2 }
                  - id: net/open
                    tcp: { host: 127.0.0.1, port: %2$d, every: 1m }
                  - id: net/closed
                    tcp: { host: 127.0.0.1, port: %3$d, every: 1m }
                  - id: jobs/nightly
                    push: { every: 1d }
                """.formatted(port, open.getLocalPort(), closed));
        server = TestServer.start(dir.resolve("data"), clock, Map.of("WATCHPOST_CONFIG", config.toString()));
        http = server.http();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        servers.close();
    }

    @Test
    void newTargetsAreCheckedWithinTenSecondsAndTheFirstResultDecides() {
        assertThat(view("web/ok").state()).isEqualTo(State.UNKNOWN);
        clock.advance(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> view("web/ok").state() != State.UNKNOWN
                && view("web/broken").state() != State.UNKNOWN && view("net/open").state() != State.UNKNOWN
                && view("net/closed").state() != State.UNKNOWN);
        assertThat(view("web/ok").state()).isEqualTo(State.ONLINE);
        assertThat(view("web/ok").message()).isEqualTo("status 200");
        assertThat(view("web/ok").latencyMs()).isGreaterThan(0);
        assertThat(view("web/broken").state()).isEqualTo(State.DOWN);
        assertThat(view("web/broken").message()).isEqualTo("status 503");
        assertThat(view("net/open").state()).isEqualTo(State.ONLINE);
        assertThat(view("net/closed").state()).isEqualTo(State.DOWN);
        assertThat(view("net/closed").message()).isEqualTo("connection refused");
        // A push target is not probed.
        assertThat(view("jobs/nightly").state()).isEqualTo(State.UNKNOWN);

        JsonNode target = json(http.get("/api/v1/targets/web/broken")).get("target");
        assertThat(target.get("kind").asText()).isEqualTo("http");
        assertThat(target.get("state").asText()).isEqualTo("down");
    }

    @Test
    void failuresBelowTheThresholdArePendingNotOutagesAndRecoveryNeedsTwoSuccesses() {
        clock.advance(Duration.ofSeconds(10));
        awaitRunAfter("web/flapping", Instant.EPOCH);
        assertThat(view("web/flapping").state()).isEqualTo(State.ONLINE);

        flappingStatus.set(500);
        step("web/flapping");
        assertThat(view("web/flapping").state()).isEqualTo(State.ONLINE);
        assertThat(view("web/flapping").message()).isEqualTo("status 500 (failure 1 of 3, not down yet)");
        step("web/flapping");
        assertThat(view("web/flapping").message()).isEqualTo("status 500 (failure 2 of 3, not down yet)");
        assertThat(json(http.get("/api/v1/targets/web/flapping/probe")).at("/last/pending").asBoolean()).isTrue();
        step("web/flapping");
        assertThat(view("web/flapping").state()).isEqualTo(State.DOWN);
        assertThat(view("web/flapping").message()).isEqualTo("status 500");

        flappingStatus.set(200);
        step("web/flapping");
        assertThat(view("web/flapping").state()).isEqualTo(State.DOWN);
        assertThat(view("web/flapping").message()).isEqualTo("status 200 (success 1 of 2, still down)");
        step("web/flapping");
        assertThat(view("web/flapping").state()).isEqualTo(State.ONLINE);

        // Exactly two transitions after the first result: online → down → online; the pending
        // failures and the first success made none.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(json(http.get("/api/v1/targets/web/flapping")).get("transitions")).hasSize(3));
    }

    @Test
    void aCheckCanBeRunNowThroughTheApi() {
        HttpResponse<String> r = http.postJson("/api/v1/targets/web/ok/check", "", TestServer.ADMIN);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode run = json(r);
        assertThat(run.get("outcome").asText()).isEqualTo("up");
        assertThat(run.get("reason").asText()).isEqualTo("status 200");
        assertThat(run.get("status_code").asInt()).isEqualTo(200);
        assertThat(run.get("state").asText()).isEqualTo("online");
        assertThat(view("web/ok").state()).isEqualTo(State.ONLINE);

        assertThat(http.postJson("/api/v1/targets/web/ok/check", "", null).statusCode()).isEqualTo(401);
        assertThat(http.postJson("/api/v1/targets/web/ok/check", "", TestServer.READ).statusCode()).isEqualTo(403);
        assertError(http.postJson("/api/v1/targets/jobs/nightly/check", "", TestServer.ADMIN), 404,
                "no probed target 'jobs/nightly'");
        assertError(http.get("/api/v1/targets/jobs/nightly/probe"), 404, "no probed target 'jobs/nightly'");
        assertThat(json(http.get("/api/v1/targets/web/ok/probe")).at("/last/reason").asText()).isEqualTo("status 200");
        // The greedy target routes still answer beside the probe routes.
        assertThat(http.get("/api/v1/targets/jobs/nightly").statusCode()).isEqualTo(200);
    }

    @Test
    void targetsMadeThroughTheApiAreProbedAndStopWhenRemoved() {
        HttpResponse<String> created = http.postJson("/api/v1/targets",
                "{\"id\":\"api/health\",\"http\":{\"url\":\"http://127.0.0.1:" + port + "/broken\",\"every\":\"1m\","
                        + "\"expect\":{\"status\":\"503\"}}}", TestServer.ADMIN);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json(created).at("/http/expect/status").asText()).isEqualTo("503");
        assertThat(json(created).has("ping-key")).isFalse();
        clock.advance(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> view("api/health").state() == State.ONLINE);

        assertThat(http.send(http.request("/api/v1/targets/api/health").DELETE()
                .header("Authorization", "Bearer " + TestServer.ADMIN).build()).statusCode()).isEqualTo(204);
        assertThat(server.app().live().target("api/health")).isEmpty();
        assertError(http.postJson("/api/v1/targets/api/health/check", "", TestServer.ADMIN), 404,
                "no probed target 'api/health'");
    }

    @Test
    void aHangingHostNeitherDelaysOtherHostsNorExceedsItsLimit() {
        // Three targets on a host that never answers, limited to two probes in flight per host; a
        // target on another host name (same server) is checked at the same moment.
        for (int i = 1; i <= 3; i++) {
            assertThat(http.postJson("/api/v1/targets", "{\"id\":\"slow/" + i + "\",\"http\":{\"url\":\"http://localhost:"
                    + port + "/hang\",\"every\":\"30s\",\"timeout\":\"3s\"}}", TestServer.ADMIN).statusCode()).isEqualTo(201);
        }
        long started = System.nanoTime();
        clock.advance(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> view("web/ok").state() == State.ONLINE);
        // The fast host's answer did not wait for the hanging host's 3 s timeouts.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(view("slow/1").state()).isEqualTo(State.UNKNOWN);

        // Two time out together after 3 s; the third only then gets a permit and times out 3 s later.
        await().atMost(Duration.ofSeconds(10)).until(() -> count("timeout after 3 s") == 2);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(10)).until(() -> count("timeout after 3 s") == 3);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(6));
        assertThat(view("slow/3").state()).isEqualTo(State.DOWN);
    }

    @Test
    void tlsVerificationIsOnUnlessATargetTurnsItOff() throws Exception {
        TestCerts certs = TestCerts.validFrom(dir, "self-signed", clock.instant().minus(Duration.ofDays(1)), 30).await();
        com.sun.net.httpserver.HttpsServer https = servers.https(certs.configurator());
        https.createContext("/", TestServers.text(200, "secure"));
        int tlsPort = https.getAddress().getPort();
        String url = "https://127.0.0.1:" + tlsPort + "/";
        create("{\"id\":\"tls/strict\",\"tls\":{\"host\":\"127.0.0.1\",\"port\":" + tlsPort + "}}");
        create("{\"id\":\"tls/lax\",\"tls\":{\"host\":\"127.0.0.1\",\"port\":" + tlsPort + ",\"verify-tls\":false}}");
        create("{\"id\":\"web/strict\",\"http\":{\"url\":\"" + url + "\"}}");
        create("{\"id\":\"web/lax\",\"http\":{\"url\":\"" + url + "\",\"verify-tls\":false}}");

        assertThat(checkNow("tls/strict").get("reason").asText()).isEqualTo("TLS handshake failed: certificate not trusted");
        assertThat(checkNow("tls/lax").get("reason").asText()).startsWith("certificate valid for ");
        assertThat(checkNow("tls/lax").get("outcome").asText()).isEqualTo("up");
        assertThat(checkNow("web/strict").get("reason").asText()).isEqualTo("TLS handshake failed: certificate not trusted");
        assertThat(checkNow("web/lax").get("reason").asText()).isEqualTo("status 200");
        assertThat(view("web/strict").state()).isEqualTo(State.DOWN);
        assertThat(view("web/lax").state()).isEqualTo(State.ONLINE);
    }

    private void create(String json) {
        assertThat(http.postJson("/api/v1/targets", json, TestServer.ADMIN).statusCode()).isEqualTo(201);
    }

    private JsonNode checkNow(String id) {
        HttpResponse<String> r = http.postJson("/api/v1/targets/" + id + "/check", "", TestServer.ADMIN);
        assertThat(r.statusCode()).isEqualTo(200);
        return json(r);
    }

    @Test
    void aRunStillInFlightWhenItsNextSlotComesSkipsThatSlot() {
        assertThat(http.postJson("/api/v1/targets", "{\"id\":\"slow/x\",\"http\":{\"url\":\"http://127.0.0.1:"
                + port + "/hang\",\"every\":\"2s\",\"timeout\":\"2s\"}}", TestServer.ADMIN).statusCode()).isEqualTo(201);
        clock.advance(Duration.ofSeconds(2)); // the first run is due within one interval
        await().atMost(Duration.ofSeconds(1)).until(() -> inFlight() >= 1);
        clock.advance(Duration.ofSeconds(3)); // its next slot, while it still waits for the server
        await().atMost(Duration.ofSeconds(1)).until(() -> metric("watchpost_probes_skipped_total") == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> view("slow/x").state() == State.DOWN);
        assertThat(view("slow/x").message()).isEqualTo("timeout after 2 s");
    }

    private double inFlight() {
        return metric("watchpost_probes_in_flight");
    }

    private double metric(String name) {
        for (String line : http.get("/metrics").body().split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no metric " + name);
    }

    @Test
    void badProbeDeclarationsSayWhatIsWrong() {
        assertError(post("{\"id\":\"x\",\"http\":{\"url\":\"ftp://example.com\"}}"), 400,
                "body.http.url: 'ftp://example.com' is not an absolute http or https URL with a host");
        assertError(post("{\"id\":\"x\",\"http\":{\"url\":\"http://example.com\",\"every\":\"5s\",\"timeout\":\"10s\"}}"), 400,
                "body.http.timeout: must not be longer than 'every' (5s)");
        assertError(post("{\"id\":\"x\",\"http\":{\"url\":\"http://example.com\",\"failure-threshold\":0}}"), 400,
                "body.http.failure-threshold: expected a whole number 1-10, got 0");
        assertError(post("{\"id\":\"x\",\"http\":{\"url\":\"http://example.com\",\"expect\":{\"status\":\"abc\"}}}"), 400,
                "body.http.expect.status: not a status range (200, 200-299, 2xx): 'abc'");
        assertThat(json(post("{\"id\":\"x\",\"http\":{\"url\":\"http://example.com\",\"expect\":{\"json\":\"$.status ==\"}}}"))
                .get("error").asText()).startsWith("body.http.expect.json: ");
        assertError(post("{\"id\":\"x\",\"http\":{\"url\":\"http://example.com\",\"every\":\"500ms\"}}"), 400,
                "body.http.every: must be at least 1s");
        assertError(post("{\"id\":\"x\",\"tcp\":{\"host\":\"db.internal\"}}"), 400, "body.tcp: 'port' is required");
        assertError(post("{\"id\":\"x\",\"tcp\":{\"host\":\"db.internal\",\"port\":70000}}"), 400,
                "body.tcp.port: expected a whole number 1-65535, got 70000");
        assertError(post("{\"id\":\"x\",\"stats\":{\"url\":\"http://a/platy\",\"host\":\"a\"}}"), 400,
                "body.stats: give either 'url' (http://host[:port]/path) or 'host' (with optional 'path')");
        assertError(post("{\"id\":\"x\",\"http\":{\"url\":\"http://example.com\",\"colour\":\"red\"}}"), 400,
                "body.http: unknown key 'colour' (allowed: body, connect-timeout, every, expect, failure-threshold, "
                        + "follow-redirects, headers, locations, max-redirects, method, quorum, success-threshold, timeout, url, "
                        + "verify-tls)");
        assertError(post("{\"id\":\"x\",\"http\":{\"url\":\"http://example.com\"},\"ping-key\":\"abcdefghij\"}"), 400,
                "body.ping-key: only push targets are pinged");
    }

    @Test
    void absurdlyLongDurationsAreRefusedNotAnInternalError() {
        // Longer than a long counts in milliseconds: once a 500 (timeout) or accepted and then failing
        // every scheduler tick, taking the other targets due in that tick with it (every).
        assertError(post("{\"id\":\"x\",\"http\":{\"url\":\"http://example.com\",\"timeout\":\"9999999999999d\"}}"), 400,
                "body.http.timeout: '9999999999999d' is not a duration such as 500ms, 90s, 15m, 24h, 1d or ISO-8601 (PT30S)");
        assertError(post("{\"id\":\"x\",\"http\":{\"url\":\"http://example.com\",\"every\":\"9999999999999d\"}}"), 400,
                "body.http.every: '9999999999999d' is not a duration such as 500ms, 90s, 15m, 24h, 1d or ISO-8601 (PT30S)");
        assertError(post("{\"id\":\"x\",\"push\":{\"every\":\"90000000000d\"}}"), 400,
                "body.push.every: '90000000000d' is not a duration such as 500ms, 90s, 15m, 24h, 1d or ISO-8601 (PT30S)");
    }

    private HttpResponse<String> post(String body) {
        return http.postJson("/api/v1/targets", body, TestServer.ADMIN);
    }

    private long count(String message) {
        return server.app().live().snapshot().targets().stream()
                .filter(t -> t.id().startsWith("slow/") && message.equals(t.message())).count();
    }

    private TargetView view(String id) {
        return server.app().live().target(id).orElseThrow();
    }

    /**
     * Moves the clock past the target's next slot and waits for that run's result. The next slot is
     * at least half an interval after the last one and at most one and a half intervals after now;
     * a jump over several slots still makes one run (missed slots are skipped).
     */
    private void step(String id) {
        Instant before = server.app().probes().lastRun(id).orElseThrow().at();
        clock.advance(Duration.ofSeconds(45));
        awaitRunAfter(id, before);
    }

    private void awaitRunAfter(String id, Instant before) {
        await().atMost(Duration.ofSeconds(10)).until(() -> server.app().probes().lastRun(id)
                .map(r -> r.at().isAfter(before)).orElse(false));
    }
}
