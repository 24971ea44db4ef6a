package dev.watchpost.feed;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static dev.watchpost.testing.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Snapshot with ETag, the SSE stream and guild lookup over real HTTP. */
@Tag("integration")
class FeedTest {

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                groups:
                  - id: bots
                    name: Discord bots
                    groups:
                      - id: main
                        name: Main bot
                        shards: 360
                        lease: 30s
                      - id: music
                        shards: 7
                """);
        server = TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_CONFIG", config.toString()));
        http = server.http();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void snapshotHasAnEtagAndAnswers304WhenUnchanged() {
        // A report of another test may still be on its way into the next snapshot (built every 250 ms):
        // the answer is 304 as soon as nothing changes between two reads.
        java.util.concurrent.atomic.AtomicReference<HttpResponse<String>> first = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<HttpResponse<String>> again = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            first.set(http.get("/api/v1/snapshot"));
            again.set(http.send(http.request("/api/v1/snapshot")
                    .header("If-None-Match", first.get().headers().firstValue("ETag").orElseThrow()).GET().build()));
            return again.get().statusCode() == 304;
        });
        assertThat(first.get().statusCode()).isEqualTo(200);
        String etag = first.get().headers().firstValue("ETag").orElseThrow();
        JsonNode body = Http.json(first.get());
        assertThat(body.get("targets")).hasSize(367);
        assertThat(body.get("groups").findValuesAsText("id")).contains("bots", "bots/main", "bots/music");
        assertThat(again.get().body()).isEmpty();

        http.postJson("/api/v1/heartbeat/bots/music/1", "{\"state\":\"online\"}", TestServer.INGEST);
        await().atMost(Duration.ofSeconds(2)).until(() ->
                http.send(http.request("/api/v1/snapshot").header("If-None-Match", etag).GET().build()).statusCode() == 200);
    }

    @Test
    void guildLookupIsExactFor64BitIds() {
        String guild = "1234567890123456789"; // 19 digits: beyond a double's exact integers
        int expectedMain = new BigInteger(guild).shiftRight(22).mod(BigInteger.valueOf(360)).intValue();
        int expectedMusic = new BigInteger(guild).shiftRight(22).mod(BigInteger.valueOf(7)).intValue();
        JsonNode body = Http.json(http.get("/api/v1/guilds/" + guild));
        assertThat(body.get("guild_id").asText()).isEqualTo(guild);
        assertThat(body.get("groups").get(0).get("group").asText()).isEqualTo("bots/main");
        assertThat(body.get("groups").get(0).get("shard").asInt()).isEqualTo(expectedMain);
        assertThat(body.get("groups").get(0).get("target").asText()).isEqualTo("bots/main/" + expectedMain);
        assertThat(body.get("groups").get(1).get("shard").asInt()).isEqualTo(expectedMusic);
        String max = "18446744073709551615";
        int expectedMax = new BigInteger(max).shiftRight(22).mod(BigInteger.valueOf(360)).intValue();
        assertThat(Http.json(http.get("/api/v1/guilds/" + max)).get("groups").get(0).get("shard").asInt()).isEqualTo(expectedMax);
    }

    @Test
    void badGuildIdsAre400() {
        assertError(http.get("/api/v1/guilds/-5"), 400, "guild id '-5' must not be negative");
        assertError(http.get("/api/v1/guilds/abc"), 400, "guild id 'abc' must be a decimal number (a Discord snowflake)");
        assertError(http.get("/api/v1/guilds/18446744073709551616"), 400,
                "guild id '18446744073709551616' is outside the range of Discord ids (1 to 18446744073709551615)");
        assertError(http.get("/api/v1/guilds/1.5e18"), 400, "guild id '1.5e18' must be a decimal number (a Discord snowflake)");
    }

    @Test
    void streamSendsASnapshotThenTransitionsButNotEveryHeartbeat() throws Exception {
        HttpResponse<InputStream> r = java.net.http.HttpClient.newHttpClient().send(http.request("/api/v1/stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String[] first = readEvent(in);
            assertThat(first[0]).isEqualTo("snapshot");
            assertThat(new ObjectMapper().readTree(first[1]).get("targets")).hasSize(367);

            http.postJson("/api/v1/heartbeat/bots/main/5", "{\"state\":\"starting\"}", TestServer.INGEST);
            http.postJson("/api/v1/heartbeat/bots/main/5", "{\"state\":\"starting\"}", TestServer.INGEST); // no change
            http.postJson("/api/v1/heartbeat/bots/main/5", "{\"state\":\"online\"}", TestServer.INGEST);
            String[] a = readEvent(in);
            String[] b = readEvent(in);
            assertThat(a[0]).isEqualTo("transition");
            JsonNode ta = new ObjectMapper().readTree(a[1]);
            assertThat(ta.get("target").asText()).isEqualTo("bots/main/5");
            assertThat(ta.get("from").asText()).isEqualTo("unknown");
            assertThat(ta.get("to").asText()).isEqualTo("starting");
            JsonNode tb = new ObjectMapper().readTree(b[1]);
            assertThat(tb.get("from").asText()).isEqualTo("starting");
            assertThat(tb.get("to").asText()).isEqualTo("online");
        }
    }

    /** Reads one SSE event: {name, data}; skips comments. */
    private static String[] readEvent(BufferedReader in) throws Exception {
        String name = null;
        StringBuilder data = new StringBuilder();
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isEmpty()) {
                if (name != null || data.length() > 0) {
                    return new String[] {name, data.toString()};
                }
                continue;
            }
            if (line.startsWith("event:")) {
                name = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).strip());
            }
        }
        throw new AssertionError("stream ended");
    }
}
