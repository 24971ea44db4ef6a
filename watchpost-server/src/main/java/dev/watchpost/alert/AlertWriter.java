package dev.watchpost.alert;

import dev.watchpost.live.Transition;
import dev.watchpost.live.TransitionWriter;
import dev.watchpost.live.TargetKind;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Turns transitions into outbox rows inside the transaction that records them, so an alert exists
 * exactly when its transition does. Runs on the transition writer's thread: rule matching is a walk
 * over precompiled globs, and the database is touched only for rules a transition matches (one
 * indexed query for its open problems, then the rows); never the network.
 *
 * <p>A transition of a member whose rule alerts per group ({@link Rule#grouped}) opens, takes back or
 * ends its group's problem instead, deciding on the group's members as they are now (counted once
 * per batch and group): one alert for a burst of members going down, one recovery when the group is
 * back under its threshold.
 */
final class AlertWriter implements TransitionWriter {

    private final Supplier<Routing> routing;
    private final Function<String, Set<String>> tagsOf;
    private final Groups groups;
    private final Clock clock;
    private final Instant graceEnd;

    /** @param graceEnd nothing is due before this (start-up grace) */
    AlertWriter(Supplier<Routing> routing, Function<String, Set<String>> tagsOf, Groups groups, Clock clock, Instant graceEnd) {
        this.tagsOf = tagsOf;
        this.routing = routing;
        this.groups = groups;
        this.clock = clock;
        this.graceEnd = graceEnd;
    }

    @Override
    public void write(Connection c, List<Transition> batch) throws SQLException {
        Routing r = routing.get();
        List<Rule> rules = r.alerting();
        if (rules.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        Map<String, GroupCase> groupCases = new HashMap<>(); // rule + group → its members and open problems, read once per batch
        for (Transition t : batch) {
            boolean composite = t.target().kind() == TargetKind.COMPOSITE;
            Policy.Change change = Policy.classify(t.from(), t.to(), composite);
            if (change.none()) {
                continue;
            }
            String group = t.target().groupId();
            Set<String> tags = tagsOf.apply(t.targetId());
            for (Rule rule : rules) {
                if (!rule.matches(t.targetId(), group, tags)) {
                    continue;
                }
                if (rule.grouped(t.target())) {
                    // its own problems from before (another rule, an older version) still end as they would
                    apply(c, r, rule, t, new Policy.Change(List.of(), change.cancelHeld(), change.close()), now);
                    group(c, r, rule, t, change, now, groupCases);
                } else {
                    apply(c, r, rule, t, change, now);
                }
            }
        }
    }

    private void apply(Connection c, Routing r, Rule rule, Transition t, Policy.Change change, Instant now) throws SQLException {
        List<Event> problems = change.problems().stream().filter(rule::takes).toList();
        if (problems.isEmpty() && change.cancelHeld().isEmpty()) {
            return;
        }
        Map<String, Set<Event>> closedSent = new LinkedHashMap<>();
        Set<String> stillOpen = new HashSet<>(); // channel + event of problems that stay open (already notified)
        for (Outbox.Open o : Outbox.openProblems(c, rule.id(), t.targetId())) {
            if (change.cancelHeld().contains(o.event())) {
                if (Policy.cancellable(o.status(), o.attempts(), o.nextAt(), t.at())) {
                    Outbox.cancel(c, o.id(), t.at());
                    continue;
                }
                if (change.close().contains(o.event())) {
                    Outbox.close(c, o.id());
                    closedSent.computeIfAbsent(o.channelId(), k -> EnumSet.noneOf(Event.class)).add(o.event());
                    continue;
                }
            }
            stillOpen.add(o.channelId() + "\n" + o.event());
        }
        Instant dueNow = Policy.dueAt(t.at(), java.time.Duration.ZERO, graceEnd);
        for (Map.Entry<String, Set<Event>> e : closedSent.entrySet()) {
            if (r.channels().containsKey(e.getKey())) {
                Set<Event> notices = EnumSet.noneOf(Event.class);
                e.getValue().forEach(p -> notices.add(Policy.recoveryOf(p)));
                for (Event notice : notices) {
                    if (rule.takes(notice)) {
                        Outbox.insert(c, new Alert.New(e.getKey(), rule.id(), t.targetId(), notice, t.from(), t.to(), t.at(),
                                t.reason(), null, dueNow, false, null, null), now);
                    }
                }
            }
        }
        if (problems.isEmpty()) {
            return;
        }
        Instant due = Policy.dueAt(t.at(), rule.damping(), graceEnd);
        Instant remindAt = rule.remindEvery().map(due::plus).orElse(null);
        boolean silenced = false;
        for (Event p : problems) {
            for (String channel : rule.notifies()) {
                // a problem already notified and never recovered is not notified again (down → degraded → down)
                if (!r.channels().containsKey(channel) || stillOpen.contains(channel + "\n" + p)) {
                    continue;
                }
                if (remindAt != null && !silenced) {
                    Outbox.silenceReminders(c, rule.id(), t.targetId()); // the newest problem reminds
                    silenced = true;
                }
                Outbox.insert(c, new Alert.New(channel, rule.id(), t.targetId(), p, t.from(), t.to(), t.at(), t.reason(),
                        null, due, true, remindAt, null), now);
            }
        }
    }

    /** A group as one batch sees it for one rule: its members (counted once) and its open problems (kept current). */
    private record GroupCase(Optional<Policy.Tally> tally, List<Outbox.Open> open) {
    }

    /**
     * A member of {@code t}'s group changed: its group's problems of this rule open (once enough
     * members have one), are taken back (held, and no longer enough), end with one recovery (sent,
     * and the group is back), or stay as they are. The text is not written here: a group alert says
     * what its members are when it is sent. The group's members and open problems are read once per
     * batch, so a burst of a thousand members costs one count and one query, not a thousand.
     */
    private void group(Connection c, Routing r, Rule rule, Transition t, Policy.Change change, Instant now,
                       Map<String, GroupCase> cases) throws SQLException {
        String groupId = t.target().groupId();
        List<Event> kinds = Policy.GROUP_PROBLEMS.stream().filter(rule::takes)
                .filter(e -> change.problems().contains(e) || change.cancelHeld().contains(e)).toList();
        if (kinds.isEmpty()) {
            return;
        }
        String key = rule.id() + "\n" + groupId;
        GroupCase gc = cases.get(key);
        if (gc == null) {
            Optional<Policy.Tally> tally = groups.tally(rule, groupId);
            gc = new GroupCase(tally, tally.isEmpty() ? List.of()
                    : new java.util.ArrayList<>(Outbox.openProblems(c, rule.id(), groupId, true)));
            cases.put(key, gc);
        }
        if (gc.tally().isEmpty()) {
            return; // the group is gone
        }
        Policy.Tally tally = gc.tally().get();
        List<Outbox.Open> open = gc.open();
        Instant dueNow = Policy.dueAt(t.at(), java.time.Duration.ZERO, graceEnd);
        for (Event kind : kinds) {
            Set<String> stillOpen = new HashSet<>();
            for (java.util.Iterator<Outbox.Open> it = open.iterator(); it.hasNext(); ) {
                Outbox.Open o = it.next();
                if (o.event() != kind) {
                    continue;
                }
                Policy.GroupStep step = Policy.groupStep(tally, kind, rule.minDown(), o.status(), o.attempts(), o.nextAt(), t.at());
                if (step == Policy.GroupStep.CANCEL && !Outbox.cancel(c, o.id(), t.at())) {
                    // its delivery began meanwhile: it is being sent, so it ends as a sent one does
                    step = Policy.back(tally, rule.minDown()) ? Policy.GroupStep.CLOSE : Policy.GroupStep.KEEP;
                }
                switch (step) {
                    case KEEP -> stillOpen.add(o.channelId());
                    case CANCEL -> it.remove();
                    case CLOSE -> {
                        // closed here, not by another node deciding on another member: the recovery is this one's
                        if (Outbox.close(c, o.id()) && r.channels().containsKey(o.channelId()) && rule.takes(Event.RECOVERED)) {
                            Outbox.insert(c, new Alert.New(o.channelId(), rule.id(), groupId, Event.RECOVERED, Policy.stateOf(kind),
                                    t.to(), t.at(), t.reason(), null, dueNow, false, null, null, true), now);
                        }
                        it.remove();
                    }
                }
            }
            if (!change.problems().contains(kind) || !Policy.over(tally, kind, rule.minDown())) {
                continue;
            }
            Instant due = Policy.groupDueAt(t.at(), rule.damping(), rule.settle(), graceEnd);
            Instant remindAt = rule.remindEvery().map(due::plus).orElse(null);
            boolean silenced = false;
            for (String channel : rule.notifies()) {
                if (!r.channels().containsKey(channel) || stillOpen.contains(channel)) {
                    continue;
                }
                if (remindAt != null && !silenced) {
                    Outbox.silenceReminders(c, rule.id(), groupId, true); // the newest problem reminds
                    silenced = true;
                }
                // one open problem per rule, group, channel and kind, also when nodes of a cluster
                // decide on different members at once: the key is freed when it ends
                long id = Outbox.insert(c, new Alert.New(channel, rule.id(), groupId, kind, null, Policy.stateOf(kind), t.at(), "",
                        null, due, true, remindAt, "g:" + rule.id() + ":" + groupId + ":" + channel + ":" + kind.id(), true), now);
                if (id >= 0) {
                    open.add(new Outbox.Open(id, channel, kind, Alert.PENDING, 0, due));
                }
            }
        }
    }
}
