package dev.watchpost.live;

/** In cluster mode: applies a report on the node that owns its target. */
public interface Forwarding {

    /**
     * Applies {@code o} on the owner of {@code targetId} and returns the owner's answer, waiting for
     * it: a report is acknowledged only once its owner has it.
     *
     * @throws RuntimeException when no owner took it in time (the caller answers 503 and the client retries)
     */
    LiveState.Outcome forward(String targetId, Observation o);
}
