package dev.watchpost.live;

import java.util.Optional;

/**
 * The pure rules that decide a target's next state. No clock, no I/O: the caller supplies the
 * current state and what happened, and applies the answer.
 */
final class StateMachine {

    private StateMachine() {
    }

    /** The state after {@code observation}, or empty when the state does not change. */
    public static Optional<State> next(State current, Observation observation) {
        State next = switch (observation.kind()) {
            case REPORT -> observation.state();
            // Glance's documented rule: a health ping revives only an Unhealthy shard.
            case HEALTH -> current == State.UNHEALTHY ? State.ONLINE : current;
            // A reporter's own "offline" stands until it reports a state again; only the states a
            // plain sign of life disproves (never heard, failed, gone quiet) become Online.
            case ALIVE -> current == State.UNKNOWN || current == State.DOWN || current == State.UNHEALTHY
                    ? State.ONLINE : current;
            case FAIL -> State.DOWN;
            case START -> current == State.UNKNOWN ? State.ONLINE : current;
        };
        return next == current ? Optional.empty() : Optional.of(next);
    }

    /**
     * The state when the lease of a target that has reported ran out, or empty when nothing changes:
     * one in maintenance stays there, and Unhealthy is already the answer. A target that reported
     * Unknown (Glance's state 0) expires too, as Glance's shards do; one that never reported has no
     * lease running and never gets here.
     */
    public static Optional<State> expired(State current) {
        return switch (current) {
            case UNHEALTHY, MAINTENANCE -> Optional.empty();
            default -> Optional.of(State.UNHEALTHY);
        };
    }
}
