package dev.watchpost.live;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * One report from a push target.
 *
 * @param kind      what the report says (see {@link Kind})
 * @param state     the state reported, for {@link Kind#REPORT}
 * @param message   a short text from the reporter, or null
 * @param latencyMs a latency the reporter measured, or NaN
 * @param metrics   numbers the reporter sent (shown and kept as last value), or null
 */
public record Observation(Kind kind, State state, String message, double latencyMs, ObjectNode metrics) {

    /** What an observation means for the state machine. */
    public enum Kind {
        /** "My state is X" (Glance status post, a heartbeat with a state). */
        REPORT,
        /** "I am alive": revives a target that was unknown, down or unhealthy. */
        ALIVE,
        /** Glance's health ping: refreshes the lease; only an Unhealthy shard becomes Online. */
        HEALTH,
        /** "I failed" (a cron job's /fail or non-zero exit code). */
        FAIL,
        /** "I started a run" (a cron job's /start): the run must finish within the grace; keeps the state. */
        START
    }

    public Observation {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.REPORT) {
            Objects.requireNonNull(state, "a report carries a state");
        }
    }

    public static Observation report(State state) {
        return new Observation(Kind.REPORT, state, null, Double.NaN, null);
    }

    public static Observation alive() {
        return new Observation(Kind.ALIVE, null, null, Double.NaN, null);
    }

    public static Observation health() {
        return new Observation(Kind.HEALTH, null, null, Double.NaN, null);
    }

    /** True when the observation counts as a successful sample for history. */
    public boolean ok() {
        return switch (kind) {
            case FAIL -> false;
            case REPORT -> state.up();
            default -> true;
        };
    }
}
