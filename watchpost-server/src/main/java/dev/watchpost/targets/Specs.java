package dev.watchpost.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.config.Durations;
import dev.watchpost.live.GroupDef;
import dev.watchpost.live.Lease;
import dev.watchpost.live.LeasePolicy;
import dev.watchpost.live.TargetDef;
import dev.watchpost.push.ScheduleLease;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads group and target declarations: the same JSON/YAML shape in the config file and in API
 * bodies. Errors are {@link IllegalArgumentException}s whose message starts with where the problem
 * is ({@code targets[2].push.every}) and says what is allowed.
 */
public final class Specs {

    private static final Set<String> GROUP_KEYS = Set.of("id", "name", "shards", "lease", "groups");
    private static final Set<String> TARGET_KEYS = Set.of("id", "name", "group", "push", "ping-key");
    private static final Set<String> PUSH_KEYS = Set.of("every", "grace", "timeout", "schedule", "timezone");

    private Specs() {
    }

    /** A group and its nested groups, parents first. Child ids without '/' are relative to the parent. */
    public static List<GroupDef> groups(JsonNode spec, String where, String source) {
        List<GroupDef> out = new ArrayList<>();
        group(spec, where, null, source, out);
        return out;
    }

    private static void group(JsonNode spec, String where, String parentId, String source, List<GroupDef> out) {
        object(spec, where);
        keys(spec, where, GROUP_KEYS);
        String id = requiredText(spec, "id", where);
        if (parentId != null && !id.contains("/")) {
            id = parentId + "/" + id;
        }
        String name = optionalText(spec, "name", where).orElse(id.substring(id.lastIndexOf('/') + 1));
        int shards = 0;
        if (spec.has("shards")) {
            JsonNode s = spec.get("shards");
            if (!s.canConvertToInt() || !s.isIntegralNumber() || s.asInt() < 1 || s.asInt() > GroupDef.MAX_SHARDS) {
                throw new IllegalArgumentException(where + ".shards: expected a whole number 1-" + GroupDef.MAX_SHARDS
                        + ", got " + s);
            }
            shards = s.asInt();
        }
        Optional<LeasePolicy> lease = optionalText(spec, "lease", where)
                .map(t -> (LeasePolicy) new Lease(duration(t, where + ".lease")));
        if (shards > 0 && lease.isEmpty()) {
            lease = Optional.of(Lease.GLANCE_DEFAULT);
        }
        try {
            out.add(new GroupDef(id, name, shards, lease, source));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        if (spec.has("groups")) {
            JsonNode children = spec.get("groups");
            if (!children.isArray()) {
                throw new IllegalArgumentException(where + ".groups: expected a list of groups");
            }
            for (int i = 0; i < children.size(); i++) {
                group(children.get(i), where + ".groups[" + i + "]", id, source, out);
            }
        }
    }

    /**
     * One target.
     *
     * @param knownGroup tells whether a group id exists, to place {@code a/b/c} in group {@code a/b} by default
     */
    public static TargetDef target(JsonNode spec, String where, String source, java.util.function.Predicate<String> knownGroup) {
        object(spec, where);
        keys(spec, where, TARGET_KEYS);
        String id = requiredText(spec, "id", where);
        String name = optionalText(spec, "name", where).orElse(id);
        Optional<String> group = optionalText(spec, "group", where);
        if (group.isEmpty() && id.contains("/")) {
            String prefix = id.substring(0, id.lastIndexOf('/'));
            if (knownGroup.test(prefix)) {
                group = Optional.of(prefix);
            }
        }
        if (!spec.has("push")) {
            throw new IllegalArgumentException(where + ": a target needs a kind: push (more kinds come with probes)");
        }
        LeasePolicy lease = push(spec.get("push"), where + ".push");
        Optional<String> pingKey = optionalText(spec, "ping-key", where);
        try {
            return new TargetDef(id, name, group, "push", Optional.of(lease), pingKey, source);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static LeasePolicy push(JsonNode push, String where) {
        object(push, where);
        keys(push, where, PUSH_KEYS);
        Optional<String> every = optionalText(push, "every", where);
        Optional<String> timeout = optionalText(push, "timeout", where);
        Optional<String> schedule = optionalText(push, "schedule", where);
        Optional<Duration> grace = optionalText(push, "grace", where).map(g -> duration(g, where + ".grace"));
        int kinds = (every.isPresent() ? 1 : 0) + (timeout.isPresent() ? 1 : 0) + (schedule.isPresent() ? 1 : 0);
        if (kinds != 1) {
            throw new IllegalArgumentException(where + ": give exactly one of 'every' (with optional 'grace'), "
                    + "'timeout', or 'schedule' (a cron expression, with optional 'timezone' and 'grace')");
        }
        if (timeout.isPresent()) {
            if (grace.isPresent()) {
                throw new IllegalArgumentException(where + ".grace: not used with 'timeout' (the timeout is the whole lease)");
            }
            return new Lease(duration(timeout.get(), where + ".timeout"));
        }
        if (every.isPresent()) {
            Duration e = duration(every.get(), where + ".every");
            return Lease.everyWithGrace(e, grace.orElse(defaultGrace(e)));
        }
        ZoneId zone;
        String tz = optionalText(push, "timezone", where).orElse("UTC");
        try {
            zone = ZoneId.of(tz);
        } catch (RuntimeException ex) {
            throw new IllegalArgumentException(where + ".timezone: unknown time zone '" + tz + "' (use e.g. UTC, Europe/Berlin)");
        }
        try {
            return ScheduleLease.of(schedule.get(), zone, grace.orElse(ScheduleLease.DEFAULT_GRACE));
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(where + ".schedule: " + ex.getMessage());
        }
    }

    /** A fifth of the period, at least 5 s: enough for ordinary jitter without hiding a missed run. */
    static Duration defaultGrace(Duration every) {
        Duration fifth = every.dividedBy(5);
        return fifth.compareTo(Duration.ofSeconds(5)) < 0 ? Duration.ofSeconds(5) : fifth;
    }

    private static Duration duration(String text, String where) {
        Duration d = Durations.parse(text).orElseThrow(() ->
                new IllegalArgumentException(where + ": '" + text + "' is not " + Durations.ALLOWED));
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(where + ": must be longer than zero");
        }
        return d;
    }

    private static void object(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(where + ": expected an object");
        }
    }

    private static void keys(JsonNode n, String where, Set<String> allowed) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(where + ": unknown key '" + k + "' (allowed: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    private static String requiredText(JsonNode n, String key, String where) {
        return optionalText(n, key, where).orElseThrow(() ->
                new IllegalArgumentException(where + ": '" + key + "' is required"));
    }

    private static Optional<String> optionalText(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isValueNode() || v.isBoolean()) {
            throw new IllegalArgumentException(where + "." + key + ": expected text");
        }
        String t = v.asText().strip();
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }

    /** The canonical JSON of a target definition (what the API shows and stores). */
    public static ObjectNode toJson(TargetDef def) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", def.id());
        o.put("name", def.name());
        def.groupId().ifPresent(g -> o.put("group", g));
        ObjectNode push = o.putObject("push");
        def.lease().ifPresent(l -> {
            if (l instanceof Lease lease && lease.every() != null) {
                push.put("every", Durations.format(lease.every()));
                push.put("grace", Durations.format(lease.grace()));
            } else if (l instanceof Lease lease) {
                push.put("timeout", Durations.format(lease.timeout()));
            } else if (l instanceof ScheduleLease s) {
                push.put("schedule", s.schedule().expression());
                push.put("timezone", s.schedule().zone().getId());
                push.put("grace", Durations.format(s.grace()));
            }
        });
        def.pingKey().ifPresent(k -> o.put("ping-key", k));
        return o;
    }

    /** The canonical JSON of a group definition (without children). */
    public static ObjectNode toJson(GroupDef def) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", def.id());
        o.put("name", def.name());
        if (def.shards() > 0) {
            o.put("shards", def.shards());
        }
        def.lease().ifPresent(l -> o.put("lease", l.describe()));
        return o;
    }
}
