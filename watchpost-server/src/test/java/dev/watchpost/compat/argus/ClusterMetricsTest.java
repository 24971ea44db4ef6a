package dev.watchpost.compat.argus;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import static dev.watchpost.compat.argus.ParsedSnapshotTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ClusterMetricsTest {

    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
    private static final Instant T30 = T0.plusSeconds(30);
    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void oneSnapshotGivesEverythingButTheTwoPerSecondRates() {
        ClusterMetrics m = ClusterMetrics.compute(null, null, parse(ParsedSnapshotTest.FULL), T0);

        // Latencies 0.041 (up), 1.5 (down), 0.25 (up): Argus' latency is the worst shard's.
        assertThat(m.latencySeconds()).isEqualTo(1.5);
        assertThat(m.shardsUp()).isEqualTo(3);
        assertThat(m.guilds()).isEqualTo(3534L);
        assertThat(m.cachedUsers()).isEqualTo(250_000L);
        assertThat(m.uptimeSeconds()).isEqualTo(86_400.5);
        // 7 errors in 700 application and 40 prefix commands since start.
        assertThat(m.errorRate()).isCloseTo(7.0 / 740, within(1e-15));
        assertThat(m.totals()).isEqualTo(new ClusterMetrics.Totals(7, 740));
        // Summed buckets 0.1→390, 1.0→650, +Inf→700: rank 665 is past 1.0, the highest finite bound.
        assertThat(m.durationP95Seconds()).isEqualTo(1.0);
        assertThat(m.interactionsRate()).isNull();
        assertThat(m.ratelimitsRate()).isNull();
    }

    @Test
    void ratesComeFromTheDifferenceOfTwoSnapshotsAndTheErrorRateFromTheLatestAlone() {
        ParsedSnapshot before = parse(snapshot(traffic(2, 100, 0, 1000, 1)));
        ParsedSnapshot now = parse(snapshot(traffic(5, 250, 50, 1600, 4)));

        ClusterMetrics m = ClusterMetrics.compute(before, T0, now, T30);

        assertThat(m.interactionsRate()).isCloseTo(20.0, within(1e-12));
        assertThat(m.ratelimitsRate()).isCloseTo(0.1, within(1e-12));
        assertThat(m.errorRate()).isCloseTo(5.0 / 300, within(1e-12));
    }

    @Test
    void aCounterThatWentDownWasResetSoItsIncreaseIsItsValue() {
        ParsedSnapshot before = parse(snapshot(traffic(50, 900, 0, 5000, 7)));
        ParsedSnapshot afterRestart = parse(snapshot(traffic(1, 20, 0, 120, 7)));

        ClusterMetrics m = ClusterMetrics.compute(before, T0, afterRestart, T30);

        assertThat(m.interactionsRate()).isCloseTo(120.0 / 30, within(1e-12));
        assertThat(m.errorRate()).isCloseTo(1.0 / 20, within(1e-12));
        // Unchanged is not a reset.
        assertThat(m.ratelimitsRate()).isZero();
    }

    @Test
    void noRateWhenTimeDidNotMoveForward() {
        ParsedSnapshot before = parse(snapshot(traffic(2, 100, 0, 1000, 1)));
        ParsedSnapshot now = parse(snapshot(traffic(5, 250, 50, 1600, 4)));

        for (Instant at : List.of(T0, T0.minusSeconds(1))) {
            ClusterMetrics m = ClusterMetrics.compute(before, T0, now, at);
            assertThat(m.interactionsRate()).isNull();
            assertThat(m.errorRate()).isCloseTo(5.0 / 300, within(1e-12));
        }
    }

    @Test
    void errorRateIsZeroWithoutCommandsOrErrorsAndUnknownWithoutAnyOfTheirCounters() {
        assertThat(ClusterMetrics.compute(null, null, parse(snapshot(traffic(4, 0, 0, 1000, 0))), T0).errorRate()).isZero();
        assertThat(ClusterMetrics.compute(null, null, parse(snapshot(counter("app_commands_total", 10))), T0).errorRate())
                .isZero();
        assertThat(ClusterMetrics.compute(null, null, parse(snapshot(gauge("guilds", 1))), T0).errorRate()).isNull();
    }

    @Test
    void p95IsTheBucketHoldingThe95thOfEverythingSinceStart() {
        ParsedSnapshot now = parse(snapshot(durations(0.1, 25, 0.25, 60, 0.5, 90, 1.0, 110, 2.5, 130, INF, 130)));

        // rank = 0.95 × 130 = 123.5: first reached at le=2.5.
        assertThat(ClusterMetrics.compute(null, null, now, T0).durationP95Seconds()).isEqualTo(2.5);
        assertThat(ClusterMetrics.compute(null, null, parse(snapshot(durations(0.5, 0, INF, 0))), T0).durationP95Seconds())
                .isNull();
    }

    @Test
    void withoutTheUpFamilyShardsUpIsUnknownButTheLatencyIsKnown() {
        ParsedSnapshot s = parse("""
                {"metrics": {"discord_shard_latency_seconds": {"type": "gauge", "samples": [
                  {"name": "discord_shard_latency_seconds", "labels": {"shard": "0"}, "value": 0.1}]}}}
                """);

        ClusterMetrics m = ClusterMetrics.compute(null, null, s, T0);

        assertThat(m.shardsUp()).isNull();
        assertThat(m.latencySeconds()).isEqualTo(0.1);
    }

    @Test
    void toJsonGivesTheNineWireKeysWithZeroForUnknown() {
        ClusterMetrics m = ClusterMetrics.compute(null, null, parse(ParsedSnapshotTest.FULL), T0);

        assertThat(m.toJson()).containsExactlyEntriesOf(ordered(
                "latency_seconds", 1.5,
                "shards_up", 3,
                "guilds", 3534L,
                "cached_users", 250_000L,
                "interactions_rate", 0.0,
                "error_rate", 7.0 / 740,
                "duration_p95_seconds", 1.0,
                "ratelimits_rate", 0.0,
                "uptime_seconds", 86_400.5));
        assertThat(m.known().get("interactions_rate")).isNull();
        assertThat(ClusterMetrics.UNKNOWN.toJson().keySet()).containsExactlyElementsOf(ClusterMetrics.KEYS);
    }

    @Test
    void rollupSumsCountsAndRatesAndTakesTheWorstOfTheRest() {
        ClusterMetrics a = new ClusterMetrics(0.2, 3, 1000L, 5000L, 10.0, null, 0.5, 0.1, 100.0, null);
        ClusterMetrics b = new ClusterMetrics(0.8, 5, 2000L, 7000L, 5.0, null, 0.9, 0.3, 50.0, null);
        ClusterMetrics unknown = ClusterMetrics.compute(null, null, parse("{\"metrics\": {}}"), T0);

        ClusterMetrics fleet = ClusterMetrics.rollup(List.of(a, b, unknown));

        assertThat(fleet.latencySeconds()).isEqualTo(0.8);
        assertThat(fleet.shardsUp()).isEqualTo(8);
        assertThat(fleet.guilds()).isEqualTo(3000L);
        assertThat(fleet.cachedUsers()).isEqualTo(12_000L);
        assertThat(fleet.interactionsRate()).isEqualTo(15.0);
        assertThat(fleet.ratelimitsRate()).isCloseTo(0.4, within(1e-12));
        assertThat(fleet.uptimeSeconds()).isEqualTo(100.0);
        assertThat(fleet.durationP95Seconds()).isEqualTo(0.9);
    }

    @Test
    void rollupRecomputesErrorRateFromCountsInsteadOfAveragingRates() {
        // Cluster A: 1 error in 10 commands (0.1). Cluster B: 0 errors in 990 commands (0).
        ClusterMetrics a = ClusterMetrics.compute(null, null, parse(snapshot(traffic(1, 10, 0, 0, 0))), T0);
        ClusterMetrics b = ClusterMetrics.compute(null, null, parse(snapshot(traffic(0, 990, 0, 0, 0))), T0);
        assertThat(a.errorRate()).isEqualTo(0.1);
        assertThat(b.errorRate()).isZero();

        ClusterMetrics fleet = ClusterMetrics.rollup(List.of(a, b));

        // (1 + 0) / (10 + 990) = 0.001, where the mean of the rates would claim 0.05.
        assertThat(fleet.errorRate()).isCloseTo(0.001, within(1e-15));
        assertThat(fleet.totals()).isEqualTo(new ClusterMetrics.Totals(1, 1000));
    }

    @Test
    void rollupOfRollupsEqualsTheRollupOfAllClusters() {
        List<ClusterMetrics> clusters = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            clusters.add(between(
                    snapshot(traffic(0, 0, 0, 0, 0), durations(0.1, 0, 1.0, 0, INF, 0)),
                    snapshot(traffic(i, 100 * i, i * i, 15 * i, 15 * (i % 2)),
                            durations(0.1, 10 * i, 1.0, 10 * i + i * i, INF, 10 * i + i * i + 1),
                            gauge("guilds", 100 * i), gauge("uptime_seconds", 60 * i))));
        }

        ClusterMetrics flat = ClusterMetrics.rollup(clusters);
        ClusterMetrics grouped = ClusterMetrics.rollup(List.of(
                ClusterMetrics.rollup(clusters.subList(0, 2)),
                ClusterMetrics.rollup(clusters.subList(2, 5))));

        assertThat(grouped.toJson()).isEqualTo(flat.toJson());
        assertThat(grouped.totals()).isEqualTo(flat.totals());
    }

    @Test
    void rollupOfNothingKnownIsUnknown() {
        ClusterMetrics unknown = ClusterMetrics.compute(null, null, parse("{\"metrics\": {}}"), T0);

        assertThat(ClusterMetrics.rollup(List.of(unknown, unknown)).known().values()).containsOnlyNulls();
        assertThat(ClusterMetrics.rollup(List.of()).known().values()).containsOnlyNulls();
        assertThat(ClusterMetrics.rollup(List.of()).totals()).isNull();
    }

    private static ClusterMetrics between(String before, String now) {
        return ClusterMetrics.compute(parse(before), T0, parse(now), T0.plusSeconds(15));
    }

    private static String snapshot(String... families) {
        return "{\"metrics\": {" + String.join(",\n", families) + "}}";
    }

    /** The five counter families, one sample each, as one fragment. */
    private static String traffic(double errors, double appCommands, double commands, double interactions, double ratelimits) {
        return String.join(",\n",
                counter("command_errors_total", errors),
                counter("app_commands_total", appCommands),
                counter("commands_total", commands),
                counter("interactions_total", interactions),
                counter("ratelimits_total", ratelimits));
    }

    private static String counter(String metric, double value) {
        String name = "discord_" + metric;
        return """
                "%s": {"type": "counter", "samples": [{"name": "%s", "labels": {}, "value": %s}]}"""
                .formatted(name, name, value);
    }

    private static String gauge(String metric, double value) {
        String name = "discord_" + metric;
        return """
                "%s": {"type": "gauge", "samples": [{"name": "%s", "labels": {}, "value": %s}]}"""
                .formatted(name, name, value);
    }

    /** The duration histogram family as the Python client sends it, from (le, cumulative count) pairs. */
    private static String durations(double... leAndCount) {
        String name = "discord_app_command_duration_seconds";
        List<String> samples = new ArrayList<>();
        for (int i = 0; i < leAndCount.length; i += 2) {
            String le = leAndCount[i] == INF ? "+Inf" : Double.toString(leAndCount[i]);
            samples.add("""
                    {"name": "%s_bucket", "labels": {"le": "%s"}, "value": %s}""".formatted(name, le, leAndCount[i + 1]));
        }
        samples.add("""
                {"name": "%s_count", "labels": {}, "value": %s}""".formatted(name, leAndCount[leAndCount.length - 1]));
        return """
                "%s": {"type": "histogram", "samples": [%s]}""".formatted(name, String.join(", ", samples));
    }

    private static LinkedHashMap<String, Object> ordered(Object... keysAndValues) {
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
