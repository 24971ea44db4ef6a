package dev.watchpost.compat.argus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * For the same member traffic, the answers Argus' own fleet server gives: what its member library
 * sends (register, heartbeats carrying {@code build_snapshot}'s JSON) and what its server answers.
 */
@Tag("integration")
class ArgusParityTest {

    @TempDir
    Path dir;
    MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    FleetServer s;

    @AfterEach
    void stop() {
        if (s != null) {
            s.close();
        }
    }

    private void start() {
        s = FleetServer.start("jdbc:sqlite:" + dir.resolve("w.db"), clock, FleetServer.settings());
    }

    /**
     * One heartbeat's snapshot as the member library builds it from the Python Prometheus client:
     * counter families named without {@code _total}, their samples with it, {@code _created}
     * samples beside them, a histogram family with {@code _bucket}, {@code _count}, {@code _sum}.
     * 5 errors in 60 application and 40 prefix commands; 100 command durations, 97 of them at most 1 s.
     */
    static final String CLIENT_SNAPSHOT = """
            {"metrics": {
              "discord_shard_latency_seconds": {"type": "gauge", "samples": [
                {"name": "discord_shard_latency_seconds", "labels": {"cluster": "asia-0", "shard": "0"}, "value": 0.05},
                {"name": "discord_shard_latency_seconds", "labels": {"cluster": "asia-0", "shard": "1"}, "value": 0.05},
                {"name": "discord_shard_latency_seconds", "labels": {"cluster": "asia-0", "shard": "2"}, "value": 1.4}]},
              "discord_shard_up": {"type": "gauge", "samples": [
                {"name": "discord_shard_up", "labels": {"cluster": "asia-0", "shard": "0"}, "value": 1.0},
                {"name": "discord_shard_up", "labels": {"cluster": "asia-0", "shard": "1"}, "value": 1.0},
                {"name": "discord_shard_up", "labels": {"cluster": "asia-0", "shard": "2"}, "value": 1.0}]},
              "discord_guilds": {"type": "gauge", "samples": [
                {"name": "discord_guilds", "labels": {"cluster": "asia-0"}, "value": 9.0}]},
              "discord_command_errors": {"type": "counter", "samples": [
                {"name": "discord_command_errors_total", "labels": {"command": "ping", "error_type": "KeyError"}, "value": 5.0},
                {"name": "discord_command_errors_created", "labels": {"command": "ping", "error_type": "KeyError"}, "value": 1772359200.0}]},
              "discord_app_commands": {"type": "counter", "samples": [
                {"name": "discord_app_commands_total", "labels": {"command": "ping", "status": "ok"}, "value": 57.0},
                {"name": "discord_app_commands_created", "labels": {"command": "ping", "status": "ok"}, "value": 1772359200.0},
                {"name": "discord_app_commands_total", "labels": {"command": "ping", "status": "error"}, "value": 3.0}]},
              "discord_commands": {"type": "counter", "samples": [
                {"name": "discord_commands_total", "labels": {"command": "help", "status": "ok"}, "value": 38.0},
                {"name": "discord_commands_total", "labels": {"command": "help", "status": "error"}, "value": 2.0}]},
              "discord_app_command_duration_seconds": {"type": "histogram", "samples": [
                {"name": "discord_app_command_duration_seconds_bucket", "labels": {"command": "ping", "le": "0.1"}, "value": 50.0},
                {"name": "discord_app_command_duration_seconds_bucket", "labels": {"command": "ping", "le": "0.5"}, "value": 80.0},
                {"name": "discord_app_command_duration_seconds_bucket", "labels": {"command": "ping", "le": "1.0"}, "value": 97.0},
                {"name": "discord_app_command_duration_seconds_bucket", "labels": {"command": "ping", "le": "+Inf"}, "value": 100.0},
                {"name": "discord_app_command_duration_seconds_count", "labels": {"command": "ping"}, "value": 100.0},
                {"name": "discord_app_command_duration_seconds_sum", "labels": {"command": "ping"}, "value": 31.5},
                {"name": "discord_app_command_duration_seconds_created", "labels": {"command": "ping"}, "value": 1772359200.0}]}
            }}""";

    @Test
    void argusOwnEndToEndFlowGetsArgusAnswers() {
        start();
        // tests/fleet/test_e2e_process.py, with the token added.
        JsonNode reg = s.register("{\"identity\": \"asia-0\", \"fleet\": \"asia\"}");
        assertThat(reg.get("number").intValue()).isEqualTo(1);
        assertThat(reg.get("lease").asText()).isNotEmpty();
        HttpResponse<String> hb = s.heartbeat("asia-0", "{\"metrics\": {\"discord_guilds\": {\"samples\": "
                + "[{\"name\": \"discord_guilds\", \"labels\": {}, \"value\": 9}]}}}");
        assertThat(hb.statusCode()).isEqualTo(204);
        JsonNode asia = s.view().get("fleets").get(0);
        assertThat(asia.get("name").asText()).isEqualTo("asia");
        assertThat(asia.get("clusters_total").intValue()).isEqualTo(1);
        assertThat(asia.get("clusters").get(0).get("metrics").get("guilds").doubleValue()).isEqualTo(9.0);
    }

    @Test
    void theFleetClientsRegisterAndHeartbeatWithItsLeaseAndSnapshot() {
        start();
        // FleetClient._register: identity, fleet, version, scrape_target; then every heartbeat the lease.
        JsonNode reg = s.register("{\"identity\": \"asia-0\", \"fleet\": \"asia\", \"version\": \"0.9.0\", "
                + "\"scrape_target\": \"10.0.0.7:9191\"}");
        String lease = reg.get("lease").asText();
        HttpResponse<String> hb = s.post("/fleet/heartbeat", "{\"identity\": \"asia-0\", \"lease\": \"" + lease
                + "\", \"snapshot\": " + CLIENT_SNAPSHOT + "}");
        assertThat(hb.statusCode()).as(hb.body()).isEqualTo(204);
        // Registering again with its stored lease keeps the number (FleetClient after a restart).
        JsonNode again = s.register("{\"identity\": \"asia-0\", \"fleet\": \"asia\", \"version\": \"0.9.0\", "
                + "\"scrape_target\": \"10.0.0.7:9191\", \"lease\": \"" + lease + "\"}");
        assertThat(again.get("number").intValue()).isEqualTo(1);

        JsonNode m = s.cluster("asia", 1).get("metrics");
        assertThat(m.get("guilds").doubleValue()).isEqualTo(9.0);
        assertThat(m.get("shards_up").doubleValue()).isEqualTo(3.0);
        assertThat(m.get("latency_seconds").doubleValue()).isEqualTo(1.4);
        assertThat(m.get("error_rate").doubleValue()).isCloseTo(0.05, within(1e-12));
        assertThat(m.get("duration_p95_seconds").doubleValue()).isEqualTo(1.0);
    }

    @Test
    void aClustersLatencyIsItsWorstShardSoOneBadShardShows() {
        start();
        s.number("a", "asia");
        s.heartbeat("a", SnapshotJson.of().shard(0, 0.05, true).shard(1, 0.05, true).shard(2, 1.4, true).json());

        JsonNode asia = s.view().get("fleets").get(0);
        JsonNode a = asia.get("clusters").get(0);
        assertThat(a.get("metrics").get("latency_seconds").doubleValue()).isEqualTo(1.4);
        assertThat(a.get("grades").get("latency_seconds").asText()).isEqualTo("bad");
        assertThat(asia.get("rollup").get("latency_seconds").doubleValue()).isEqualTo(1.4);
        assertThat(s.live.target("fleet/asia/1").orElseThrow().latencyMs()).isCloseTo(1400.0, within(1e-9));
    }

    @Test
    void errorRateAndP95ComeFromTheLatestSnapshotAlone() {
        start();
        s.number("a", "asia");
        s.heartbeat("a", CLIENT_SNAPSHOT);

        JsonNode view = s.view();
        JsonNode m = view.get("fleets").get(0).get("clusters").get(0).get("metrics");
        // errors / (application + prefix commands), as Argus' push source; the bucket holding the 95th.
        assertThat(m.get("error_rate").doubleValue()).isCloseTo(0.05, within(1e-12));
        assertThat(m.get("duration_p95_seconds").doubleValue()).isEqualTo(1.0);
        assertThat(view.get("global").get("error_rate").doubleValue()).isCloseTo(0.05, within(1e-12));
        assertThat(view.get("global").get("duration_p95_seconds").doubleValue()).isEqualTo(1.0);
    }

    @Test
    void missingMetricsAreZeroNotNull() {
        start();
        s.number("quiet", "asia");
        s.number("some", "asia");
        s.heartbeat("some", SnapshotJson.of().gauge("guilds", 3).json());

        JsonNode view = s.view();
        for (JsonNode metrics : new JsonNode[] {view.get("global"), view.get("fleets").get(0).get("rollup"),
                s.cluster("asia", 1).get("metrics"), s.cluster("asia", 2).get("metrics")}) {
            assertThat(metrics.size()).isEqualTo(ClusterMetrics.KEYS.size());
            for (String key : ClusterMetrics.KEYS) {
                assertThat(metrics.get(key).isNumber()).as(key + " in " + metrics).isTrue();
            }
        }
        assertThat(s.cluster("asia", 1).get("metrics").get("latency_seconds").doubleValue()).isEqualTo(0.0);
        assertThat(s.cluster("asia", 2).get("metrics").get("error_rate").doubleValue()).isEqualTo(0.0);
        JsonNode history = Http.json(s.get("/api/fleet/cluster?fleet=asia&number=2")).get("history");
        assertThat(history.get(0).get("metrics").get("uptime_seconds").isNumber()).isTrue();
    }

    @Test
    void timesAreIsoStringsWithAnOffset() {
        start();
        s.number("a", "asia");
        clock.advance(Duration.ofMillis(438));
        s.heartbeat("a", SnapshotJson.of().gauge("guilds", 1).json());
        clock.advance(Duration.ofSeconds(2));

        JsonNode view = s.view();
        assertThat(view.get("generated_at").asText()).isEqualTo("2026-03-01T10:00:02.438000+00:00");
        assertThat(s.cluster("asia", 1).get("last_seen").asText()).isEqualTo("2026-03-01T10:00:00.438000+00:00");
        JsonNode detail = Http.json(s.get("/api/fleet/cluster?fleet=asia&number=1"));
        assertThat(detail.get("history").get(0).get("t").asText()).isEqualTo("2026-03-01T10:00:00.438000+00:00");
        clock.advance(Duration.ofMillis(562));
        assertThat(s.view().get("generated_at").asText()).isEqualTo("2026-03-01T10:00:03+00:00");
    }

    @Test
    void targetsLabelEachMemberWithItsIdentityFleetAndMetricsPath() {
        start();
        s.register("{\"identity\": \"asia-0\", \"fleet\": \"asia\", \"scrape_target\": \"10.0.0.7:9191\"}");
        s.register("{\"identity\": \"eu-0\", \"fleet\": \"eu\", \"scrape_target\": \"10.0.0.8:9191\"}");
        s.register("{\"identity\": \"eu-1\", \"fleet\": \"eu\"}");

        assertThat(Http.json(s.get("/api/fleet/targets")).toString()).isEqualTo("["
                + "{\"targets\":[\"10.0.0.7:9191\"],\"labels\":{\"cluster\":\"asia-0\",\"fleet\":\"asia\",\"__metrics_path__\":\"/metrics\"}},"
                + "{\"targets\":[\"10.0.0.8:9191\"],\"labels\":{\"cluster\":\"eu-0\",\"fleet\":\"eu\",\"__metrics_path__\":\"/metrics\"}}]");
    }
}
