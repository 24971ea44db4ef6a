package dev.watchpost.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

import static dev.watchpost.testing.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** History over HTTP: an outage shows in uptime and in today's bar, from buckets. */
@Tag("integration")
class HistoryApiTest {

    @TempDir
    Path dir;

    @Test
    void anOutageShowsInUptimeAndTodaysBar() {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of())) {
            Http http = server.http();
            http.postJson("/api/v1/targets", "{\"id\":\"api\",\"push\":{\"timeout\":\"1s\"}}", TestServer.ADMIN);
            for (int i = 0; i < 5; i++) {
                http.postJson("/api/v1/heartbeat/api", "{\"latency_ms\":" + (100 + i * 100) + "}", TestServer.INGEST);
            }
            await().atMost(Duration.ofSeconds(3)).until(() ->
                    Http.json(http.get("/api/v1/targets/api")).get("target").get("state").asText().equals("unhealthy"));
            http.postJson("/api/v1/heartbeat/api", "", TestServer.INGEST);
            server.app().live().flush();
            server.app().history().flush();

            JsonNode h = Http.json(http.get("/api/v1/targets/api/history?days=3"));
            JsonNode day = h.get("uptime").get("24h");
            assertThat(day.get("uptime").asDouble()).as("down from expiry until the next heartbeat").isLessThan(1.0).isGreaterThan(0.0);
            assertThat(h.get("days")).hasSize(3);
            JsonNode today = h.get("days").get(2);
            assertThat(today.get("date").asText()).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
            assertThat(today.get("samples").asLong()).isEqualTo(6);
            assertThat(today.get("latency_max_ms").asDouble()).isEqualTo(500.0);
            assertThat(today.get("latency_avg_ms").asDouble()).isEqualTo(300.0);
            assertThat(today.get("incident_count").asInt()).isEqualTo(1);
            assertThat(today.get("incidents").get(0).get("to").asText()).isEqualTo("unhealthy");
            assertThat(today.get("incidents").get(0).get("reason").asText()).isEqualTo("no report for 1s");
            assertThat(h.get("days").get(0).get("uptime").isNull()).as("no data before the target existed").isTrue();
        }
    }

    @Test
    void badParametersAre400AndUnknownTargets404() {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of())) {
            Http http = server.http();
            http.postJson("/api/v1/targets", "{\"id\":\"api\",\"push\":{\"timeout\":\"1m\"}}", TestServer.ADMIN);
            assertError(http.get("/api/v1/targets/api/history?days=0"), 400, "days must be a whole number 1-366 (got '0')");
            assertError(http.get("/api/v1/targets/api/history?days=ninety"), 400, "days must be a whole number 1-366 (got 'ninety')");
            assertError(http.get("/api/v1/targets/api/history?tz=Mars/Olympus"), 400,
                    "tz 'Mars/Olympus' is not a time zone (e.g. UTC, Europe/Berlin)");
            assertError(http.get("/api/v1/targets/nope/history"), 404, "no target 'nope'");
            assertThat(http.get("/api/v1/targets/api/history?tz=America/New_York").statusCode()).isEqualTo(200);
        }
    }
}
