package dev.watchpost.history;

/**
 * One target's history not yet in the database. Every method is synchronized on the accumulator;
 * the lock is uncontended in practice (one target's results arrive one after another) and held for
 * a few field updates.
 *
 * <p>Size matters here: one lives for every active target. The common case — counters of the
 * current minute — is primitive fields: 64 bytes with compressed class pointers, about 104 per target
 * with its map entry (the sum of squared latencies, for percentiles, is 8 of them). Counters are 16-bit: a minute that would overflow one is sealed early and
 * continues in a fresh set (the flush adds both to the same bucket), so no count is ever lost.
 * Everything rare (finished minutes awaiting a flush, intervals, restart marks) hangs off
 * {@link #rare}, which is null for an up target between flushes.
 */
final class Accumulator {

    /** What an interval counts as. */
    static final byte NONE = 0;
    static final byte DOWN = 1;
    static final byte UNOBSERVED = 2;

    /** Largest value of a 16-bit counter; {@code samples} bounds all the others. */
    private static final int MAX_COUNT = Character.MAX_VALUE;

    /** Marks an accumulator a flush took out of the map; callers must look up again. */
    private static final Rare RETIRED = new Rare();

    private int minute;             // epoch minute the counters below belong to
    private char samples;
    private char failures;
    private char b0, b1, b2, b3, b4, b5, b6, b7;
    private double latencySum;
    private double latencySquares;
    private double latencyMax;
    private Rare rare;              // null, a Rare, or RETIRED

    /** The rare part: allocated on a minute roll-over, a transition or a restore. */
    private static final class Rare {
        Delta sealed;               // finished minutes, not yet flushed
        Span spans;                 // closed intervals, not yet flushed
        byte openKind = NONE;       // the interval the target is in now
        long openStart;             // counted up to here already (moves forward on each flush)
        boolean marked;             // a history_open row exists for this target
    }

    /** Counters of one minute (or a zero "the target was seen" marker), linked. */
    static final class Delta {
        final int minute;
        final int samples;
        final int failures;
        final double latencySum;
        final double latencySquares;
        final double latencyMax;
        final int[] bins;
        Delta next;

        Delta(int minute, int samples, int failures, double latencySum, double latencySquares, double latencyMax,
              int[] bins, Delta next) {
            this.minute = minute;
            this.samples = samples;
            this.failures = failures;
            this.latencySum = latencySum;
            this.latencySquares = latencySquares;
            this.latencyMax = latencyMax;
            this.bins = bins;
            this.next = next;
        }

        static Delta touch(int minute, Delta next) {
            return new Delta(minute, 0, 0, 0, 0, 0, new int[Bins.COUNT], next);
        }
    }

    /** A stretch of time {@code [from, to)} of one kind, linked. */
    record Span(byte kind, long from, long to, Span next) {
    }

    /** What a flush takes from an accumulator. */
    record Taken(Delta deltas, Span spans, boolean open, boolean unmark) {
    }

    /**
     * Counts one observation at epoch minute {@code minute}.
     *
     * @return false when this accumulator was retired; the caller looks up the current one and retries
     */
    synchronized boolean observe(int minute, boolean ok, double latencyMs) {
        if (rare == RETIRED) {
            return false;
        }
        if (minute != this.minute || samples == MAX_COUNT) {
            if (samples > 0) {
                Rare r = rare();
                r.sealed = current(r.sealed);
                reset();
            }
            this.minute = minute;
        }
        samples++;
        if (!ok) {
            failures++;
        }
        if (Bins.carries(latencyMs)) {
            latencySum += latencyMs;
            latencySquares += latencyMs * latencyMs;
            if (latencyMs > latencyMax) {
                latencyMax = latencyMs;
            }
            switch (Bins.of(latencyMs)) {
                case 0 -> b0++;
                case 1 -> b1++;
                case 2 -> b2++;
                case 3 -> b3++;
                case 4 -> b4++;
                case 5 -> b5++;
                case 6 -> b6++;
                default -> b7++;
            }
        }
        return true;
    }

    /**
     * The target entered an interval of {@code kind} (possibly {@link #NONE}) at {@code at}: closes
     * the current interval there and opens the new one. The minute of {@code at} is marked as seen so
     * the target is known from then on even without observations.
     */
    synchronized boolean transition(byte kind, long at) {
        if (rare == RETIRED) {
            return false;
        }
        Rare r = rare();
        long start = at;
        if (r.openKind != NONE) {
            if (at > r.openStart) {
                r.spans = new Span(r.openKind, r.openStart, at, r.spans);
            } else {
                // A flush already counted past `at` (it raced this call): never count time twice.
                start = r.openStart;
            }
        }
        r.openKind = kind;
        r.openStart = start;
        r.sealed = Delta.touch(minuteOf(at), r.sealed);
        return true;
    }

    /** At start-up: the target has been in an interval of {@code kind} since {@code since}, counted up to there. */
    synchronized boolean restore(byte kind, long since, boolean marked) {
        if (rare == RETIRED) {
            return false;
        }
        Rare r = rare();
        r.openKind = kind;
        r.openStart = since;
        r.marked |= marked;
        r.sealed = Delta.touch(minuteOf(since), r.sealed);
        return true;
    }

    /**
     * Takes everything pending, counting an open interval up to {@code now} and moving its start there.
     *
     * @return null when there was nothing at all: the target is idle and may be retired
     */
    synchronized Taken take(long now) {
        if (rare == RETIRED) {
            return null;
        }
        Delta deltas = samples > 0 ? current(null) : null;
        reset();
        Rare r = rare;
        if (r == null) {
            return deltas == null ? null : new Taken(deltas, null, false, false);
        }
        deltas = append(r.sealed, deltas);
        Span spans = r.spans;
        r.sealed = null;
        r.spans = null;
        boolean open = r.openKind != NONE;
        boolean unmark = false;
        if (open) {
            if (now > r.openStart) {
                spans = new Span(r.openKind, r.openStart, now, spans);
                r.openStart = now;
            }
            r.marked = true;
        } else {
            unmark = r.marked;
            r.marked = false;
            rare = null;
        }
        if (deltas == null && spans == null && !open && !unmark) {
            return null;
        }
        return new Taken(deltas, spans, open, unmark);
    }

    /** Gives back what {@link #take} returned when it could not be written; the next flush retries it. */
    synchronized boolean giveBack(Taken t) {
        if (rare == RETIRED) {
            return false;
        }
        Rare r = rare();
        r.sealed = append(t.deltas(), r.sealed);
        for (Span s = t.spans(); s != null; s = s.next()) {
            r.spans = new Span(s.kind(), s.from(), s.to(), r.spans);
        }
        r.marked |= t.unmark();
        return true;
    }

    /** Retires this accumulator when {@link #take} found nothing; false when something arrived meanwhile. */
    synchronized boolean retireIfIdle() {
        if (samples > 0 || rare != null) {      // also refuses when already retired
            return false;
        }
        rare = RETIRED;
        return true;
    }

    static int minuteOf(long epochMs) {
        return (int) Math.floorDiv(epochMs, 60_000L);
    }

    private Rare rare() {
        if (rare == null) {
            rare = new Rare();
        }
        return rare;
    }

    private Delta current(Delta next) {
        return new Delta(minute, samples, failures, latencySum, latencySquares, latencyMax,
                new int[] {b0, b1, b2, b3, b4, b5, b6, b7}, next);
    }

    private void reset() {
        samples = 0;
        failures = 0;
        b0 = b1 = b2 = b3 = b4 = b5 = b6 = b7 = 0;
        latencySum = 0;
        latencySquares = 0;
        latencyMax = 0;
    }

    private static Delta append(Delta list, Delta tail) {
        if (list == null) {
            return tail;
        }
        Delta last = list;
        while (last.next != null) {
            last = last.next;
        }
        last.next = tail;
        return list;
    }
}
