package dev.watchpost.compat.argus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static dev.watchpost.compat.argus.PrometheusSource.Query.COMMANDS;
import static dev.watchpost.compat.argus.PrometheusSource.Query.ERRORS;
import static dev.watchpost.compat.argus.PrometheusSource.Query.GUILDS;
import static dev.watchpost.compat.argus.PrometheusSource.Query.INTERACTIONS;
import static dev.watchpost.compat.argus.PrometheusSource.Query.LATENCY;
import static dev.watchpost.compat.argus.PrometheusSource.Query.P95;
import static dev.watchpost.compat.argus.PrometheusSource.Query.SHARDS_UP;
import static dev.watchpost.compat.argus.PrometheusSource.Query.SHARD_LATENCY;
import static dev.watchpost.compat.argus.PrometheusSource.Query.SHARD_UP;
import static dev.watchpost.compat.argus.PrometheusSource.Query.UPTIME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The view with a Prometheus source: the real Argus routes over HTTP, and a real HTTP server on
 * 127.0.0.1 answering {@code /api/v1/query} with canned vectors.
 */
class ArgusPrometheusTest {

    private static final Duration INTERVAL = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    FakePrometheus prom = new FakePrometheus();
    PrometheusSource source;
    FleetServer s;

    private void start(URI url, Duration timeout) {
        ArgusSettings settings = FleetServer.settings().withPrometheus(url);
        source = new PrometheusSource(url, settings.namespace(), INTERVAL, timeout, clock);
        s = FleetServer.start("jdbc:sqlite:" + dir.resolve("w.db"), clock, settings, Optional.of(source));
    }

    private void start() {
        start(prom.url(), PrometheusSource.TIMEOUT);
    }

    @AfterEach
    void stop() {
        if (s != null) {
            s.close();
        }
        if (source != null) {
            source.close();
        }
        prom.close();
    }

    /** asia #1, asia #2 and eu #1, each with two snapshots 30 s apart, so push has rates too. */
    private void pushTwoSnapshots() {
        s.number("a1", "asia");
        s.number("a2", "asia");
        s.number("e1", "eu");
        s.heartbeat("a1", SnapshotJson.of().shard(0, 0.1, true).shard(1, 0.3, true).gauge("guilds", 100)
                .gauge("cached_users", 1000).gauge("uptime_seconds", 100).traffic(1, 100, 1000, 0)
                .durations(0.1, 0, 1.0, 0, 0, 0).json());
        s.heartbeat("a2", SnapshotJson.of().shard(0, 0.5, true).shard(1, 2.0, false).gauge("guilds", 50)
                .gauge("uptime_seconds", 500).traffic(0, 0, 0, 0).json());
        s.heartbeat("e1", SnapshotJson.of().gauge("guilds", 10).traffic(0, 0, 0, 0).json());
        clock.advance(Duration.ofSeconds(30));
        s.heartbeat("a1", SnapshotJson.of().shard(0, 0.1, true).shard(1, 0.3, true).gauge("guilds", 100)
                .gauge("cached_users", 1000).gauge("uptime_seconds", 130).traffic(4, 300, 1600, 3)
                .durations(0.1, 100, 1.0, 190, 0, 200).json());
        // a2: 27 errors in 100 commands over 30 s, i.e. 0.9 errors and 3.33 commands per second.
        s.heartbeat("a2", SnapshotJson.of().shard(0, 0.5, true).shard(1, 2.0, false).gauge("guilds", 50)
                .gauge("uptime_seconds", 530).traffic(27, 100, 300, 30).json());
        s.heartbeat("e1", SnapshotJson.of().gauge("guilds", 10).traffic(0, 10, 60, 0).json());
    }

    /** Prometheus knows asia #1 well, asia #2 only by one shard, eu #1 not at all. */
    private void cannedVectors() {
        prom.set(GUILDS, "asia", "1", 150, "asia", "9", 7, "asia", "x", 7)
                .set(LATENCY, "asia", "1", 0.25)
                .set(SHARDS_UP, "asia", "1", 3)
                .set(UPTIME, "asia", "1", 131)
                .set(INTERACTIONS, "asia", "1", 40)
                .set(ERRORS, "asia", "1", 0.5)
                .set(COMMANDS, "asia", "1", 10)
                .set(P95, "asia", "1", 0.8, "asia", "2", "NaN")
                .shards(SHARD_UP, "asia", "1", 0, 1, "asia", "1", 1, 1, "asia", "1", 2, 1, "asia", "2", 1, 1)
                .shards(SHARD_LATENCY, "asia", "1", 0, 0.2, "asia", "1", 1, 0.3, "asia", "1", 2, 0.25);
    }

    @Test
    void prometheusValuesWinPushFillsTheGapsAndShardRowsStay() {
        start();
        pushTwoSnapshots();
        cannedVectors();

        JsonNode view = s.view();
        assertThat(view.get("source").asText()).isEqualTo("prometheus");
        assertThat(view.has("prometheus_error")).isFalse();

        JsonNode a1 = s.cluster("asia", 1).get("metrics");
        assertThat(a1.get("guilds").longValue()).isEqualTo(150);                  // pushed 100
        assertThat(a1.get("latency_seconds").doubleValue()).isEqualTo(0.25);      // pushed 0.2
        assertThat(a1.get("shards_up").intValue()).isEqualTo(3);                  // pushed 2
        assertThat(a1.get("uptime_seconds").doubleValue()).isEqualTo(131.0);
        assertThat(a1.get("interactions_rate").doubleValue()).isEqualTo(40.0);    // pushed 20
        assertThat(a1.get("error_rate").doubleValue()).isCloseTo(0.05, within(1e-9));
        assertThat(a1.get("duration_p95_seconds").doubleValue()).isEqualTo(0.8);
        // Gaps in Prometheus are filled from push.
        assertThat(a1.get("cached_users").longValue()).isEqualTo(1000);
        assertThat(a1.get("ratelimits_rate").doubleValue()).isCloseTo(0.1, within(1e-9));

        JsonNode a2 = s.cluster("asia", 2).get("metrics");
        assertThat(a2.get("guilds").longValue()).isEqualTo(50);
        assertThat(a2.get("error_rate").doubleValue()).isCloseTo(0.27, within(1e-9));
        assertThat(a2.get("duration_p95_seconds").isNull()).as("NaN is a gap, push has none").isTrue();

        // Per-shard rows are kept: Prometheus' shards, shard by shard over the pushed ones.
        JsonNode shards1 = s.cluster("asia", 1).get("shards");
        assertThat(shards1).extracting(x -> x.get("shard_id").intValue()).containsExactly(0, 1, 2);
        assertThat(shards1.get(0).get("latency_seconds").doubleValue()).isEqualTo(0.2);
        assertThat(shards1.get(2).get("status").asText()).isEqualTo("up");
        JsonNode shards2 = s.cluster("asia", 2).get("shards");
        assertThat(shards2).extracting(x -> x.get("status").asText()).containsExactly("up", "up");
        assertThat(shards2.get(1).get("latency_seconds").doubleValue()).as("pushed latency kept").isEqualTo(2.0);

        // Roll-ups from the merged per-cluster figures: sums, maxima, error rate recomputed from the
        // parts' errors and commands per second (never the mean of 0.05 and 0.27).
        JsonNode asia = view.get("fleets").get(0).get("rollup");
        assertThat(asia.get("guilds").longValue()).isEqualTo(200);
        assertThat(asia.get("shards_up").intValue()).isEqualTo(4);
        assertThat(asia.get("interactions_rate").doubleValue()).isCloseTo(50.0, within(1e-9));
        assertThat(asia.get("latency_seconds").doubleValue()).isEqualTo(0.5);
        assertThat(asia.get("duration_p95_seconds").doubleValue()).isEqualTo(0.8);
        assertThat(asia.get("error_rate").doubleValue()).isCloseTo((0.5 + 0.9) / (10 + 100 / 30.0), within(1e-9));
        JsonNode global = view.get("global");
        assertThat(global.get("guilds").longValue()).isEqualTo(210);
        assertThat(global.get("error_rate").doubleValue())
                .isCloseTo((0.5 + 0.9) / (10 + 100 / 30.0 + 10 / 30.0), within(1e-9));

        // The cluster detail shows the same merged figures.
        JsonNode detail = Http.json(s.get("/api/fleet/cluster?fleet=asia&number=1")).get("cluster");
        assertThat(detail.get("metrics").get("guilds").longValue()).isEqualTo(150);
        assertThat(detail.get("shards")).hasSize(3);
    }

    @Test
    void queriesGroupByFleetAndClusterUseRatesAndTheHistogramQuantile() {
        start();
        s.view();
        assertThat(prom.queries()).hasSize(PrometheusSource.Query.values().length)
                .allSatisfy(q -> assertThat(q).contains("by (fleet, cluster"))
                .anySatisfy(q -> assertThat(q).contains("rate(discord_interactions_total[5m])"))
                .anySatisfy(q -> assertThat(q).contains("rate(discord_command_errors_total[5m])"))
                .anySatisfy(q -> assertThat(q).contains("by (fleet, cluster) (rate(")
                        .contains("discord_app_commands_total").contains("discord_commands_total"))
                .anySatisfy(q -> assertThat(q).startsWith("histogram_quantile(0.95, sum by (fleet, cluster, le) "
                        + "(rate(discord_app_command_duration_seconds_bucket[5m])))"))
                .anySatisfy(q -> assertThat(q).isEqualTo("max by (fleet, cluster, shard) (discord_shard_up)"));
    }

    @Test
    void prometheusIsQueriedAtMostOncePerInterval() {
        start();
        int perReading = PrometheusSource.Query.values().length;
        s.view();
        s.view();
        s.get("/api/fleet/cluster?fleet=asia&number=1");
        assertThat(prom.queries()).hasSize(perReading);
        clock.advance(INTERVAL.minusMillis(1));
        s.view();
        assertThat(prom.queries()).hasSize(perReading);
        clock.advance(Duration.ofMillis(1));
        s.view();
        assertThat(prom.queries()).hasSize(2 * perReading);
    }

    @Test
    void anErrorFromPrometheusFallsBackToPushAndSaysSoUntilItAnswersAgain() {
        start();
        pushTwoSnapshots();
        cannedVectors();
        prom.failWith(500);

        JsonNode view = s.view();
        assertThat(view.get("source").asText()).isEqualTo("push");
        assertThat(view.get("prometheus_error").asText()).contains("HTTP 500").contains("storage is on fire");
        JsonNode a1 = s.cluster("asia", 1);
        assertThat(a1.get("metrics").get("guilds").longValue()).isEqualTo(100);
        assertThat(a1.get("metrics").get("error_rate").doubleValue()).isCloseTo(3.0 / 200, within(1e-9));
        assertThat(a1.get("shards")).hasSize(2);
        assertThat(view.get("fleets").get(0).get("rollup").get("guilds").longValue()).isEqualTo(150);

        // The failure is cached for the interval too; then Prometheus is asked again.
        int asked = prom.queries().size();
        s.view();
        assertThat(prom.queries()).hasSize(asked);
        prom.failWith(0);
        clock.advance(INTERVAL);
        JsonNode again = s.view();
        assertThat(again.get("source").asText()).isEqualTo("prometheus");
        assertThat(again.has("prometheus_error")).isFalse();
        assertThat(s.cluster("asia", 1).get("metrics").get("guilds").longValue()).isEqualTo(150);
    }

    @Test
    void aPrometheusThatHangsCostsTheViewAtMostTheTimeout() {
        start(prom.url(), Duration.ofMillis(300));
        pushTwoSnapshots();
        prom.hang();

        long t0 = System.nanoTime();
        JsonNode view = s.view();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).isLessThan(1_500);
        assertThat(view.get("source").asText()).isEqualTo("push");
        assertThat(view.get("prometheus_error").asText()).contains("did not answer");
        assertThat(s.cluster("asia", 1).get("metrics").get("guilds").longValue()).isEqualTo(100);
    }

    @Test
    void aPrometheusThatIsDownFallsBackToPush() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        start(URI.create("http://127.0.0.1:" + closedPort + "/"), PrometheusSource.TIMEOUT);
        pushTwoSnapshots();

        long t0 = System.nanoTime();
        JsonNode view = s.view();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2_500);
        assertThat(view.get("source").asText()).isEqualTo("push");
        assertThat(view.get("prometheus_error").asText()).isNotBlank();
        assertThat(view.get("global").get("guilds").longValue()).isEqualTo(160);
    }

    @Test
    void withoutPrometheusTheViewSaysPush() {
        s = FleetServer.start("jdbc:sqlite:" + dir.resolve("w.db"), clock, FleetServer.settings());
        JsonNode view = s.view();
        assertThat(view.get("source").asText()).isEqualTo("push");
        assertThat(view.has("prometheus_error")).isFalse();
        assertThat(PrometheusSource.of(ArgusSettings.defaults(), clock)).isEmpty();
    }
}
