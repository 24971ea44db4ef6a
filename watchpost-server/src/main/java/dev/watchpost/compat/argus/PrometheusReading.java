package dev.watchpost.compat.argus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One reading of Prometheus: per cluster the figures it had, or why there are none. Immutable; the
 * merge with the pushed figures is a pure function.
 *
 * @param atMs     when the reading was started (the cache is fresh for one interval from then)
 * @param clusters figures per {@code fleet/number}; empty when the reading failed
 * @param error    why the reading failed; empty when it succeeded
 */
record PrometheusReading(long atMs, Map<String, Figures> clusters, Optional<String> error) {

    PrometheusReading {
        clusters = Map.copyOf(clusters);
        Objects.requireNonNull(error, "error");
    }

    static PrometheusReading failed(long atMs, String error) {
        return new PrometheusReading(atMs, Map.of(), Optional.of(error));
    }

    /** {@code prometheus} when this reading succeeded, else {@code push}. */
    String source() {
        return error.isPresent() ? "push" : "prometheus";
    }

    /**
     * What Prometheus said about one cluster. Every field is {@code null} when its query had no
     * (finite, non-negative) sample for the cluster.
     *
     * @param errorsPerSecond   {@code rate} of command errors; only used together with
     *                          {@code commandsPerSecond}
     * @param commandsPerSecond {@code rate} of application plus prefix commands
     * @param shards            per shard id, sorted
     */
    record Figures(Double latencySeconds, Double shardsUp, Double guilds, Double cachedUsers,
                   Double interactionsRate, Double errorsPerSecond, Double commandsPerSecond,
                   Double durationP95Seconds, Double ratelimitsRate, Double uptimeSeconds,
                   Map<Integer, ParsedSnapshot.Shard> shards) {

        static final Figures NONE = new Figures(null, null, null, null, null, null, null, null, null, null, Map.of());

        Figures {
            shards = Map.copyOf(new TreeMap<>(shards));
        }
    }

    static String key(String fleet, int number) {
        return fleet + "/" + number;
    }

    /** Every cluster merged with its figures; the push values alone when this reading failed. */
    List<ArgusFleet.Cluster> merge(List<ArgusFleet.Cluster> clusters) {
        if (error.isPresent()) {
            return clusters;
        }
        List<ArgusFleet.Cluster> out = new ArrayList<>(clusters.size());
        for (ArgusFleet.Cluster c : clusters) {
            out.add(merge(c));
        }
        return out;
    }

    ArgusFleet.Cluster merge(ArgusFleet.Cluster c) {
        if (error.isPresent()) {
            return c;
        }
        Figures f = clusters.getOrDefault(key(c.fleet(), c.number()), Figures.NONE);
        return new ArgusFleet.Cluster(c.number(), c.identity(), c.fleet(), c.version(), c.scrapeTarget(), c.up(),
                c.lastSeenMs(), metrics(c.metrics(), f), shards(c.shards(), f.shards()));
    }

    /**
     * Prometheus' value of each metric where it has one, the pushed value where it has none.
     *
     * <p>The interval behind the result is re-expressed per second (seconds = 1) whatever its source,
     * so that a roll-up mixing clusters read from Prometheus (rates) and from pushes (counts over a
     * heartbeat interval) still weighs their errors and commands alike when it recomputes
     * {@code error_rate}. Errors and commands are taken as a pair from one source. The duration
     * histogram is kept only when the p95 is the pushed one: Prometheus gives no buckets, and a
     * roll-up then takes the highest p95 (see {@link ClusterMetrics#rollup}).
     */
    static ClusterMetrics metrics(ClusterMetrics push, Figures f) {
        ClusterMetrics.Interval pi = push.interval();
        Double errors;
        Double commands;
        Double errorRate;
        if (f.errorsPerSecond() != null && f.commandsPerSecond() != null) {
            errors = f.errorsPerSecond();
            commands = f.commandsPerSecond();
            errorRate = commands == 0 ? 0.0 : errors / commands;
        } else {
            boolean both = pi != null && pi.errors() != null && pi.commands() != null;
            errors = both ? pi.errors() / pi.seconds() : null;
            commands = both ? pi.commands() / pi.seconds() : null;
            errorRate = push.errorRate();
        }
        Double p95 = f.durationP95Seconds() != null ? f.durationP95Seconds() : push.durationP95Seconds();
        Histogram histogram = f.durationP95Seconds() == null && pi != null ? pi.commandDuration() : null;
        Double interactions = first(f.interactionsRate(), push.interactionsRate());
        Double ratelimits = first(f.ratelimitsRate(), push.ratelimitsRate());
        ClusterMetrics.Interval interval = errors == null && interactions == null && ratelimits == null
                && histogram == null ? null
                : new ClusterMetrics.Interval(1.0, errors, commands, interactions, ratelimits, histogram);
        return new ClusterMetrics(
                first(f.latencySeconds(), push.latencySeconds()),
                f.shardsUp() != null ? Integer.valueOf((int) Math.min(Integer.MAX_VALUE, Math.round(f.shardsUp())))
                        : push.shardsUp(),
                f.guilds() != null ? Long.valueOf(Math.round(f.guilds())) : push.guilds(),
                f.cachedUsers() != null ? Long.valueOf(Math.round(f.cachedUsers())) : push.cachedUsers(),
                interactions,
                errorRate,
                p95,
                ratelimits,
                first(f.uptimeSeconds(), push.uptimeSeconds()),
                interval);
    }

    /**
     * The union of both shard lists by id; per shard each field from Prometheus where it has it.
     * (The original Argus showed no shards at all with Prometheus on.)
     */
    static List<ParsedSnapshot.Shard> shards(List<ParsedSnapshot.Shard> push, Map<Integer, ParsedSnapshot.Shard> prom) {
        if (prom.isEmpty()) {
            return push;
        }
        TreeMap<Integer, ParsedSnapshot.Shard> byId = new TreeMap<>();
        for (ParsedSnapshot.Shard s : push) {
            byId.put(s.id(), s);
        }
        prom.forEach((id, p) -> byId.merge(id, p, (pushed, fromProm) -> new ParsedSnapshot.Shard(id,
                first(fromProm.latencySeconds(), pushed.latencySeconds()),
                fromProm.up() != null ? fromProm.up() : pushed.up())));
        return List.copyOf(byId.values());
    }

    private static <T> T first(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }
}
