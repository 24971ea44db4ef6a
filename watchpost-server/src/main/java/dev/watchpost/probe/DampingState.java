package dev.watchpost.probe;

import dev.watchpost.live.State;

import java.util.Objects;
import java.util.Optional;

/**
 * The damped state of one probed target: what has been decided and how far a change is confirmed.
 * Pure and immutable; the scheduler keeps one per target and replaces it with {@link #next} after
 * every probe.
 *
 * <p>Rules, applied by {@link #next}:
 * <ul>
 *   <li>From {@code UNKNOWN} the first result decides at once; there is nothing to damp against.</li>
 *   <li>Going down needs {@link Thresholds#failures()} consecutive DOWN results. Until then the
 *       target keeps its state and is {@linkplain #pending() pending}; any UP or DEGRADED result
 *       ends the streak, so a flapping target never goes down.</li>
 *   <li>Coming back from DOWN needs {@link Thresholds#successes()} consecutive answering results
 *       (UP or DEGRADED); the confirming result's state is taken (ONLINE or DEGRADED). A DOWN
 *       result ends the streak.</li>
 *   <li>Between ONLINE and DEGRADED there is no damping, in either direction: both mean the target
 *       answers, neither is an outage, and a slow answer is worth showing at once. Damping exists
 *       to keep retries from looking like outages, which this change never does.</li>
 * </ul>
 * Thresholds are passed to each call rather than stored, so a configuration change applies to the
 * next result; a streak already at or above a lowered threshold completes on that result.
 *
 * @param decided    the state shown for the target: UNKNOWN, ONLINE, DEGRADED or DOWN
 * @param failures   consecutive DOWN results not yet confirmed; 0 when decided is DOWN or UNKNOWN
 * @param successes  consecutive answering results since DOWN, not yet confirmed; 0 unless decided
 *                   is DOWN
 * @param lastReason the reason of the most recent result; empty before the first
 */
public record DampingState(State decided, int failures, int successes, Optional<String> lastReason) {

    /** Before any probe. */
    public static final DampingState INITIAL = new DampingState(State.UNKNOWN, 0, 0, Optional.empty());

    public DampingState {
        Objects.requireNonNull(decided, "decided");
        Objects.requireNonNull(lastReason, "lastReason");
        switch (decided) {
            case UNKNOWN, ONLINE, DEGRADED, DOWN -> {
            }
            default -> throw new IllegalArgumentException("decided must be unknown, online, degraded or down: " + decided.id());
        }
        if (failures < 0 || successes < 0) {
            throw new IllegalArgumentException("failures and successes must be >= 0: " + failures + ", " + successes);
        }
        if (failures > 0 && (decided == State.DOWN || decided == State.UNKNOWN)) {
            throw new IllegalArgumentException("failures must be 0 when decided is " + decided.id() + ": " + failures);
        }
        if (successes > 0 && decided != State.DOWN) {
            throw new IllegalArgumentException("successes must be 0 unless decided is down: " + successes);
        }
    }

    /** True while a change is being confirmed (a failure or recovery streak below its threshold). */
    public boolean pending() {
        return failures > 0 || successes > 0;
    }

    /**
     * The length of the streak being confirmed (at most one of failures and successes is non-zero),
     * 0 when not {@linkplain #pending() pending}. With the threshold this reads "2 of 3 failures".
     */
    public int streak() {
        return failures + successes;
    }

    /** The state after one more probe result. */
    public DampingState next(ProbeResult r, Thresholds t) {
        Objects.requireNonNull(r, "result");
        Objects.requireNonNull(t, "thresholds");
        Optional<String> reason = Optional.of(r.reason());
        State observed = r.outcome().state();
        if (decided == State.UNKNOWN) {
            return new DampingState(observed, 0, 0, reason);
        }
        if (decided == State.DOWN) {
            if (r.outcome() == Outcome.DOWN) {
                return new DampingState(State.DOWN, 0, 0, reason);
            }
            int s = successes + 1;
            return s >= t.successes()
                    ? new DampingState(observed, 0, 0, reason)
                    : new DampingState(State.DOWN, 0, s, reason);
        }
        // ONLINE or DEGRADED
        if (r.outcome() == Outcome.DOWN) {
            int f = failures + 1;
            return f >= t.failures()
                    ? new DampingState(State.DOWN, 0, 0, reason)
                    : new DampingState(decided, f, 0, reason);
        }
        return new DampingState(observed, 0, 0, reason);
    }

    /**
     * How many consecutive results confirm a change.
     *
     * @param failures  DOWN results before DOWN, 1..10 (default 3); 1 means no damping
     * @param successes answering results before leaving DOWN, 1..10 (default 2)
     */
    public record Thresholds(int failures, int successes) {

        public static final int MAX = 10;
        public static final Thresholds DEFAULT = new Thresholds(3, 2);

        public Thresholds {
            if (failures < 1 || failures > MAX) {
                throw new IllegalArgumentException("failure threshold must be 1.." + MAX + ": " + failures);
            }
            if (successes < 1 || successes > MAX) {
                throw new IllegalArgumentException("success threshold must be 1.." + MAX + ": " + successes);
            }
        }
    }
}
