package dev.watchpost.compat.argus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
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
import static dev.watchpost.compat.argus.PrometheusSource.Query.P95;
import static dev.watchpost.compat.argus.PrometheusSource.Query.SHARD_LATENCY;
import static dev.watchpost.compat.argus.PrometheusSource.Query.SHARD_UP;
import static dev.watchpost.compat.argus.PrometheusSource.Query.UPTIME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The view with a Prometheus source: the real Argus routes over HTTP, and a real HTTP server on
 * 127.0.0.1 answering {@code /api/v1/query} with canned vectors.
 */
@Tag("integration")
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

    /** Prometheus knows a1 well, a2 only by one shard and its p95 (NaN), e1 not at all. */
    private void cannedVectors() {
        prom.set(GUILDS, "a1", 150, "ghost", 7)
                .set(UPTIME, "a1", 131)
                .set(INTERACTIONS, "a1", 40)
                .set(ERRORS, "a1", 5)
                .set(COMMANDS, "a1", 100)
                .set(P95, "a1", 0.8, "a2", "NaN")
                .shards(SHARD_UP, "a1", 0, 1, "a1", 1, 1, "a1", 2, 1, "a2", 1, 1)
                .shards(SHARD_LATENCY, "a1", 0, 0.2, "a1", 1, 0.3, "a1", 2, 0.25);
    }

    @Test
    void aClusterPrometheusHasSeriesForTakesAllItsFiguresFromPrometheusTheOthersSaySo() {
        start();
        pushTwoSnapshots();
        cannedVectors();

        JsonNode view = s.view();
        assertThat(view.get("source").asText()).isEqualTo("prometheus");
        assertThat(view.has("prometheus_error")).isFalse();
        assertThat(view.get("prometheus_missing")).extracting(JsonNode::asText).containsExactly("e1");

        JsonNode a1row = s.cluster("asia", 1);
        assertThat(a1row.get("source").asText()).isEqualTo("prometheus");
        JsonNode a1 = a1row.get("metrics");
        assertThat(a1.get("guilds").longValue()).isEqualTo(150);                  // pushed 100
        assertThat(a1.get("latency_seconds").doubleValue()).isEqualTo(0.3);       // the worst shard
        assertThat(a1.get("shards_up").intValue()).isEqualTo(3);                  // pushed 2
        assertThat(a1.get("uptime_seconds").doubleValue()).isEqualTo(131.0);
        assertThat(a1.get("interactions_rate").doubleValue()).isEqualTo(40.0);    // pushed 20
        assertThat(a1.get("error_rate").doubleValue()).isCloseTo(0.05, within(1e-9)); // errors / app commands
        assertThat(a1.get("duration_p95_seconds").doubleValue()).isEqualTo(0.8);
        // What Prometheus lacks is 0, as in Argus, not the pushed figure.
        assertThat(a1.get("cached_users").longValue()).isZero();
        assertThat(a1.get("ratelimits_rate").doubleValue()).isZero();
        JsonNode shards1 = a1row.get("shards");
        assertThat(shards1).extracting(x -> x.get("shard_id").intValue()).containsExactly(0, 1, 2);
        assertThat(shards1.get(0).get("latency_seconds").doubleValue()).isEqualTo(0.2);

        // a2: one shard in Prometheus, so its shard list is Prometheus' alone, not mixed with pushes.
        JsonNode a2row = s.cluster("asia", 2);
        assertThat(a2row.get("source").asText()).isEqualTo("prometheus");
        assertThat(a2row.get("shards")).extracting(x -> x.get("shard_id").intValue()).containsExactly(1);
        assertThat(a2row.get("metrics").get("guilds").longValue()).isZero();
        assertThat(a2row.get("metrics").get("duration_p95_seconds").doubleValue()).as("NaN is 0").isZero();

        // e1: no series, so pushed figures, and it says so.
        JsonNode e1row = s.cluster("eu", 1);
        assertThat(e1row.get("source").asText()).isEqualTo("push");
        assertThat(e1row.get("metrics").get("guilds").longValue()).isEqualTo(10);

        JsonNode asia = view.get("fleets").get(0).get("rollup");
        assertThat(asia.get("guilds").longValue()).isEqualTo(150);
        assertThat(asia.get("shards_up").intValue()).isEqualTo(4);
        assertThat(asia.get("latency_seconds").doubleValue()).isEqualTo(0.3);
        assertThat(view.get("global").get("guilds").longValue()).isEqualTo(160);
        // (5 + 0) / (100 + 10): a1 from Prometheus, e1's pushed totals (0 errors, 10 commands).
        assertThat(view.get("global").get("error_rate").doubleValue()).isCloseTo(5.0 / 110, within(1e-9));

        JsonNode detail = Http.json(s.get("/api/fleet/cluster?fleet=asia&number=1"));
        assertThat(detail.get("cluster").get("metrics").get("guilds").longValue()).isEqualTo(150);
        assertThat(detail.get("cluster").get("shards")).hasSize(3);
        assertThat(detail.get("history")).as("Prometheus' history, empty here, not the pushed one").isEmpty();
        JsonNode pushedDetail = Http.json(s.get("/api/fleet/cluster?fleet=eu&number=1"));
        assertThat(pushedDetail.get("history")).hasSize(2);
    }

    @Test
    void queriesGroupByClusterAsArgusDoes() {
        start();
        s.view();
        assertThat(prom.queries()).hasSize(PrometheusSource.Query.values().length)
                .allSatisfy(q -> assertThat(q).contains("by (cluster").doesNotContain("fleet"))
                .anySatisfy(q -> assertThat(q).isEqualTo("sum by (cluster) (rate(discord_interactions_total[5m]))"))
                .anySatisfy(q -> assertThat(q).isEqualTo("sum by (cluster) (discord_command_errors_total)"))
                .anySatisfy(q -> assertThat(q).isEqualTo("sum by (cluster) (discord_app_commands_total)"))
                .anySatisfy(q -> assertThat(q).isEqualTo("histogram_quantile(0.95, sum by (cluster, le) "
                        + "(rate(discord_app_command_duration_seconds_bucket[5m])))"))
                .anySatisfy(q -> assertThat(q).isEqualTo("max by (cluster, instance, shard) (discord_shard_latency_seconds)"));
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
        assertThat(a1.get("metrics").get("error_rate").doubleValue()).isCloseTo(4.0 / 300, within(1e-9));
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
