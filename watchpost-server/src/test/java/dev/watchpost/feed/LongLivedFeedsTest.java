package dev.watchpost.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchpost.testing.TestServer;
import dev.watchpost.testing.WsClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live feeds are held open far longer than a request: a quiet feed must stay open past its
 * keep-alives and still deliver the next change. (The SSE stream used to die at its first keep-alive.)
 */
@Tag("integration")
class LongLivedFeedsTest {

    @TempDir
    Path dir;

    @Test
    void aQuietStreamOutlivesTwoKeepAlivesAndStillDeliversATransition() throws Exception {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_STREAM_KEEPALIVE", "300ms"))) {
            declareWorker(server);
            quietThenTransition(server, Duration.ofMillis(300), 3);
        }
    }

    @Test
    void atTheDefaultKeepAliveAStreamSurvivesTwoOfThem() throws Exception {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of())) {
            declareWorker(server);
            quietThenTransition(server, Duration.ofSeconds(15), 2);
        }
    }

    @Test
    void aStreamOutlivesTheServersIdleTimeout() throws Exception {
        // Helidon counts idleness in whole seconds: 2 s, held for more than twice that.
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of(
                "WATCHPOST_STREAM_KEEPALIVE", "300ms", "WATCHPOST_IDLE_TIMEOUT", "2s"))) {
            declareWorker(server);
            quietThenTransition(server, Duration.ofMillis(300), 16);
        }
    }

    @Test
    void aBusyGlanceFeedWhoseClientOnlyListensOutlivesTheIdleTimeout() throws Exception {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of(
                "WATCHPOST_STREAM_KEEPALIVE", "500ms", "WATCHPOST_IDLE_TIMEOUT", "2s", "GLANCE_BOTS", "main:2"))) {
            try (WsClient page = new WsClient(server.app().port(), "/api/feed")) {
                LinkedBlockingQueue<String> messages = page.texts;
                assertThat(messages.poll(10, TimeUnit.SECONDS)).contains("\"op\":\"hello\"");
                // Updates more often than the keep-alive interval, for more than twice the idle timeout.
                long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                int state = 3;
                while (System.nanoTime() < end) {
                    state = state == 3 ? 4 : 3;
                    glanceStatus(server, 0, state);
                    Thread.sleep(200);
                    assertThat(page.closed).as("closed while the client listened").isNotDone();
                }
                messages.clear();
                glanceStatus(server, 1, 3);
                String update;
                do {
                    update = messages.poll(10, TimeUnit.SECONDS);
                    assertThat(update).as("the feed went silent").isNotNull();
                } while (!update.contains("\"shard\":1"));
                assertThat(update).isEqualTo("{\"op\":\"state_update\",\"payload\":{\"cluster\":\"main\",\"shard\":1,\"state\":3}}");
            }
        }
    }

    private static void glanceStatus(TestServer server, int shard, int state) {
        assertThat(server.http().send(server.http().request("/api/status/main/" + shard + "/" + state)
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(204);
    }

    @Test
    void aQuietGlanceFeedIsPingedAndStillDeliversAStateUpdate() throws Exception {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of(
                "WATCHPOST_STREAM_KEEPALIVE", "300ms", "GLANCE_BOTS", "main:2"))) {
            try (WsClient page = new WsClient(server.app().port(), "/api/feed")) {
                LinkedBlockingQueue<String> messages = page.texts;
                assertThat(messages.poll(10, TimeUnit.SECONDS)).contains("\"op\":\"hello\"");
                Thread.sleep(1_000); // more than three keep-alive intervals with nothing to say
                assertThat(page.pings.get()).as("pings while quiet").isGreaterThanOrEqualTo(2);
                assertThat(page.closed).isNotDone();
                glanceStatus(server, 1, 3);
                String update = messages.poll(10, TimeUnit.SECONDS);
                assertThat(update).isEqualTo("{\"op\":\"state_update\",\"payload\":{\"cluster\":\"main\",\"shard\":1,\"state\":3}}");
            }
        }
    }

    private static void declareWorker(TestServer server) {
        assertThat(server.http().postJson("/api/v1/targets", "{\"id\":\"jobs/quiet\",\"push\":{\"every\":\"1h\"}}",
                TestServer.ADMIN).statusCode()).isEqualTo(201);
    }

    /**
     * Opens the stream, reads the snapshot, stays quiet through {@code keepAlives} keep-alive comments
     * (each arriving about one interval after the last), then reports and reads the transition.
     */
    private static void quietThenTransition(TestServer server, Duration interval, int keepAlives) throws Exception {
        HttpResponse<InputStream> r = HttpClient.newHttpClient().send(server.http().request("/api/v1/stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            List<String> first = readBlock(in);
            if (first.stream().anyMatch(l -> l.startsWith("retry:"))) {
                first = readBlock(in);
            }
            assertThat(first).contains("event:snapshot");
            long started = System.nanoTime();
            for (int i = 0; i < keepAlives; i++) {
                assertThat(readBlock(in)).containsExactly(":keep-alive");
            }
            Duration quiet = Duration.ofNanos(System.nanoTime() - started);
            assertThat(quiet).isGreaterThanOrEqualTo(interval.multipliedBy(keepAlives).minus(interval.dividedBy(2)));

            assertThat(server.http().postJson("/api/v1/heartbeat/jobs/quiet", "{\"state\":\"online\"}", TestServer.INGEST)
                    .statusCode()).isEqualTo(204);
            List<String> next = readBlock(in);
            while (next.equals(List.of(":keep-alive"))) {
                next = readBlock(in);
            }
            assertThat(next).contains("event:transition");
            String data = next.stream().filter(l -> l.startsWith("data:")).findFirst().orElseThrow().substring(5);
            JsonNode t = new ObjectMapper().readTree(data);
            assertThat(t.get("target").asText()).isEqualTo("jobs/quiet");
            assertThat(t.get("to").asText()).isEqualTo("online");
        }
    }

    /** The lines of the next SSE block (up to a blank line); fails when the stream ends. */
    private static List<String> readBlock(BufferedReader in) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isEmpty()) {
                if (!lines.isEmpty()) {
                    return lines;
                }
                continue;
            }
            lines.add(line);
        }
        throw new AssertionError("the stream ended after " + lines);
    }
}
