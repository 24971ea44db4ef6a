package dev.watchpost.probe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The last results of one probed target, one per check, in memory: what a target's page draws
 * check by check for the last hours (older ones are in history's buckets, counted, not kept).
 *
 * <p>A ring of {@link #CAPACITY} results, 12 bytes each (4.3 KB per probed target once full,
 * allocated on the first result): six hours of a probe every minute, three of one every 30 s. Not
 * kept across restarts. Thread-safe (a replaced plan's entry hands its ring to the next). Readers get {@link Result}s
 * through {@link ProbeScheduler#recent}.
 */
public final class RecentChecks {

    static final int CAPACITY = 360;

    /** One check as it ended. */
    public record Result(Instant at, Outcome outcome, double latencyMs) {
        public Result {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    RecentChecks() {
    }

    private long[] at;
    private float[] latency;
    private byte[] outcome;
    private int next;
    private int size;

    synchronized void add(Instant when, ProbeResult r) {
        if (at == null) {
            at = new long[CAPACITY];
            latency = new float[CAPACITY];
            outcome = new byte[CAPACITY];
        }
        at[next] = when.toEpochMilli();
        latency[next] = (float) r.latencyMs(); // NaN stays NaN: a check that got no answer
        outcome[next] = (byte) r.outcome().ordinal();
        next = (next + 1) % CAPACITY;
        size = Math.min(CAPACITY, size + 1);
    }

    /** Oldest first. */
    synchronized List<Result> list() {
        List<Result> out = new ArrayList<>(size);
        Outcome[] outcomes = Outcome.values();
        for (int i = 0; i < size; i++) {
            int j = Math.floorMod(next - size + i, CAPACITY);
            out.add(new Result(Instant.ofEpochMilli(at[j]), outcomes[outcome[j]], latency[j]));
        }
        return out;
    }
}
