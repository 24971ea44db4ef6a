package dev.watchpost.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.probe.HttpClients;
import dev.watchpost.probe.Outcome;
import dev.watchpost.probe.ProbeResult;
import dev.watchpost.probe.StatsCheck;
import dev.watchpost.probe.StatsProber;
import dev.watchpost.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The agent over a real socket, read by plain HTTP and by the server's own stats probe. */
@Tag("integration")
class StatsAgentTest {

    private static StatsAgent agent;
    private static Http http;
    private static HttpClients clients;

    @BeforeAll
    static void start() {
        agent = StatsAgent.start(new StatsAgent.Settings("127.0.0.1", 0, StatsAgent.DEFAULT_PATH, StatsAgent.DEFAULT_DISK));
        http = new Http(agent.port());
        clients = new HttpClients();
    }

    @AfterAll
    static void stop() {
        clients.close();
        agent.close();
    }

    private static ProbeResult probe(int port, String path) throws InterruptedException {
        return new StatsProber(new StatsCheck("127.0.0.1:" + port, path, Duration.ofSeconds(5)), clients)
                .probe(Instant.now());
    }

    @Test
    void answersThisHostsUseAsPercentages() {
        HttpResponse<String> r = http.get("/platy");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = Http.json(r);
        assertThat(body.fieldNames()).toIterable().containsExactly("cpu", "memory", "disk");
        for (String key : new String[] {"cpu", "memory", "disk"}) {
            JsonNode v = body.get(key);
            assertThat(v.isNumber()).as(key + " is a number: " + body).isTrue();
            assertThat(v.doubleValue()).as(key).isBetween(0.0, 100.0);
            assertThat(v.doubleValue() * 10).as(key + " has one decimal").isEqualTo(Math.rint(v.doubleValue() * 10));
        }
    }

    @Test
    void otherPathsAreJson404AndOtherMethods405() {
        Http.assertError(http.get("/metrics"), 404, "no route for GET /metrics");
        Http.assertError(http.get("/platy/extra"), 404, "no route for GET /platy/extra");
        HttpResponse<String> post = http.send(http.request("/platy").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        Http.assertError(post, 405, "method POST is not allowed on /platy; use GET");
        assertThat(post.headers().firstValue("Allow")).hasValue("GET");
        HttpResponse<String> delete = http.send(http.request("/platy").DELETE().build());
        assertThat(delete.statusCode()).isEqualTo(405);
    }

    @Test
    void theServersStatsProbeReadsItAsUpWithTheThreeStats() throws Exception {
        ProbeResult r = probe(agent.port(), "/platy");
        assertThat(r.outcome()).as(r.reason()).isEqualTo(Outcome.UP);
        assertThat(r.statusCode()).hasValue(200);
        assertThat(r.reason()).matches("cpu [0-9.]+ %, memory [0-9.]+ %, disk [0-9.]+ %");
        assertThat(r.stats()).containsOnlyKeys("cpu", "memory", "disk");
        assertThat(r.stats().values()).allSatisfy(v -> assertThat(v).isBetween(0.0, 100.0));
    }

    @Test
    void theDefaultPathIsTheOneTheProbeAsksFor() {
        assertThat(StatsAgent.DEFAULT_PATH).isEqualTo(StatsCheck.DEFAULT_STATS_PATH);
    }

    @Test
    void servesAnotherPathAndDisk(@TempDir Path dir) throws Exception {
        try (StatsAgent other = StatsAgent.start(new StatsAgent.Settings("127.0.0.1", 0, "/stats/host-1", dir))) {
            assertThat(probe(other.port(), "/stats/host-1").stats()).containsOnlyKeys("cpu", "memory", "disk");
            Http.assertError(new Http(other.port()).get("/platy"), 404, "no route for GET /platy");
        }
    }

    @Test
    void unreadableStatisticsAre503WhichTheProbeCallsDegraded() throws Exception {
        Sampler failing = new Sampler(() -> {
            throw new IOException("statvfs failed");
        }, Duration.ofHours(1));
        try (StatsAgent broken = StatsAgent.start(new StatsAgent.Settings("127.0.0.1", 0, "/platy", Path.of("/")), failing)) {
            Http.assertError(new Http(broken.port()).get("/platy"), 503,
                    "the host's statistics cannot be read right now; see the agent's log");
            ProbeResult r = probe(broken.port(), "/platy");
            assertThat(r.outcome()).isEqualTo(Outcome.DEGRADED);
            assertThat(r.reason()).isEqualTo("status 503");
        }
    }

    @Test
    void aPortInUseFailsWithOneClearMessage() {
        var taken = new StatsAgent.Settings("127.0.0.1", agent.port(), "/platy", Path.of("/"));
        assertThatThrownBy(() -> StatsAgent.start(taken))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot listen on 127.0.0.1:" + agent.port() + ": ");
        assertThat(http.get("/platy").statusCode()).as("the running agent is untouched").isEqualTo(200);
    }

    @Test
    void settingsAreValidated() {
        assertThat(StatsAgent.Settings.defaults())
                .isEqualTo(new StatsAgent.Settings("127.0.0.1", 9191, "/platy", Path.of("/")));
        assertThatThrownBy(() -> new StatsAgent.Settings("127.0.0.1", 0, "platy", Path.of("/")))
                .hasMessage("path must start with '/' and hold only letters, digits and '/._~-' (got 'platy')");
        assertThatThrownBy(() -> new StatsAgent.Settings("127.0.0.1", 0, "/{id}", Path.of("/")))
                .hasMessageContaining("(got '/{id}')");
        assertThatThrownBy(() -> new StatsAgent.Settings("127.0.0.1", 70000, "/platy", Path.of("/")))
                .hasMessage("port must be 0-65535, got 70000");
        assertThatThrownBy(() -> new StatsAgent.Settings(" ", 0, "/platy", Path.of("/")))
                .hasMessage("host must not be empty");
    }
}
