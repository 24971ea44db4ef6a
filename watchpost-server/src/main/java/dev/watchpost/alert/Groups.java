package dev.watchpost.alert;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.watchpost.live.Glob;
import dev.watchpost.live.GroupNode;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Severity;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;
import dev.watchpost.web.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A group's own members (its shards, the targets whose group it is) as a rule selects them, read
 * from the live state: counted, for what the alert writer and the rounds decide, and listed, for
 * what a group alert says when it is sent. Safe from any thread.
 *
 * <p>Counting is O(1) when the rule takes every member (no tags; it names the group, an ancestor,
 * or a glob every shard number matches): the group's own counters. Otherwise the members are read
 * one by one.
 */
final class Groups {

    /** Members of an ordinary group listed by name in a group alert; the rest are counted. Shards are listed as ranges, all of them. */
    static final int MAX_LISTED = 50;

    private final LiveState live;
    private final Supplier<Function<String, Set<String>>> tags;

    Groups(LiveState live, Supplier<Function<String, Set<String>>> tags) {
        this.live = live;
        this.tags = tags;
    }

    Optional<GroupNode> node(String groupId) {
        return live.group(groupId);
    }

    /** The members of {@code groupId} that {@code rule} selects (every member when it is null), by severity; empty when there is no such group. */
    Optional<Policy.Tally> tally(Rule rule, String groupId) {
        Optional<GroupNode> node = live.group(groupId);
        if (node.isEmpty()) {
            return Optional.empty();
        }
        GroupNode g = node.get();
        if (rule == null || wholly(rule, g)) {
            return Optional.of(Policy.Tally.of(g.memberCounts()));
        }
        int[] counts = new int[State.values().length];
        Function<String, Set<String>> tagsOf = tags.get();
        forEachMember(g, v -> {
            if (rule.matches(v.id(), v.groupId(), tagsOf.apply(v.id()))) {
                counts[v.state().ordinal()]++;
            }
        });
        return Optional.of(Policy.Tally.of(counts));
    }

    /** Whether {@code rule} selects every own member of {@code g}, so its counters answer without reading members. */
    static boolean wholly(Rule rule, GroupNode g) {
        if (!rule.tags().isEmpty()) {
            return false;
        }
        if (rule.targets().isEmpty()) {
            return true;
        }
        String id = g.id();
        for (Glob glob : rule.targets()) {
            if (glob.literal() && Glob.under(id, glob.pattern())) {
                return true; // the group or an ancestor: every target in it, whatever its id
            }
        }
        if (onlyShards(g)) {
            // Shards' ids differ only in their last segment, a number. A glob without character classes
            // that matches both "0" and "123456789" there has no literal character in that segment
            // (the two share none), so it matches every number.
            for (Glob glob : rule.targets()) {
                if (glob.matches(id + "/0", id) && glob.matches(id + "/123456789", id)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A sharded group whose own members are exactly its shards. */
    private static boolean onlyShards(GroupNode g) {
        if (!g.def().sharded()) {
            return false;
        }
        long members = 0;
        for (int n : g.memberCounts()) {
            members += n;
        }
        return members == g.def().shards();
    }

    /** Visits the own members of {@code g}: its shards by number, else every target whose group it is. */
    void forEachMember(GroupNode g, Consumer<TargetView> action) {
        if (onlyShards(g)) {
            String prefix = g.id() + "/";
            for (int i = 0; i < g.def().shards(); i++) {
                live.target(prefix + i).ifPresent(action);
            }
            return;
        }
        String id = g.id();
        live.forEachTarget(v -> {
            if (id.equals(v.groupId())) {
                action.accept(v);
            }
        });
    }

    /** Members of {@code g} that never reported at all: unknown, never seen. */
    static boolean neverReported(TargetView v) {
        return v.state() == State.UNKNOWN && v.lastSeen() < 0;
    }

    /**
     * What a group alert says, composed from the group's members now when it is first sent: its
     * counts and the members it is about (down or degraded ones for a problem, a reminder or a
     * follow-up; those not OK yet for a recovery; those that never reported). Empty when the group
     * is gone (the alert then tells what it has: its id).
     */
    Optional<Outbox.Composed> compose(Rule rule, Alert a) {
        Optional<GroupNode> node = a.targetId().flatMap(live::group);
        if (node.isEmpty()) {
            return Optional.empty();
        }
        GroupNode g = node.get();
        Predicate<TargetView> about = about(a);
        Function<String, Set<String>> tagsOf = tags.get();
        int[] counts = new int[State.values().length];
        List<TargetView> listed = new ArrayList<>();
        forEachMember(g, v -> {
            if (rule != null && !rule.matches(v.id(), v.groupId(), tagsOf.apply(v.id()))) {
                return;
            }
            counts[v.state().ordinal()]++;
            if (about.test(v)) {
                listed.add(v);
            }
        });
        Policy.Tally t = Policy.Tally.of(counts);
        listed.sort(Comparator.comparingInt(TargetView::shard).thenComparing(TargetView::id));
        boolean sharded = g.def().sharded() && listed.stream().allMatch(v -> v.shard() >= 0);
        String body = new String(Json.bytes((JsonGenerator j) -> {
            j.writeStartObject();
            j.writeStringField("id", g.id());
            j.writeStringField("name", g.def().name());
            j.writeBooleanField("sharded", g.def().sharded());
            j.writeNumberField("total", t.total());
            j.writeNumberField("count", listed.size());
            j.writeNumberField("ok", t.ok());
            j.writeNumberField("degraded", t.warn());
            j.writeNumberField("down", t.bad());
            j.writeNumberField("maintenance", t.maintenance());
            j.writeNumberField("unknown", t.unknown());
            if (sharded) {
                j.writeStringField("shards", ranges(listed.stream().mapToInt(TargetView::shard).toArray()));
            }
            j.writeArrayFieldStart("members");
            for (int i = 0; i < listed.size() && i < MAX_LISTED; i++) {
                TargetView v = listed.get(i);
                j.writeStartObject();
                j.writeStringField("id", v.id());
                j.writeStringField("name", v.name());
                j.writeStringField("state", v.state().id());
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeEndObject();
        }), StandardCharsets.UTF_8);
        return Optional.of(new Outbox.Composed(body, listed.size()));
    }

    /** Which members an alert is about. */
    private static Predicate<TargetView> about(Alert a) {
        Severity of = a.to().map(State::severity).orElse(Severity.BAD);
        return switch (a.event()) {
            case NEVER_REPORTED -> Groups::neverReported;
            case RECOVERED -> v -> v.state().severity() == Severity.BAD || v.state().severity() == Severity.WARN;
            default -> v -> v.state().severity() == (of == Severity.WARN ? Severity.WARN : Severity.BAD);
        };
    }

    /** Sorted shard numbers, runs of three or more as ranges: "0-2, 4, 5, 7-47". */
    static String ranges(int[] sorted) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < sorted.length) {
            int j = i;
            while (j + 1 < sorted.length && sorted[j + 1] == sorted[j] + 1) {
                j++;
            }
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(sorted[i]);
            if (j >= i + 2) {
                b.append('-').append(sorted[j]); // a run of three or more
                i = j + 1;
            } else {
                i++;
            }
        }
        return b.toString();
    }
}
