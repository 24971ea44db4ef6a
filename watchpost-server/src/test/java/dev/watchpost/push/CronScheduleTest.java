package dev.watchpost.push;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class CronScheduleTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static Instant at(String isoOffsetDateTime) {
        return OffsetDateTime.parse(isoOffsetDateTime).toInstant();
    }

    /** The first {@code count} runs strictly after {@code from}, each fed back as the next ping. */
    private static List<Instant> runs(String expression, ZoneId zone, String from, int count) {
        CronSchedule schedule = CronSchedule.parse(expression, zone);
        List<Instant> result = new ArrayList<>();
        Instant t = at(from);
        for (int i = 0; i < count; i++) {
            t = schedule.next(t);
            result.add(t);
        }
        return result;
    }

    private static List<Instant> instants(String... isoOffsetDateTimes) {
        return Stream.of(isoOffsetDateTimes).map(CronScheduleTest::at).toList();
    }

    @Nested
    class Syntax {

        @Test
        void everyMinute() {
            assertThat(runs("* * * * *", UTC, "2026-01-01T10:58:30Z", 3))
                    .isEqualTo(instants("2026-01-01T10:59Z", "2026-01-01T11:00Z", "2026-01-01T11:01Z"));
        }

        @Test
        void singleValues() {
            assertThat(runs("30 2 * * *", UTC, "2026-01-01T00:00Z", 2))
                    .isEqualTo(instants("2026-01-01T02:30Z", "2026-01-02T02:30Z"));
        }

        @Test
        void ranges() {
            assertThat(runs("0 9-11 * * *", UTC, "2026-01-01T10:30Z", 4)).isEqualTo(instants(
                    "2026-01-01T11:00Z", "2026-01-02T09:00Z", "2026-01-02T10:00Z", "2026-01-02T11:00Z"));
        }

        @Test
        void everyFifteenMinutesCrossesHourAndDayBoundaries() {
            assertThat(runs("*/15 * * * *", UTC, "2026-12-31T23:40Z", 3))
                    .isEqualTo(instants("2026-12-31T23:45Z", "2027-01-01T00:00Z", "2027-01-01T00:15Z"));
        }

        @Test
        void rangeWithStep() {
            assertThat(runs("10-40/15 * * * *", UTC, "2026-01-01T10:00Z", 4)).isEqualTo(instants(
                    "2026-01-01T10:10Z", "2026-01-01T10:25Z", "2026-01-01T10:40Z", "2026-01-01T11:10Z"));
        }

        @Test
        void startWithStepRunsToTheFieldMaximum() {
            assertThat(runs("5/20 * * * *", UTC, "2026-01-01T10:00Z", 4)).isEqualTo(instants(
                    "2026-01-01T10:05Z", "2026-01-01T10:25Z", "2026-01-01T10:45Z", "2026-01-01T11:05Z"));
        }

        @Test
        void stepLargerThanTheFieldSelectsOnlyTheStart() {
            assertThat(runs("*/100 */24 * * *", UTC, "2026-01-01T10:00Z", 2))
                    .isEqualTo(instants("2026-01-02T00:00Z", "2026-01-03T00:00Z"));
        }

        @Test
        void listsMixAllForms() {
            assertThat(runs("0,50-52,*/30 8,20 * * *", UTC, "2026-01-01T08:00Z", 6)).isEqualTo(instants(
                    "2026-01-01T08:30Z", "2026-01-01T08:50Z", "2026-01-01T08:51Z", "2026-01-01T08:52Z",
                    "2026-01-01T20:00Z", "2026-01-01T20:30Z"));
        }

        @Test
        void monthNamesAnyCaseAlsoInRangesAndLists() {
            assertThat(runs("0 0 1 jan,Apr-JUN,dec *", UTC, "2026-01-01T00:00Z", 5)).isEqualTo(instants(
                    "2026-04-01T00:00Z", "2026-05-01T00:00Z", "2026-06-01T00:00Z", "2026-12-01T00:00Z",
                    "2027-01-01T00:00Z"));
        }

        @Test
        void dayNamesAnyCaseAlsoInRanges() {
            // 2026-01-01 is a Thursday.
            assertThat(runs("0 12 * * mon-FRI", UTC, "2026-01-01T12:00Z", 3))
                    .isEqualTo(instants("2026-01-02T12:00Z", "2026-01-05T12:00Z", "2026-01-06T12:00Z"));
            assertThat(runs("0 12 * * Sat,sun", UTC, "2026-01-01T12:00Z", 3))
                    .isEqualTo(instants("2026-01-03T12:00Z", "2026-01-04T12:00Z", "2026-01-10T12:00Z"));
        }

        @ParameterizedTest
        @CsvSource({"0", "7", "SUN", "sun"})
        void sundayIsZeroOrSeven(String sunday) {
            assertThat(runs("0 0 * * " + sunday, UTC, "2026-01-01T00:00Z", 2))
                    .isEqualTo(instants("2026-01-04T00:00Z", "2026-01-11T00:00Z"));
        }

        @Test
        void dayOfWeekRangeEndingInSevenIncludesSunday() {
            assertThat(runs("0 0 * * 5-7", UTC, "2026-01-01T00:00Z", 4)).isEqualTo(instants(
                    "2026-01-02T00:00Z", "2026-01-03T00:00Z", "2026-01-04T00:00Z", "2026-01-09T00:00Z"));
        }

        @ParameterizedTest
        @CsvSource({
                "@yearly,   0 0 1 1 *",
                "@annually, 0 0 1 1 *",
                "@monthly,  0 0 1 * *",
                "@weekly,   0 0 * * 0",
                "@daily,    0 0 * * *",
                "@midnight, 0 0 * * *",
                "@hourly,   0 * * * *",
                "@DAILY,    0 0 * * *",
        })
        void macrosRunLikeTheirExpansion(String macro, String expansion) {
            assertThat(runs(macro, BERLIN, "2026-03-28T12:34Z", 20))
                    .isEqualTo(runs(expansion, BERLIN, "2026-03-28T12:34Z", 20));
        }

        @Test
        void macroSpotChecks() {
            assertThat(runs("@yearly", UTC, "2026-01-01T00:00Z", 1)).isEqualTo(instants("2027-01-01T00:00Z"));
            assertThat(runs("@weekly", UTC, "2026-01-01T00:00Z", 1)).isEqualTo(instants("2026-01-04T00:00Z"));
            assertThat(runs("@hourly", UTC, "2026-01-01T00:00Z", 1)).isEqualTo(instants("2026-01-01T01:00Z"));
        }

        @Test
        void whitespaceIsFlexible() {
            CronSchedule s = CronSchedule.parse("  0\t9 \n * *   MON ", UTC);
            assertThat(s.expression()).isEqualTo("0 9 * * MON");
            assertThat(s.next(at("2026-01-01T00:00Z"))).isEqualTo(at("2026-01-05T09:00Z"));
        }
    }

    @Nested
    class DayRule {

        @Test
        void bothDayFieldsRestrictedMeansEither() {
            // Friday the 13th is not expressible in cron: this is "every 13th and every Friday".
            assertThat(runs("0 0 13 * FRI", UTC, "2026-01-01T00:00Z", 4)).isEqualTo(instants(
                    "2026-01-02T00:00Z", "2026-01-09T00:00Z", "2026-01-13T00:00Z", "2026-01-16T00:00Z"));
        }

        @Test
        void starredDayOfWeekMeansDayOfMonthOnly() {
            assertThat(runs("0 0 13 * *", UTC, "2026-01-01T00:00Z", 2))
                    .isEqualTo(instants("2026-01-13T00:00Z", "2026-02-13T00:00Z"));
        }

        @Test
        void starredDayOfMonthMeansDayOfWeekOnly() {
            assertThat(runs("0 0 * * FRI", UTC, "2026-01-01T00:00Z", 2))
                    .isEqualTo(instants("2026-01-02T00:00Z", "2026-01-09T00:00Z"));
        }

        @Test
        void aFieldStartingWithStarAndAStepStillMeansBoth() {
            // Odd days that are Mondays: Mondays in January 2026 are 5, 12, 19, 26; in February 2, 9, 16, 23.
            assertThat(runs("0 0 */2 * MON", UTC, "2026-01-01T00:00Z", 4)).isEqualTo(instants(
                    "2026-01-05T00:00Z", "2026-01-19T00:00Z", "2026-02-09T00:00Z", "2026-02-23T00:00Z"));
        }

        @Test
        void aDayThatNeverExistsStillRunsOnTheWeekdayWhenEitherMatches() {
            // 31 February never happens, but the Mondays of February do (2026-02-02 is a Monday).
            assertThat(runs("0 0 31 2 MON", UTC, "2026-01-01T00:00Z", 2))
                    .isEqualTo(instants("2026-02-02T00:00Z", "2026-02-09T00:00Z"));
        }
    }

    @Nested
    class Calendar {

        @Test
        void thirtyFirstSkipsShortMonths() {
            assertThat(runs("0 0 31 * *", UTC, "2026-01-31T00:00Z", 4)).isEqualTo(instants(
                    "2026-03-31T00:00Z", "2026-05-31T00:00Z", "2026-07-31T00:00Z", "2026-08-31T00:00Z"));
        }

        @Test
        void thirtiethSkipsFebruary() {
            assertThat(runs("0 0 30 * *", UTC, "2026-01-30T00:00Z", 2))
                    .isEqualTo(instants("2026-03-30T00:00Z", "2026-04-30T00:00Z"));
        }

        @Test
        void lastDayOfEachMonthAsAList() {
            // No "L" in standard cron; the 28th-31st of the right months spell out month ends for a year.
            assertThat(runs("0 0 31 1,3,5,7,8,10,12 *", UTC, "2026-01-01T00:00Z", 7)).isEqualTo(instants(
                    "2026-01-31T00:00Z", "2026-03-31T00:00Z", "2026-05-31T00:00Z", "2026-07-31T00:00Z",
                    "2026-08-31T00:00Z", "2026-10-31T00:00Z", "2026-12-31T00:00Z"));
        }

        @Test
        void februaryTwentyNinthOnlyInLeapYears() {
            assertThat(runs("0 0 29 2 *", UTC, "2026-01-01T00:00Z", 3)).isEqualTo(instants(
                    "2028-02-29T00:00Z", "2032-02-29T00:00Z", "2036-02-29T00:00Z"));
        }

        @Test
        void februaryTwentyNinthSkipsCenturyYearsThatAreNotLeap() {
            // 2100 is not a leap year: the longest gap, eight years.
            assertThat(runs("0 0 29 2 *", UTC, "2096-02-29T00:00Z", 1)).isEqualTo(instants("2104-02-29T00:00Z"));
            assertThat(runs("0 0 29 2 *", UTC, "2396-03-01T00:00Z", 1)).isEqualTo(instants("2400-02-29T00:00Z"));
        }

        @Test
        void endOfYearRollsIntoTheNext() {
            assertThat(runs("59 23 31 12 *", UTC, "2026-12-31T23:59Z", 1)).isEqualTo(instants("2027-12-31T23:59Z"));
        }

        @Test
        void evaluatesInTheGivenZone() {
            // 09:00 in New York is 14:00Z in winter and 13:00Z once daylight saving starts (2026-03-08).
            assertThat(runs("0 9 * * *", ZoneId.of("America/New_York"), "2026-03-06T15:00Z", 3)).isEqualTo(instants(
                    "2026-03-07T14:00Z", "2026-03-08T13:00Z", "2026-03-09T13:00Z"));
        }
    }

    @Nested
    class StrictlyAfter {

        @Test
        void aPingExactlyOnAScheduledInstantExpectsTheFollowingOne() {
            CronSchedule s = CronSchedule.parse("0 */6 * * *", UTC);
            assertThat(s.next(at("2026-01-01T06:00Z"))).isEqualTo(at("2026-01-01T12:00Z"));
        }

        @Test
        void aPingJustBeforeAScheduledInstantExpectsThatOne() {
            CronSchedule s = CronSchedule.parse("0 */6 * * *", UTC);
            assertThat(s.next(at("2026-01-01T05:59:59.999999999Z"))).isEqualTo(at("2026-01-01T06:00Z"));
        }

        @Test
        void aPingWithinAScheduledMinuteExpectsTheNextOne() {
            CronSchedule s = CronSchedule.parse("* * * * *", UTC);
            assertThat(s.next(at("2026-01-01T06:00:00.001Z"))).isEqualTo(at("2026-01-01T06:01Z"));
        }
    }

    /** Europe/Berlin: 2026-03-29 02:00 CET jumps to 03:00 CEST; 2026-10-25 03:00 CEST falls back to 02:00 CET. */
    @Nested
    class DaylightSaving {

        @Test
        void springForwardRunsASkippedFixedTimeWhenTheClocksJump() {
            assertThat(runs("30 2 * * *", BERLIN, "2026-03-28T02:30+01:00", 3)).isEqualTo(instants(
                    "2026-03-29T03:00+02:00", "2026-03-30T02:30+02:00", "2026-03-31T02:30+02:00"));
        }

        @Test
        void springForwardRunsSeveralSkippedTimesOnce() {
            assertThat(runs("0,30 2 * * *", BERLIN, "2026-03-29T00:00+01:00", 2))
                    .isEqualTo(instants("2026-03-29T03:00+02:00", "2026-03-30T02:00+02:00"));
        }

        @Test
        void springForwardDoesNotDuplicateAJobAlreadyDueWhenTheClocksJump() {
            assertThat(runs("0 2,3 * * *", BERLIN, "2026-03-29T00:00+01:00", 3)).isEqualTo(instants(
                    "2026-03-29T03:00+02:00", "2026-03-30T02:00+02:00", "2026-03-30T03:00+02:00"));
        }

        @Test
        void springForwardPingAtTheJumpExpectsTheNextDay() {
            CronSchedule s = CronSchedule.parse("30 2 * * *", BERLIN);
            assertThat(s.next(at("2026-03-29T03:00+02:00"))).isEqualTo(at("2026-03-30T02:30+02:00"));
        }

        @Test
        void springForwardSkipsTheGapForJobsThatFollowElapsedTime() {
            assertThat(runs("30 * * * *", BERLIN, "2026-03-29T01:00+01:00", 3)).isEqualTo(instants(
                    "2026-03-29T01:30+01:00", "2026-03-29T03:30+02:00", "2026-03-29T04:30+02:00"));
            assertThat(runs("*/20 * * * *", BERLIN, "2026-03-29T01:30+01:00", 3)).isEqualTo(instants(
                    "2026-03-29T01:40+01:00", "2026-03-29T03:00+02:00", "2026-03-29T03:20+02:00"));
        }

        @Test
        void fallBackRunsARepeatedFixedTimeOnceAtTheEarlierOffset() {
            assertThat(runs("30 2 * * *", BERLIN, "2026-10-24T02:30+02:00", 3)).isEqualTo(instants(
                    "2026-10-25T02:30+02:00", "2026-10-26T02:30+01:00", "2026-10-27T02:30+01:00"));
        }

        @Test
        void fallBackPingDuringTheSecondPassExpectsTheNextDay() {
            CronSchedule s = CronSchedule.parse("30 2 * * *", BERLIN);
            assertThat(s.next(at("2026-10-25T02:10+01:00"))).isEqualTo(at("2026-10-26T02:30+01:00"));
            assertThat(s.next(at("2026-10-25T02:30+01:00"))).isEqualTo(at("2026-10-26T02:30+01:00"));
        }

        @Test
        void fallBackRunsJobsThatFollowElapsedTimeInBothPasses() {
            assertThat(runs("*/30 * * * *", BERLIN, "2026-10-25T01:45+02:00", 5)).isEqualTo(instants(
                    "2026-10-25T02:00+02:00", "2026-10-25T02:30+02:00",
                    "2026-10-25T02:00+01:00", "2026-10-25T02:30+01:00", "2026-10-25T03:00+01:00"));
        }

        @Test
        void fixedOffsetZonesHaveNoSurprises() {
            assertThat(runs("30 2 * * *", ZoneOffset.ofHours(1), "2026-03-28T02:30+01:00", 1))
                    .isEqualTo(instants("2026-03-29T02:30+01:00"));
        }
    }

    /** Every minute of a span, checked against a plain per-minute predicate on the local time. */
    @Nested
    class AgainstBruteForce {

        static Stream<Arguments> schedules() {
            Predicate<ZonedDateTime> weekdayOffice = z -> z.getMinute() % 15 == 0
                    && z.getHour() >= 9 && z.getHour() <= 17
                    && z.getDayOfWeek().getValue() <= 5;
            Predicate<ZonedDateTime> eitherDay = z -> (z.getMinute() == 5 || z.getMinute() == 35)
                    && z.getHour() % 6 == 0
                    && (z.getDayOfMonth() <= 10 || z.getDayOfMonth() == 20 || z.getDayOfWeek() == DayOfWeek.SUNDAY);
            Predicate<ZonedDateTime> bothDays = z -> z.getMinute() == 0 && z.getHour() == 0
                    && z.getDayOfMonth() % 5 == 1 && z.getDayOfWeek() == DayOfWeek.SATURDAY;
            Predicate<ZonedDateTime> twentyPast = z -> z.getMinute() % 20 == 0;
            Predicate<ZonedDateTime> tenPast = z -> z.getMinute() == 10;
            return Stream.of(
                    Arguments.of("*/15 9-17 * * MON-FRI", UTC, "2026-01-01T00:00Z", 60, weekdayOffice),
                    Arguments.of("5,35 */6 1-10,20 * SUN", UTC, "2026-01-01T00:00Z", 90, eitherDay),
                    Arguments.of("0 0 */5 * SAT", UTC, "2026-01-01T00:00Z", 400, bothDays),
                    Arguments.of("*/20 * * * *", BERLIN, "2026-03-27T00:00Z", 5, twentyPast),
                    Arguments.of("*/20 * * * *", BERLIN, "2026-10-23T00:00Z", 5, twentyPast),
                    Arguments.of("10 * * * *", BERLIN, "2026-03-27T00:00Z", 5, tenPast),
                    Arguments.of("10 * * * *", BERLIN, "2026-10-23T00:00Z", 5, tenPast));
        }

        @ParameterizedTest(name = "{0} in {1}")
        @MethodSource("schedules")
        void nextIsTheFirstMatchingMinute(String expression, ZoneId zone, String from, int days,
                                          Predicate<ZonedDateTime> matches) {
            CronSchedule schedule = CronSchedule.parse(expression, zone);
            Instant start = at(from);
            Instant end = start.plusSeconds(days * 86_400L);
            List<Instant> expected = new ArrayList<>();
            for (Instant t = start; t.isBefore(end.plusSeconds(86_400L * 40)); t = t.plusSeconds(60)) {
                if (matches.test(t.atZone(zone))) {
                    expected.add(t);
                }
            }
            int i = 0;
            for (Instant t = start; t.isBefore(end); t = t.plusSeconds(30)) {
                while (!expected.get(i).isAfter(t)) {
                    i++;
                }
                assertThat(schedule.next(t)).as("next after %s", t).isEqualTo(expected.get(i));
            }
        }
    }

    @Test
    void tenThousandSparseRunsFollowEachOther() {
        CronSchedule s = CronSchedule.parse("0 12 29 2 *", UTC);
        Instant t = at("2026-01-01T00:00Z");
        int year = 2026;
        for (int i = 0; i < 10_000; i++) {
            do {
                year++;
            } while (!Year.isLeap(year));
            t = s.next(t);
            assertThat(t).isEqualTo(ZonedDateTime.of(year, 2, 29, 12, 0, 0, 0, UTC).toInstant());
        }
        assertThat(year).isEqualTo(43_260);
    }

    static Stream<Arguments> rejected() {
        String five = "; expected 5 (minute hour day-of-month month day-of-week) or a macro such as @daily";
        return Stream.of(
                Arguments.of("", "cron expression is empty; expected 5 fields"
                        + " (minute hour day-of-month month day-of-week) or a macro such as @daily"),
                Arguments.of("  \t ", "cron expression is empty; expected 5 fields"
                        + " (minute hour day-of-month month day-of-week) or a macro such as @daily"),
                Arguments.of("* * *", "cron expression \"* * *\" has 3 fields" + five),
                Arguments.of("daily", "cron expression \"daily\" has 1 field" + five),
                Arguments.of("0 0 0 * * *", "cron expression \"0 0 0 * * *\" has 6 fields" + five),
                Arguments.of("@daily *", "cron expression \"@daily *\" has 2 fields" + five),
                Arguments.of("@reboot", "cron macro \"@reboot\" is not supported; expected @yearly, @annually,"
                        + " @monthly, @weekly, @daily, @midnight or @hourly"),
                Arguments.of("60 * * * *", "cron field 'minute' value 60 is out of range 0-59 in \"60 * * * *\""),
                Arguments.of("0 25 * * *", "cron field 'hour' value 25 is out of range 0-23 in \"0 25 * * *\""),
                Arguments.of("0 0 0 * *", "cron field 'day-of-month' value 0 is out of range 1-31 in \"0 0 0 * *\""),
                Arguments.of("0 0 32 * *", "cron field 'day-of-month' value 32 is out of range 1-31 in \"0 0 32 * *\""),
                Arguments.of("0 0 * 13 *", "cron field 'month' value 13 is out of range 1-12 in \"0 0 * 13 *\""),
                Arguments.of("0 0 * 0 *", "cron field 'month' value 0 is out of range 1-12 in \"0 0 * 0 *\""),
                Arguments.of("0 0 * * 8", "cron field 'day-of-week' value 8 is out of range 0-7 in \"0 0 * * 8\""),
                Arguments.of("0 1-24 * * *", "cron field 'hour' value 24 is out of range 0-23 in \"0 1-24 * * *\""),
                Arguments.of("99999999999 * * * *",
                        "cron field 'minute' value 99999999999 is out of range 0-59 in \"99999999999 * * * *\""),
                Arguments.of("*/0 * * * *",
                        "cron field 'minute' step 0 is not allowed; a step must be at least 1 in \"*/0 * * * *\""),
                Arguments.of("0 1-5/0 * * *",
                        "cron field 'hour' step 0 is not allowed; a step must be at least 1 in \"0 1-5/0 * * *\""),
                Arguments.of("*/ * * * *", "cron field 'minute' item \"*/\" has no step after '/' in \"*/ * * * *\""),
                Arguments.of("/5 * * * *", "cron field 'minute' item \"/5\" has nothing before '/' in \"/5 * * * *\""),
                Arguments.of("*/x * * * *", "cron field 'minute' step \"x\" is not a number in \"*/x * * * *\""),
                Arguments.of("0 5-2 * * *",
                        "cron field 'hour' range 5-2 is reversed; the start must not be after the end in \"0 5-2 * * *\""),
                Arguments.of("0 0 * * FRI-MON", "cron field 'day-of-week' range FRI-MON is reversed;"
                        + " the start must not be after the end in \"0 0 * * FRI-MON\""),
                Arguments.of("5- * * * *", "cron field 'minute' range \"5-\" is missing a value in \"5- * * * *\""),
                Arguments.of("-5 * * * *", "cron field 'minute' range \"-5\" is missing a value in \"-5 * * * *\""),
                Arguments.of("1,,2 * * * *", "cron field 'minute' has an empty list item in \"1,,2 * * * *\""),
                Arguments.of("1, * * * *", "cron field 'minute' has an empty list item in \"1, * * * *\""),
                Arguments.of("abc * * * *", "cron field 'minute' value \"abc\" is not a number in \"abc * * * *\""),
                Arguments.of("0 JAN * * *", "cron field 'hour' value \"JAN\" is not a number in \"0 JAN * * *\""),
                Arguments.of("? * * * *", "cron field 'minute' value \"?\" is not a number in \"? * * * *\""),
                Arguments.of("+5 * * * *", "cron field 'minute' value \"+5\" is not a number in \"+5 * * * *\""),
                Arguments.of("0 0 L * *", "cron field 'day-of-month' value \"L\" is not a number in \"0 0 L * *\""),
                Arguments.of("0 0 * JANUARY *", "cron field 'month' value \"JANUARY\" is not a number"
                        + " or a month name (JAN-DEC) in \"0 0 * JANUARY *\""),
                Arguments.of("0 0 * * MON#1", "cron field 'day-of-week' value \"MON#1\" is not a number"
                        + " or a day name (SUN-SAT) in \"0 0 * * MON#1\""),
                Arguments.of("0 0 * * 1-5-6", "cron field 'day-of-week' value \"5-6\" is not a number"
                        + " or a day name (SUN-SAT) in \"0 0 * * 1-5-6\""),
                Arguments.of("0 0 31 2 *",
                        "cron expression \"0 0 31 2 *\" can never run: day-of-month '31' does not exist in month '2'"),
                Arguments.of("0 0 30 FEB *",
                        "cron expression \"0 0 30 FEB *\" can never run: day-of-month '30' does not exist in month 'FEB'"),
                Arguments.of("0 0 31 4,6,9,11 *", "cron expression \"0 0 31 4,6,9,11 *\" can never run:"
                        + " day-of-month '31' does not exist in month '4,6,9,11'"),
                Arguments.of("0 0 30/5 2 *",
                        "cron expression \"0 0 30/5 2 *\" can never run: day-of-month '30/5' does not exist in month '2'"),
                Arguments.of("0\u0000 * * * *",
                        "cron field 'minute' value \"0\\u0000\" is not a number in \"0\\u0000 * * * *\""));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("rejected")
    void rejectsWithAOneLineMessageSayingWhatIsWrong(String expression, String message) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CronSchedule.parse(expression, UTC))
                .withMessage(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void nullsAreRejected() {
        assertThatNullPointerException().isThrownBy(() -> CronSchedule.parse(null, UTC));
        assertThatNullPointerException().isThrownBy(() -> CronSchedule.parse("* * * * *", null));
        assertThatNullPointerException().isThrownBy(() -> CronSchedule.parse("* * * * *", UTC).next(null));
    }

    @Test
    void valueSemantics() {
        CronSchedule a = CronSchedule.parse("0 9 * * MON", BERLIN);
        assertThat(a.expression()).isEqualTo("0 9 * * MON");
        assertThat(a.zone()).isEqualTo(BERLIN);
        assertThat(a).isEqualTo(CronSchedule.parse(" 0  9 * * MON ", BERLIN))
                .hasSameHashCodeAs(CronSchedule.parse(" 0  9 * * MON ", BERLIN))
                .isNotEqualTo(CronSchedule.parse("0 9 * * MON", UTC))
                .isNotEqualTo(CronSchedule.parse("0 9 * * 1", BERLIN));
        assertThat(a).hasToString("CronSchedule[\"0 9 * * MON\" in Europe/Berlin]");
        assertThat(CronSchedule.parse("@daily", UTC).expression()).isEqualTo("@daily");
    }
}
