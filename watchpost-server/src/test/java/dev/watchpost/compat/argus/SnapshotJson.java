package dev.watchpost.compat.argus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builds a member's metrics snapshot JSON as the Python member library sends it. */
final class SnapshotJson {

    private final List<String> latency = new ArrayList<>();
    private final List<String> up = new ArrayList<>();
    private final List<String> families = new ArrayList<>();

    static SnapshotJson of() {
        return new SnapshotJson();
    }

    SnapshotJson shard(int id, double latencySeconds, boolean isUp) {
        latency.add(sample("discord_shard_latency_seconds", "{\"shard\": \"" + id + "\"}", latencySeconds));
        up.add(sample("discord_shard_up", "{\"shard\": \"" + id + "\"}", isUp ? 1 : 0));
        return this;
    }

    SnapshotJson gauge(String metric, double value) {
        return family("discord_" + metric, "gauge", sample("discord_" + metric, "{}", value));
    }

    /** Traffic counters: command errors, app commands, interactions, rate limits. */
    SnapshotJson traffic(double errors, double commands, double interactions, double ratelimits) {
        counter("command_errors_total", errors);
        counter("app_commands_total", commands);
        counter("interactions_total", interactions);
        return counter("ratelimits_total", ratelimits);
    }

    SnapshotJson counter(String metric, double value) {
        return family("discord_" + metric, "counter", sample("discord_" + metric, "{}", value));
    }

    /** The command duration histogram from (le, cumulative count) pairs; the last le is +Inf. */
    SnapshotJson durations(double... leAndCount) {
        List<String> samples = new ArrayList<>();
        for (int i = 0; i < leAndCount.length; i += 2) {
            String le = i + 2 == leAndCount.length ? "+Inf" : Double.toString(leAndCount[i]);
            samples.add(sample("discord_app_command_duration_seconds_bucket", "{\"le\": \"" + le + "\"}", leAndCount[i + 1]));
        }
        return family("discord_app_command_duration_seconds", "histogram", String.join(", ", samples));
    }

    String json() {
        List<String> all = new ArrayList<>(families);
        if (!latency.isEmpty()) {
            all.add(familyJson("discord_shard_latency_seconds", "gauge", String.join(", ", latency)));
            all.add(familyJson("discord_shard_up", "gauge", String.join(", ", up)));
        }
        return "{\"metrics\": {" + String.join(", ", all) + "}}";
    }

    private SnapshotJson family(String name, String type, String samples) {
        families.add(familyJson(name, type, samples));
        return this;
    }

    private static String familyJson(String name, String type, String samples) {
        return "\"" + name + "\": {\"type\": \"" + type + "\", \"samples\": [" + samples + "]}";
    }

    private static String sample(String name, String labels, double value) {
        return String.format(Locale.ROOT, "{\"name\": \"%s\", \"labels\": %s, \"value\": %s}", name, labels, value);
    }
}
