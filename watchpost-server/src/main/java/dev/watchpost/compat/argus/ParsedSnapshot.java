package dev.watchpost.compat.argus;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * What Watchpost reads from one Argus member's metrics snapshot, already summed over any labels it
 * does not use (per command, per guild type, ...). A {@code null} component means the snapshot did
 * not carry that family, which is different from a zero.
 *
 * @param shards          every shard named by the latency or up family, sorted by id, ids unique
 * @param guilds          {@code <ns>_guilds}
 * @param cachedUsers     {@code <ns>_cached_users}
 * @param uptimeSeconds   {@code <ns>_uptime_seconds}
 * @param commandErrors   {@code <ns>_command_errors_total}, the counter's current value
 * @param appCommands     {@code <ns>_app_commands_total}
 * @param commands        {@code <ns>_commands_total} (prefix commands)
 * @param interactions    {@code <ns>_interactions_total}
 * @param ratelimits      {@code <ns>_ratelimits_total}
 * @param commandDuration {@code <ns>_app_command_duration_seconds} buckets, cumulative since the
 *                        process started
 */
record ParsedSnapshot(
        List<Shard> shards,
        Double guilds,
        Double cachedUsers,
        Double uptimeSeconds,
        Double commandErrors,
        Double appCommands,
        Double commands,
        Double interactions,
        Double ratelimits,
        Histogram commandDuration) {

    /**
     * One shard as the snapshot reports it.
     *
     * @param id             the {@code shard} label, a non-negative integer
     * @param latencySeconds gateway latency; {@code null} when the latency family has no sample for it
     * @param up             {@code true} when {@code <ns>_shard_up} is above 0; {@code null} when
     *                       that family has no sample for it
     */
    public record Shard(int id, Double latencySeconds, Boolean up) {
        public Shard {
            if (id < 0) {
                throw new IllegalArgumentException("shard id must be >= 0, got " + id);
            }
            checkValue("latencySeconds", latencySeconds);
        }
    }

    public ParsedSnapshot {
        shards = List.copyOf(shards);
        for (int i = 1; i < shards.size(); i++) {
            if (shards.get(i).id() <= shards.get(i - 1).id()) {
                throw new IllegalArgumentException("shards must be sorted by id without repeats, got "
                        + shards.get(i - 1).id() + " before " + shards.get(i).id());
            }
        }
        checkValue("guilds", guilds);
        checkValue("cachedUsers", cachedUsers);
        checkValue("uptimeSeconds", uptimeSeconds);
        checkValue("commandErrors", commandErrors);
        checkValue("appCommands", appCommands);
        checkValue("commands", commands);
        checkValue("interactions", interactions);
        checkValue("ratelimits", ratelimits);
    }

    /**
     * Reads a heartbeat's {@code snapshot}.
     *
     * <p>Families are found by name: {@code <namespace>_<metric>}; a counter family may also be named
     * without {@code _total} and a histogram with or without {@code _bucket} (Prometheus client
     * libraries do both), and only samples named like the metric are used ({@code _sum},
     * {@code _count}, {@code _created} are skipped). Unknown families are ignored without being
     * looked at. Within a known family samples with the same name are summed over their labels,
     * except that {@code shard} and {@code le} keep theirs apart. A gauge family with no samples
     * counts as absent; a counter or histogram family with no samples as zero (a labelled counter has
     * no samples until first used). The {@code type} field is not checked: the sample names already
     * say what each sample is.
     *
     * <p>A known family that cannot be read makes the whole snapshot malformed rather than half
     * read: a value that is not a finite number {@code >= 0}, a {@code shard} label that is not a
     * non-negative integer, a shard named twice in one family, a bad or missing {@code le}, a
     * histogram that is not cumulative or lacks {@code +Inf}, or the same metric under two family
     * names.
     *
     * @param snapshot  the JSON value of {@code snapshot}; a JSON {@code null} is malformed, so the
     *                  caller should treat a missing or null snapshot as "no snapshot" before calling
     * @param namespace the metric prefix, {@code discord} by default; a Prometheus metric name
     * @throws IllegalArgumentException with a one-line message naming where the snapshot is wrong
     *                                  (also for an invalid namespace, which configuration should
     *                                  have rejected first)
     */
    public static ParsedSnapshot parse(JsonNode snapshot, String namespace) {
        return SnapshotParser.forNamespace(namespace).parse(snapshot);
    }

    private static void checkValue(String name, Double value) {
        if (value != null && (!Double.isFinite(value) || value < 0)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + value);
        }
    }
}
