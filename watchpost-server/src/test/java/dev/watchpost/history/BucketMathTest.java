package dev.watchpost.history;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Bucket boundaries, histogram bins and interval splitting: the pure arithmetic under history. */
class BucketMathTest {

    private static long ms(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void periodsAreAlignedToUtc() {
        long t = ms("2025-03-04T10:17:42.123Z");
        assertThat(Resolution.MINUTE.floor(t)).isEqualTo(ms("2025-03-04T10:17:00Z"));
        assertThat(Resolution.HOUR.floor(t)).isEqualTo(ms("2025-03-04T10:00:00Z"));
        assertThat(Resolution.DAY.floor(t)).isEqualTo(ms("2025-03-04T00:00:00Z"));
        assertThat(Resolution.HOUR.floor(ms("2025-03-04T10:00:00Z"))).isEqualTo(ms("2025-03-04T10:00:00Z"));
        assertThat(Resolution.HOUR.floor(ms("2025-03-04T09:59:59.999Z"))).isEqualTo(ms("2025-03-04T09:00:00Z"));
        assertThat(Resolution.DAY.floor(-1)).as("before the epoch rounds down, not toward zero").isEqualTo(-86_400_000L);
        assertThat(Resolution.ofSeconds(3600)).isEqualTo(Resolution.HOUR);
    }

    @Test
    void aLatencyFallsInTheFirstBinWhoseUpperBoundHoldsIt() {
        assertThat(Bins.of(0)).isZero();
        assertThat(Bins.of(50)).isZero();
        assertThat(Bins.of(50.001)).isEqualTo(1);
        assertThat(Bins.of(100)).isEqualTo(1);
        assertThat(Bins.of(250)).isEqualTo(2);
        assertThat(Bins.of(499.9)).isEqualTo(3);
        assertThat(Bins.of(1000)).isEqualTo(4);
        assertThat(Bins.of(1000.5)).isEqualTo(5);
        assertThat(Bins.of(2500)).isEqualTo(5);
        assertThat(Bins.of(5000)).isEqualTo(6);
        assertThat(Bins.of(5000.01)).isEqualTo(7);
        assertThat(Bins.of(1e9)).isEqualTo(7);
        for (int i = 0; i < Bins.UPPER_BOUNDS_MS.size(); i++) {
            assertThat(Bins.of(Bins.UPPER_BOUNDS_MS.get(i))).isEqualTo(i);
        }
        assertThat(Bins.COLUMNS).hasSize(Bins.COUNT);
    }

    @Test
    void onlyFiniteNonNegativeLatenciesAreRecorded() {
        assertThat(Bins.carries(0)).isTrue();
        assertThat(Bins.carries(12.5)).isTrue();
        assertThat(Bins.carries(Double.NaN)).isFalse();
        assertThat(Bins.carries(-1)).isFalse();
        assertThat(Bins.carries(Double.POSITIVE_INFINITY)).isFalse();
    }

    @Test
    void anIntervalInsideOnePeriodIsOnePiece() {
        assertThat(split("2025-03-04T10:10:00Z", "2025-03-04T10:40:00Z", Resolution.HOUR))
                .containsExactly(piece("2025-03-04T10:00:00Z", 30 * 60_000L));
    }

    @Test
    void anIntervalIsSplitExactlyAtEveryBoundaryItCrosses() {
        assertThat(split("2025-03-04T22:59:30Z", "2025-03-05T00:30:00Z", Resolution.HOUR)).containsExactly(
                piece("2025-03-04T22:00:00Z", 30_000),
                piece("2025-03-04T23:00:00Z", 3_600_000),
                piece("2025-03-05T00:00:00Z", 1_800_000));
        assertThat(split("2025-03-04T22:59:30Z", "2025-03-05T00:30:00Z", Resolution.DAY)).containsExactly(
                piece("2025-03-04T00:00:00Z", 3_630_000),
                piece("2025-03-05T00:00:00Z", 1_800_000));
        List<long[]> minutes = split("2025-03-04T22:59:30Z", "2025-03-05T00:30:00Z", Resolution.MINUTE);
        assertThat(minutes).hasSize(91);
        assertThat(minutes.stream().mapToLong(p -> p[1]).sum()).isEqualTo(5_430_000);
    }

    @Test
    void boundariesAreHalfOpen() {
        assertThat(split("2025-03-04T10:00:00Z", "2025-03-04T12:00:00Z", Resolution.HOUR)).containsExactly(
                piece("2025-03-04T10:00:00Z", 3_600_000),
                piece("2025-03-04T11:00:00Z", 3_600_000));
    }

    @Test
    void anEmptyOrReversedIntervalYieldsNothing() {
        assertThat(split("2025-03-04T10:00:00Z", "2025-03-04T10:00:00Z", Resolution.MINUTE)).isEmpty();
        assertThat(split("2025-03-04T11:00:00Z", "2025-03-04T10:00:00Z", Resolution.MINUTE)).isEmpty();
    }

    private static List<long[]> split(String from, String to, Resolution r) {
        List<long[]> out = new ArrayList<>();
        Split.split(ms(from), ms(to), r, (start, millis) -> out.add(new long[] {start, millis}));
        return out;
    }

    private static long[] piece(String start, long millis) {
        return new long[] {ms(start), millis};
    }
}
