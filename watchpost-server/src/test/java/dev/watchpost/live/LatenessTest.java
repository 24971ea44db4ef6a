package dev.watchpost.live;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The expiry-lateness histogram: percentiles answer the upper edge of a 10 ms step, never more than
 * the largest lateness recorded; everything from 60 s on shares the last step.
 */
class LatenessTest {

    @Test
    void percentilesOfKnownInputsAreTheUpperEdgesOfTheirSteps() {
        Lateness l = new Lateness();
        for (int i = 0; i < 100; i++) {
            l.record(i * 10L); // 0, 10, ..., 990: one record in each of the first 100 steps
        }

        assertThat(l.count()).isEqualTo(100);
        assertThat(l.maxMs()).isEqualTo(990);
        assertThat(l.percentileMs(0.5)).isEqualTo(500); // the 50th record, 490, lies in [490, 500)
        assertThat(l.percentileMs(0.99)).isEqualTo(990); // the 99th record, 980, lies in [980, 990)
        assertThat(l.percentileMs(0.01)).isEqualTo(10);
    }

    @Test
    void aPercentileNeverExceedsTheMaximum() {
        Lateness l = new Lateness();
        for (int i = 0; i < 100; i++) {
            l.record(i * 10L);
        }
        // the 100th record, 990, lies in [990, 1000): the step's edge is capped at the maximum
        assertThat(l.percentileMs(1.0)).isEqualTo(990);

        Lateness one = new Lateness();
        one.record(3);
        for (double p : new double[] {0.01, 0.5, 0.99, 1.0}) {
            assertThat(one.percentileMs(p)).as("p%s", p).isEqualTo(3);
        }
    }

    @Test
    void aNegativeLatenessCountsAsZero() {
        Lateness l = new Lateness();
        l.record(-250);

        assertThat(l.count()).isEqualTo(1);
        assertThat(l.maxMs()).isZero();
        assertThat(l.counts()[0]).isEqualTo(1);
        assertThat(l.percentileMs(0.99)).isZero();
    }

    @Test
    void aMinuteOrMoreLandsInTheLastStepAndTheMaximumStaysExact() {
        Lateness l = new Lateness();
        l.record(59_999);
        l.record(60_000);
        l.record(3_600_000);

        long[] counts = l.counts();
        assertThat(counts).hasSize(6_001);
        assertThat(counts[5_999]).isEqualTo(1);
        assertThat(counts[6_000]).isEqualTo(2);
        assertThat(l.maxMs()).isEqualTo(3_600_000);
        assertThat(l.percentileMs(0.3)).isEqualTo(60_000);
        assertThat(l.percentileMs(0.99)).isEqualTo(60_010);
    }

    @Test
    void anEmptyHistogramAnswersZero() {
        Lateness l = new Lateness();

        assertThat(l.count()).isZero();
        assertThat(l.maxMs()).isZero();
        assertThat(l.percentileMs(0.5)).isZero();
        assertThat(l.percentileMs(0.99)).isZero();
        assertThat(Lateness.percentileMs(l.counts(), 0.99)).isZero();
    }

    @Test
    void theDifferenceOfTwoMomentsGivesThePercentilesOfWhatCameBetween() {
        Lateness l = new Lateness();
        for (int i = 0; i < 1_000; i++) {
            l.record(5);
        }
        long[] before = l.counts();
        for (int i = 0; i < 10; i++) {
            l.record(2_000 + i);
        }
        long[] after = l.counts();
        long[] between = new long[after.length];
        for (int i = 0; i < after.length; i++) {
            between[i] = after[i] - before[i];
        }

        assertThat(Lateness.percentileMs(between, 0.5)).isEqualTo(2_010);
        assertThat(Lateness.percentileMs(after, 0.5)).isEqualTo(10);
    }
}
