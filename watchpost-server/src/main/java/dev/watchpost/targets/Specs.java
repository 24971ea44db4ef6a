package dev.watchpost.targets;

import dev.watchpost.config.SpecReader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.config.Durations;
import dev.watchpost.live.GroupDef;
import dev.watchpost.live.Lease;
import dev.watchpost.live.LeasePolicy;
import dev.watchpost.live.TargetDef;
import dev.watchpost.live.TargetKind;
import dev.watchpost.composite.CompositeDef;
import dev.watchpost.probe.ProbePlan;
import dev.watchpost.push.ScheduleLease;
import dev.watchpost.web.Redaction;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.watchpost.config.SpecReader.duration;
import static dev.watchpost.config.SpecReader.keys;
import static dev.watchpost.config.SpecReader.object;
import static dev.watchpost.config.SpecReader.optionalText;
import static dev.watchpost.config.SpecReader.requiredText;

/**
 * Reads group and target declarations: the same JSON/YAML shape in the config file and in API
 * bodies. Errors are {@link IllegalArgumentException}s whose message starts with where the problem
 * is ({@code targets[2].push.every}) and says what is allowed.
 */
public final class Specs {

    private static final Set<String> GROUP_KEYS = Set.of("id", "name", "shards", "lease", "public", "groups");
    private static final Set<String> TARGET_KEYS = Set.of("id", "name", "group", "description", "ping-key", "paused",
            "public", "tags", "push", "http", "tcp", "tls", "stats", "manual", "composite");
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
        // Nested groups are not marked private here: the live state hides everything inside a
        // private group, including what is added to it later.
        boolean isPublic = SpecReader.optionalBoolean(spec, "public", where).orElse(true);
        try {
            out.add(new GroupDef(id, name, shards, lease, source, isPublic));
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
    /**
     * Last segments of the target routes read with GET ({@code /api/v1/targets/{id}/history} ...).
     * {@code status} and {@code check} take only POST, which the target's own route does not.
     */
    static final List<String> ROUTE_SUFFIXES = List.of("probe", "health", "history", "events");

    /**
     * A probe section ({@code http}, {@code tcp}, {@code tls} or {@code stats}) read into its plan,
     * as a target's is: a remote prober reads its assignments with this, so it checks exactly what
     * the server would.
     *
     * @throws IllegalArgumentException not a probe kind, or the section is wrong; the message says where
     */
    public static dev.watchpost.probe.ProbePlan probePlan(String kind, JsonNode section, String where) {
        return ProbeSpecs.parse(kind, section, where);
    }

    public static TargetDecl target(JsonNode spec, String where, String source, java.util.function.Predicate<String> knownGroup) {
        object(spec, where);
        keys(spec, where, TARGET_KEYS);
        String id = requiredText(spec, "id", where);
        String name = optionalText(spec, "name", where).orElse(id);
        Optional<String> description = optionalText(spec, "description", where);
        Optional<String> group = optionalText(spec, "group", where);
        if (group.isEmpty() && id.contains("/")) {
            String prefix = id.substring(0, id.lastIndexOf('/'));
            if (knownGroup.test(prefix)) {
                group = Optional.of(prefix);
            }
        }
        List<String> kinds = TargetKind.IDS.stream().filter(spec::has).toList();
        if (kinds.size() != 1) {
            throw new IllegalArgumentException(where + ": a target needs exactly one kind: "
                    + String.join(", ", TargetKind.IDS) + (kinds.isEmpty() ? "" : " (got " + String.join(", ", kinds) + ")"));
        }
        TargetKind kind = TargetKind.parse(kinds.get(0)).orElseThrow();
        JsonNode section = spec.get(kind.id());
        Optional<LeasePolicy> lease = Optional.empty();
        Optional<ProbePlan> probe = Optional.empty();
        Optional<CompositeDef> composite = Optional.empty();
        switch (kind) {
            case PUSH -> lease = Optional.of(push(section, where + ".push"));
            case MANUAL -> {
                if (!(section.isBoolean() && section.booleanValue())) {
                    object(section, where + ".manual");
                    keys(section, where + ".manual", Set.of());
                }
            }
            case COMPOSITE -> composite = Optional.of(CompositeSpecs.parse(section, where + ".composite", id));
            case HTTP, TCP, TLS, STATS -> probe = Optional.of(ProbeSpecs.parse(kind.id(), section, where + "." + kind.id()));
        }
        boolean paused = SpecReader.optionalBoolean(spec, "paused", where).orElse(false);
        boolean isPublic = SpecReader.optionalBoolean(spec, "public", where).orElse(true);
        List<String> tags = tags(spec.get("tags"), where + ".tags");
        Optional<String> pingKey = optionalText(spec, "ping-key", where);
        if (pingKey.isPresent() && kind != TargetKind.PUSH) {
            throw new IllegalArgumentException(where + ".ping-key: only push targets are pinged");
        }
        TargetDef def;
        try {
            def = new TargetDef(id, name, group, kind, lease, pingKey, source, isPublic);
        } catch (IllegalArgumentException e) {
            boolean key = e.getMessage() != null && e.getMessage().startsWith("ping key");
            throw new IllegalArgumentException(where + (key ? ".ping-key" : "") + ": " + e.getMessage());
        }
        ObjectNode canonical = canonical(def, description, section);
        if (paused) {
            canonical.put("paused", true);
        }
        if (!isPublic) {
            canonical.put("public", false);
        }
        if (!tags.isEmpty()) {
            tags.forEach(canonical.putArray("tags")::add);
        }
        return new TargetDecl(def, canonical, probe, composite);
    }

    /** Tags: a list of lower-case words (alert rules select targets by them), each once. */
    private static List<String> tags(JsonNode list, String where) {
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException(where + ": expected a list of tags, e.g. [prod, payments]");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : list) {
            String t = n.isTextual() ? n.asText().strip() : "";
            if (!TargetDef.TAG.matcher(t).matches()) {
                throw new IllegalArgumentException(where + ": '" + n.asText() + "' is not a tag (lower-case letters, digits, "
                        + "'.', '_', '-'; at most 64)");
            }
            if (!out.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** The declaration as the API shows and stores it: push leases normalised, other sections as given. */
    private static ObjectNode canonical(TargetDef def, Optional<String> description, JsonNode section) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", def.id());
        o.put("name", def.name());
        def.groupId().ifPresent(g -> o.put("group", g));
        description.ifPresent(d -> o.put("description", d));
        switch (def.kind()) {
            case PUSH -> o.set("push", pushJson(def));
            case MANUAL -> o.putObject("manual");
            default -> o.set(def.kind().id(), section.deepCopy());
        }
        def.pingKey().ifPresent(k -> o.put("ping-key", k));
        return o;
    }

    /**
     * The declaration as those without an admin token see it: the ping key, an HTTP check's header
     * values and body, and a composite's webhook (all but scheme and host) read {@code ***};
     * credentials written into a URL ({@code https://user:password@host}) are hidden as well.
     */
    public static ObjectNode redacted(ObjectNode spec) {
        ObjectNode o = spec.deepCopy();
        if (o.has("ping-key")) {
            o.put("ping-key", Redaction.MASK);
        }
        if (o.get("http") instanceof ObjectNode http) {
            if (http.get("headers") instanceof ObjectNode headers) {
                headers.fieldNames().forEachRemaining(n -> headers.put(n, Redaction.MASK));
            }
            if (http.has("body")) {
                http.put("body", Redaction.MASK);
            }
        }
        for (String kind : List.of("http", "stats")) {
            if (o.get(kind) instanceof ObjectNode section && section.get("url") != null && section.get("url").isTextual()) {
                section.put("url", Redaction.userInfo(section.get("url").asText()));
            }
        }
        if (o.get("composite") instanceof ObjectNode composite
                && composite.get("on-availability-change") instanceof ObjectNode action
                && action.get("webhook") != null && action.get("webhook").isTextual()) {
            action.put("webhook", Redaction.url(action.get("webhook").asText()));
        }
        return o;
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






    private static ObjectNode pushJson(TargetDef def) {
        ObjectNode push = JsonNodeFactory.instance.objectNode();
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
        return push;
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
        if (!def.isPublic()) {
            o.put("public", false);
        }
        return o;
    }
}
