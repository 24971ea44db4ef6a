package dev.watchpost.compat.argus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The nine Argus metrics of one cluster, or of a fleet or the whole installation when
 * {@linkplain #rollup rolled up}, plus the raw counts of the interval they were computed over, which
 * is what a correct roll-up needs. Every metric is {@code null} when unknown: the family was not
 * reported, there is no second snapshot to take a rate from yet, or nothing was observed.
 * Immutable and thread-safe.
 *
 * @param latencySeconds     mean gateway latency of the shards that are up
 * @param shardsUp           shards reported up
 * @param guilds             guilds, rounded to a whole number
 * @param cachedUsers        cached users, rounded to a whole number
 * @param interactionsRate   interactions per second
 * @param errorRate          command errors per command, 0..1 in practice
 * @param durationP95Seconds 95th percentile of application command duration over the interval
 * @param ratelimitsRate     rate limits hit per second
 * @param uptimeSeconds      process uptime
 * @param interval           the counts behind the rates; {@code null} before a second snapshot
 */
public record ClusterMetrics(
        Double latencySeconds,
        Integer shardsUp,
        Long guilds,
        Long cachedUsers,
        Double interactionsRate,
        Double errorRate,
        Double durationP95Seconds,
        Double ratelimitsRate,
        Double uptimeSeconds,
        Interval interval) {

    /** The wire names, in the order {@link #toJson} gives them. */
    public static final List<String> KEYS = List.of(
            "latency_seconds", "shards_up", "guilds", "cached_users", "interactions_rate",
            "error_rate", "duration_p95_seconds", "ratelimits_rate", "uptime_seconds");

    /** Nothing known. */
    static final ClusterMetrics UNKNOWN = new ClusterMetrics(null, null, null, null, null, null, null, null, null, null);

    private static final double QUANTILE = 0.95;

    /**
     * What happened between two snapshots: counter increases (already corrected for restarts) and
     * the histogram of the command durations observed. Each count is {@code null} when either
     * snapshot lacked that family.
     *
     * @param seconds         the interval's length; in a roll-up the longest of its parts' intervals
     *                        (for information only: roll-up rates are sums of part rates)
     * @param errors          command errors
     * @param commands        application plus prefix commands; in a roll-up errors and commands
     *                        are summed only over parts that know both, since one is meaningless
     *                        without the other
     * @param interactions    interactions
     * @param ratelimits      rate limits hit
     * @param commandDuration command durations observed; in a roll-up {@code null} when the parts'
     *                        bucket bounds differ
     */
    public record Interval(
            double seconds,
            Double errors,
            Double commands,
            Double interactions,
            Double ratelimits,
            Histogram commandDuration) {

        public Interval {
            if (!(seconds > 0) || !Double.isFinite(seconds)) {
                throw new IllegalArgumentException("interval seconds must be finite and > 0, got " + seconds);
            }
            check("errors", errors);
            check("commands", commands);
            check("interactions", interactions);
            check("ratelimits", ratelimits);
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
     * The metrics of one cluster from its latest snapshot and, for the rates, error rate and p95,
     * the snapshot before it.
     *
     * <p>A counter that went down between the two was reset by a restart; as in Prometheus its
     * increase is then its current value. The duration histogram is reset as a whole when its
     * bounds changed or any bucket range lost observations (see {@link Histogram#since}).
     * {@code error_rate} is 0 when no command ran in the interval, even if errors were counted.
     *
     * @param previous   the snapshot before, or {@code null} for the first one
     * @param previousAt when {@code previous} was received; ignored when it is {@code null}
     * @param current    the latest snapshot
     * @param currentAt  when {@code current} was received; when it is not after {@code previousAt}
     *                   nothing that needs an interval is computed
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
        double latencySum = 0;
        int latencies = 0;
        for (ParsedSnapshot.Shard s : current.shards()) {
            if (s.up() != null) {
                upKnown = true;
            }
            if (Boolean.TRUE.equals(s.up())) {
                up++;
                if (s.latencySeconds() != null) {
                    latencySum += s.latencySeconds();
                    latencies++;
                }
            }
        }

        Interval interval = null;
        if (previous != null && currentAt.isAfter(previousAt)) {
            Duration d = Duration.between(previousAt, currentAt);
            double seconds = d.getSeconds() + d.getNano() / 1e9;
            Double app = increase(previous.appCommands(), current.appCommands());
            Double prefix = increase(previous.commands(), current.commands());
            interval = new Interval(
                    seconds,
                    increase(previous.commandErrors(), current.commandErrors()),
                    app == null ? prefix : prefix == null ? app : Double.valueOf(app + prefix),
                    increase(previous.interactions(), current.interactions()),
                    increase(previous.ratelimits(), current.ratelimits()),
                    current.commandDuration() == null || previous.commandDuration() == null
                            ? null : current.commandDuration().since(previous.commandDuration()));
        }

        return new ClusterMetrics(
                latencies == 0 ? null : latencySum / latencies,
                upKnown ? up : null,
                round(current.guilds()),
                round(current.cachedUsers()),
                interval == null ? null : perSecond(interval.interactions(), interval.seconds()),
                interval == null ? null : errorRate(interval.errors(), interval.commands()),
                interval == null || interval.commandDuration() == null
                        ? null : boxed(interval.commandDuration().quantile(QUANTILE)),
                interval == null ? null : perSecond(interval.ratelimits(), interval.seconds()),
                current.uptimeSeconds(),
                interval);
    }

    /**
     * Combines clusters into a fleet, or fleets into the global view. The global view may be rolled
     * up from fleet roll-ups: grouping changes neither the sums, maxima and error rate (beyond
     * floating-point rounding) nor the p95 while all bucket bounds agree.
     *
     * <p>Summed: shards up, guilds, cached users, interactions and rate-limit rates. Maximum:
     * latency, p95, uptime (the worst or oldest part). {@code error_rate} is recomputed as Σ errors /
     * Σ commands over the parts' interval counts, never averaged, so a part that has an error rate
     * but no counts (say one built from Prometheus without them) does not contribute to it. The p95
     * is recomputed from the summed duration histograms when every part that has a p95 also has a
     * histogram and all non-empty histograms share their bucket bounds; otherwise no true fleet
     * quantile exists and the highest part p95 stands in for it. Unknown values are skipped; when
     * every part's is unknown, or {@code parts} is empty, so is the result's.
     */
    public static ClusterMetrics rollup(List<ClusterMetrics> parts) {
        List<ClusterMetrics> ps = List.copyOf(parts);
        if (ps.isEmpty()) {
            return UNKNOWN;
        }
        List<Interval> intervals = new ArrayList<>();
        for (ClusterMetrics p : ps) {
            if (p.interval() != null) {
                intervals.add(p.interval());
            }
        }

        Double errors = null;
        Double commands = null;
        for (Interval i : intervals) {
            if (i.errors() != null && i.commands() != null) {
                errors = (errors == null ? 0 : errors) + i.errors();
                commands = (commands == null ? 0 : commands) + i.commands();
            }
        }
        Histogram duration = summedDuration(ps, intervals);
        Interval interval = intervals.isEmpty() ? null : new Interval(
                max(intervals, Interval::seconds),
                errors,
                commands,
                sum(intervals, Interval::interactions),
                sum(intervals, Interval::ratelimits),
                duration);

        Double p95 = duration != null
                ? boxed(duration.quantile(QUANTILE))
                : max(ps, ClusterMetrics::durationP95Seconds);
        Double shardsUp = sum(ps, p -> p.shardsUp() == null ? null : p.shardsUp().doubleValue());
        return new ClusterMetrics(
                max(ps, ClusterMetrics::latencySeconds),
                shardsUp == null ? null : (int) Math.min(Integer.MAX_VALUE, shardsUp.longValue()),
                round(sum(ps, p -> p.guilds() == null ? null : p.guilds().doubleValue())),
                round(sum(ps, p -> p.cachedUsers() == null ? null : p.cachedUsers().doubleValue())),
                sum(ps, ClusterMetrics::interactionsRate),
                errors == null ? null : errorRate(errors, commands),
                p95,
                sum(ps, ClusterMetrics::ratelimitsRate),
                max(ps, ClusterMetrics::uptimeSeconds),
                interval);
    }

    /**
     * The nine metrics under their wire names ({@link #KEYS} order), {@code null} for unknown ones;
     * unmodifiable. The interval counts stay internal.
     */
    public Map<String, Object> toJson() {
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
        return Collections.unmodifiableMap(json);
    }

    /** The sum of the parts' histograms, or {@code null} when it would not stand for all of them. */
    private static Histogram summedDuration(List<ClusterMetrics> parts, List<Interval> intervals) {
        for (ClusterMetrics p : parts) {
            if (p.durationP95Seconds() != null && (p.interval() == null || p.interval().commandDuration() == null)) {
                return null;
            }
        }
        Histogram sum = null;
        for (Interval i : intervals) {
            Histogram h = i.commandDuration();
            if (h == null) {
                continue;
            }
            if (sum == null || sum.buckets().isEmpty()) {
                sum = h;
            } else if (!h.buckets().isEmpty()) {
                if (!sum.sameBounds(h)) {
                    return null;
                }
                sum = sum.plus(h);
            }
        }
        return sum;
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

    private static Double errorRate(Double errors, Double commands) {
        if (errors == null || commands == null) {
            return null;
        }
        return commands == 0 ? 0.0 : errors / commands;
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
