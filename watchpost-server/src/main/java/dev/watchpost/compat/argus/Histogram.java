package dev.watchpost.compat.argus;

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
record Histogram(List<Bucket> buckets) {

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

    /**
     * The {@code q}-quantile as Argus' push source reads it from a cumulative histogram: the upper
     * bound of the first bucket holding at least {@code q × observations} observations, without
     * interpolating. A rank in the {@code +Inf} bucket answers the highest finite bound, as PromQL's
     * {@code histogram_quantile} does (Argus answers 0 there, which would grade the slowest case best).
     *
     * @return empty when there are no observations, or no finite bucket to answer with
     */
    OptionalDouble bucketQuantile(double q) {
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
        return OptionalDouble.of(buckets.get(b == buckets.size() - 1 ? b - 1 : b).upperBound());
    }

    private static String le(Bucket b) {
        return b.upperBound() == Double.POSITIVE_INFINITY ? "+Inf" : Objects.toString(b.upperBound());
    }

    private static String count(Bucket b) {
        double c = b.count();
        return c == Math.rint(c) && Math.abs(c) < 1e15 ? Long.toString((long) c) : Double.toString(c);
    }
}
