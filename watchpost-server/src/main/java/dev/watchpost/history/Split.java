package dev.watchpost.history;

/** Splits time intervals over the periods of a resolution. Pure. */
final class Split {

    /** Receives one piece of an interval: the period it falls in and how much of it. */
    @FunctionalInterface
    interface Sink {
        void accept(long periodStart, long millis);
    }

    private Split() {
    }

    /**
     * Calls {@code sink} once for every period of {@code r} that {@code [from, to)} overlaps, in order,
     * with the overlap in milliseconds (never zero). Nothing for an empty or reversed interval.
     */
    static void split(long from, long to, Resolution r, Sink sink) {
        long p = r.millis();
        for (long start = r.floor(from); start < to; start += p) {
            long a = Math.max(from, start);
            long b = Math.min(to, start + p);
            if (b > a) {
                sink.accept(start, b - a);
            }
        }
    }
}
