package dev.watchpost.feed;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Viewers that already have a recent state get only what they missed: a reconnect with
 * {@code Last-Event-ID}, a page connecting with the version it was rendered from. Anything they
 * cannot be sure to have brings the whole snapshot, as before.
 */
@Tag("integration")
class StreamResumeTest {

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                groups:
                  - id: bots
                    shards: 8
                    lease: 1h
                """);
        server = TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_CONFIG", config.toString()));
        http = server.http();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** One SSE event as read: id (null when none), name and data. */
    record Event(String id, String name, String data) {
    }

    /** An open stream; the caller closes it. */
    static final class Stream implements AutoCloseable {
        final BufferedReader in;

        Stream(HttpRequest.Builder req) throws Exception {
            HttpResponse<InputStream> r = CLIENT.send(req.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        }

        Event next() throws Exception {
            String id = null;
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (name != null) {
                        return new Event(id, name, data.toString());
                    }
                    continue;
                }
                if (line.startsWith("id:")) {
                    id = line.substring(3);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6);
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5));
                }
            }
            throw new AssertionError("stream ended");
        }

        @Override
        public void close() throws Exception {
            in.close();
        }
    }

    private static void report(int shard, String state) {
        http.postJson("/api/v1/heartbeat/bots/" + shard, "{\"state\":\"" + state + "\"}", TestServer.INGEST);
    }

    private static String targetOf(Event e) throws Exception {
        return new ObjectMapper().readTree(e.data()).get("target").asText() + ":" + new ObjectMapper().readTree(e.data()).get("to").asText();
    }

    @Test
    void aReconnectGetsOnlyWhatItMissedAndAStrangerIdBringsTheSnapshot() throws Exception {
        String lastId;
        try (Stream s = new Stream(http.request("/api/v1/stream"))) {
            Event first = s.next();
            assertThat(first.name()).isEqualTo("snapshot");
            assertThat(first.id()).as("the snapshot says up to where it reaches").matches("[0-9a-z]+\\.\\d+");
            report(1, "online");
            Event t = s.next();
            assertThat(t.name()).isEqualTo("transition");
            assertThat(targetOf(t)).isEqualTo("bots/1:online");
            lastId = t.id();
        }
        // while away: two changes
        report(2, "online");
        report(1, "offline");
        try (Stream s = new Stream(http.request("/api/v1/stream").header("Last-Event-ID", lastId))) {
            // Events are published once recorded, a moment after the reports' answers: some may be
            // replayed, the rest follow live after "resumed". Either way: both, in order, no snapshot.
            List<String> got = new ArrayList<>();
            boolean resumed = false;
            while (got.size() < 2) {
                Event e = s.next();
                assertThat(e.name()).as("no snapshot on a resume").isIn("transition", "resumed");
                if (e.name().equals("resumed")) {
                    resumed = true;
                } else {
                    got.add(targetOf(e));
                }
            }
            assertThat(got).containsExactly("bots/2:online", "bots/1:offline");
            if (!resumed) {
                assertThat(s.next().name()).isEqualTo("resumed");
            }
            report(3, "online"); // and it stays live
            assertThat(targetOf(s.next())).isEqualTo("bots/3:online");
        }
        String otherRun = "zzz" + lastId.substring(lastId.indexOf('.'));
        try (Stream s = new Stream(http.request("/api/v1/stream").header("Last-Event-ID", otherRun))) {
            assertThat(s.next().name()).as("an id from another run of the server").isEqualTo("snapshot");
        }
        try (Stream s = new Stream(http.request("/api/v1/stream?last=" + lastId))) {
            assertThat(s.next().name()).as("the page reopening the stream itself names its last id in the query")
                    .isEqualTo("transition");
        }
    }

    @Test
    void thePageConnectsWithTheVersionItWasRenderedFromAndMissesNothing() throws Exception {
        report(4, "online");
        String html = http.get("/").body();
        Matcher m = Pattern.compile("data-since=\"([^\"]+)\"").matcher(html);
        assertThat(m.find()).as("the page names the snapshot it was rendered from").isTrue();
        String since = m.group(1);
        report(4, "offline"); // after the render, before the page connects
        try (Stream s = new Stream(http.request("/api/v1/stream?since=" + since))) {
            // Replayed before "resumed", or live after it if its event was published a moment later:
            // the change the page lacks arrives either way, and never the snapshot.
            List<String> got = new ArrayList<>();
            boolean resumed = false;
            while (!got.contains("bots/4:offline")) {
                Event e = s.next();
                assertThat(e.name()).isIn("transition", "resumed");
                if (e.name().equals("resumed")) {
                    resumed = true;
                } else {
                    got.add(targetOf(e));
                }
            }
            // a change may reach the snapshot before its event is published: it can come again, harmlessly
            assertThat(got).endsWith("bots/4:offline").isSubsetOf("bots/4:online", "bots/4:offline");
            if (!resumed) {
                assertThat(s.next().name()).isEqualTo("resumed");
            }
        }
        try (Stream s = new Stream(http.request("/api/v1/stream?since=" + since.substring(0, since.indexOf('.')) + ".999999999"))) {
            assertThat(s.next().name()).as("a position the feed never reached").isEqualTo("snapshot");
        }
    }

    @Test
    void aViewerThatMissedMoreThanIsHeldGetsTheSnapshot() throws Exception {
        String lastId;
        try (Stream s = new Stream(http.request("/api/v1/stream"))) {
            lastId = s.next().id();
        }
        // more changes than the feed holds, in batches
        int changes = FeedRoutes.RECENT + 8;
        for (int done = 0; done < changes; ) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < 8 && done < changes; i++, done++) {
                b.append(i == 0 ? "" : ",").append("{\"target\":\"bots/").append(i).append("\",\"state\":\"")
                        .append((done / 8) % 2 == 0 ? "starting" : "online").append("\"}");
            }
            http.postJson("/api/v1/heartbeats", b.append(']').toString(), TestServer.INGEST);
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
            try (Stream s = new Stream(http.request("/api/v1/stream").header("Last-Event-ID", lastId))) {
                assertThat(s.next().name()).isEqualTo("snapshot");
            }
        });
    }
}
