package dev.watchpost.compat.argus;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The nine Argus metrics of one cluster, or of a fleet or the whole installation when
 * {@linkplain #rollup rolled up}, plus the cumulative counts behind the error rate, which is what a
 * correct roll-up needs. Inside, a metric is {@code null} when unknown (the family was not reported,
 * there is no second snapshot to take a rate from yet); on the wire ({@link #toJson}) an unknown
 * metric is 0, as in Argus' model. Immutable and thread-safe.
 *
 * @param latencySeconds     gateway latency of the worst shard (up or not), as Argus defines it
 * @param shardsUp           shards reported up
 * @param guilds             guilds, rounded to a whole number
 * @param cachedUsers        cached users, rounded to a whole number
 * @param interactionsRate   interactions per second between the last two snapshots
 * @param errorRate          command errors per command since the process started (Argus' push
 *                           source: the latest snapshot's counters, not a window)
 * @param durationP95Seconds 95th percentile of application command duration since the process
 *                           started, the upper bound of the bucket holding it (as Argus reads it)
 * @param ratelimitsRate     rate limits hit per second between the last two snapshots
 * @param uptimeSeconds      process uptime
 * @param totals             the counts behind {@code errorRate}; {@code null} when unknown
 */
record ClusterMetrics(
        Double latencySeconds,
        Integer shardsUp,
        Long guilds,
        Long cachedUsers,
        Double interactionsRate,
        Double errorRate,
        Double durationP95Seconds,
        Double ratelimitsRate,
        Double uptimeSeconds,
        Totals totals) {

    /** The wire names, in the order {@link #toJson} gives them. */
    public static final List<String> KEYS = List.of(
            "latency_seconds", "shards_up", "guilds", "cached_users", "interactions_rate",
            "error_rate", "duration_p95_seconds", "ratelimits_rate", "uptime_seconds");

    /** Nothing known. */
    static final ClusterMetrics UNKNOWN = new ClusterMetrics(null, null, null, null, null, null, null, null, null, null);

    private static final double QUANTILE = 0.95;

    /**
     * Command errors and commands counted since a process started (or, in a roll-up, summed over
     * its parts), so that a roll-up recomputes {@code error_rate} as Σ errors / Σ commands instead
     * of averaging ratios.
     *
     * @param errors   command errors
     * @param commands the commands errors are counted against: application plus prefix commands
     *                 from pushes, application commands from Prometheus (Argus' two sources differ)
     */
    public record Totals(double errors, double commands) {
        public Totals {
            check("errors", errors);
            check("commands", commands);
        }

        Totals plus(Totals other) {
            return new Totals(errors + other.errors, commands + other.commands);
        }

        /** 0 when no command was counted, as in Argus. */
        double errorRate() {
            return commands == 0 ? 0.0 : errors / commands;
        }
    }

    public ClusterMetrics {
        check("latencySeconds", latencySeconds);
        check("shardsUp", shardsUp == null ? null : shardsUp.doubleValue());
        check("guilds", guilds == null ? null : guilds.doubleValue());
        check("cachedUsers", cachedUsers == null ? null : cachedUsers.doubleValue());
        check("interactionsRate", interactionsRate);
        check("errorRate", errorRate);
        check("durationP95Seconds", durationP95Seconds);
        check("ratelimitsRate", ratelimitsRate);
        check("uptimeSeconds", uptimeSeconds);
    }

    /**
     * The metrics of one cluster from its latest snapshot and, for the two per-second rates, the
     * snapshot before it.
     *
     * <p>A counter that went down between the two was reset by a restart; as in Prometheus its
     * increase is then its current value. {@code error_rate} and the p95 need no earlier snapshot:
     * like Argus' push source they read the latest snapshot's counters and cumulative buckets.
     *
     * @param previous   the snapshot before, or {@code null} for the first one
     * @param previousAt when {@code previous} was received; ignored when it is {@code null}
     * @param current    the latest snapshot
     * @param currentAt  when {@code current} was received; when it is not after {@code previousAt}
     *                   no rate is computed
     */
    public static ClusterMetrics compute(ParsedSnapshot previous, Instant previousAt,
                                         ParsedSnapshot current, Instant currentAt) {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(currentAt, "currentAt");
        if (previous != null) {
            Objects.requireNonNull(previousAt, "previousAt");
        }

        int up = 0;
        boolean upKnown = false;
        Double worst = null;
        for (ParsedSnapshot.Shard s : current.shards()) {
            if (s.up() != null) {
                upKnown = true;
            }
            if (Boolean.TRUE.equals(s.up())) {
                up++;
            }
            if (s.latencySeconds() != null && (worst == null || s.latencySeconds() > worst)) {
                worst = s.latencySeconds();
            }
        }

        Double interactions = null;
        Double ratelimits = null;
        if (previous != null && currentAt.isAfter(previousAt)) {
            Duration d = Duration.between(previousAt, currentAt);
            double seconds = d.getSeconds() + d.getNano() / 1e9;
            interactions = perSecond(increase(previous.interactions(), current.interactions()), seconds);
            ratelimits = perSecond(increase(previous.ratelimits(), current.ratelimits()), seconds);
        }

        Totals totals = null;
        if (current.commandErrors() != null || current.appCommands() != null || current.commands() != null) {
            totals = new Totals(orZero(current.commandErrors()), orZero(current.appCommands()) + orZero(current.commands()));
        }
        Histogram duration = current.commandDuration();
        return new ClusterMetrics(
                worst,
                upKnown ? up : null,
                round(current.guilds()),
                round(current.cachedUsers()),
                interactions,
                totals == null ? null : totals.errorRate(),
                duration == null ? null : boxed(duration.bucketQuantile(QUANTILE)),
                ratelimits,
                current.uptimeSeconds(),
                totals);
    }

    /**
     * Combines clusters into a fleet, or fleets into the global view; grouping changes nothing
     * (beyond floating-point rounding), so the global view may be rolled up from fleet roll-ups.
     *
     * <p>As in Argus: summed are shards up, guilds, cached users, interactions and rate-limit rates;
     * the maximum is taken of latency, p95 and uptime (the worst or oldest part); {@code error_rate}
     * is recomputed as Σ errors / Σ commands over the parts' totals, never averaged. Unknown values
     * are skipped; when every part's is unknown, or {@code parts} is empty, so is the result's.
     */
    public static ClusterMetrics rollup(List<ClusterMetrics> parts) {
        List<ClusterMetrics> ps = List.copyOf(parts);
        Totals totals = null;
        for (ClusterMetrics p : ps) {
            if (p.totals() != null) {
                totals = totals == null ? p.totals() : totals.plus(p.totals());
            }
        }
        Double shardsUp = sum(ps, p -> p.shardsUp() == null ? null : p.shardsUp().doubleValue());
        return new ClusterMetrics(
                max(ps, ClusterMetrics::latencySeconds),
                shardsUp == null ? null : (int) Math.min(Integer.MAX_VALUE, shardsUp.longValue()),
                round(sum(ps, p -> p.guilds() == null ? null : p.guilds().doubleValue())),
                round(sum(ps, p -> p.cachedUsers() == null ? null : p.cachedUsers().doubleValue())),
                sum(ps, ClusterMetrics::interactionsRate),
                totals == null ? null : totals.errorRate(),
                max(ps, ClusterMetrics::durationP95Seconds),
                sum(ps, ClusterMetrics::ratelimitsRate),
                max(ps, ClusterMetrics::uptimeSeconds),
                totals);
    }

    /**
     * The nine metrics under their wire names ({@link #KEYS} order), an unknown one as 0 as Argus
     * answers it; unmodifiable. The totals stay internal.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        known().forEach((k, v) -> json.put(k, v != null ? v : zero(k)));
        return Collections.unmodifiableMap(json);
    }

    /** The nine metrics under their wire names, {@code null} for unknown ones (for grades). */
    Map<String, Object> known() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("latency_seconds", latencySeconds);
        json.put("shards_up", shardsUp);
        json.put("guilds", guilds);
        json.put("cached_users", cachedUsers);
        json.put("interactions_rate", interactionsRate);
        json.put("error_rate", errorRate);
        json.put("duration_p95_seconds", durationP95Seconds);
        json.put("ratelimits_rate", ratelimitsRate);
        json.put("uptime_seconds", uptimeSeconds);
        return json;
    }

    /** Counts stay whole numbers on the wire; the rest are 0.0. */
    private static Object zero(String key) {
        return switch (key) {
            case "shards_up" -> 0;
            case "guilds", "cached_users" -> 0L;
            default -> 0.0;
        };
    }

    /** Prometheus' increase between two raw counter values: after a reset, the whole current value. */
    private static Double increase(Double before, Double now) {
        if (before == null || now == null) {
            return null;
        }
        return now >= before ? now - before : now;
    }

    private static Double perSecond(Double count, double seconds) {
        return count == null ? null : count / seconds;
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }

    private static Long round(Double value) {
        return value == null ? null : Math.round(value);
    }

    private static Double boxed(OptionalDouble value) {
        return value.isPresent() ? value.getAsDouble() : null;
    }

    private static <T> Double sum(List<T> items, Function<T, Double> get) {
        Double total = null;
        for (T item : items) {
            Double v = get.apply(item);
            if (v != null) {
                total = (total == null ? 0 : total) + v;
            }
        }
        return total;
    }

    private static <T> Double max(List<T> items, Function<T, Double> get) {
        Double best = null;
        for (T item : items) {
            Double v = get.apply(item);
            if (v != null && (best == null || v > best)) {
                best = v;
            }
        }
        return best;
    }

    private static void check(String name, Double value) {
        if (value != null && (!Double.isFinite(value) || value < 0)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + value);
        }
    }
}
