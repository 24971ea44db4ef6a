package dev.watchpost.compat.argus;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class HistogramTest {

    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void interpolatesInsideTheBucketHoldingTheRank() {
        Histogram h = histogram(0.1, 20, 0.25, 50, 0.5, 80, 1.0, 100, 2.5, 120, INF, 120);

        // rank = 0.95 × 120 = 114; first bucket with count >= 114 is le=2.5 (120).
        // It spans (1.0, 2.5] and holds 120 - 100 = 20; the rank lies 114 - 100 = 14 into it.
        // 1.0 + (2.5 - 1.0) × 14/20 = 1.0 + 1.05 = 2.05
        assertThat(h.quantile(0.95).getAsDouble()).isCloseTo(2.05, within(1e-12));
    }

    @Test
    void takesZeroAsTheLowerBoundOfTheFirstBucket() {
        Histogram h = histogram(0.1, 100, 1.0, 100, INF, 100);

        // rank 95 lies in (0, 0.1], which holds 100: 0 + 0.1 × 95/100 = 0.095
        assertThat(h.quantile(0.95).getAsDouble()).isCloseTo(0.095, within(1e-12));
    }

    @Test
    void answersTheHighestFiniteBoundWhenTheRankFallsInInf() {
        Histogram h = histogram(0.1, 1, 0.5, 2, INF, 100);

        // rank 95 > 2, so it is among the 98 slower than 0.5 s; nothing more precise is known.
        assertThat(h.quantile(0.95).getAsDouble()).isEqualTo(0.5);
    }

    @Test
    void hasNoQuantileWithoutObservationsOrWithoutAFiniteBucket() {
        assertThat(histogram(0.5, 0, INF, 0).quantile(0.95)).isEmpty();
        assertThat(histogram(INF, 10).quantile(0.95)).isEmpty();
        assertThat(Histogram.EMPTY.quantile(0.95)).isEmpty();
    }

    @Test
    void subtractsAnEarlierSnapshotBucketByBucket() {
        Histogram before = histogram(0.5, 10, 1.0, 15, INF, 16);
        Histogram now = histogram(0.5, 14, 1.0, 25, INF, 30);

        assertThat(now.since(before)).isEqualTo(histogram(0.5, 4, 1.0, 10, INF, 14));
    }

    @Test
    void treatsAnyBucketGoingDownAsARestart() {
        Histogram before = histogram(0.5, 10, 1.0, 15, INF, 16);
        Histogram now = histogram(0.5, 3, 1.0, 20, INF, 21);

        assertThat(now.since(before)).isEqualTo(now);
    }

    @Test
    void treatsARangeLosingObservationsAsARestartEvenWhenEveryBucketGrew() {
        // Before: 5 fast, 5 slow. Now: 8 fast, 3 slow. Every cumulative count grew, but "slow"
        // shrank, which no running process can do: the delta 3, 1 would not even be cumulative.
        Histogram before = histogram(1.0, 5, INF, 10);
        Histogram now = histogram(1.0, 8, INF, 11);

        assertThat(now.since(before)).isEqualTo(now);
    }

    @Test
    void treatsChangedBoundsAsARestart() {
        Histogram before = histogram(0.5, 10, INF, 10);
        Histogram now = histogram(0.25, 1, 0.5, 11, INF, 12);

        assertThat(now.since(before)).isEqualTo(now);
        assertThat(now.since(Histogram.EMPTY)).isEqualTo(now);
    }

    @Test
    void addsHistogramsWithTheSameBounds() {
        assertThat(histogram(1.0, 1, INF, 2).plus(histogram(1.0, 3, INF, 5))).isEqualTo(histogram(1.0, 4, INF, 7));
        assertThatThrownBy(() -> histogram(1.0, 1, INF, 2).plus(histogram(2.0, 1, INF, 2)))
                .isInstanceOf(IllegalArgumentException.class);
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
