package dev.watchpost.alert;

import dev.watchpost.live.Transition;
import dev.watchpost.live.TransitionWriter;
import dev.watchpost.live.TargetKind;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Turns transitions into outbox rows inside the transaction that records them, so an alert exists
 * exactly when its transition does. Runs on the transition writer's thread: rule matching is a walk
 * over precompiled globs, and the database is touched only for rules a transition matches (one
 * indexed query for its open problems, then the rows); never the network.
 */
final class AlertWriter implements TransitionWriter {

    private final Supplier<Routing> routing;
    private final Function<String, Set<String>> tagsOf;
    private final Clock clock;
    private final Instant graceEnd;

    /** @param graceEnd nothing is due before this (start-up grace) */
    AlertWriter(Supplier<Routing> routing, Function<String, Set<String>> tagsOf, Clock clock, Instant graceEnd) {
        this.tagsOf = tagsOf;
        this.routing = routing;
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
        for (Transition t : batch) {
            boolean composite = t.target().kind() == TargetKind.COMPOSITE;
            Policy.Change change = Policy.classify(t.from(), t.to(), composite);
            if (change.none()) {
                continue;
            }
            String group = t.target().groupId();
            Set<String> tags = tagsOf.apply(t.targetId());
            for (Rule rule : rules) {
                if (rule.matches(t.targetId(), group, tags)) {
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
}
