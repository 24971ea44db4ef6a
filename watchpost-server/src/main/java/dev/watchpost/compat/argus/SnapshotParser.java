package dev.watchpost.compat.argus;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Reads snapshots for one namespace; the rules are documented on {@link ParsedSnapshot#parse}. */
final class SnapshotParser {

    private static final Pattern NAMESPACE = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    /** Plain decimal or scientific notation; {@code Double.parseDouble} alone would also take "1f" or hex. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern INF = Pattern.compile("\\+?inf(inity)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern SHARD_ID = Pattern.compile("\\d{1,10}");
    private static final int SHOWN_CHARS = 40;

    private enum Kind { SHARD, GAUGE, COUNTER, HISTOGRAM }

    private enum Metric {
        SHARD_LATENCY("shard_latency_seconds", Kind.SHARD),
        SHARD_UP("shard_up", Kind.SHARD),
        GUILDS("guilds", Kind.GAUGE),
        CACHED_USERS("cached_users", Kind.GAUGE),
        UPTIME("uptime_seconds", Kind.GAUGE),
        COMMAND_ERRORS("command_errors", Kind.COUNTER),
        APP_COMMANDS("app_commands", Kind.COUNTER),
        COMMANDS("commands", Kind.COUNTER),
        INTERACTIONS("interactions", Kind.COUNTER),
        RATELIMITS("ratelimits", Kind.COUNTER),
        COMMAND_DURATION("app_command_duration_seconds", Kind.HISTOGRAM);

        final String suffix;
        final Kind kind;

        Metric(String suffix, Kind kind) {
            this.suffix = suffix;
            this.kind = kind;
        }
    }

    private final Map<String, Metric> byFamily = new HashMap<>();
    private final Map<String, Metric> bySample = new HashMap<>();

    private SnapshotParser(String namespace) {
        for (Metric m : Metric.values()) {
            String base = namespace + "_" + m.suffix;
            switch (m.kind) {
                case SHARD, GAUGE -> {
                    byFamily.put(base, m);
                    bySample.put(base, m);
                }
                case COUNTER -> {
                    // The Python client names the family without _total and its sample with it.
                    for (String name : List.of(base + "_total", base)) {
                        byFamily.put(name, m);
                        bySample.put(name, m);
                    }
                }
                case HISTOGRAM -> {
                    byFamily.put(base + "_bucket", m);
                    byFamily.put(base, m);
                    bySample.put(base + "_bucket", m);
                }
            }
        }
    }

    static SnapshotParser forNamespace(String namespace) {
        Objects.requireNonNull(namespace, "namespace");
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace must be a Prometheus metric name prefix such as discord, got "
                    + show(namespace));
        }
        return new SnapshotParser(namespace);
    }

    ParsedSnapshot parse(JsonNode snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        if (!snapshot.isObject()) {
            throw fail("snapshot must be an object, got " + show(snapshot));
        }
        JsonNode metrics = snapshot.get("metrics");
        if (metrics == null) {
            throw fail("snapshot.metrics is missing");
        }
        if (!metrics.isObject()) {
            throw fail("snapshot.metrics must be an object, got " + show(metrics));
        }
        Reading reading = new Reading();
        Map<Metric, String> familyOf = new EnumMap<>(Metric.class);
        for (Map.Entry<String, JsonNode> family : metrics.properties()) {
            Metric metric = byFamily.get(family.getKey());
            if (metric == null) {
                continue;
            }
            String earlier = familyOf.put(metric, family.getKey());
            if (earlier != null) {
                // Summing both would count every sample twice.
                throw fail("snapshot.metrics has both " + earlier + " and " + family.getKey() + ", which are one metric");
            }
            readFamily(family.getKey(), family.getValue(), metric, reading);
        }
        return reading.result(familyOf);
    }

    private void readFamily(String name, JsonNode family, Metric metric, Reading reading) {
        String path = "snapshot.metrics." + name;
        if (!family.isObject()) {
            throw fail(path + " must be an object, got " + show(family));
        }
        JsonNode samples = family.get("samples");
        if (samples == null) {
            throw fail(path + ".samples is missing");
        }
        if (!samples.isArray()) {
            throw fail(path + ".samples must be an array, got " + show(samples));
        }
        for (int i = 0; i < samples.size(); i++) {
            String at = path + ".samples[" + i + "]";
            JsonNode sample = samples.get(i);
            if (!sample.isObject()) {
                throw fail(at + " must be an object, got " + show(sample));
            }
            JsonNode sampleName = sample.get("name");
            String sn;
            if (sampleName == null || sampleName.isNull()) {
                sn = name;
            } else if (sampleName.isTextual()) {
                sn = sampleName.textValue();
            } else {
                throw fail(at + ".name must be a string, got " + show(sampleName));
            }
            if (bySample.get(sn) != metric) {
                continue;
            }
            JsonNode labels = sample.get("labels");
            if (labels != null && !labels.isNull() && !labels.isObject()) {
                throw fail(at + ".labels must be an object, got " + show(labels));
            }
            double value = value(sample.get("value"), at + ".value");
            switch (metric.kind) {
                case SHARD -> {
                    int shard = shardId(label(labels, "shard"), at + ".labels.shard");
                    Map<Integer, Double> perShard = metric == Metric.SHARD_LATENCY ? reading.latency : reading.up;
                    if (perShard.put(shard, value) != null) {
                        throw fail(at + " repeats shard " + shard + "; " + name + " takes one sample per shard");
                    }
                }
                case GAUGE, COUNTER -> reading.sums.merge(metric, value, Double::sum);
                case HISTOGRAM -> reading.buckets.merge(le(label(labels, "le"), at + ".labels.le"), value, Double::sum);
            }
        }
    }

    /** What one parse has gathered so far. */
    private static final class Reading {
        final Map<Integer, Double> latency = new TreeMap<>();
        final Map<Integer, Double> up = new TreeMap<>();
        final Map<Metric, Double> sums = new EnumMap<>(Metric.class);
        final TreeMap<Double, Double> buckets = new TreeMap<>();

        ParsedSnapshot result(Map<Metric, String> familyOf) {
            Set<Integer> ids = new TreeSet<>(latency.keySet());
            ids.addAll(up.keySet());
            List<ParsedSnapshot.Shard> shards = new ArrayList<>(ids.size());
            for (int id : ids) {
                Double u = up.get(id);
                shards.add(new ParsedSnapshot.Shard(id, latency.get(id), u == null ? null : u > 0));
            }
            Set<Metric> present = familyOf.isEmpty() ? EnumSet.noneOf(Metric.class) : EnumSet.copyOf(familyOf.keySet());
            return new ParsedSnapshot(
                    shards,
                    sums.get(Metric.GUILDS),
                    sums.get(Metric.CACHED_USERS),
                    sums.get(Metric.UPTIME),
                    counter(present, Metric.COMMAND_ERRORS),
                    counter(present, Metric.APP_COMMANDS),
                    counter(present, Metric.COMMANDS),
                    counter(present, Metric.INTERACTIONS),
                    counter(present, Metric.RATELIMITS),
                    present.contains(Metric.COMMAND_DURATION) ? histogram(familyOf.get(Metric.COMMAND_DURATION)) : null);
        }

        private Double counter(Set<Metric> present, Metric m) {
            return present.contains(m) ? sums.getOrDefault(m, 0.0) : null;
        }

        private Histogram histogram(String family) {
            List<Histogram.Bucket> list = new ArrayList<>(buckets.size());
            buckets.forEach((le, count) -> list.add(new Histogram.Bucket(le, count)));
            try {
                return new Histogram(list);
            } catch (IllegalArgumentException e) {
                throw fail("snapshot.metrics." + family + ": " + e.getMessage());
            }
        }
    }

    private static JsonNode label(JsonNode labels, String name) {
        return labels == null || labels.isNull() ? null : labels.get(name);
    }

    private static double value(JsonNode node, String at) {
        if (node == null) {
            throw fail(at + " is missing");
        }
        if (!node.isNumber()) {
            throw fail(at + " must be a number, got " + show(node));
        }
        double v = node.doubleValue();
        // None of these metrics can be negative; NaN or infinity would poison every sum and rate.
        if (!Double.isFinite(v) || v < 0) {
            throw fail(at + " must be a finite number >= 0, got " + show(node));
        }
        return v;
    }

    private static int shardId(JsonNode node, String at) {
        if (node == null) {
            throw fail(at + " is missing");
        }
        if (node.isTextual() && SHARD_ID.matcher(node.textValue()).matches()) {
            long id = Long.parseLong(node.textValue());
            if (id <= Integer.MAX_VALUE) {
                return (int) id;
            }
        } else if (node.isIntegralNumber() && node.canConvertToInt() && node.intValue() >= 0) {
            return node.intValue();
        }
        throw fail(at + " must be a non-negative integer, got " + show(node));
    }

    private static double le(JsonNode node, String at) {
        if (node == null) {
            throw fail(at + " is missing");
        }
        if (node.isNumber() && !Double.isNaN(node.doubleValue())) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            String t = node.textValue().trim();
            if (INF.matcher(t).matches()) {
                return Double.POSITIVE_INFINITY;
            }
            if (DECIMAL.matcher(t).matches()) {
                return Double.parseDouble(t);
            }
        }
        throw fail(at + " must be a number or +Inf, got " + show(node));
    }

    private static IllegalArgumentException fail(String message) {
        return new IllegalArgumentException(message);
    }

    /** The offending value as JSON (so quoted and escaped onto one line), cut short. */
    private static String show(JsonNode node) {
        return cut(node.toString());
    }

    private static String show(String text) {
        return cut('"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r") + '"');
    }

    private static String cut(String s) {
        return s.length() <= SHOWN_CHARS ? s : s.substring(0, SHOWN_CHARS) + "…";
    }
}
