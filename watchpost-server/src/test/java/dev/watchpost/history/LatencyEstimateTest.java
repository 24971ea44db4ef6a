package dev.watchpost.history;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Percentiles read back from what a bucket stores: histogram, sum and maximum. */
class LatencyEstimateTest {

    /** The bins, sum and max of {@code latencies}, as a bucket would hold them. */
    private static Bucket bucket(double... latencies) {
        long[] bins = new long[Bins.COUNT];
        double sum = 0;
        double squares = 0;
        double max = 0;
        for (double l : latencies) {
            bins[Bins.of(l)]++;
            sum += l;
            squares += l * l;
            max = Math.max(max, l);
        }
        return new Bucket(Resolution.HOUR, Instant.parse("2026-11-23T10:00:00Z"), latencies.length, 0, Duration.ZERO,
                Duration.ZERO, sum, squares, max, LongStream.of(bins).boxed().toList());
    }

    @Test
    void aTightClusterReadsNearItsMeanNotTheMiddleOfItsBin() {
        double[] values = new double[60];
        for (int i = 0; i < values.length; i++) {
            values[i] = 110 + (i % 26); // 110..135 ms, all in the 100-250 ms bin
        }
        Bucket b = bucket(values);
        double mean = Arrays.stream(values).average().orElseThrow();
        assertThat(LatencyEstimate.quantile(b, 0.5).getAsDouble()).isCloseTo(mean, within(3.0));
        assertThat(LatencyEstimate.quantile(b, 0.95).getAsDouble()).isBetween(128.0, 135.0);
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        assertThat(LatencyEstimate.quantile(b, 0.95).getAsDouble()).isCloseTo(sorted[56], within(4.0));
        assertThat(LatencyEstimate.quantile(b, 1.0).getAsDouble()).isEqualTo(135.0);
    }

    @Test
    void aConstantLatencyReadsItselfAtEveryPercentileThoughItsBinIsWide() {
        double[] values = new double[100];
        Arrays.fill(values, 120);
        values[99] = 2_400; // one timeout-like outlier in the hour
        Bucket b = bucket(values);
        assertThat(LatencyEstimate.quantile(b, 0.5).getAsDouble()).isCloseTo(120.0, within(0.5));
        assertThat(LatencyEstimate.quantile(b, 0.95).getAsDouble()).isCloseTo(120.0, within(0.5));
        assertThat(LatencyEstimate.quantile(b, 1.0).getAsDouble()).isEqualTo(2_400.0);
    }

    @Test
    void bucketsWithoutTheSumOfSquaresSpreadAcrossTheBin() {
        // written before the column existed: 0, so the spread is unknown and the bin's edges bound it
        Bucket old = new Bucket(Resolution.HOUR, Instant.parse("2026-11-23T10:00:00Z"), 10, 0, Duration.ZERO, Duration.ZERO,
                1_200, 0, 130, List.of(0L, 0L, 10L, 0L, 0L, 0L, 0L, 0L));
        assertThat(LatencyEstimate.quantile(old, 0.5).getAsDouble()).isBetween(100.0, 130.0);
        assertThat(LatencyEstimate.quantile(old, 0.95).getAsDouble()).isBetween(120.0, 130.0);
    }

    @Test
    void oneValueIsItself() {
        assertThat(LatencyEstimate.quantile(bucket(42), 0.5).getAsDouble()).isEqualTo(42.0);
        assertThat(LatencyEstimate.quantile(bucket(120, 120, 120), 0.95).getAsDouble()).isEqualTo(120.0);
        assertThat(LatencyEstimate.quantile(bucket(7_500), 0.5).getAsDouble()).as("the open last bin").isEqualTo(7_500.0);
    }

    @Test
    void theTailFindsItsBinAndNothingExceedsTheMaximum() {
        double[] values = new double[100];
        Arrays.fill(values, 0, 90, 40);
        Arrays.fill(values, 90, 100, 900);
        Bucket b = bucket(values);
        assertThat(LatencyEstimate.quantile(b, 0.5).getAsDouble()).isBetween(0.0, 50.0);
        assertThat(LatencyEstimate.quantile(b, 0.95).getAsDouble()).isBetween(500.0, 900.0);
        for (double q : new double[] {0.01, 0.5, 0.9, 0.95, 0.99}) {
            assertThat(LatencyEstimate.quantile(b, q).getAsDouble()).isLessThanOrEqualTo(900.0);
        }
        assertThat(LatencyEstimate.quantile(b, 0.5).getAsDouble())
                .isLessThanOrEqualTo(LatencyEstimate.quantile(b, 0.95).getAsDouble());
    }

    @Test
    void estimatesRiseWithTheQuantile() {
        Bucket b = bucket(12, 30, 60, 80, 95, 150, 200, 240, 300, 420, 480, 700, 1_800, 4_000);
        double previous = 0;
        for (double q = 0.05; q <= 1.0; q += 0.05) {
            double v = LatencyEstimate.quantile(b, Math.min(1.0, q)).getAsDouble();
            assertThat(v).as("q=%s", q).isGreaterThanOrEqualTo(previous - 1e-9);
            previous = v;
        }
    }

    @Test
    void noLatencyIsNoEstimateAndBadQuantilesAreRefused() {
        assertThat(LatencyEstimate.quantile(bucket(), 0.5)).isEmpty();
        assertThatThrownBy(() -> LatencyEstimate.quantile(bucket(1), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencyEstimate.quantile(bucket(1), 1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencyEstimate.quantile(new long[3], 1, 1, 1, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Bucket.LATENCY_UPPER_BOUNDS_MS).hasSize(Bins.COUNT - 1);
        assertThat(List.of(LatencyEstimate.bins(List.of(1L, 2L)).length)).containsExactly(2);
    }
}
