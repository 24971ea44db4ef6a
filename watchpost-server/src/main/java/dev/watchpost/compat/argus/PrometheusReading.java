package dev.watchpost.compat.argus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One reading of Prometheus: per cluster identity the figures it had, or why there are none.
 * Immutable; the merge with the pushed figures is a pure function.
 *
 * @param atMs     when the reading was started (the cache is fresh for one interval from then)
 * @param clusters figures per identity (Prometheus' {@code cluster} label); empty when the reading failed
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
     * @param errors   command errors counted since start (summed over the cluster's series)
     * @param commands application commands counted since start: Argus' Prometheus source divides
     *                 errors by these alone
     * @param shards   per shard id, sorted
     */
    record Figures(Double latencySeconds, Double shardsUp, Double guilds, Double cachedUsers,
                   Double interactionsRate, Double errors, Double commands,
                   Double durationP95Seconds, Double ratelimitsRate, Double uptimeSeconds,
                   Map<Integer, ParsedSnapshot.Shard> shards) {

        Figures {
            shards = Collections.unmodifiableSortedMap(new TreeMap<>(shards));
        }

        /** The nine metrics from these figures alone; a figure Prometheus lacks is unknown. */
        ClusterMetrics metrics() {
            ClusterMetrics.Totals totals = errors == null && commands == null ? null
                    : new ClusterMetrics.Totals(errors == null ? 0 : errors, commands == null ? 0 : commands);
            return new ClusterMetrics(latencySeconds,
                    shardsUp == null ? null : (int) Math.min(Integer.MAX_VALUE, Math.round(shardsUp)),
                    guilds == null ? null : Math.round(guilds),
                    cachedUsers == null ? null : Math.round(cachedUsers),
                    interactionsRate, totals == null ? null : totals.errorRate(), durationP95Seconds, ratelimitsRate,
                    uptimeSeconds, totals);
        }
    }

    /** Every cluster merged with its figures; the push values alone when this reading failed. */
    List<ArgusFleet.Cluster> merge(List<ArgusFleet.Cluster> clusters) {
        List<ArgusFleet.Cluster> out = new ArrayList<>(clusters.size());
        for (ArgusFleet.Cluster c : clusters) {
            out.add(merge(c));
        }
        return out;
    }

    /**
     * A cluster Prometheus has series for takes every metric and every shard row from Prometheus, so
     * one answer never mixes two sources (a metric Prometheus lacks is 0, as in Argus). A cluster it
     * has no series for keeps its pushed figures and says so ({@code fromPrometheus} false).
     * Topology, status and last-seen always come from the registry.
     */
    ArgusFleet.Cluster merge(ArgusFleet.Cluster c) {
        Figures f = clusters.get(c.identity());
        if (error.isPresent() || f == null) {
            return c;
        }
        return new ArgusFleet.Cluster(c.number(), c.identity(), c.fleet(), c.version(), c.scrapeTarget(), c.up(),
                c.lastSeenMs(), f.metrics(), List.copyOf(f.shards().values()), true);
    }

    /** Whether this successful reading has series for {@code identity}. */
    boolean has(String identity) {
        return clusters.containsKey(identity);
    }
}
