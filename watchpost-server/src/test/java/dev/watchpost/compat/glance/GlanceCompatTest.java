package dev.watchpost.compat.glance;

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

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Glance's wire protocol over real HTTP and WebSocket (CONTRACTS.md §1). */
@Tag("integration")
class GlanceCompatTest {

    static final String PASS = "glance-pass";
    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, Clock.systemUTC(), Map.of(
                "GLANCE_BOTS", "main:4;patron_1:2;patron_2:1",
                "GLANCE_PASSPHRASE", PASS,
                "GLANCE_HEALTH_TIMEOUT", "1")); // Glance's own form: whole seconds
        http = server.http();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private HttpResponse<String> post(String path, String auth) {
        HttpRequest.Builder b = http.request(path).POST(HttpRequest.BodyPublishers.noBody());
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build());
    }

    private String state(String target) {
        return Http.json(http.get("/api/v1/targets/" + target)).get("target").get("state").asText();
    }

    @Test
    void statusPostIs204AndShowsInTheNativeApi() {
        HttpResponse<String> r = post("/api/status/main/2/4", PASS);
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        assertThat(state("main/2")).isEqualTo("starting");
        assertThat(post("/api/status/main/2/3", "Bearer " + PASS).statusCode()).isEqualTo(204);
        assertThat(state("main/2")).isEqualTo("online");
    }

    @Test
    void errorsAreGlancesExactTexts() {
        assertThat(post("/api/status/nope/0/3", PASS).body()).isEqualTo("{\"error\":\"cluster 'nope' does not exist\"}");
        HttpResponse<String> out = post("/api/status/main/4/3", PASS);
        assertThat(out.statusCode()).isEqualTo(400);
        assertThat(out.body()).isEqualTo("{\"error\":\"shard '4' falls outside the range of valid shards on cluster 'main'\"}");
        assertThat(post("/api/status/main/-1/3", PASS).statusCode()).isEqualTo(400);
        assertThat(post("/api/health/patron_1/2", PASS).body())
                .isEqualTo("{\"error\":\"shard '2' falls outside the range of valid shards on cluster 'patron_1'\"}");
        HttpResponse<String> unknown = post("/api/health/patron_1/1", PASS);
        assertThat(unknown.statusCode()).isEqualTo(409);
        assertThat(unknown.body())
                .isEqualTo("{\"error\":\"shard '1' is not known to the system yet, please populate your status\"}");
    }

    @Test
    void aShardThatReportedUnknownMayStillPing() {
        assertThat(post("/api/status/main/0/0", PASS).statusCode()).isEqualTo(204);
        assertThat(post("/api/health/main/0", PASS).statusCode()).as("it has posted a status").isEqualTo(204);
    }

    @Test
    void stateNumbersAreRangeChecked() {
        HttpResponse<String> r = post("/api/status/main/0/99", PASS);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r).get("error").asText()).isEqualTo("state '99' is not a valid state (0-6)");
        assertThat(post("/api/status/main/0/7", PASS).statusCode()).isEqualTo(400);
        assertThat(post("/api/status/main/0/-1", PASS).statusCode()).isEqualTo(400);
    }

    @Test
    void pathsWhoseShardOrStateIsNotANumberAreNotGlanceRoutes() {
        // Glance's router takes only whole numbers there; anything else is no route (404), not a bad shard.
        for (String path : new String[] {"/api/status/main/abc/3", "/api/status/main/1.5/3", "/api/status/main/0/x",
                "/api/health/main/abc", "/api/health/main/+1"}) {
            HttpResponse<String> r = post(path, PASS);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(Http.json(r).get("error").asText()).as(path).isNotBlank();
        }
        assertThat(post("/api/status/main/99999999999/3", PASS).body()).as("a number, only out of range")
                .isEqualTo("{\"error\":\"shard '99999999999' falls outside the range of valid shards on cluster 'main'\"}");
    }

    @Test
    void getOnThePostRoutesIs405() {
        for (String path : new String[] {"/api/status/main/0/3", "/api/health/main/0"}) {
            HttpResponse<String> r = http.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).as(path).contains("POST");
            assertThat(Http.json(r).get("error").asText()).as(path).contains("GET");
        }
    }

    @Test
    void aShardThatReportedUnknownStillExpires() {
        // Glance: every shard that has reported falls under the health timeout, state 0 included.
        long t0 = System.nanoTime();
        assertThat(post("/api/status/patron_2/0/0", PASS).statusCode()).isEqualTo(204);
        assertThat(state("patron_2/0")).isEqualTo("unknown");
        await().atMost(Duration.ofMillis(1_500)).pollInterval(Duration.ofMillis(20))
                .until(() -> state("patron_2/0").equals("unhealthy"));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(post("/api/health/patron_2/0", PASS).statusCode()).isEqualTo(204);
        assertThat(state("patron_2/0")).as("a health ping revives it, as any unhealthy shard").isEqualTo("online");
    }

    @Test
    void missingOrWrongPassphraseIs401NotA500() {
        for (String auth : new String[] {null, "wrong", "Bearer wrong", ""}) {
            HttpResponse<String> r = post("/api/status/main/1/3", auth);
            assertThat(r.statusCode()).as("auth %s", auth).isEqualTo(401);
            assertThat(r.body()).isEqualTo("{\"error\":\"this endpoint requires authorization\"}");
        }
        assertThat(post("/api/status/main/1/3", "Bearer " + TestServer.INGEST).statusCode())
                .as("a Watchpost ingest token works too").isEqualTo(204);
    }

    @Test
    void quietShardBecomesUnhealthyWithinTheLeaseAndAHealthPingRevivesIt() {
        long t0 = System.nanoTime();
        assertThat(post("/api/status/patron_1/0/3", PASS).statusCode()).isEqualTo(204);
        await().atMost(Duration.ofMillis(1_500)).pollInterval(Duration.ofMillis(20))
                .until(() -> state("patron_1/0").equals("unhealthy"));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(post("/api/health/patron_1/0", PASS).statusCode()).isEqualTo(204);
        assertThat(state("patron_1/0")).isEqualTo("online");
    }

    /** The next message of one kind about shard main/3; other tests of this class may ping other shards meanwhile. */
    private static JsonNode next(LinkedBlockingQueue<String> messages, String op) throws Exception {
        ObjectMapper json = new ObjectMapper();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            String m = messages.poll(100, TimeUnit.MILLISECONDS);
            if (m == null) {
                continue;
            }
            JsonNode n = json.readTree(m);
            if (n.get("op").asText().equals(op) && n.get("payload").get("cluster").asText().equals("main")
                    && n.get("payload").get("shard").asInt() == 3) {
                return n;
            }
        }
        throw new AssertionError("no " + op + " for main/3 within 5 s");
    }

    @Test
    void feedSaysHelloThenStateUpdatesAndHealthPings() throws Exception {
        post("/api/status/main/3/2", PASS);
        WsClient ws = new WsClient(server.app().port(), "/api/feed");
        LinkedBlockingQueue<String> messages = ws.texts;
        try {
            ObjectMapper json = new ObjectMapper();
            JsonNode hello = json.readTree(messages.poll(10, TimeUnit.SECONDS));
            assertThat(hello.get("op").asText()).isEqualTo("hello");
            assertThat(hello.get("payload").get("main").get("len").asInt()).isEqualTo(4);
            assertThat(hello.get("payload").get("patron_1").get("len").asInt()).isEqualTo(2);
            assertThat(hello.get("payload").get("main").get("3").get("state").asInt()).isEqualTo(2);
            assertThat(hello.get("payload").get("main").get("3").get("last_healthy").isFloatingPointNumber()).isTrue();

            ws.send("ignored by the server");
            post("/api/status/main/3/3", PASS);
            JsonNode update = next(messages, "state_update");
            assertThat(update.toString()).isEqualTo("{\"op\":\"state_update\",\"payload\":{\"cluster\":\"main\",\"shard\":3,\"state\":3}}");

            post("/api/health/main/3", PASS);
            JsonNode ping = next(messages, "health_ping");
            assertThat(ping.get("op").asText()).isEqualTo("health_ping");
            assertThat(ping.get("payload").get("shard").isInt()).as("shard ids are integers").isTrue();
            assertThat(ping.get("payload").get("cluster").asText()).isEqualTo("main");
        } finally {
            ws.close();
        }
    }
}
