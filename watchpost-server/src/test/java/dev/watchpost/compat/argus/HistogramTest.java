package dev.watchpost.compat.argus;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HistogramTest {

    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void answersTheUpperBoundOfTheBucketHoldingTheRankAsArgusDoes() {
        Histogram h = histogram(0.1, 20, 0.25, 50, 0.5, 80, 1.0, 100, 2.5, 120, INF, 120);

        // rank = 0.95 × 120 = 114; the first bucket with a count >= 114 is le=2.5.
        assertThat(h.bucketQuantile(0.95).getAsDouble()).isEqualTo(2.5);
        // rank 95 of 100: exactly at le=1.0's 97 or below it.
        assertThat(histogram(0.1, 50, 0.5, 80, 1.0, 97, INF, 100).bucketQuantile(0.95).getAsDouble()).isEqualTo(1.0);
        assertThat(histogram(0.1, 95, 0.5, 96, INF, 100).bucketQuantile(0.95).getAsDouble()).isEqualTo(0.1);
    }

    @Test
    void answersTheHighestFiniteBoundWhenTheRankFallsInInf() {
        Histogram h = histogram(0.1, 1, 0.5, 2, INF, 100);

        // rank 95 > 2, so it is among the 98 slower than 0.5 s; nothing more precise is known.
        assertThat(h.bucketQuantile(0.95).getAsDouble()).isEqualTo(0.5);
    }

    @Test
    void hasNoQuantileWithoutObservationsOrWithoutAFiniteBucket() {
        assertThat(histogram(0.5, 0, INF, 0).bucketQuantile(0.95)).isEmpty();
        assertThat(histogram(INF, 10).bucketQuantile(0.95)).isEmpty();
        assertThat(Histogram.EMPTY.bucketQuantile(0.95)).isEmpty();
    }

    @Test
    void refusesAShapeTheQuantileMathsCannotUse() {
        assertThatThrownBy(() -> histogram(1.0, 1, 0.5, 2, INF, 3))
                .hasMessage("bucket bounds must increase, got le=1.0 before le=0.5");
        assertThatThrownBy(() -> histogram(0.5, 3, 1.0, 2, INF, 3))
                .hasMessage("cumulative bucket counts must not decrease, got 3 at le=0.5 but 2 at le=1.0");
        assertThatThrownBy(() -> histogram(0.5, 3, 1.0, 4))
                .hasMessage("histogram has no +Inf bucket (highest le=1.0)");
        assertThatThrownBy(() -> new Histogram.Bucket(0.5, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Pairs of (le, cumulative count). */
    static Histogram histogram(double... leAndCount) {
        List<Histogram.Bucket> buckets = new ArrayList<>();
        for (int i = 0; i < leAndCount.length; i += 2) {
            buckets.add(new Histogram.Bucket(leAndCount[i], leAndCount[i + 1]));
        }
        return new Histogram(buckets);
    }
}
