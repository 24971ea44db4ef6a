package dev.watchpost.probe;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When probes run. Pure timing, no clock: callers pass the instant to plan from.
 *
 * <p>Each target runs on a fixed grid {@code epoch + offset + k * interval}, where the offset is a
 * jitter in {@code [0, interval)} hashed from the target id. The hash is fixed (FNV-1a over UTF-8,
 * then a 64-bit finaliser), so the spread survives restarts and is the same on every node. Runs are
 * computed from the grid, never from the previous run's start, so late starts do not accumulate;
 * a start later than a whole interval skips the missed slots rather than catching up in a burst.
 *
 * <p>Instants must lie between the years 1677 and 2262 (epoch nanoseconds fit a long).
 */
final class ProbeSchedule {

    private ProbeSchedule() {
    }

    /**
     * The first run of {@code targetId} strictly after {@code after}.
     *
     * @param interval positive time between runs
     * @throws ArithmeticException {@code after} is outside the supported range
     */
    public static Instant nextRun(String targetId, Duration interval, Instant after) {
        Objects.requireNonNull(after, "after");
        long p = nanos(interval);
        long offset = offsetNanos(targetId, p);
        long t = Math.addExact(Math.multiplyExact(after.getEpochSecond(), 1_000_000_000L), after.getNano());
        long phase = Math.floorMod(t - offset, p);
        return Instant.ofEpochSecond(0, Math.addExact(t - phase, p));
    }

    /**
     * The slot of the grid nearest to {@code at}: the round a check started at {@code at} belongs to.
     * Every location runs a target on the same grid, so one round's checks, started a little late
     * (drift) or dated a little early (another clock), all fall to the same slot while those
     * differences stay under half an interval.
     */
    public static Instant nearest(String targetId, Duration interval, Instant at) {
        Instant next = nextRun(targetId, interval, at);
        Instant previous = next.minus(interval); // at or before `at`
        return Duration.between(previous, at).compareTo(Duration.between(at, next)) <= 0 ? previous : next;
    }

    /** How late a run started: positive when late, negative when early. */
    public static Duration startDrift(Instant planned, Instant actual) {
        Objects.requireNonNull(planned, "planned");
        Objects.requireNonNull(actual, "actual");
        return Duration.between(planned, actual);
    }

    /** The target's stable jitter in {@code [0, interval)}. */
    static Duration offset(String targetId, Duration interval) {
        return Duration.ofNanos(offsetNanos(targetId, nanos(interval)));
    }

    private static long offsetNanos(String targetId, long intervalNanos) {
        Objects.requireNonNull(targetId, "targetId");
        return Long.remainderUnsigned(hash(targetId), intervalNanos);
    }

    private static long nanos(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        try {
            return interval.toNanos();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("interval too long: " + interval, e);
        }
    }

    /** FNV-1a 64 then the SplitMix64 finaliser: FNV alone spreads ids like "t1", "t2" poorly in the low bits. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
