package dev.watchpost.live;

/**
 * When a push target becomes overdue after it was seen. Shared by every target with the same
 * settings (all shards of a group share one), so it costs nothing per target.
 */
public interface LeasePolicy {

    /**
     * Epoch ms after which a target seen at {@code seenMs} with an observation of {@code kind} is
     * overdue. For {@link Observation.Kind#START} it is when the started run must have finished
     * (the live state never lets a start postpone a nearer deadline).
     */
    long deadline(long seenMs, Observation.Kind kind);

    /** The deadline when Watchpost starts again and last saw the target at {@code lastSeenMs}. */
    default long deadlineAfterRestart(long lastSeenMs, long startedMs) {
        return Math.max(deadline(lastSeenMs, Observation.Kind.ALIVE), deadline(startedMs, Observation.Kind.ALIVE));
    }

    /** Human text for reasons and the API ("30s", "cron 0 3 * * * + 1h"). */
    String describe();
}
