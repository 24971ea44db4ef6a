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
}
