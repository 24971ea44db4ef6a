package dev.watchpost.compat.argus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class ParsedSnapshotTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What a discord.py bot with the Argus member library sends, trimmed to three shards. */
    static final String FULL = """
            {"metrics": {
              "discord_shard_latency_seconds": {"type": "gauge", "samples": [
                {"name": "discord_shard_latency_seconds", "labels": {"shard": "2"}, "value": 0.25},
                {"name": "discord_shard_latency_seconds", "labels": {"shard": "0"}, "value": 0.041},
                {"name": "discord_shard_latency_seconds", "labels": {"shard": "1"}, "value": 1.5}]},
              "discord_shard_up": {"type": "gauge", "samples": [
                {"name": "discord_shard_up", "labels": {"shard": "0"}, "value": 1.0},
                {"name": "discord_shard_up", "labels": {"shard": "1"}, "value": 0.0},
                {"name": "discord_shard_up", "labels": {"shard": "2"}, "value": 1.0},
                {"name": "discord_shard_up", "labels": {"shard": "7"}, "value": 1.0}]},
              "discord_guilds": {"type": "gauge", "samples": [
                {"name": "discord_guilds", "labels": {"shard": "0"}, "value": 1200},
                {"name": "discord_guilds", "labels": {"shard": "1"}, "value": 1100},
                {"name": "discord_guilds", "labels": {"shard": "2"}, "value": 1234}]},
              "discord_cached_users": {"type": "gauge", "samples": [
                {"name": "discord_cached_users", "labels": {}, "value": 250000.0}]},
              "discord_uptime_seconds": {"type": "gauge", "samples": [
                {"name": "discord_uptime_seconds", "labels": {}, "value": 86400.5}]},
              "discord_command_errors_total": {"type": "counter", "samples": [
                {"name": "discord_command_errors_total", "labels": {"command": "ban"}, "value": 2},
                {"name": "discord_command_errors_total", "labels": {"command": "play"}, "value": 5}]},
              "discord_app_commands_total": {"type": "counter", "samples": [
                {"name": "discord_app_commands_total", "labels": {"command": "ban"}, "value": 100},
                {"name": "discord_app_commands_total", "labels": {"command": "play"}, "value": 600}]},
              "discord_commands_total": {"type": "counter", "samples": [
                {"name": "discord_commands_total", "labels": {"command": "help"}, "value": 40}]},
              "discord_interactions_total": {"type": "counter", "samples": [
                {"name": "discord_interactions_total", "labels": {"type": "application_command"}, "value": 700},
                {"name": "discord_interactions_total", "labels": {"type": "component"}, "value": 800}]},
              "discord_ratelimits_total": {"type": "counter", "samples": [
                {"name": "discord_ratelimits_total", "labels": {"bucket": "global"}, "value": 3}]},
              "discord_app_command_duration_seconds": {"type": "histogram", "samples": [
                {"name": "discord_app_command_duration_seconds_bucket", "labels": {"command": "play", "le": "0.1"}, "value": 300},
                {"name": "discord_app_command_duration_seconds_bucket", "labels": {"command": "play", "le": "1.0"}, "value": 550},
                {"name": "discord_app_command_duration_seconds_bucket", "labels": {"command": "play", "le": "+Inf"}, "value": 600},
                {"name": "discord_app_command_duration_seconds_count", "labels": {"command": "play"}, "value": 600},
                {"name": "discord_app_command_duration_seconds_sum", "labels": {"command": "play"}, "value": 210.5},
                {"name": "discord_app_command_duration_seconds_bucket", "labels": {"command": "ban", "le": "+Inf"}, "value": 100},
                {"name": "discord_app_command_duration_seconds_bucket", "labels": {"command": "ban", "le": "0.1"}, "value": 90},
                {"name": "discord_app_command_duration_seconds_bucket", "labels": {"command": "ban", "le": "1.0"}, "value": 100},
                {"name": "discord_app_command_duration_seconds_count", "labels": {"command": "ban"}, "value": 100},
                {"name": "discord_app_command_duration_seconds_sum", "labels": {"command": "ban"}, "value": 4.0}]},
              "process_resident_memory_bytes": {"type": "gauge", "samples": [
                {"name": "process_resident_memory_bytes", "labels": {}, "value": 1.2e8}]},
              "vendor_thing": "unknown families are not even looked at"
            }}
            """;

    @Test
    void readsEveryFamilySummingLabelsItDoesNotUse() {
        ParsedSnapshot s = parse(FULL);

        assertThat(s.shards())
                .extracting(ParsedSnapshot.Shard::id, ParsedSnapshot.Shard::latencySeconds, ParsedSnapshot.Shard::up)
                .containsExactly(
                        tuple(0, 0.041, true),
                        tuple(1, 1.5, false),
                        tuple(2, 0.25, true),
                        tuple(7, null, true));
        assertThat(s.guilds()).isEqualTo(3534.0);
        assertThat(s.cachedUsers()).isEqualTo(250_000.0);
        assertThat(s.uptimeSeconds()).isEqualTo(86_400.5);
        assertThat(s.commandErrors()).isEqualTo(7.0);
        assertThat(s.appCommands()).isEqualTo(700.0);
        assertThat(s.commands()).isEqualTo(40.0);
        assertThat(s.interactions()).isEqualTo(1500.0);
        assertThat(s.ratelimits()).isEqualTo(3.0);
        // play + ban per le; _sum and _count are not buckets.
        assertThat(s.commandDuration().buckets()).containsExactly(
                new Histogram.Bucket(0.1, 390),
                new Histogram.Bucket(1.0, 650),
                new Histogram.Bucket(Double.POSITIVE_INFINITY, 700));
    }

    @Test
    void readsTheHistogramUnderItsBucketFamilyNameWithOrWithoutSampleNames() {
        ParsedSnapshot s = parse("""
                {"metrics": {"discord_app_command_duration_seconds_bucket": {"type": "histogram", "samples": [
                  {"labels": {"le": "0.5"}, "value": 4},
                  {"name": "discord_app_command_duration_seconds_bucket", "labels": {"le": "+Inf"}, "value": 9},
                  {"name": "discord_app_command_duration_seconds_bucket", "labels": {"le": 2.5}, "value": 6}]}}}
                """);

        assertThat(s.commandDuration().buckets()).containsExactly(
                new Histogram.Bucket(0.5, 4),
                new Histogram.Bucket(2.5, 6),
                new Histogram.Bucket(Double.POSITIVE_INFINITY, 9));
    }

    @Test
    void readsCountersAsThePythonClientNamesThem() {
        // prometheus_client drops _total from the family name and adds a _created sample.
        ParsedSnapshot s = parse("""
                {"metrics": {"discord_commands": {"type": "counter", "samples": [
                  {"name": "discord_commands_total", "labels": {"command": "help"}, "value": 12},
                  {"name": "discord_commands_created", "labels": {"command": "help"}, "value": 1717171717.5},
                  {"name": "discord_commands_total", "labels": {"command": "ping"}, "value": 30}]}}}
                """);

        assertThat(s.commands()).isEqualTo(42.0);
    }

    @Test
    void absentFamiliesAreUnknownButAnEmptyCounterIsZero() {
        ParsedSnapshot s = parse("""
                {"metrics": {
                  "discord_command_errors_total": {"type": "counter", "samples": []},
                  "discord_guilds": {"type": "gauge", "samples": []},
                  "discord_app_command_duration_seconds": {"type": "histogram", "samples": []}}}
                """);

        assertThat(s.commandErrors()).isZero();
        assertThat(s.guilds()).isNull();
        assertThat(s.commandDuration()).isEqualTo(Histogram.EMPTY);
        assertThat(s.shards()).isEmpty();
        assertThat(s.appCommands()).isNull();
        assertThat(s.uptimeSeconds()).isNull();
    }

    @Test
    void readsTheConfiguredNamespaceOnly() {
        String json = """
                {"metrics": {
                  "mybot_guilds": {"type": "gauge", "samples": [{"name": "mybot_guilds", "labels": {}, "value": 5}]},
                  "discord_guilds": {"type": "gauge", "samples": [{"name": "discord_guilds", "labels": {}, "value": 9}]}}}
                """;

        assertThat(ParsedSnapshot.parse(tree(json), "mybot").guilds()).isEqualTo(5.0);
        assertThat(ParsedSnapshot.parse(tree(json), "discord").guilds()).isEqualTo(9.0);
    }

    @Test
    void acceptsShardIdsAsJsonIntegers() {
        ParsedSnapshot s = parse("""
                {"metrics": {"discord_shard_up": {"type": "gauge", "samples": [
                  {"name": "discord_shard_up", "labels": {"shard": 3}, "value": 1}]}}}
                """);

        assertThat(s.shards()).containsExactly(new ParsedSnapshot.Shard(3, null, true));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("[]", "snapshot must be an object, got []"),
                Arguments.of("{}", "snapshot.metrics is missing"),
                Arguments.of("{\"metrics\": 3}", "snapshot.metrics must be an object, got 3"),
                Arguments.of("{\"metrics\": {\"discord_guilds\": []}}",
                        "snapshot.metrics.discord_guilds must be an object, got []"),
                Arguments.of("{\"metrics\": {\"discord_guilds\": {\"type\": \"gauge\"}}}",
                        "snapshot.metrics.discord_guilds.samples is missing"),
                Arguments.of("{\"metrics\": {\"discord_guilds\": {\"samples\": {}}}}",
                        "snapshot.metrics.discord_guilds.samples must be an array, got {}"),
                Arguments.of(gauge("discord_guilds", "5"),
                        "snapshot.metrics.discord_guilds.samples[0] must be an object, got 5"),
                Arguments.of(gauge("discord_guilds", "{\"name\": 1, \"value\": 5}"),
                        "snapshot.metrics.discord_guilds.samples[0].name must be a string, got 1"),
                Arguments.of(gauge("discord_guilds", "{\"labels\": {}}"),
                        "snapshot.metrics.discord_guilds.samples[0].value is missing"),
                Arguments.of(gauge("discord_guilds", "{\"labels\": {}, \"value\": 1}, {\"labels\": {}, \"value\": \"12\"}"),
                        "snapshot.metrics.discord_guilds.samples[1].value must be a number, got \"12\""),
                Arguments.of(gauge("discord_uptime_seconds", "{\"value\": -4}"),
                        "snapshot.metrics.discord_uptime_seconds.samples[0].value must be a finite number >= 0, got -4"),
                Arguments.of(gauge("discord_guilds", "{\"labels\": [\"a\"], \"value\": 1}"),
                        "snapshot.metrics.discord_guilds.samples[0].labels must be an object, got [\"a\"]"),
                Arguments.of(gauge("discord_shard_up", "{\"labels\": {}, \"value\": 1}"),
                        "snapshot.metrics.discord_shard_up.samples[0].labels.shard is missing"),
                Arguments.of(gauge("discord_shard_up", "{\"labels\": {\"shard\": \"-1\"}, \"value\": 1}"),
                        "snapshot.metrics.discord_shard_up.samples[0].labels.shard must be a non-negative integer, got \"-1\""),
                Arguments.of(gauge("discord_shard_latency_seconds", "{\"labels\": {\"shard\": \"1.5\"}, \"value\": 1}"),
                        "snapshot.metrics.discord_shard_latency_seconds.samples[0].labels.shard must be a non-negative integer, got \"1.5\""),
                Arguments.of(gauge("discord_shard_up", "{\"labels\": {\"shard\": \"99999999999\"}, \"value\": 1}"),
                        "snapshot.metrics.discord_shard_up.samples[0].labels.shard must be a non-negative integer, got \"99999999999\""),
                Arguments.of(gauge("discord_shard_up", "{\"labels\": {\"shard\": \"0\", \"pod\": \"a\"}, \"value\": 1},"
                                + " {\"labels\": {\"shard\": \"0\", \"pod\": \"b\"}, \"value\": 1}"),
                        "snapshot.metrics.discord_shard_up.samples[1] repeats shard 0; discord_shard_up takes one sample per shard"),
                Arguments.of(gauge("discord_app_command_duration_seconds_bucket", "{\"labels\": {}, \"value\": 1}"),
                        "snapshot.metrics.discord_app_command_duration_seconds_bucket.samples[0].labels.le is missing"),
                Arguments.of(gauge("discord_app_command_duration_seconds_bucket", "{\"labels\": {\"le\": \"fast\"}, \"value\": 1}"),
                        "snapshot.metrics.discord_app_command_duration_seconds_bucket.samples[0].labels.le must be a number or +Inf, got \"fast\""),
                Arguments.of(gauge("discord_app_command_duration_seconds_bucket", "{\"labels\": {\"le\": \"0.5\"}, \"value\": 1}"),
                        "snapshot.metrics.discord_app_command_duration_seconds_bucket: histogram has no +Inf bucket (highest le=0.5)"),
                Arguments.of(gauge("discord_app_command_duration_seconds_bucket",
                                "{\"labels\": {\"le\": \"0.5\"}, \"value\": 9}, {\"labels\": {\"le\": \"+Inf\"}, \"value\": 4}"),
                        "snapshot.metrics.discord_app_command_duration_seconds_bucket: cumulative bucket counts must not"
                                + " decrease, got 9 at le=0.5 but 4 at le=+Inf"),
                Arguments.of("{\"metrics\": {\"discord_commands_total\": {\"samples\": []}, \"discord_commands\": {\"samples\": []}}}",
                        "snapshot.metrics has both discord_commands_total and discord_commands, which are one metric"),
                Arguments.of(gauge("discord_guilds", "{\"value\": \"" + "9".repeat(60) + "\"}"),
                        "snapshot.metrics.discord_guilds.samples[0].value must be a number, got \"" + "9".repeat(39) + "…"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void rejectsAMalformedSnapshotWithOneLineNamingThePlace(String json, String message) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message)
                .message().doesNotContain("\n");
    }

    @Test
    void rejectsJsonNullAsASnapshot() {
        assertThatThrownBy(() -> ParsedSnapshot.parse(NullNode.getInstance(), "discord"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("snapshot must be an object, got null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "9bot", "my-bot", "a b"})
    void rejectsANamespaceThatIsNoMetricPrefix(String namespace) {
        assertThatThrownBy(() -> ParsedSnapshot.parse(tree("{\"metrics\": {}}"), namespace))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("namespace must be a Prometheus metric name prefix");
    }

    private static String gauge(String family, String samples) {
        return "{\"metrics\": {\"" + family + "\": {\"type\": \"gauge\", \"samples\": [" + samples + "]}}}";
    }

    static ParsedSnapshot parse(String json) {
        return ParsedSnapshot.parse(tree(json), "discord");
    }

    static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("test JSON does not parse: " + json, e);
        }
    }
}
