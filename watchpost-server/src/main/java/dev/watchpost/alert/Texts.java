package dev.watchpost.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.live.Severity;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;
import dev.watchpost.web.Json;
import dev.watchpost.web.Times;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * What alerts say, before a channel shapes it: titles, one-line texts from the rule's template or
 * the default, links to the status page, and the text of summaries, batched e-mails and digests.
 * Pure given its {@link Context}.
 */
final class Texts {

    /** Lines of current problems in one message; the rest are counted. */
    static final int MAX_PROBLEMS_LISTED = 200;

    private static final Map<Event, String> DEFAULTS = Map.of(
            Event.DOWN, "{target} ({id}) is {state} since {since}: {reason}",
            Event.DEGRADED, "{target} ({id}) is {state} since {since}: {reason}",
            Event.UNAVAILABLE, "{target} ({id}) is unavailable since {since}: {reason}",
            Event.RECOVERED, "{target} ({id}) is {state} again since {since} (was {previous})",
            Event.AVAILABLE, "{target} ({id}) is available again since {since} ({state})",
            Event.REMINDER, "{target} ({id}) is still {state} since {since}: {reason}",
            Event.LOCATION_LOST, "{target} lost: {reason}",
            Event.LOCATION_BACK, "{target} is {reason}",
            Event.TEST, "Test message from Watchpost: this channel works.");

    /** Group alerts: what a group's members are, counted and listed when the alert is sent. */
    private static final Map<Event, String> GROUP_DEFAULTS = Map.of(
            Event.DOWN, "{target} ({id}): {count} of {total} {noun} {state} since {since}: {members}",
            Event.DEGRADED, "{target} ({id}): {count} of {total} {noun} {state} since {since}: {members}",
            Event.WORSE, "{target} ({id}): now {count} of {total} {noun} {state}, since {since}: {members}",
            Event.REMINDER, "{target} ({id}): still {count} of {total} {noun} {state}, since {since}: {members}",
            Event.RECOVERED, "{target} ({id}) is up again since {since}: {ok} of {total} {noun} online{rest}",
            Event.NEVER_REPORTED, "{target} ({id}): {members} never reported ({count} of {total} {noun}, watched since {since})");

    /**
     * What rendering needs besides the alerts.
     *
     * @param targets  a target's current view (for its name)
     * @param problems the targets now down or degraded that the channel's rules select (batched e-mails)
     * @param system   system-wide alerts (channels failing, alerts held by rate limits)
     * @param times    how times are written: as on the status page and the dashboard
     */
    record Context(Instant now, Optional<URI> publicUrl, Function<String, Optional<TargetView>> targets,
                   Map<String, Rule> rules, java.util.function.Supplier<List<TargetView>> problems,
                   java.util.function.Supplier<List<String>> system, Times times) {

        String time(Instant t) {
            return times.text(t);
        }
    }

    private Texts() {
    }

    static String name(Alert a, Context ctx) {
        if (a.group()) {
            return group(a).name();
        }
        if (a.event().location()) {
            return "Location " + location(a).location();
        }
        return a.targetId().map(id -> ctx.targets().apply(id).map(TargetView::name).orElse(id)).orElse("Watchpost");
    }

    /** Placeholder values of an alert (unescaped). */
    static Map<String, String> values(Alert a, Context ctx) {
        if (a.group()) {
            return groupValues(a, ctx);
        }
        if (a.event().location()) {
            return locationValues(a, ctx);
        }
        Map<String, String> v = new HashMap<>();
        v.put("target", name(a, ctx));
        v.put("id", a.targetId().orElse(""));
        v.put("state", a.to().map(s -> s.id()).orElse(""));
        v.put("previous", a.from().map(s -> s.id()).orElse(""));
        v.put("since", ctx.time(a.at()));
        v.put("reason", a.reason());
        v.put("url", url(a, ctx).orElse(""));
        v.put("event", a.event().id());
        v.put("count", "");
        v.put("total", "");
        v.put("members", "");
        return v;
    }

    /** "DOWN: Public API", "REMINDER: Public API", "DIGEST: 2 targets down", "DOWN: Main bot: 45 of 48 shards down". */
    static String title(Alert a, Context ctx) {
        if (a.group()) {
            GroupBody g = group(a);
            String head = a.event().label() + ": " + g.name();
            return switch (a.event()) {
                case RECOVERED -> head;
                case NEVER_REPORTED -> head + ": " + g.count() + " of " + g.total() + " " + g.noun() + " never reported";
                default -> head + ": " + g.count() + " of " + g.total() + " " + g.noun() + " " + groupState(a);
            };
        }
        return switch (a.event()) {
            case DIGEST -> "DIGEST: " + count(digest(a).size(), "target") + " down";
            case TEST -> "TEST: Watchpost channel " + a.channelId();
            case LOCATION_LOST, LOCATION_BACK -> a.event().label() + ": " + location(a).location();
            default -> a.event().name() + ": " + name(a, ctx);
        };
    }

    /** The alert's line: the rule's template or the default, values escaped with {@code escape}. */
    static String line(Alert a, Context ctx, UnaryOperator<String> escape) {
        if (a.event() == Event.DIGEST) {
            return String.join("\n", digestLines(a, ctx, escape));
        }
        String template = Optional.ofNullable(ctx.rules().get(a.ruleId())).flatMap(Rule::template)
                .filter(t -> a.event() != Event.TEST).orElse((a.group() ? GROUP_DEFAULTS : DEFAULTS).get(a.event()));
        return Template.render(template, values(a, ctx), escape);
    }

    // ---------------------------------------------------------------- group alerts

    /** One member of a group alert as its body lists it. */
    record Member(String id, String name, String state) {
    }

    /**
     * A group alert's body: the group's members as they were when it was sent (see
     * {@link Groups#compose}). {@code count} is how many it is about; {@code shards} their numbers as
     * ranges (sharded groups); {@code members} the first {@link Groups#MAX_LISTED} of them.
     */
    record GroupBody(String id, String name, boolean sharded, int total, int count, int ok, int degraded, int down,
                     int maintenance, int unknown, Optional<String> shards, List<Member> members) {

        /** What its members are called: "shards", or "targets". */
        String noun() {
            return sharded ? "shards" : "targets";
        }

        /** The members it is about: "shards 0-2, 4", "shard 7", "Web A (web/a), Web B (web/b) and 3 more". */
        String listed() {
            if (count == 0) {
                return "none";
            }
            if (shards.isPresent()) {
                return (count == 1 ? "shard " : "shards ") + shards.get();
            }
            if (members.isEmpty()) {
                return count + " " + noun();
            }
            StringBuilder b = new StringBuilder();
            for (Member m : members) {
                b.append(b.length() == 0 ? "" : ", ").append(m.name()).append(" (").append(m.id()).append(')');
            }
            if (count > members.size()) {
                b.append(" and ").append(count - members.size()).append(" more");
            }
            return b.toString();
        }
    }

    /** A group alert's body; one that was never composed (its group was gone) names the group by id. */
    static GroupBody group(Alert a) {
        String id = a.targetId().orElse("");
        if (a.body().isEmpty()) {
            return new GroupBody(id, id, false, 0, 0, 0, 0, 0, 0, 0, Optional.empty(), List.of());
        }
        try {
            JsonNode b = Json.MAPPER.readTree(a.body().get());
            List<Member> members = new ArrayList<>();
            for (JsonNode m : b.path("members")) {
                members.add(new Member(m.path("id").asText(), m.path("name").asText(), m.path("state").asText()));
            }
            return new GroupBody(b.path("id").asText(id), b.path("name").asText(id), b.path("sharded").asBoolean(),
                    b.path("total").asInt(), b.path("count").asInt(), b.path("ok").asInt(), b.path("degraded").asInt(),
                    b.path("down").asInt(), b.path("maintenance").asInt(), b.path("unknown").asInt(),
                    b.hasNonNull("shards") ? Optional.of(b.path("shards").asText()) : Optional.empty(), members);
        } catch (IOException e) {
            throw new IllegalStateException("group alert body is not JSON", e);
        }
    }

    /** What a group alert's members are: "down", "degraded"; "up" for a recovery, "unknown" when they never reported. */
    private static String groupState(Alert a) {
        return switch (a.event()) {
            case RECOVERED -> "up";
            case NEVER_REPORTED -> "unknown";
            default -> a.to().map(State::id).orElse("down");
        };
    }

    private static Map<String, String> groupValues(Alert a, Context ctx) {
        GroupBody g = group(a);
        Map<String, String> v = new HashMap<>();
        v.put("target", g.name());
        v.put("id", g.id());
        v.put("state", groupState(a));
        v.put("previous", a.from().map(State::id).orElse(""));
        v.put("since", ctx.time(a.at()));
        v.put("url", url(a, ctx).orElse(""));
        v.put("event", a.event().id());
        v.put("count", Integer.toString(g.count()));
        v.put("total", Integer.toString(g.total()));
        v.put("members", g.listed());
        v.put("reason", a.event() == Event.RECOVERED
                ? g.ok() + " of " + g.total() + " " + g.noun() + " online"
                : g.count() + " of " + g.total() + " " + g.noun() + " " + groupState(a) + ": " + g.listed());
        // the defaults' own words, not offered to templates
        v.put("noun", g.noun());
        v.put("ok", Integer.toString(g.ok()));
        v.put("rest", g.count() == 0 ? "" : "; not OK yet: " + g.listed());
        return v;
    }

    /**
     * The target's own page: {@code <public-url>/targets/<id>} (state, uptime, response times, its
     * changes); for a group's alert its section of the status page ({@code /#group:<id>}); the status
     * page itself for an alert about no one target or about a remote location; empty without a public URL. Ids are URL-safe as
     * they are (lower-case letters, digits, {@code . _ - /}).
     */
    static Optional<String> url(Alert a, Context ctx) {
        if (ctx.publicUrl().isEmpty()) {
            return Optional.empty();
        }
        String base = stripSlash(ctx.publicUrl().get().toString());
        if (a.event().location()) {
            return Optional.of(base); // a location has no page of its own; each target's shows its row
        }
        return Optional.of(a.targetId().map(id -> a.group() ? base + "/#group:" + id : base + "/targets/" + id).orElse(base));
    }

    static Optional<String> pageUrl(Context ctx) {
        return ctx.publicUrl().map(u -> stripSlash(u.toString()));
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    // ---------------------------------------------------------------- remote locations

    /**
     * A location alert's body: the location, how many targets are checked from it, and for a
     * "location back" when it was last heard from before it was lost.
     */
    record LocationBody(String location, int targets, Optional<Instant> lostSince) {
    }

    static String locationBody(LocationBody b) {
        return new String(Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("location", b.location());
            g.writeNumberField("targets", b.targets());
            if (b.lostSince().isPresent()) {
                g.writeNumberField("lost_since", b.lostSince().get().toEpochMilli());
            }
            g.writeEndObject();
        }), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A location alert's body; one without (never written so) names the location after its target. */
    static LocationBody location(Alert a) {
        String fallback = a.targetId().map(id -> id.startsWith(LocationAlerts.PREFIX)
                ? id.substring(LocationAlerts.PREFIX.length()) : id).orElse("");
        if (a.body().isEmpty()) {
            return new LocationBody(fallback, 0, Optional.empty());
        }
        try {
            JsonNode b = Json.MAPPER.readTree(a.body().get());
            return new LocationBody(b.path("location").asText(fallback), b.path("targets").asInt(),
                    b.hasNonNull("lost_since") ? Optional.of(Instant.ofEpochMilli(b.path("lost_since").asLong())) : Optional.empty());
        } catch (IOException e) {
            throw new IllegalStateException("location alert body is not JSON", e);
        }
    }

    /**
     * "no results or polls since …; its results are left out of every quorum (12 targets are checked
     * from it)"; for a return "back after 4 min".
     */
    private static String locationReason(Alert a, LocationBody b, Context ctx) {
        if (a.event() == Event.LOCATION_BACK) {
            return "back after " + Times.duration(Duration.between(b.lostSince().orElse(a.at()), a.at()));
        }
        return "no results or polls since " + ctx.time(a.at()) + "; its results are left out of every quorum ("
                + count(b.targets(), "target") + (b.targets() == 1 ? " is" : " are") + " checked from it)";
    }

    private static Map<String, String> locationValues(Alert a, Context ctx) {
        LocationBody b = location(a);
        Map<String, String> v = new HashMap<>();
        v.put("target", "Location " + b.location());
        v.put("id", a.targetId().orElse(""));
        v.put("state", a.event() == Event.LOCATION_LOST ? "lost" : "back");
        v.put("previous", a.event() == Event.LOCATION_LOST ? "" : "lost");
        v.put("since", ctx.time(a.at()));
        v.put("reason", locationReason(a, b, ctx));
        v.put("url", url(a, ctx).orElse(""));
        v.put("event", a.event().id());
        v.put("count", Integer.toString(b.targets()));
        v.put("total", "");
        v.put("members", "");
        return v;
    }

    // ---------------------------------------------------------------- digests

    /** One target down at a digest's slot. */
    record Down(String id, String name, String state, Instant since, String reason) {
    }

    static String digestBody(List<Down> down) {
        return new String(Json.bytes(g -> {
            g.writeStartArray();
            for (Down d : down) {
                g.writeStartObject();
                g.writeStringField("id", d.id());
                g.writeStringField("name", d.name());
                g.writeStringField("state", d.state());
                g.writeNumberField("since", d.since().toEpochMilli());
                g.writeStringField("reason", d.reason());
                g.writeEndObject();
            }
            g.writeEndArray();
        }), java.nio.charset.StandardCharsets.UTF_8);
    }

    static List<Down> digest(Alert a) {
        List<Down> out = new ArrayList<>();
        try {
            JsonNode list = Json.MAPPER.readTree(a.body().orElse("[]"));
            for (JsonNode d : list) {
                out.add(new Down(d.path("id").asText(), d.path("name").asText(), d.path("state").asText(),
                        Instant.ofEpochMilli(d.path("since").asLong()), d.path("reason").asText()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("digest body is not JSON", e);
        }
        return out;
    }

    static List<String> digestLines(Alert a, Context ctx, UnaryOperator<String> escape) {
        List<String> lines = new ArrayList<>();
        for (Down d : digest(a)) {
            lines.add("- " + escape.apply(d.name() + " (" + d.id() + "): " + d.state() + " since " + ctx.time(d.since())
                    + (d.reason().isEmpty() ? "" : ": " + d.reason())));
        }
        return lines;
    }

    // ---------------------------------------------------------------- several alerts in one message

    /**
     * One target's new alerts in a message. practable counts an entity once per message however
     * many of its alerts are new: a composite that fails is down and unavailable, one event.
     *
     * @param alerts its alerts, by time
     * @param issue  whether its latest change is a problem (down, degraded, unavailable, a reminder,
     *               a digest) rather than a recovery
     */
    record Entity(List<Alert> alerts, boolean issue) {

        /** The alert whose line stands for the entity: the first problem (or recovery) of its latest change. */
        Alert shown() {
            Instant latest = alerts.get(alerts.size() - 1).at();
            return alerts.stream().filter(a -> a.at().equals(latest) && a.event().bad() == issue)
                    .min(Comparator.comparing(Alert::event)).orElseThrow();
        }

        /** "DOWN, UNAVAILABLE": every kind of alert it had, in order. */
        String label() {
            return String.join(", ", alerts.stream().map(a -> a.event().label()).distinct().toList());
        }
    }

    /**
     * The alerts grouped by target (a digest is its own entity), problems first, then recoveries,
     * each sorted by target id then time: practable's order.
     */
    static List<Entity> entities(List<Alert> alerts) {
        Comparator<Alert> byTime = Comparator.comparing(Alert::at).thenComparing(Alert::event).thenComparingLong(Alert::id);
        Map<String, List<Alert>> byTarget = new TreeMap<>();
        for (Alert a : alerts) {
            // digests first, as before; a group and a target of the same id are two entities
            String key = a.targetId().map(id -> "1" + id + (a.group() ? "\tgroup" : "")).orElse("0" + a.id());
            byTarget.computeIfAbsent(key, k -> new ArrayList<>()).add(a);
        }
        List<Entity> issues = new ArrayList<>();
        List<Entity> ok = new ArrayList<>();
        for (List<Alert> list : byTarget.values()) {
            List<Alert> sorted = list.stream().sorted(byTime).toList();
            Instant latest = sorted.get(sorted.size() - 1).at();
            boolean issue = sorted.stream().anyMatch(a -> a.at().equals(latest) && a.event().bad());
            (issue ? issues : ok).add(new Entity(sorted, issue));
        }
        issues.addAll(ok);
        return issues;
    }

    /** "3 new events at 2026-06-01 12:00:00 UTC": events counted per target, as practable does. */
    static String summaryTitle(List<Alert> alerts, Context ctx) {
        return count(entities(alerts).size(), "new event") + " at " + ctx.time(ctx.now());
    }

    /** "3 new events (2 issues, 1 ok) at 2026-06-01 12:00:00 UTC": the first line of a batched e-mail. */
    static String summaryHeadline(List<Alert> alerts, Context ctx) {
        List<Entity> entities = entities(alerts);
        long issues = entities.stream().filter(Entity::issue).count();
        return count(entities.size(), "new event") + " (" + count((int) issues, "issue") + ", " + (entities.size() - issues)
                + " ok) at " + ctx.time(ctx.now());
    }

    /**
     * The body of a summary: the new events, problems then recoveries, one line per target; with
     * {@code full} (batched e-mail) also system-wide alerts, the current problems of the targets the
     * channel's rules select, and the status page.
     */
    static String summary(List<Alert> alerts, Context ctx, UnaryOperator<String> escape, boolean full) {
        StringBuilder b = new StringBuilder();
        List<Entity> entities = entities(alerts);
        List<Entity> bad = entities.stream().filter(Entity::issue).toList();
        List<Entity> good = entities.stream().filter(e -> !e.issue()).toList();
        if (!bad.isEmpty()) {
            b.append("Problems:\n");
            for (Entity e : bad) {
                b.append(bullet(e, ctx, escape)).append('\n');
            }
        }
        if (!good.isEmpty()) {
            b.append(bad.isEmpty() ? "" : "\n").append("Recoveries:\n");
            for (Entity e : good) {
                b.append(bullet(e, ctx, escape)).append('\n');
            }
        }
        if (!full) {
            return b.toString().stripTrailing();
        }
        List<String> system = ctx.system().get();
        if (!system.isEmpty()) {
            b.append("\nSystem:\n");
            for (String s : system) {
                b.append("- ").append(escape.apply(s)).append('\n');
            }
        }
        List<TargetView> problems = ctx.problems().get();
        b.append("\nCurrent problems (").append(problems.size()).append("):\n");
        if (problems.isEmpty()) {
            b.append("- none\n");
        }
        List<String> lines = problemLines(problems, ctx);
        for (int i = 0; i < lines.size() && i < MAX_PROBLEMS_LISTED; i++) {
            b.append("- ").append(escape.apply(lines.get(i))).append('\n');
        }
        if (lines.size() > MAX_PROBLEMS_LISTED) {
            b.append("- and ").append(lines.size() - MAX_PROBLEMS_LISTED).append(" more\n");
        }
        pageUrl(ctx).ifPresent(u -> b.append("\nStatus page: ").append(u).append('\n'));
        return b.toString().stripTrailing();
    }

    /**
     * One line per problem, except that the shards of a sharded group share one line, where the
     * group's first shard would be: an e-mail during a bot's outage says "Main bot (bots/main): 45
     * shards" once instead of listing 45 near-identical lines above the problems that differ.
     */
    static List<String> problemLines(List<TargetView> problems, Context ctx) {
        Map<String, List<TargetView>> shards = new LinkedHashMap<>();
        List<Object> order = new ArrayList<>(); // a TargetView, or the group id of a shards' line
        for (TargetView v : problems) {
            if (v.shard() >= 0 && v.groupId() != null) {
                shards.computeIfAbsent(v.groupId(), g -> {
                    order.add(g);
                    return new ArrayList<>();
                }).add(v);
            } else {
                order.add(v);
            }
        }
        List<String> lines = new ArrayList<>(order.size());
        for (Object o : order) {
            if (o instanceof TargetView v) {
                lines.add(v.name() + " (" + v.id() + "): " + v.state().id() + " since "
                        + ctx.time(Instant.ofEpochMilli(v.since())) + (v.message() == null ? "" : ": " + v.message()));
            } else {
                lines.add(shardsLine((String) o, shards.get(o), ctx));
            }
        }
        return lines;
    }

    /** "Main bot (bots/main): 45 shards (40 offline, 5 down), the first since …: shards 0-39, 41, 43-47". */
    private static String shardsLine(String groupId, List<TargetView> members, Context ctx) {
        if (members.size() == 1) {
            TargetView v = members.get(0);
            return v.name() + " (" + v.id() + "): " + v.state().id() + " since " + ctx.time(Instant.ofEpochMilli(v.since()))
                    + (v.message() == null ? "" : ": " + v.message());
        }
        String name = members.get(0).name();
        int hash = name.lastIndexOf(" #");
        name = hash > 0 ? name.substring(0, hash) : groupId;
        Map<String, Integer> states = new TreeMap<>();
        long first = Long.MAX_VALUE;
        int[] numbers = new int[members.size()];
        for (int i = 0; i < members.size(); i++) {
            TargetView v = members.get(i);
            states.merge(v.state().id(), 1, Integer::sum);
            first = Math.min(first, v.since());
            numbers[i] = v.shard();
        }
        Arrays.sort(numbers);
        List<String> counts = states.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList();
        return name + " (" + groupId + "): " + members.size() + " shards (" + String.join(", ", counts) + "), the first since "
                + ctx.time(Instant.ofEpochMilli(first)) + ": shards " + ranges(numbers);
    }

    /** "0-39, 41, 43-47" for sorted shard numbers, as the group alerts write them. */
    static String ranges(int[] sorted) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < sorted.length; ) {
            int j = i;
            while (j + 1 < sorted.length && sorted[j + 1] == sorted[j] + 1) {
                j++;
            }
            b.append(b.isEmpty() ? "" : ", ").append(sorted[i]);
            if (j > i) {
                b.append(j == i + 1 ? ", " : "-").append(sorted[j]);
            }
            i = j + 1;
        }
        return b.toString();
    }

    private static String bullet(Entity e, Context ctx, UnaryOperator<String> escape) {
        Alert a = e.shown();
        if (a.event() == Event.DIGEST) {
            return "- " + escape.apply(title(a, ctx)) + "\n  " + String.join("\n  ", digestLines(a, ctx, escape));
        }
        return "- " + e.label() + ": " + line(a, ctx, escape);
    }

    /**
     * Targets now down, then degraded, each by id, among those {@code selected}: the "current
     * problems" of a batched e-mail, which speaks only of the targets its channel's rules select.
     */
    static List<TargetView> problems(List<TargetView> all, java.util.function.Predicate<TargetView> selected) {
        Comparator<TargetView> order = Comparator.comparing((TargetView v) -> v.state().severity() == Severity.BAD ? 0 : 1)
                .thenComparing(TargetView::id);
        return all.stream().filter(v -> v.state().severity() == Severity.BAD || v.state().severity() == Severity.WARN)
                .filter(selected).sorted(order).toList();
    }

    static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
