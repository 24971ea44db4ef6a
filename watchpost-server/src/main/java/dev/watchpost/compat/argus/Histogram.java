package dev.watchpost.compat.argus;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A cumulative Prometheus histogram: for each upper bound {@code le}, how many observations were at
 * most that bound. Either empty (the family exists but nothing has been observed) or sorted by
 * strictly increasing bound, ending with {@code +Inf}, with counts that never decrease — the shape
 * the quantile maths relies on, so it is checked here once rather than patched up later.
 *
 * @param buckets immutable; the last one, when there are any, has {@link Double#POSITIVE_INFINITY}
 *                as its bound and holds the total number of observations
 */
public record Histogram(List<Bucket> buckets) {

    /** No observations. */
    static final Histogram EMPTY = new Histogram(List.of());

    /**
     * @param upperBound the {@code le} label; {@code +Inf} for the last bucket
     * @param count      observations at most {@code upperBound} (cumulative), a whole number in practice
     */
    public record Bucket(double upperBound, double count) {
        public Bucket {
            if (Double.isNaN(upperBound)) {
                throw new IllegalArgumentException("bucket bound must be a number, got NaN");
            }
            if (!Double.isFinite(count) || count < 0) {
                throw new IllegalArgumentException("bucket count must be a finite number >= 0, got " + count);
            }
        }
    }

    public Histogram {
        buckets = List.copyOf(buckets);
        for (int i = 1; i < buckets.size(); i++) {
            Bucket before = buckets.get(i - 1);
            Bucket b = buckets.get(i);
            if (b.upperBound() <= before.upperBound()) {
                throw new IllegalArgumentException("bucket bounds must increase, got le=" + le(before)
                        + " before le=" + le(b));
            }
            if (b.count() < before.count()) {
                throw new IllegalArgumentException("cumulative bucket counts must not decrease, got " + count(before)
                        + " at le=" + le(before) + " but " + count(b) + " at le=" + le(b));
            }
        }
        if (!buckets.isEmpty() && buckets.getLast().upperBound() != Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("histogram has no +Inf bucket (highest le=" + le(buckets.getLast()) + ")");
        }
    }

    /** Total observations; 0 when empty. */
    double observations() {
        return buckets.isEmpty() ? 0 : buckets.getLast().count();
    }

    boolean sameBounds(Histogram other) {
        if (buckets.size() != other.buckets.size()) {
            return false;
        }
        for (int i = 0; i < buckets.size(); i++) {
            if (buckets.get(i).upperBound() != other.buckets.get(i).upperBound()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The observations made since {@code previous}, bucket by bucket. When the histogram was reset in
     * between — the bounds changed, or any bucket range holds fewer observations than before, which
     * only a restart can cause — the answer is this histogram as it is (Prometheus' counter-reset
     * rule), so the result always has a valid shape.
     */
    Histogram since(Histogram previous) {
        if (!sameBounds(previous)) {
            return this;
        }
        List<Bucket> delta = new ArrayList<>(buckets.size());
        double before = 0;
        for (int i = 0; i < buckets.size(); i++) {
            double d = buckets.get(i).count() - previous.buckets.get(i).count();
            // A cumulative Δ that shrinks means some range lost observations: a reset, not a delta.
            if (d < before) {
                return this;
            }
            delta.add(new Bucket(buckets.get(i).upperBound(), d));
            before = d;
        }
        return new Histogram(delta);
    }

    /** Bucket-wise sum; both must have {@link #sameBounds the same bounds}. */
    Histogram plus(Histogram other) {
        if (!sameBounds(other)) {
            throw new IllegalArgumentException("cannot add histograms with different bounds");
        }
        List<Bucket> sum = new ArrayList<>(buckets.size());
        for (int i = 0; i < buckets.size(); i++) {
            sum.add(new Bucket(buckets.get(i).upperBound(), buckets.get(i).count() + other.buckets.get(i).count()));
        }
        return new Histogram(sum);
    }

    /**
     * The {@code q}-quantile as PromQL's {@code histogram_quantile} estimates it: find the bucket
     * holding the rank {@code q × observations} and interpolate linearly inside it, taking 0 as the
     * lower bound of the first bucket. A rank in the {@code +Inf} bucket answers the highest finite
     * bound, since nothing better is known.
     *
     * @return empty when there are no observations, or no finite bucket to answer with
     */
    OptionalDouble quantile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be within [0, 1], got " + q);
        }
        double observations = observations();
        if (buckets.size() < 2 || observations == 0) {
            return OptionalDouble.empty();
        }
        double rank = q * observations;
        int b = 0;
        while (buckets.get(b).count() < rank) {
            b++;
        }
        if (b == buckets.size() - 1) {
            return OptionalDouble.of(buckets.get(b - 1).upperBound());
        }
        if (b == 0 && buckets.get(0).upperBound() <= 0) {
            return OptionalDouble.of(buckets.get(0).upperBound());
        }
        double start = 0;
        double end = buckets.get(b).upperBound();
        double inBucket = buckets.get(b).count();
        if (b > 0) {
            start = buckets.get(b - 1).upperBound();
            inBucket -= buckets.get(b - 1).count();
            rank -= buckets.get(b - 1).count();
        }
        // inBucket > 0: the bucket before held fewer than rank (> 0) observations, this one at least rank.
        return OptionalDouble.of(start + (end - start) * (rank / inBucket));
    }

    private static String le(Bucket b) {
        return b.upperBound() == Double.POSITIVE_INFINITY ? "+Inf" : Objects.toString(b.upperBound());
    }

    private static String count(Bucket b) {
        double c = b.count();
        return c == Math.rint(c) && Math.abs(c) < 1e15 ? Long.toString((long) c) : Double.toString(c);
    }
}
