package dev.watchpost.history;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** Which buckets make up a local day, and when a target was first known. */
class DayPlanTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static long ms(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    private static long[] bounds(LocalDate first, int days, ZoneId zone) {
        long[] b = new long[days + 1];
        for (int i = 0; i <= days; i++) {
            b[i] = first.plusDays(i).atStartOfDay(zone).toInstant().toEpochMilli();
        }
        return b;
    }

    @Test
    void utcDaysAreReadFromTheirDayBucket() {
        long[] b = bounds(LocalDate.parse("2025-03-08"), 3, ZoneOffset.UTC);
        assertThat(DayPlan.sources(b, ms("2025-01-01T00:00:00Z")))
                .containsOnly(Resolution.DAY);
    }

    @Test
    void otherZonesUseHourBucketsWhileKeptAndDayBucketsBeyond() {
        long[] b = bounds(LocalDate.parse("2025-03-08"), 3, NEW_YORK);
        assertThat(DayPlan.sources(b, ms("2025-01-01T00:00:00Z")))
                .containsExactly(Resolution.HOUR, Resolution.HOUR, Resolution.HOUR);
        assertThat(DayPlan.sources(b, ms("2025-03-09T00:00:00Z")))
                .as("a day starting before the hour cutoff")
                .containsExactly(Resolution.DAY, Resolution.HOUR, Resolution.HOUR);
    }

    @Test
    void aDstDayIsTwentyThreeHoursAndItsHoursLandInIt() {
        long[] b = bounds(LocalDate.parse("2025-03-09"), 1, NEW_YORK);
        assertThat(b[1] - b[0]).isEqualTo(Duration.ofHours(23).toMillis());
        assertThat(DayPlan.dayOf(b, ms("2025-03-09T05:00:00Z"))).as("local midnight, EST").isZero();
        assertThat(DayPlan.dayOf(b, ms("2025-03-10T03:59:59.999Z"))).isZero();
        assertThat(DayPlan.dayOf(b, ms("2025-03-10T04:00:00Z"))).as("local midnight, EDT").isEqualTo(-1);
        assertThat(DayPlan.dayOf(b, ms("2025-03-09T04:59:59Z"))).isEqualTo(-1);
    }

    @Test
    void theReadRangeCoversEveryBucketWhoseMidpointFallsInASourcedDay() {
        long[] b = bounds(LocalDate.parse("2025-03-08"), 2, NEW_YORK);
        Resolution[] sources = {Resolution.DAY, Resolution.HOUR};
        assertThat(DayPlan.range(b, sources, Resolution.HOUR))
                .containsExactly(ms("2025-03-09T04:30:00Z"), ms("2025-03-10T04:00:00Z"));
        assertThat(DayPlan.range(b, sources, Resolution.DAY))
                .containsExactly(ms("2025-03-07T17:00:00Z"), ms("2025-03-09T05:00:00Z"));
        assertThat(DayPlan.range(b, new Resolution[] {Resolution.HOUR, Resolution.HOUR}, Resolution.DAY)).isNull();
    }

    @Test
    void firstKnownIsRefinedToTheFinestBucketThatCannotHaveBeenPruned() {
        History.Settings s = History.Settings.DEFAULTS;
        long now = ms("2025-06-15T12:00:00Z");
        assertThat(History.firstKnown(null, null, null, now, s)).isEmpty();
        // seen 3 h ago: every resolution still holds its first bucket
        assertThat(History.firstKnown(ms("2025-06-15T09:17:00Z"), ms("2025-06-15T09:00:00Z"),
                ms("2025-06-15T00:00:00Z"), now, s)).hasValue(ms("2025-06-15T09:17:00Z"));
        // seen 10 days ago: the earliest minute bucket left is from 48 h ago, not the first one
        assertThat(History.firstKnown(ms("2025-06-13T12:00:00Z"), ms("2025-06-05T07:00:00Z"),
                ms("2025-06-05T00:00:00Z"), now, s)).hasValue(ms("2025-06-05T07:00:00Z"));
        // seen 400 days ago: only the day bucket is certain
        assertThat(History.firstKnown(ms("2025-06-13T12:00:00Z"), ms("2025-03-17T13:00:00Z"),
                ms("2024-05-11T00:00:00Z"), now, s)).hasValue(ms("2024-05-11T00:00:00Z"));
    }
}
