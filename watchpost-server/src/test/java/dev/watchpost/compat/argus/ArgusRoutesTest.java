package dev.watchpost.compat.argus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.live.TargetKind;
import dev.watchpost.live.GroupDef;
import dev.watchpost.live.Lease;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.watchpost.compat.argus.FleetServer.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/** The Argus Fleet routes over real HTTP, on a real database and live state, with a clock the test moves. */
@Tag("integration")
class ArgusRoutesTest {

    @TempDir
    Path dir;
    MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    FleetServer s;

    private FleetServer start(ArgusSettings settings) {
        s = FleetServer.start("jdbc:sqlite:" + dir.resolve("w.db"), clock, settings);
        return s;
    }

    private FleetServer start() {
        return start(FleetServer.settings());
    }

    @AfterEach
    void stop() {
        if (s != null) {
            s.close();
        }
    }

    // ---------------------------------------------------------------- numbering

    @Test
    void numbersArePerFleetInRegistrationOrder() {
        start();
        JsonNode a = s.register("{\"identity\": \"a\", \"fleet\": \"asia\", \"version\": \"1.2.0\"}");
        assertThat(a.get("number").intValue()).isEqualTo(1);
        assertThat(a.get("lease").asText()).isNotBlank();
        assertThat(s.number("b", "asia")).isEqualTo(2);
        assertThat(s.number("c", "eu")).isEqualTo(1);
        assertThat(s.register("{\"identity\": \"d\"}").get("number").intValue()).isEqualTo(1);

        JsonNode view = s.view();
        assertThat(view.get("fleets")).extracting(f -> f.get("name").asText()).containsExactly("asia", "default", "eu");
        assertThat(s.cluster("default", 1).get("identity").asText()).isEqualTo("d");
        // Each cluster is a Watchpost push target, so the native API, status pages and alerts see it.
        assertThat(s.live.definition("fleet/asia/2")).hasValueSatisfying(d -> {
            assertThat(d.kind()).isEqualTo(TargetKind.PUSH);
            assertThat(d.source()).isEqualTo("protocol");
            assertThat(d.groupId()).contains("fleet/asia");
        });
        assertThat(s.live.group("fleet")).isPresent();
    }

    @Test
    void aKnownIdentityKeepsItsNumberAndItsDetailsAreReplaced() {
        start();
        JsonNode first = s.register("{\"identity\": \"a\", \"fleet\": \"asia\", \"version\": \"1.0\", "
                + "\"scrape_target\": \"10.0.0.1:9100\"}");
        s.number("b", "asia");
        JsonNode again = s.register("{\"identity\": \"a\", \"fleet\": \"asia\", \"version\": \"1.1\", "
                + "\"lease\": \"" + first.get("lease").asText() + "\"}");

        assertThat(again.get("number").intValue()).isEqualTo(1);
        // Presenting the current lease keeps it.
        assertThat(again.get("lease").asText()).isEqualTo(first.get("lease").asText());
        JsonNode row = s.cluster("asia", 1);
        assertThat(row.get("version").asText()).isEqualTo("1.1");
        assertThat(row.get("scrape_target").isNull()).isTrue();
        assertThat(s.view().get("fleets").get(0).get("clusters_total").intValue()).isEqualTo(2);
    }

    @Test
    void aRegisterWithoutTheLeaseSupersedesTheOldProcess() {
        start();
        String oldLease = s.register("{\"identity\": \"a\"}").get("lease").asText();
        String newLease = s.register("{\"identity\": \"a\"}").get("lease").asText();
        assertThat(newLease).isNotEqualTo(oldLease);

        assertError(s.post("/fleet/heartbeat", "{\"identity\": \"a\", \"lease\": \"" + oldLease + "\"}"), 409,
                "another process registered it");
        assertThat(s.post("/fleet/heartbeat", "{\"identity\": \"a\", \"lease\": \"" + newLease + "\"}").statusCode())
                .isEqualTo(204);
        // A heartbeat without a lease (members that predate leases) is accepted.
        assertThat(s.heartbeat("a", null).statusCode()).isEqualTo(204);
    }

    @Test
    void movingToAnotherFleetTakesTheNextNumberThereAndRetiresTheOldOne() {
        start();
        assertThat(s.number("a", "asia")).isEqualTo(1);
        assertThat(s.number("b", "asia")).isEqualTo(2);
        assertThat(s.number("c", "eu")).isEqualTo(1);

        assertThat(s.number("a", "eu")).isEqualTo(2);
        assertThat(s.number("d", "asia")).isEqualTo(3);

        assertThat(s.cluster("eu", 2).get("identity").asText()).isEqualTo("a");
        assertError(s.get("/api/fleet/cluster?fleet=asia&number=1"), 404, "no cluster 1 in fleet 'asia'");
        assertThat(s.live.target("fleet/asia/1")).isEmpty();
    }

    @Test
    void prunedNumbersAreNeverGivenAgain() {
        start();
        s.number("a", "asia");
        s.number("b", "asia");

        assertThat(s.http.send(s.http.request("/api/fleet/cluster?fleet=asia&number=2")
                .header("Authorization", "Bearer " + FleetServer.READ).DELETE().build()).statusCode()).isEqualTo(403);
        HttpResponse<String> pruned = s.http.send(s.http.request("/api/fleet/cluster?fleet=asia&number=2")
                .header("Authorization", "Bearer " + FleetServer.ADMIN).DELETE().build());
        assertThat(pruned.statusCode()).as(pruned.body()).isEqualTo(204);

        assertError(s.get("/api/fleet/cluster?fleet=asia&number=2"), 404, "no cluster 2");
        assertError(s.heartbeat("b", null), 404, "not registered");
        assertThat(s.live.target("fleet/asia/2")).isEmpty();
        assertThat(s.number("c", "asia")).isEqualTo(3);
        assertThat(s.number("b", "asia")).isEqualTo(4);
    }

    @Test
    void topologyNumbersLeasesAndLastValuesSurviveARestart() {
        start();
        String lease = s.register("{\"identity\": \"a\", \"fleet\": \"asia\", \"scrape_target\": \"bot-a:9100\"}")
                .get("lease").asText();
        s.number("b", "asia");
        s.number("gone", "asia");
        s.http.send(s.http.request("/api/fleet/cluster?fleet=asia&number=3")
                .header("Authorization", "Bearer " + FleetServer.ADMIN).DELETE().build());
        assertThat(s.heartbeat("a", SnapshotJson.of().shard(0, 0.1, true).gauge("guilds", 42).json()).statusCode())
                .isEqualTo(204);

        clock.advance(Duration.ofSeconds(5));
        s.restart();

        JsonNode a = s.cluster("asia", 1);
        assertThat(a.get("identity").asText()).isEqualTo("a");
        assertThat(a.get("status").asText()).isEqualTo("up");
        assertThat(a.get("last_seen").asText()).isEqualTo(FleetJson.iso(clock.millis() - 5_000));
        assertThat(a.get("metrics").get("guilds").longValue()).isEqualTo(42);
        assertThat(s.get("/api/fleet/targets").body()).contains("bot-a:9100");
        // The lease survives too: only its hash is stored.
        assertThat(s.post("/fleet/heartbeat", "{\"identity\": \"a\", \"lease\": \"" + lease + "\"}").statusCode())
                .isEqualTo(204);
        assertThat(s.number("a", "asia")).isEqualTo(1);
        assertThat(s.number("b", "asia")).isEqualTo(2);
        assertThat(s.number("c", "asia")).isEqualTo(4);
    }

    @Test
    void aFleetWhoseGroupIsAShardedGroupIsAConflict() {
        start();
        s.live.defineGroup(new GroupDef("fleet", "fleet", 0, Optional.empty(), "config"));
        s.live.defineGroup(new GroupDef("fleet/main", "main", 4, Optional.of(new Lease(Duration.ofSeconds(30))), "config"));
        assertError(s.post("/fleet/register", "{\"identity\": \"a\", \"fleet\": \"main\"}"), 409,
                "'fleet/main' is a sharded group");
        assertThat(s.number("a", "asia")).isEqualTo(1);
        // The config file's group keeps its definition.
        assertThat(s.live.group("fleet").orElseThrow().def().source()).isEqualTo("config");
    }

    // ---------------------------------------------------------------- heartbeats and leases

    @Test
    void heartbeatIs204AndAnUnknownIdentityIs404SoTheMemberRegistersAgain() {
        start();
        HttpResponse<String> unknown = s.heartbeat("nobody", null);
        assertError(unknown, 404, "identity 'nobody' is not registered");
        assertThat(Http.json(unknown).get("register").booleanValue()).isTrue();

        s.number("a", "asia");
        HttpResponse<String> ok = s.heartbeat("a", null);
        assertThat(ok.statusCode()).isEqualTo(204);
        assertThat(ok.body()).isEmpty();

        // A target removed behind the registry's back (the API) comes back with the next heartbeat.
        assertThat(s.live.removeTarget("fleet/asia/1")).isTrue();
        assertThat(s.heartbeat("a", null).statusCode()).isEqualTo(204);
        assertThat(s.live.target("fleet/asia/1").orElseThrow().state()).isEqualTo(State.ONLINE);
    }

    @Test
    void aClusterIsUpWhileItsLeaseLastsAndDownAfter() {
        ArgusSettings oneSecond = new ArgusSettings(Duration.ofSeconds(1), 3, "discord", 10,
                FleetServer.GENEROUS, FleetServer.GENEROUS, "fleet");
        start(oneSecond);
        s.number("a", "asia");
        s.number("b", "asia");

        clock.advance(Duration.ofSeconds(2));
        s.heartbeat("b", null);
        clock.advance(Duration.ofSeconds(1)); // a: exactly interval × ttl since last seen
        assertThat(s.cluster("asia", 1).get("status").asText()).isEqualTo("up");

        clock.advance(Duration.ofMillis(1));
        JsonNode asia = s.view().get("fleets").get(0);
        assertThat(asia.get("clusters").get(0).get("status").asText()).isEqualTo("down");
        assertThat(asia.get("clusters").get(1).get("status").asText()).isEqualTo("up");
        assertThat(asia.get("clusters_up").intValue()).isEqualTo(1);
        assertThat(asia.get("clusters_total").intValue()).isEqualTo(2);
        // The lease wheel marks the target Unhealthy too, for the native API and alerts (once the clock is
        // past the wheel slot holding the deadline; the view above did not have to wait for that).
        clock.advance(Duration.ofMillis(200));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> s.live.target("fleet/asia/1").map(TargetView::state).orElseThrow() == State.UNHEALTHY);
        assertThat(s.live.target("fleet/asia/2").orElseThrow().state()).isEqualTo(State.ONLINE);

        assertThat(s.heartbeat("a", null).statusCode()).isEqualTo(204);
        assertThat(s.cluster("asia", 1).get("status").asText()).isEqualTo("up");
        assertThat(s.live.target("fleet/asia/1").orElseThrow().state()).isEqualTo(State.ONLINE);
        // A down cluster keeps its number.
        assertThat(s.cluster("asia", 1).get("identity").asText()).isEqualTo("a");
    }

    // ---------------------------------------------------------------- view, rates, roll-ups

    @Test
    void viewShowsClustersAndRollUpsWithRatesFromTwoSnapshots() {
        start();
        s.number("a1", "asia");
        s.number("a2", "asia");
        s.number("e1", "eu");
        s.heartbeat("a1", SnapshotJson.of().shard(0, 0.1, true).shard(1, 0.3, true).gauge("guilds", 100)
                .gauge("cached_users", 1000).gauge("uptime_seconds", 100).traffic(1, 100, 1000, 0)
                .durations(0.1, 0, 1.0, 0, 0, 0).json());
        s.heartbeat("a2", SnapshotJson.of().shard(0, 0.5, true).shard(1, 2.0, false).gauge("guilds", 50)
                .gauge("uptime_seconds", 500).traffic(0, 0, 0, 0).json());
        s.heartbeat("e1", SnapshotJson.of().gauge("guilds", 10).traffic(0, 0, 0, 0).json());

        // Before a second snapshot there are no rates: 0, as Argus answers, and ungraded.
        assertThat(s.cluster("asia", 1).get("metrics").get("interactions_rate").doubleValue()).isZero();
        assertThat(s.cluster("asia", 1).get("grades").has("ratelimits_rate")).isFalse();

        clock.advance(Duration.ofSeconds(30));
        s.heartbeat("a1", SnapshotJson.of().shard(0, 0.1, true).shard(1, 0.3, true).gauge("guilds", 100)
                .gauge("cached_users", 1000).gauge("uptime_seconds", 130).traffic(4, 300, 1600, 3)
                .durations(0.1, 100, 1.0, 190, 0, 200).json());
        s.heartbeat("a2", SnapshotJson.of().shard(0, 0.5, true).shard(1, 2.0, false).gauge("guilds", 50)
                .gauge("uptime_seconds", 530).traffic(27, 100, 300, 30).json());
        s.heartbeat("e1", SnapshotJson.of().gauge("guilds", 10).traffic(0, 10, 60, 0).json());

        JsonNode view = s.view();
        assertThat(view.get("generated_at").asText()).isEqualTo(FleetJson.iso(clock.millis()));
        JsonNode asia = view.get("fleets").get(0);
        assertThat(asia.get("name").asText()).isEqualTo("asia");
        assertThat(asia.get("clusters_up").intValue()).isEqualTo(2);
        assertThat(asia.get("clusters_total").intValue()).isEqualTo(2);

        JsonNode a1 = asia.get("clusters").get(0);
        assertThat(a1.get("number").intValue()).isEqualTo(1);
        assertThat(a1.get("identity").asText()).isEqualTo("a1");
        assertThat(a1.get("fleet").asText()).isEqualTo("asia");
        assertThat(a1.get("status").asText()).isEqualTo("up");
        assertThat(a1.get("last_seen").asText()).isEqualTo(FleetJson.iso(clock.millis()));
        JsonNode m1 = a1.get("metrics");
        assertThat(fieldNames(m1)).containsExactlyElementsOf(ClusterMetrics.KEYS);
        assertThat(m1.get("latency_seconds").doubleValue()).isEqualTo(0.3);
        assertThat(m1.get("shards_up").intValue()).isEqualTo(2);
        assertThat(m1.get("guilds").longValue()).isEqualTo(100);
        assertThat(m1.get("cached_users").longValue()).isEqualTo(1000);
        assertThat(m1.get("interactions_rate").doubleValue()).isCloseTo(20.0, within(1e-9));
        assertThat(m1.get("error_rate").doubleValue()).isCloseTo(4.0 / 300, within(1e-9));
        assertThat(m1.get("ratelimits_rate").doubleValue()).isCloseTo(0.1, within(1e-9));
        assertThat(m1.get("duration_p95_seconds").doubleValue()).isEqualTo(1.0);
        assertThat(m1.get("uptime_seconds").doubleValue()).isEqualTo(130.0);
        assertThat(a1.get("grades").get("latency_seconds").asText()).isEqualTo("warn"); // its worst shard, 0.3 s
        assertThat(a1.get("grades").get("error_rate").asText()).isEqualTo("warn");
        assertThat(a1.get("grades").get("ratelimits_rate").asText()).isEqualTo("warn");
        assertThat(a1.get("grades").has("guilds")).isFalse();
        assertThat(a1.get("shards")).hasSize(2);
        assertThat(a1.get("shards").get(1).get("shard_id").intValue()).isEqualTo(1);
        assertThat(a1.get("shards").get(1).get("status").asText()).isEqualTo("up");
        assertThat(a1.get("shards").get(1).get("latency_seconds").doubleValue()).isEqualTo(0.3);

        JsonNode a2 = asia.get("clusters").get(1);
        assertThat(a2.get("shards").get(1).get("status").asText()).isEqualTo("down");
        assertThat(a2.get("metrics").get("latency_seconds").doubleValue()).isEqualTo(2.0);

        // Fleet: sums, maxima, and the error rate recomputed from counts, never averaged.
        JsonNode rollup = asia.get("rollup");
        assertThat(rollup.get("shards_up").intValue()).isEqualTo(3);
        assertThat(rollup.get("guilds").longValue()).isEqualTo(150);
        assertThat(rollup.get("interactions_rate").doubleValue()).isCloseTo(30.0, within(1e-9));
        assertThat(rollup.get("error_rate").doubleValue()).isCloseTo(31.0 / 400, within(1e-9));
        assertThat(rollup.get("ratelimits_rate").doubleValue()).isCloseTo(1.1, within(1e-9));
        assertThat(rollup.get("latency_seconds").doubleValue()).isEqualTo(2.0);
        assertThat(rollup.get("uptime_seconds").doubleValue()).isEqualTo(530.0);
        assertThat(asia.get("grades").get("error_rate").asText()).isEqualTo("bad");
        assertThat(asia.get("grades").get("latency_seconds").asText()).isEqualTo("bad");

        JsonNode global = view.get("global");
        assertThat(global.get("guilds").longValue()).isEqualTo(160);
        assertThat(global.get("interactions_rate").doubleValue()).isCloseTo(32.0, within(1e-9));
        assertThat(global.get("error_rate").doubleValue()).isCloseTo(31.0 / 410, within(1e-9));
        assertThat(view.get("grades").get("error_rate").asText()).isEqualTo("bad");

        // The native live state shows the same numbers.
        assertThat(s.live.target("fleet/asia/1").orElseThrow().metrics().get("guilds").longValue()).isEqualTo(100);
        assertThat(s.live.target("fleet/asia/1").orElseThrow().latencyMs()).isCloseTo(300.0, within(1e-9));
    }

    @Test
    void registrationsStopAtTheLimitOfMembersAndPruningMakesRoom() {
        start(new ArgusSettings(Duration.ofSeconds(1), 3, "discord", 10, FleetServer.GENEROUS,
                FleetServer.GENEROUS, "fleet", java.util.Optional.empty(), 3));
        s.number("a", "asia");
        s.number("b", "asia");
        s.number("c", "asia");
        HttpResponse<String> full = s.post("/fleet/register", "{\"identity\": \"d\", \"fleet\": \"asia\"}");
        assertThat(full.statusCode()).as(full.body()).isEqualTo(429);
        assertThat(Http.json(full).get("error").asText()).isEqualTo("the fleet has 3 members, the most argus.max-members "
                + "allows: prune members that are gone (DELETE /api/fleet/cluster) or raise the limit");
        assertThat(s.live.target("fleet/asia/4")).isEmpty(); // nothing was made for the refused one
        assertThat(s.number("b", "asia")).as("a known member registers again").isEqualTo(2);

        assertThat(s.http.send(s.http.request("/api/fleet/cluster?fleet=asia&number=2")
                .header("Authorization", "Bearer " + FleetServer.ADMIN).DELETE().build()).statusCode()).isEqualTo(204);
        assertThat(s.number("d", "asia")).isEqualTo(4);
    }

    @Test
    void aDownClusterKeepsItsRowButLeavesTheRollUp() {
        start(new ArgusSettings(Duration.ofSeconds(1), 3, "discord", 10, FleetServer.GENEROUS,
                FleetServer.GENEROUS, "fleet"));
        s.number("a", "asia");
        s.number("b", "asia");
        s.heartbeat("a", SnapshotJson.of().gauge("guilds", 100).json());
        s.heartbeat("b", SnapshotJson.of().gauge("guilds", 7).json());
        clock.advance(Duration.ofSeconds(3));
        s.heartbeat("b", SnapshotJson.of().gauge("guilds", 7).json());
        clock.advance(Duration.ofSeconds(1));

        JsonNode asia = s.view().get("fleets").get(0);
        assertThat(asia.get("clusters").get(0).get("status").asText()).isEqualTo("down");
        assertThat(asia.get("clusters").get(0).get("metrics").get("guilds").longValue()).isEqualTo(100);
        assertThat(asia.get("rollup").get("guilds").longValue()).isEqualTo(7);
    }

    @Test
    void clusterRouteGivesTheClusterAndItsHistoryOldestFirst() {
        start(new ArgusSettings(Duration.ofSeconds(15), 3, "discord", 2, FleetServer.GENEROUS,
                FleetServer.GENEROUS, "fleet"));
        s.number("a", "asia");
        long t0 = clock.millis();
        for (int i = 0; i < 3; i++) {
            s.heartbeat("a", SnapshotJson.of().gauge("guilds", 10 + i).traffic(0, 0, 15.0 * i, 0).json());
            clock.advance(Duration.ofSeconds(15));
        }
        s.heartbeat("a", null); // no snapshot: no history point

        HttpResponse<String> r = s.get("/api/fleet/cluster?fleet=asia&number=1");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Http.json(r);
        assertThat(fieldNames(body)).containsExactly("cluster", "history");
        assertThat(body.get("cluster").get("identity").asText()).isEqualTo("a");
        assertThat(body.get("cluster").get("status").asText()).isEqualTo("up");
        JsonNode history = body.get("history");
        assertThat(history).hasSize(2); // capacity 2: the oldest point was dropped
        assertThat(history.get(0).get("t").asText()).isEqualTo(FleetJson.iso(t0 + 15_000));
        assertThat(history.get(1).get("t").asText()).isEqualTo(FleetJson.iso(t0 + 30_000));
        assertThat(history.get(0).get("metrics").get("guilds").longValue()).isEqualTo(11);
        assertThat(history.get(1).get("metrics").get("guilds").longValue()).isEqualTo(12);
        assertThat(history.get(1).get("metrics").get("interactions_rate").doubleValue()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void targetsAreHttpServiceDiscoveryForMembersWithAScrapeTarget() {
        start();
        s.register("{\"identity\": \"a\", \"fleet\": \"asia\", \"scrape_target\": \"10.0.0.1:9100\"}");
        s.register("{\"identity\": \"b\", \"fleet\": \"asia\"}");
        s.register("{\"identity\": \"c\", \"fleet\": \"eu\", \"scrape_target\": \"[::1]:9100\"}");

        HttpResponse<String> r = s.get("/api/fleet/targets");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.json(r).toString()).isEqualTo("[{\"targets\":[\"10.0.0.1:9100\"],\"labels\":{\"cluster\":\"a\","
                + "\"fleet\":\"asia\",\"__metrics_path__\":\"/metrics\"}},{\"targets\":[\"[::1]:9100\"],\"labels\":"
                + "{\"cluster\":\"c\",\"fleet\":\"eu\",\"__metrics_path__\":\"/metrics\"}}]");
    }

    // ---------------------------------------------------------------- errors

    @Test
    void registerValidatesEveryField() {
        start();
        assertError(s.post("/fleet/register", "{\"fleet\": \"asia\"}"), 400, "identity is required");
        assertError(s.post("/fleet/register", "{\"identity\": \"\"}"), 400, "identity is required");
        assertError(s.post("/fleet/register", "{\"identity\": 7}"), 400, "identity must be a string");
        assertError(s.post("/fleet/register", "{\"identity\": \"" + "x".repeat(201) + "\"}"), 400, "at most 200");
        assertError(s.post("/fleet/register", "{\"identity\": \"a\\nb\"}"), 400, "control characters");
        assertError(s.post("/fleet/register", "{\"identity\": \"a\", \"fleet\": \"Asia\"}"), 400, "fleet must be");
        assertError(s.post("/fleet/register", "{\"identity\": \"a\", \"fleet\": \"a/b\"}"), 400, "fleet must be");
        assertError(s.post("/fleet/register", "{\"identity\": \"a\", \"fleet\": 1}"), 400, "fleet must be a string");
        assertError(s.post("/fleet/register", "{\"identity\": \"a\", \"version\": 2}"), 400, "version must be a string");
        assertError(s.post("/fleet/register", "{\"identity\": \"a\", \"scrape_target\": \"http://x/metrics\"}"), 400,
                "scrape_target must be host:port");
        assertError(s.post("/fleet/register", "{\"identity\": \"a\", \"lease\": 5}"), 400, "lease must be a string");
        assertError(s.post("/fleet/register", "[]"), 400, "must be a JSON object");
        assertError(s.post("/fleet/register", "{\"identity\": "), 400, "not valid JSON");
        assertError(s.post("/fleet/register", ""), 400, "empty");
        assertThat(s.view().get("fleets")).isEmpty();
        assertThat(s.number("a", "asia")).isEqualTo(1); // nothing above took a number
    }

    @Test
    void heartbeatValidatesItsFieldsAndTheSnapshot() {
        start();
        s.number("a", "asia");
        assertError(s.post("/fleet/heartbeat", "{}"), 400, "identity is required");
        assertError(s.post("/fleet/heartbeat", "{\"identity\": [\"a\"]}"), 400, "identity must be a string");
        assertError(s.post("/fleet/heartbeat", "{\"identity\": \"a\", \"lease\": true}"), 400, "lease must be a string");
        assertError(s.heartbeat("a", "{\"metrics\": []}"), 400, "snapshot.metrics must be an object");
        assertError(s.heartbeat("a", "{\"metrics\": {\"discord_guilds\": {\"samples\": [{\"value\": -1}]}}}"), 400,
                "snapshot.metrics.discord_guilds.samples[0].value must be a finite number >= 0");
        assertError(s.heartbeat("a", "7"), 400, "snapshot must be an object");
        assertThat(s.heartbeat("a", "null").statusCode()).isEqualTo(204);
    }

    @Test
    void clusterRouteRejectsBadParametersAndUnknownClusters() {
        start();
        s.number("a", "asia");
        assertError(s.get("/api/fleet/cluster?number=1"), 400, "'fleet' is required");
        assertError(s.get("/api/fleet/cluster?fleet=asia"), 400, "'number' is required");
        for (String bad : List.of("0", "-1", "x", "1.5", "+1", "99999999999")) {
            assertError(s.get("/api/fleet/cluster?fleet=asia&number=" + bad), 400, "must be a positive integer");
        }
        assertError(s.get("/api/fleet/cluster?fleet=ASIA&number=1"), 400, "fleet must be");
        assertError(s.get("/api/fleet/cluster?fleet=asia&number=2"), 404, "no cluster 2 in fleet 'asia'");
        assertError(s.get("/api/fleet/cluster?fleet=eu&number=1"), 404, "no cluster 1 in fleet 'eu'");
        assertThat(s.get("/api/fleet/cluster?fleet=asia&number=1").statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyOverTheLimitIs413() throws IOException {
        start();
        // The whole 300 KiB arrives; the server reads and discards it, then answers 413 on a connection
        // that stays usable (closing under an unread body would reset it and lose the answer).
        try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            byte[] body = ("{\"identity\": \"a\", \"pad\": \"" + "x".repeat(300 * 1024 - 30) + "\"}")
                    .getBytes(StandardCharsets.US_ASCII);
            out.write(("POST /fleet/heartbeat HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + FleetServer.INGEST
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.write("GET /api/fleet/targets HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            StringBuilder received = new StringBuilder();
            java.io.InputStream in = socket.getInputStream();
            while (received.indexOf("HTTP/1.1 ", received.indexOf("HTTP/1.1 413") + 1) < 0
                    || !received.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                received.append((char) c);
            }
            String response = received.toString();
            assertThat(response).startsWith("HTTP/1.1 413");
            assertThat(response).contains("{\"error\":\"request body is larger than the limit of 262144 bytes\"");
            assertThat(response.substring(response.indexOf("HTTP/1.1 ", 1))).as("the next request on the same connection is answered")
                    .startsWith("HTTP/1.1 ");
        }
    }

    @Test
    void anExpectContinueRequestOverTheLimitIs413WithoutSendingTheBody() throws IOException {
        start();
        try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /fleet/heartbeat HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + FleetServer.INGEST + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: "
                    + 300 * 1024 + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            byte[] head = new byte[12];
            int n = socket.getInputStream().readNBytes(head, 0, 12);
            assertThat(new String(head, 0, n, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 413");
        }
    }

    @Test
    void anEmptyIdentityBucketIs429WithRetryAfter() {
        start(new ArgusSettings(Duration.ofSeconds(15), 3, "discord", 10,
                new ArgusSettings.RateLimit(0.5, 3), FleetServer.GENEROUS, "fleet"));
        s.number("a", "asia");
        assertThat(s.heartbeat("a", null).statusCode()).isEqualTo(204);
        assertThat(s.heartbeat("a", null).statusCode()).isEqualTo(204);
        HttpResponse<String> limited = s.heartbeat("a", null);
        assertError(limited, 429, "too many requests for this identity");
        assertThat(limited.headers().firstValue("Retry-After")).contains("2");
        assertThat(Http.json(limited).get("retry_after").intValue()).isEqualTo(2);
        // Other members are not affected; the bucket refills with time.
        assertThat(s.number("b", "asia")).isEqualTo(2);
        clock.advance(Duration.ofSeconds(2));
        assertThat(s.heartbeat("a", null).statusCode()).isEqualTo(204);
        assertError(s.heartbeat("a", null), 429, "identity");
    }

    @Test
    void anEmptyAddressBucketIs429OnEveryRouteEvenWithoutAToken() {
        start(new ArgusSettings(Duration.ofSeconds(15), 3, "discord", 10,
                FleetServer.GENEROUS, new ArgusSettings.RateLimit(1, 4), "fleet"));
        List<Integer> codes = new ArrayList<>();
        codes.add(s.http.get("/api/fleet/view").statusCode());
        codes.add(s.get("/api/fleet/view").statusCode());
        codes.add(s.get("/api/fleet/targets").statusCode());
        codes.add(s.post("/fleet/heartbeat", "{\"identity\": \"x\"}").statusCode());
        HttpResponse<String> limited = s.get("/api/fleet/view");
        assertThat(codes).containsExactly(401, 200, 200, 404);
        assertError(limited, 429, "too many requests for this address");
        assertThat(limited.headers().firstValue("Retry-After")).contains("1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(s.get("/api/fleet/view").statusCode()).isEqualTo(200);
    }

    @Test
    void memberRoutesNeedAnIngestTokenAndReadRoutesAReadToken() {
        start();
        assertError(s.http.postJson("/fleet/register", "{\"identity\": \"a\"}", null), 401, "needs an API token");
        assertError(s.http.postJson("/fleet/register", "{\"identity\": \"a\"}", FleetServer.READ), 403, "scope 'ingest'");
        assertError(s.http.postJson("/fleet/heartbeat", "{\"identity\": \"a\"}", "wrong-token"), 401, "not valid");
        assertThat(s.http.postJson("/fleet/register", "{\"identity\": \"a\"}", FleetServer.ADMIN).statusCode())
                .isEqualTo(200);
        for (String path : List.of("/api/fleet/view", "/api/fleet/targets", "/api/fleet/cluster?fleet=default&number=1")) {
            assertError(s.http.get(path), 401, "needs an API token");
            assertError(s.http.get(path, FleetServer.INGEST), 403, "scope 'read'");
            assertThat(s.http.get(path, FleetServer.READ).statusCode()).as(path).isEqualTo(200);
            assertThat(s.http.get(path + (path.contains("?") ? "&" : "?") + "token=" + FleetServer.READ).statusCode())
                    .as(path).isEqualTo(200);
        }
        HttpRequest deleteWithIngest = s.http.request("/api/fleet/cluster?fleet=default&number=1")
                .header("Authorization", "Bearer " + FleetServer.INGEST).DELETE().build();
        assertError(s.http.send(deleteWithIngest), 403, "scope 'admin'");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
