package dev.watchpost.probe;

import dev.watchpost.live.State;

/** What one probe found, before any damping. */
public enum Outcome {
    /** Answered as expected. */
    UP(State.ONLINE),
    /** Answered, but slowly, partly or with a warning (a certificate about to expire). */
    DEGRADED(State.DEGRADED),
    /** Did not answer, or answered wrongly. */
    DOWN(State.DOWN);

    private final State state;

    Outcome(State state) {
        this.state = state;
    }

    /** The live state a confirmed outcome of this kind stands for. */
    public State state() {
        return state;
    }
}
