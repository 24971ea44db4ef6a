package dev.watchpost.alert;

import dev.watchpost.live.Severity;
import dev.watchpost.live.State;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every decision about alerts that depends on states and time, as pure functions: what a transition
 * means, when a problem may be sent (damping, start-up grace), whether it can still be taken back,
 * and when to remind. No I/O, no clock of its own.
 *
 * <p>An incident per rule, target and channel is an outbox row of a problem ({@link Event#problem})
 * marked open. A problem row waits in the outbox until {@link #dueAt}; until then it is
 * <em>held</em> and a recovery cancels it ({@link #cancellable}), so nothing at all is sent. Once due
 * it is sent and stays open until the target recovers, which then sends a recovery notice.
 */
final class Policy {

    private Policy() {
    }

    /**
     * What a transition means for alerts.
     *
     * @param problems   problems it starts (down, degraded, and for composites unavailable)
     * @param cancelHeld open problems of these kinds that are still held are cancelled (the bad state
     *                   did not last, or the target went into maintenance)
     * @param close      open problems of these kinds end here; those already sent get a recovery notice
     */
    record Change(List<Event> problems, Set<Event> cancelHeld, Set<Event> close) {
        static final Change NONE = new Change(List.of(), Set.of(), Set.of());

        boolean none() {
            return problems.isEmpty() && cancelHeld.isEmpty() && close.isEmpty();
        }
    }

    /**
     * @param composite whether the target is a composite: its availability is followed too, as
     *                  up ({@link State#up()}: online, degraded, …) versus a bad state
     */
    static Change classify(State from, State to, boolean composite) {
        Severity f = from.severity();
        Severity t = to.severity();
        List<Event> problems = new ArrayList<>(2);
        Set<Event> cancel = EnumSet.noneOf(Event.class);
        Set<Event> close = EnumSet.noneOf(Event.class);
        if (t == Severity.BAD && f != Severity.BAD) {
            problems.add(Event.DOWN);
            if (composite) {
                problems.add(Event.UNAVAILABLE);
            }
        }
        if (t == Severity.WARN && f != Severity.WARN) {
            problems.add(Event.DEGRADED);
        }
        if (f == Severity.BAD && t != Severity.BAD) {
            cancel.add(Event.DOWN);
            cancel.add(Event.UNAVAILABLE);
        }
        if (f == Severity.WARN && t != Severity.WARN) {
            cancel.add(Event.DEGRADED);
        }
        if (t == Severity.MAINTENANCE) {
            // quiet: nothing held is sent while a target is deliberately out of service
            cancel.addAll(EnumSet.of(Event.DOWN, Event.DEGRADED, Event.UNAVAILABLE));
        }
        if (t == Severity.OK) {
            close.add(Event.DOWN);
            close.add(Event.DEGRADED);
        }
        if (composite && to.up()) {
            close.add(Event.UNAVAILABLE);
        }
        cancel.addAll(close);
        if (problems.isEmpty() && cancel.isEmpty()) {
            return Change.NONE;
        }
        return new Change(List.copyOf(problems), Set.copyOf(cancel), Set.copyOf(close));
    }

    /** The recovery notice for closing a sent problem of kind {@code problem}. */
    static Event recoveryOf(Event problem) {
        return problem == Event.UNAVAILABLE ? Event.AVAILABLE : Event.RECOVERED;
    }

    /**
     * When an alert about something that happened {@code at} may be sent: after the damping
     * ({@code for}) and never before the start-up grace ends.
     */
    static Instant dueAt(Instant at, Duration damping, Instant graceEnd) {
        Instant due = at.plus(damping);
        return due.isBefore(graceEnd) ? graceEnd : due;
    }

    /**
     * Whether a pending problem can still be taken back by something that happened {@code at}: it was
     * never tried and was not due yet then. Once due it is sent, whatever comes after.
     */
    static boolean cancellable(String status, int attempts, Instant nextAt, Instant at) {
        return "pending".equals(status) && attempts == 0 && nextAt != null && nextAt.isAfter(at);
    }

    /**
     * A reminder's outcome.
     *
     * @param send whether to send a reminder now
     * @param next when to look again; empty = no more reminders for this problem
     */
    record Reminder(boolean send, Optional<Instant> next) {
    }

    /**
     * The reminder of an open problem that came due at {@code remindAt}.
     *
     * @param current the target's state now; empty when the target no longer exists
     */
    static Reminder remind(Instant remindAt, Optional<Duration> every, Instant now, Optional<State> current) {
        if (every.isEmpty() || current.isEmpty()) {
            return new Reminder(false, Optional.empty());
        }
        Duration e = every.get();
        State s = current.get();
        if (s.severity() == Severity.MAINTENANCE || s.severity() == Severity.UNKNOWN) {
            return new Reminder(false, Optional.of(now.plus(e))); // quiet while out of service; look again later
        }
        if (s.severity() == Severity.OK) {
            return new Reminder(false, Optional.empty()); // its recovery is on the way
        }
        Instant next = remindAt.plus(e);
        // after a long stop, one reminder now and the next a full period later, not a burst of catch-ups
        return new Reminder(true, Optional.of(next.isAfter(now) ? next : now.plus(e)));
    }

    /**
     * The targets a digest lists: those of the rule that are down (a bad state), by id. A digest is
     * sent when this is not empty: one target down is enough.
     */
    static List<dev.watchpost.live.TargetView> down(Rule rule, List<dev.watchpost.live.TargetView> all,
                                                    java.util.function.Function<String, java.util.Set<String>> tagsOf) {
        return all.stream().filter(v -> v.state().severity() == Severity.BAD && rule.matches(v.id(), v.groupId(), tagsOf.apply(v.id())))
                .sorted(java.util.Comparator.comparing(dev.watchpost.live.TargetView::id)).toList();
    }

    // ---------------------------------------------------------------- group alerts

    /**
     * A group's members, as a rule selects them, by severity at one moment: what a group alert decides
     * on. Members that never reported (or reported {@code unknown}) count in {@code total} only.
     */
    record Tally(int total, int ok, int warn, int bad, int maintenance, int unknown) {

        static Tally of(int[] countsByState) {
            int ok = 0;
            int warn = 0;
            int bad = 0;
            int maintenance = 0;
            int unknown = 0;
            for (State s : State.values()) {
                int n = countsByState[s.ordinal()];
                switch (s.severity()) {
                    case OK -> ok += n;
                    case WARN -> warn += n;
                    case BAD -> bad += n;
                    case MAINTENANCE -> maintenance += n;
                    case UNKNOWN -> unknown += n;
                }
            }
            return new Tally(ok + warn + bad + maintenance + unknown, ok, warn, bad, maintenance, unknown);
        }

        /** Members with the problem {@code e}: down (a bad state) or degraded (a warning state). */
        int count(Event e) {
            return switch (e) {
                case DOWN -> bad;
                case DEGRADED -> warn;
                case NEVER_REPORTED -> unknown;
                default -> throw new IllegalArgumentException("a group alerts on down, degraded or never reported: " + e);
            };
        }
    }

    /** The group problems a group alert can be about. */
    static final List<Event> GROUP_PROBLEMS = List.of(Event.DOWN, Event.DEGRADED);

    /** The state a group problem of kind {@code e} stands for (its rows' {@code to}). */
    static State stateOf(Event e) {
        return e == Event.DEGRADED ? State.DEGRADED : State.DOWN;
    }

    /** Whether enough of the group's members have the problem {@code e} for the group to alert. */
    static boolean over(Tally t, Event e, Rule.Threshold min) {
        int n = t.count(e);
        return n > 0 && n >= min.of(t.total());
    }

    /**
     * Whether a group whose problem was notified is back: fewer than the threshold of its members
     * are down or degraded, and it is not just out of sight (at least one member is OK, or none is in
     * maintenance). As a target's problem stays open until it is OK, a group's stays open while its
     * members are merely degraded, and quietly while they are in maintenance.
     */
    static boolean back(Tally t, Rule.Threshold min) {
        return t.bad() + t.warn() < min.of(t.total()) && (t.ok() > 0 || t.maintenance() == 0);
    }

    /** What a member's change does to one open group problem (one channel's row). */
    enum GroupStep {
        /** It stays open (still over the threshold, or not back yet). */
        KEEP,
        /** Held and no longer over the threshold before it was due: taken back, never sent. */
        CANCEL,
        /** Sent (or due) and the group is back: it ends, with a recovery notice. */
        CLOSE
    }

    /**
     * The fate of an open group problem of kind {@code e} after a member's change {@code at}, given
     * the group's members now ({@code t}).
     */
    static GroupStep groupStep(Tally t, Event e, Rule.Threshold min, String status, int attempts, Instant nextAt, Instant at) {
        if (over(t, e, min)) {
            return GroupStep.KEEP;
        }
        if (cancellable(status, attempts, nextAt, at)) {
            return GroupStep.CANCEL;
        }
        return back(t, min) ? GroupStep.CLOSE : GroupStep.KEEP;
    }

    /**
     * When a group problem that started {@code at} may be sent: after its settle window (so the
     * members of a burst are in one alert, counted when it is sent) or its damping, whichever is
     * longer, and never before the start-up grace ends.
     */
    static Instant groupDueAt(Instant at, Duration damping, Duration settle, Instant graceEnd) {
        return dueAt(at, damping.compareTo(settle) >= 0 ? damping : settle, graceEnd);
    }

    /**
     * Whether a notified group problem has grown enough to be told again: the members with it at
     * least doubled since the last message ({@code notified}), or now every member has it. Bounded:
     * at most about log2(members) follow-ups per outage, never one per member.
     */
    static boolean worse(int notified, int now, int total) {
        if (now <= notified) {
            return false;
        }
        return now >= 2L * notified || now >= total;
    }

    /**
     * A group problem's state for its reminders: its own while it is over the threshold; maintenance
     * (quiet, look again later) while it is not back; OK (no more reminders: its recovery is on the
     * way) once it is back.
     */
    static State groupState(Tally t, Event e, Rule.Threshold min) {
        if (over(t, e, min)) {
            return stateOf(e);
        }
        return back(t, min) ? State.ONLINE : State.MAINTENANCE;
    }

    /**
     * Whether a sharded group's shards that never reported are overdue: a lease after
     * {@code firstSeen} (when the group was declared, or this server started, whichever is later).
     */
    static boolean neverReportedDue(Instant firstSeen, dev.watchpost.live.LeasePolicy lease, Instant now) {
        return !now.isBefore(Instant.ofEpochMilli(lease.deadline(firstSeen.toEpochMilli(), dev.watchpost.live.Observation.Kind.ALIVE)));
    }

    // ---------------------------------------------------------------- batching

    /**
     * When a batching channel sends the alerts {@code due} now: a window after the first of them
     * became ready (due; for a group problem, due less the settle window it already waited, which
     * gathered its own burst). Before then it waits, so a burst of alerts is one message.
     *
     * @param settled how long an alert already waited to gather a burst (a group problem's settle), else zero
     */
    static Instant batchUntil(List<Alert> due, Duration window, java.util.function.Function<Alert, Duration> settled) {
        Instant first = null;
        for (Alert a : due) {
            Instant ready = a.nextAt().orElse(a.createdAt()).minus(settled.apply(a));
            if (first == null || ready.isBefore(first)) {
                first = ready;
            }
        }
        return first == null ? Instant.MIN : first.plus(window);
    }
}
