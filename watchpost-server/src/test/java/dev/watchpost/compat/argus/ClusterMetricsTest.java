package dev.watchpost.compat.argus;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import static dev.watchpost.compat.argus.HistogramTest.histogram;
import static dev.watchpost.compat.argus.ParsedSnapshotTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ClusterMetricsTest {

    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
    private static final Instant T30 = T0.plusSeconds(30);
    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void firstSnapshotGivesTheGaugesButNothingThatNeedsAnInterval() {
        ClusterMetrics m = ClusterMetrics.compute(null, null, parse(ParsedSnapshotTest.FULL), T0);

        // Up shards 0 (0.041 s), 2 (0.25 s) and 7 (no latency); shard 1 (1.5 s) is down.
        assertThat(m.latencySeconds()).isCloseTo((0.041 + 0.25) / 2, within(1e-12));
        assertThat(m.shardsUp()).isEqualTo(3);
        assertThat(m.guilds()).isEqualTo(3534L);
        assertThat(m.cachedUsers()).isEqualTo(250_000L);
        assertThat(m.uptimeSeconds()).isEqualTo(86_400.5);
        assertThat(m.interactionsRate()).isNull();
        assertThat(m.errorRate()).isNull();
        assertThat(m.durationP95Seconds()).isNull();
        assertThat(m.ratelimitsRate()).isNull();
        assertThat(m.interval()).isNull();
    }

    @Test
    void ratesComeFromTheDifferenceOfTwoSnapshots() {
        ParsedSnapshot before = parse(snapshot(traffic(2, 100, 0, 1000, 1)));
        ParsedSnapshot now = parse(snapshot(traffic(5, 250, 50, 1600, 4)));

        ClusterMetrics m = ClusterMetrics.compute(before, T0, now, T30);

        assertThat(m.interval()).isEqualTo(new ClusterMetrics.Interval(30, 3.0, 200.0, 600.0, 3.0, null));
        assertThat(m.interactionsRate()).isCloseTo(20.0, within(1e-12));
        assertThat(m.ratelimitsRate()).isCloseTo(0.1, within(1e-12));
        assertThat(m.errorRate()).isCloseTo(3.0 / 200, within(1e-12));
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
    void nothingNeedingAnIntervalWhenTimeDidNotMoveForward() {
        ParsedSnapshot before = parse(snapshot(traffic(2, 100, 0, 1000, 1)));
        ParsedSnapshot now = parse(snapshot(traffic(5, 250, 50, 1600, 4)));

        for (Instant at : List.of(T0, T0.minusSeconds(1))) {
            ClusterMetrics m = ClusterMetrics.compute(before, T0, now, at);
            assertThat(m.interval()).isNull();
            assertThat(m.interactionsRate()).isNull();
            assertThat(m.errorRate()).isNull();
        }
    }

    @Test
    void errorRateIsZeroWhenNoCommandRanAndUnknownWithoutTheErrorCounter() {
        ParsedSnapshot idle = parse(snapshot(traffic(4, 100, 10, 1000, 0)));
        assertThat(ClusterMetrics.compute(idle, T0, idle, T30).errorRate()).isZero();

        ParsedSnapshot noErrors = parse(snapshot(counter("app_commands_total", 10)));
        ParsedSnapshot noErrorsLater = parse(snapshot(counter("app_commands_total", 20)));
        assertThat(ClusterMetrics.compute(noErrors, T0, noErrorsLater, T30).errorRate()).isNull();
    }

    @Test
    void p95IsTakenOverTheIntervalNotSinceStart() {
        ParsedSnapshot before = parse(snapshot(durations(0.1, 5, 0.25, 10, 0.5, 10, 1.0, 10, 2.5, 10, INF, 10)));
        ParsedSnapshot now = parse(snapshot(durations(0.1, 25, 0.25, 60, 0.5, 90, 1.0, 110, 2.5, 130, INF, 130)));

        ClusterMetrics m = ClusterMetrics.compute(before, T0, now, T30);

        // Δ buckets: 0.1→20, 0.25→50, 0.5→80, 1.0→100, 2.5→120, +Inf→120.
        // rank = 0.95 × 120 = 114, in (1.0, 2.5] holding 20, 14 into it: 1.0 + 1.5 × 14/20 = 2.05.
        // (Over everything since start it would be 1.0 + 1.5 × (123.5 - 110)/20 = 2.0125.)
        assertThat(m.interval().commandDuration()).isEqualTo(histogram(0.1, 20, 0.25, 50, 0.5, 80, 1.0, 100, 2.5, 120, INF, 120));
        assertThat(m.durationP95Seconds()).isCloseTo(2.05, within(1e-12));
    }

    @Test
    void p95IsUnknownWhenNothingWasObservedInTheInterval() {
        ParsedSnapshot same = parse(snapshot(durations(0.5, 3, INF, 4)));

        assertThat(ClusterMetrics.compute(same, T0, same, T30).durationP95Seconds()).isNull();
    }

    @Test
    void withoutTheUpFamilyShardsUpAndLatencyAreUnknown() {
        ParsedSnapshot s = parse("""
                {"metrics": {"discord_shard_latency_seconds": {"type": "gauge", "samples": [
                  {"name": "discord_shard_latency_seconds", "labels": {"shard": "0"}, "value": 0.1}]}}}
                """);

        ClusterMetrics m = ClusterMetrics.compute(null, null, s, T0);

        assertThat(m.shardsUp()).isNull();
        assertThat(m.latencySeconds()).isNull();
    }

    @Test
    void toJsonGivesTheNineWireKeysWithNullForUnknown() {
        ClusterMetrics m = ClusterMetrics.compute(null, null, parse(ParsedSnapshotTest.FULL), T0);

        assertThat(m.toJson()).containsExactlyEntriesOf(ordered(
                "latency_seconds", m.latencySeconds(),
                "shards_up", 3,
                "guilds", 3534L,
                "cached_users", 250_000L,
                "interactions_rate", null,
                "error_rate", null,
                "duration_p95_seconds", null,
                "ratelimits_rate", null,
                "uptime_seconds", 86_400.5));
        assertThat(m.toJson().keySet()).containsExactlyElementsOf(ClusterMetrics.KEYS);
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
        // No histograms to sum, so the slowest part's p95 stands in.
        assertThat(fleet.durationP95Seconds()).isEqualTo(0.9);
    }

    @Test
    void rollupRecomputesErrorRateFromCountsInsteadOfAveragingRates() {
        // Cluster A: 1 error in 10 commands (0.1). Cluster B: 0 errors in 990 commands (0).
        ClusterMetrics a = between(snapshot(traffic(0, 0, 0, 0, 0)), snapshot(traffic(1, 10, 0, 0, 0)));
        ClusterMetrics b = between(snapshot(traffic(0, 0, 0, 0, 0)), snapshot(traffic(0, 990, 0, 0, 0)));
        assertThat(a.errorRate()).isEqualTo(0.1);
        assertThat(b.errorRate()).isZero();

        ClusterMetrics fleet = ClusterMetrics.rollup(List.of(a, b));

        // (1 + 0) / (10 + 990) = 0.001, where the mean of the rates would claim 0.05.
        assertThat(fleet.errorRate()).isCloseTo(0.001, within(1e-15));
        assertThat(fleet.interval().errors()).isEqualTo(1.0);
        assertThat(fleet.interval().commands()).isEqualTo(1000.0);
    }

    @Test
    void rollupTakesP95FromTheSummedBucketsWhenTheBoundsAgree() {
        ClusterMetrics a = between(snapshot(durations(0.1, 0, 1.0, 0, INF, 0)), snapshot(durations(0.1, 100, 1.0, 100, INF, 100)));
        ClusterMetrics b = between(snapshot(durations(0.1, 0, 1.0, 0, INF, 0)), snapshot(durations(0.1, 0, 1.0, 100, INF, 100)));
        // A: rank 95 in (0, 0.1] holding 100 → 0.1 × 95/100 = 0.095.
        // B: rank 95 in (0.1, 1.0] holding 100 → 0.1 + 0.9 × 95/100 = 0.955.
        assertThat(a.durationP95Seconds()).isCloseTo(0.095, within(1e-12));
        assertThat(b.durationP95Seconds()).isCloseTo(0.955, within(1e-12));

        ClusterMetrics fleet = ClusterMetrics.rollup(List.of(a, b));

        // Summed: 0.1→100, 1.0→200, +Inf→200. rank = 0.95 × 200 = 190, in (0.1, 1.0] holding
        // 200 - 100 = 100, 190 - 100 = 90 into it: 0.1 + 0.9 × 90/100 = 0.91.
        assertThat(fleet.durationP95Seconds()).isCloseTo(0.91, within(1e-12));
    }

    @Test
    void rollupFallsBackToTheHighestP95WhenBoundsDiffer() {
        ClusterMetrics a = between(snapshot(durations(0.1, 0, 1.0, 0, INF, 0)), snapshot(durations(0.1, 100, 1.0, 100, INF, 100)));
        ClusterMetrics c = between(snapshot(durations(0.5, 0, INF, 0)), snapshot(durations(0.5, 10, INF, 10)));
        // C: rank 9.5 in (0, 0.5] holding 10 → 0.5 × 9.5/10 = 0.475.

        ClusterMetrics fleet = ClusterMetrics.rollup(List.of(a, c));

        assertThat(fleet.durationP95Seconds()).isCloseTo(0.475, within(1e-12));
        assertThat(fleet.interval().commandDuration()).isNull();
    }

    @Test
    void rollupFallsBackToTheHighestP95WhenAPartHasAP95ButNoBuckets() {
        ClusterMetrics a = between(snapshot(durations(0.1, 0, 1.0, 0, INF, 0)), snapshot(durations(0.1, 100, 1.0, 100, INF, 100)));
        ClusterMetrics fromPrometheus = new ClusterMetrics(null, null, null, null, null, null, 2.5, null, null, null);

        assertThat(ClusterMetrics.rollup(List.of(a, fromPrometheus)).durationP95Seconds()).isEqualTo(2.5);
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
        assertThat(grouped.interval()).isEqualTo(flat.interval());
    }

    @Test
    void rollupOfNothingKnownIsUnknown() {
        ClusterMetrics unknown = ClusterMetrics.compute(null, null, parse("{\"metrics\": {}}"), T0);

        assertThat(ClusterMetrics.rollup(List.of(unknown, unknown)).toJson().values()).containsOnlyNulls();
        assertThat(ClusterMetrics.rollup(List.of()).toJson().values()).containsOnlyNulls();
        assertThat(ClusterMetrics.rollup(List.of()).interval()).isNull();
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
