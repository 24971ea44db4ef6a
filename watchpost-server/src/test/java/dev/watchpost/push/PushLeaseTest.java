package dev.watchpost.push;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Push leases over real HTTP with a clock the test moves: every shortened deadline (a run started,
 * a smaller every or grace, a restart with a shorter lease in the file) is honoured when it falls
 * due, not when the old one would have, and a heartbeat without a state leaves {@code offline} alone.
 */
@Tag("integration")
class PushLeaseTest {

    private static final String EVERY_KEY = "every-key-0001";
    private static final String CRON_KEY = "nightly-key-001";
    private static final Pattern LATENESS_MAX = Pattern.compile("(?m)^watchpost_lease_expiry_lateness_max_seconds\\S* (\\S+)$");

    @TempDir
    Path dir;
    MutableClock clock = MutableClock.at("2026-06-01T12:00:00Z");
    TestServer server;
    Http http;

    @BeforeEach
    void start() throws Exception {
        writeConfig("1m", "10s");
        startServer();
    }

    private void writeConfig(String every, String grace) throws Exception {
        Files.writeString(dir.resolve("watchpost.yml"), """
                targets:
                  - id: jobs/every
                    push: { every: %s, grace: %s }
                    ping-key: %s
                  - id: jobs/nightly
                    push: { schedule: "0 3 * * *", timezone: UTC, grace: 30s }
                    ping-key: %s
                """.formatted(every, grace, EVERY_KEY, CRON_KEY));
    }

    private void startServer() {
        server = TestServer.start(dir, clock, Map.of("WATCHPOST_CONFIG", dir.resolve("watchpost.yml").toString(),
                "WATCHPOST_FLUSH_INTERVAL", "1m"));
        http = server.http();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String state(String id) {
        return Http.json(http.get("/api/v1/targets/" + id)).get("target").get("state").asText();
    }

    private void ping(String path) {
        assertThat(http.get(path).statusCode()).as(path).isEqualTo(200);
    }

    /** Moves the clock after letting the wheel (100 ms of real time a tick) see the reports so far. */
    private void advance(Duration d) throws InterruptedException {
        Thread.sleep(300);
        clock.advance(d);
    }

    /**
     * Moves the clock to just before {@code deadline} (the wheel turns every 100 ms of real time),
     * checks the target is still up, then past it and waits for it to turn Unhealthy; the lateness
     * metric must stay small.
     */
    private void assertUnhealthyAt(String id, Instant deadline) throws Exception {
        clock.advance(Duration.between(clock.instant(), deadline.minusSeconds(1)));
        Thread.sleep(400); // several wheel ticks at this time
        assertThat(state(id)).as("a second before the deadline").isNotEqualTo("unhealthy");
        clock.advance(Duration.ofMillis(1_100));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(state(id)).isEqualTo("unhealthy"));
        String metrics = http.get("/metrics", TestServer.READ).body();
        Matcher m = LATENESS_MAX.matcher(metrics);
        assertThat(m.find()).as("lateness metric in %s", metrics.length()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).as("lease_expiry_lateness max, seconds").isLessThanOrEqualTo(0.3);
    }

    @Test
    void aStartOnAnEveryTargetMustFinishWithinTheGrace() throws Exception {
        Instant t0 = clock.instant();
        ping("/ping/" + EVERY_KEY);
        advance(Duration.ofSeconds(5));
        ping("/ping/" + EVERY_KEY + "/start");
        assertUnhealthyAt("jobs/every", t0.plusSeconds(15)); // the start + 10 s, not + 1 min 10 s
    }

    @Test
    void aStartedCronJobMustFinishWithinTheGrace() throws Exception {
        ping("/ping/" + CRON_KEY); // next run expected tomorrow at 03:00
        advance(Duration.ofSeconds(5));
        Instant started = clock.instant();
        ping("/ping/" + CRON_KEY + "/start");
        assertUnhealthyAt("jobs/nightly", started.plusSeconds(30));
    }

    @Test
    void aSmallerEveryOnPutIsHonouredOnTime() throws Exception {
        HttpResponse<String> made = http.postJson("/api/v1/targets", "{\"id\":\"jobs/api\",\"push\":{\"every\":\"10m\",\"grace\":\"1m\"}}",
                TestServer.ADMIN);
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        Instant t0 = clock.instant();
        assertThat(http.postJson("/api/v1/heartbeat/jobs/api", "", TestServer.INGEST).statusCode()).isEqualTo(204);
        advance(Duration.ofSeconds(20));
        HttpResponse<String> put = http.send(http.request("/api/v1/targets/jobs/api")
                .header("Authorization", "Bearer " + TestServer.ADMIN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"push\":{\"every\":\"20s\",\"grace\":\"10s\"}}")).build());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertUnhealthyAt("jobs/api", t0.plusSeconds(30));
    }

    @Test
    void aSmallerGraceOnPutDuringARunIsHonouredOnTime() throws Exception {
        JsonNode made = Http.json(http.postJson("/api/v1/targets", "{\"id\":\"jobs/run\",\"push\":{\"every\":\"1h\",\"grace\":\"30m\"}}",
                TestServer.ADMIN));
        String key = made.get("ping-key").asText();
        ping("/ping/" + key);
        advance(Duration.ofSeconds(5));
        Instant started = clock.instant();
        ping("/ping/" + key + "/start"); // must finish within 30 min
        advance(Duration.ofSeconds(5));
        HttpResponse<String> put = http.send(http.request("/api/v1/targets/jobs/run")
                .header("Authorization", "Bearer " + TestServer.ADMIN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"push\":{\"every\":\"1h\",\"grace\":\"20s\"}}")).build());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertUnhealthyAt("jobs/run", started.plusSeconds(20)); // the run's start + the new grace
    }

    @Test
    void aShorterLeaseInTheFileIsHonouredAfterARestart() throws Exception {
        server.close();
        writeConfig("10m", "1m");
        startServer();
        ping("/ping/" + EVERY_KEY);
        server.close();
        clock.advance(Duration.ofSeconds(30));
        writeConfig("20s", "10s");
        startServer();
        Instant restarted = clock.instant();
        // One full lease of the new length after the restart, not the old 11 minutes from the ping.
        assertUnhealthyAt("jobs/every", restarted.plusSeconds(30));
    }

    @Test
    void aHeartbeatWithoutAStateLeavesOfflineAlone() {
        assertThat(http.postJson("/api/v1/heartbeat/jobs/every", "{\"state\":\"offline\"}", TestServer.INGEST).statusCode())
                .isEqualTo(204);
        assertThat(http.postJson("/api/v1/heartbeat/jobs/every", "", TestServer.INGEST).statusCode()).isEqualTo(204);
        assertThat(state("jobs/every")).isEqualTo("offline");
        ping("/ping/" + EVERY_KEY);
        ping("/ping/" + EVERY_KEY + "/0");
        assertThat(state("jobs/every")).isEqualTo("offline");
        // A down one is revived, as docs/targets.md says.
        ping("/ping/" + EVERY_KEY + "/fail");
        assertThat(state("jobs/every")).isEqualTo("down");
        ping("/ping/" + EVERY_KEY);
        assertThat(state("jobs/every")).isEqualTo("online");
    }
}
