package dev.watchpost.history;

import dev.watchpost.live.TargetRef;
import dev.watchpost.live.TargetKind;
import dev.watchpost.live.State;
import dev.watchpost.live.Transition;
import dev.watchpost.store.Database;
import dev.watchpost.store.StoreException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

/**
 * What history must do on every database Watchpost supports, run unchanged against each: subclasses
 * only say how to get a fresh, empty database. Fixed instants, no sleeping.
 */
abstract class HistoryContract {

    private static final String ID = "web/api";
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    protected Database db;
    private History history;

    /** Settings for a fresh, empty database. */
    protected abstract Database.Settings freshDatabase();

    @BeforeEach
    void open() {
        db = Database.open(freshDatabase(), new SimpleMeterRegistry());
        history = new History(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    // ---- observations -------------------------------------------------------------------------

    @Test
    void observationsLandInTheirMinuteHourAndDayBuckets() {
        history.observe(ID, at("2025-03-04T10:00:05Z"), true, 40);
        history.observe(ID, at("2025-03-04T10:00:30Z"), false, Double.NaN);
        history.observe(ID, at("2025-03-04T10:00:59.999Z"), true, 120);
        history.observe(ID, at("2025-03-04T10:01:00Z"), true, 6000);
        history.observe(ID, at("2025-03-04T10:59:59Z"), true, 50);
        history.observe(ID, at("2025-03-04T11:00:00Z"), true, 100);
        history.observe("web/other", at("2025-03-04T10:00:10Z"), false, 9);
        history.flush(at("2025-03-04T11:00:30Z"));

        List<Bucket> minutes = history.buckets(ID, Resolution.MINUTE, at("2025-03-04T10:00:00Z"), at("2025-03-04T11:01:00Z"));
        assertThat(minutes).extracting(Bucket::start).containsExactly(at("2025-03-04T10:00:00Z"),
                at("2025-03-04T10:01:00Z"), at("2025-03-04T10:59:00Z"), at("2025-03-04T11:00:00Z"));
        Bucket first = minutes.get(0);
        assertThat(first.resolution()).isEqualTo(Resolution.MINUTE);
        assertThat(first.end()).isEqualTo(at("2025-03-04T10:01:00Z"));
        assertThat(first.samples()).isEqualTo(3);
        assertThat(first.failures()).isEqualTo(1);
        assertThat(first.latencySumMs()).isEqualTo(160);
        assertThat(first.latencyMaxMs()).isEqualTo(120);
        assertThat(first.latencyHistogram()).containsExactly(1L, 0L, 1L, 0L, 0L, 0L, 0L, 0L);
        assertThat(first.latencyAverageMs()).hasValue(80);
        assertThat(first.down()).isZero();
        assertThat(minutes.get(1).latencyHistogram()).containsExactly(0L, 0L, 0L, 0L, 0L, 0L, 0L, 1L);

        Bucket hour10 = single(Resolution.HOUR, "2025-03-04T10:00:00Z");
        assertThat(hour10.samples()).isEqualTo(5);
        assertThat(hour10.failures()).isEqualTo(1);
        assertThat(hour10.latencySumMs()).isEqualTo(6210);
        assertThat(hour10.latencyMaxMs()).isEqualTo(6000);
        assertThat(hour10.latencyHistogram()).containsExactly(2L, 0L, 1L, 0L, 0L, 0L, 0L, 1L);
        assertThat(single(Resolution.HOUR, "2025-03-04T11:00:00Z").latencyHistogram())
                .containsExactly(0L, 1L, 0L, 0L, 0L, 0L, 0L, 0L);

        Bucket day = single(Resolution.DAY, "2025-03-04T00:00:00Z");
        assertThat(day.samples()).isEqualTo(6);
        assertThat(day.failures()).isEqualTo(1);
        assertThat(day.latencySumMs()).isEqualTo(6310);
        assertThat(day.latencyMaxMs()).isEqualTo(6000);
        assertThat(day.latencyCount()).isEqualTo(5);
        assertThat(day.latencyHistogram()).containsExactly(2L, 1L, 1L, 0L, 0L, 0L, 0L, 1L);
        assertThat(single("web/other", Resolution.DAY, "2025-03-04T00:00:00Z").samples()).isEqualTo(1);
    }

    @Test
    void repeatedFlushesAddUpAndTheMaximumOnlyGrows() {
        history.observe(ID, at("2025-03-04T10:00:05Z"), true, 300);
        history.flush(at("2025-03-04T10:00:10Z"));
        history.observe(ID, at("2025-03-04T10:00:20Z"), false, 200);
        history.flush(at("2025-03-04T10:00:30Z"));
        Bucket afterTwo = single(Resolution.MINUTE, "2025-03-04T10:00:00Z");
        assertThat(afterTwo.samples()).isEqualTo(2);
        assertThat(afterTwo.latencyMaxMs()).as("a smaller maximum does not replace a larger one").isEqualTo(300);

        history.observe(ID, at("2025-03-04T10:00:40Z"), true, 900);
        history.flush(at("2025-03-04T10:00:50Z"));
        history.flush(at("2025-03-04T10:00:55Z"));
        // a restart: a new History on the same database keeps adding
        History restarted = new History(db);
        restarted.observe(ID, at("2025-03-04T10:00:58Z"), true, 10);
        restarted.flush(at("2025-03-04T10:01:00Z"));

        for (Resolution r : Resolution.values()) {
            Bucket b = single(r, r == Resolution.MINUTE ? "2025-03-04T10:00:00Z"
                    : r == Resolution.HOUR ? "2025-03-04T10:00:00Z" : "2025-03-04T00:00:00Z");
            assertThat(b.samples()).as(r.name()).isEqualTo(4);
            assertThat(b.failures()).isEqualTo(1);
            assertThat(b.latencySumMs()).isEqualTo(1410);
            assertThat(b.latencyMaxMs()).isEqualTo(900);
            assertThat(b.latencyHistogram()).containsExactly(1L, 0L, 1L, 1L, 1L, 0L, 0L, 0L);
        }
    }

    // ---- down time ----------------------------------------------------------------------------

    @Test
    void aDownIntervalIsSplitExactlyAcrossMinuteHourAndDayBoundaries() {
        history.transition(new Transition(new TargetRef(ID, TargetKind.PUSH, null, -1), State.ONLINE, State.DOWN, at("2025-03-04T22:59:30Z"), "probe failed"));
        history.transition(new Transition(new TargetRef(ID, TargetKind.PUSH, null, -1), State.DOWN, State.ONLINE, at("2025-03-05T00:30:00Z"), "probe ok"));
        history.flush(at("2025-03-05T00:31:00Z"));

        List<Bucket> minutes = history.buckets(ID, Resolution.MINUTE, at("2025-03-04T22:00:00Z"), at("2025-03-05T01:00:00Z"));
        assertThat(minutes.get(0).start()).isEqualTo(at("2025-03-04T22:59:00Z"));
        assertThat(minutes.get(0).down()).isEqualTo(Duration.ofSeconds(30));
        assertThat(minutes.stream().filter(b -> b.start().equals(at("2025-03-05T00:29:00Z"))).findFirst().orElseThrow()
                .down()).isEqualTo(Duration.ofMinutes(1));
        assertThat(minutes.stream().map(Bucket::down).reduce(Duration.ZERO, Duration::plus))
                .isEqualTo(Duration.ofSeconds(5430));
        assertThat(minutes.stream().filter(b -> !b.down().isZero())).hasSize(91);

        assertThat(history.buckets(ID, Resolution.HOUR, at("2025-03-04T00:00:00Z"), at("2025-03-06T00:00:00Z")))
                .extracting(Bucket::start, Bucket::down)
                .containsExactly(
                        tuple(at("2025-03-04T22:00:00Z"), Duration.ofSeconds(30)),
                        tuple(at("2025-03-04T23:00:00Z"), Duration.ofHours(1)),
                        tuple(at("2025-03-05T00:00:00Z"), Duration.ofMinutes(30)));
        assertThat(single(Resolution.DAY, "2025-03-04T00:00:00Z").down()).isEqualTo(Duration.ofSeconds(3630));
        assertThat(single(Resolution.DAY, "2025-03-05T00:00:00Z").down()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void anOpenIntervalIsCountedUpToEachFlushAndClosedWithoutDoubleCounting() {
        history.transition(new Transition(new TargetRef(ID, TargetKind.PUSH, null, -1), State.ONLINE, State.DOWN, at("2025-03-04T10:00:00Z"), "probe failed"));
        history.flush(at("2025-03-04T10:02:30Z"));
        assertThat(single(Resolution.HOUR, "2025-03-04T10:00:00Z").down()).isEqualTo(Duration.ofSeconds(150));
        assertThat(single(Resolution.MINUTE, "2025-03-04T10:02:00Z").down()).isEqualTo(Duration.ofSeconds(30));
        assertThat(count("history_open")).as("the open interval is marked for a restart").isEqualTo(1);

        history.flush(at("2025-03-04T10:05:00Z"));
        assertThat(single(Resolution.HOUR, "2025-03-04T10:00:00Z").down()).isEqualTo(Duration.ofMinutes(5));
        assertThat(single(Resolution.MINUTE, "2025-03-04T10:02:00Z").down()).isEqualTo(Duration.ofMinutes(1));

        history.transition(new Transition(new TargetRef(ID, TargetKind.PUSH, null, -1), State.DOWN, State.ONLINE, at("2025-03-04T10:06:10Z"), "probe ok"));
        history.flush(at("2025-03-04T10:07:00Z"));
        history.flush(at("2025-03-04T10:09:00Z"));
        assertThat(single(Resolution.HOUR, "2025-03-04T10:00:00Z").down()).isEqualTo(Duration.ofSeconds(370));
        assertThat(single(Resolution.DAY, "2025-03-04T00:00:00Z").down()).isEqualTo(Duration.ofSeconds(370));
        assertThat(count("history_open")).isZero();
    }

    @Test
    void aRestartResumesAnOpenIntervalWhereTheLastFlushLeftIt() {
        history.transition(new Transition(new TargetRef(ID, TargetKind.PUSH, null, -1), State.ONLINE, State.OFFLINE, at("2025-03-04T10:00:00Z"), "reported offline"));
        history.flush(at("2025-03-04T10:05:00Z"));   // shutdown flush

        History restarted = new History(db);
        restarted.restoreDown(ID, at("2025-03-04T10:00:00Z"));   // what the live state checkpoint says
        restarted.restoreDown("web/never-flushed", at("2025-03-04T10:04:00Z"));
        restarted.flush(at("2025-03-04T10:08:00Z"));
        assertThat(single(Resolution.HOUR, "2025-03-04T10:00:00Z").down()).isEqualTo(Duration.ofMinutes(8));
        assertThat(single("web/never-flushed", Resolution.HOUR, "2025-03-04T10:00:00Z").down())
                .isEqualTo(Duration.ofMinutes(4));

        restarted.transition(new Transition(new TargetRef(ID, TargetKind.PUSH, null, -1), State.OFFLINE, State.ONLINE, at("2025-03-04T10:10:00Z"), "back"));
        restarted.flush(at("2025-03-04T10:11:00Z"));
        assertThat(single(Resolution.DAY, "2025-03-04T00:00:00Z").down()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aFailedFlushKeepsWhatItHeldForTheNextOne() {
        history.observe(ID, at("2025-03-04T10:00:05Z"), false, 70);
        history.transition(new Transition(new TargetRef(ID, TargetKind.PUSH, null, -1), State.ONLINE, State.DOWN, at("2025-03-04T10:00:00Z"), "probe failed"));
        execute("ALTER TABLE history_bucket RENAME TO history_bucket_away");
        assertThatThrownBy(() -> history.flush(at("2025-03-04T10:01:00Z"))).isInstanceOf(StoreException.class);
        execute("ALTER TABLE history_bucket_away RENAME TO history_bucket");
        history.flush(at("2025-03-04T10:02:00Z"));

        Bucket hour = single(Resolution.HOUR, "2025-03-04T10:00:00Z");
        assertThat(hour.samples()).isEqualTo(1);
        assertThat(hour.failures()).isEqualTo(1);
        assertThat(hour.latencySumMs()).isEqualTo(70);
        assertThat(hour.down()).isEqualTo(Duration.ofMinutes(2));
    }

    // ---- uptime -------------------------------------------------------------------------------

    @Test
    void uptimeOverEachWindowComesFromTheMatchingBuckets() {
        Instant now = at("2025-06-15T12:00:00Z");
        history.observe(ID, now.minus(Duration.ofDays(400)), true, 10);            // first seen
        down(now.minus(Duration.ofDays(200)), Duration.ofHours(10));                // beyond hour retention
        down(now.minus(Duration.ofDays(20)), Duration.ofHours(2));
        down(now.minus(Duration.ofDays(2)), Duration.ofHours(1));
        down(now.minus(Duration.ofHours(1)), Duration.ofMinutes(30));
        history.flush(now);

        Uptime u = history.uptime(ID, now).orElseThrow();
        assertWindow(u.last24Hours(), now.minus(Duration.ofHours(24)), Duration.ofHours(24), Duration.ofMinutes(30));
        assertWindow(u.last7Days(), now.minus(Duration.ofDays(7)), Duration.ofDays(7), Duration.ofMinutes(90));
        assertWindow(u.last30Days(), now.minus(Duration.ofDays(30)), Duration.ofDays(30), Duration.ofMinutes(210));
        // day buckets: the window starts at the UTC midnight at or before now − 365 d
        assertWindow(u.lastYear(), at("2024-06-15T00:00:00Z"), Duration.ofDays(365).plusHours(12),
                Duration.ofMinutes(810));
        assertThat(u.last24Hours().ratio().getAsDouble()).isCloseTo(1 - 0.5 / 24, within(1e-12));
        assertThat(u.lastYear().length()).isEqualTo(Duration.ofDays(365));
    }

    @Test
    void uptimeIsClippedToWhenTheTargetWasFirstSeen() {
        Instant now = at("2025-06-15T12:00:00Z");
        history.observe(ID, at("2025-06-15T09:17:20Z"), true, 10);
        down(at("2025-06-15T10:00:00Z"), Duration.ofMinutes(30));
        history.flush(now);

        Uptime u = history.uptime(ID, now).orElseThrow();
        for (Uptime.Window w : List.of(u.last24Hours(), u.last7Days(), u.last30Days(), u.lastYear())) {
            assertWindow(w, at("2025-06-15T09:17:00Z"), Duration.ofMinutes(163), Duration.ofMinutes(30));
            assertThat(w.ratio().getAsDouble()).isCloseTo(1 - 30.0 / 163, within(1e-12));
        }
    }

    @Test
    void unknownAndMaintenanceTimeIsNeitherUpNorDown() {
        Instant now = at("2025-03-04T12:00:00Z");
        history.observe(ID, at("2025-03-04T00:00:00Z"), true, 10);
        history.transition(new Transition(new TargetRef(ID, TargetKind.PUSH, null, -1), State.ONLINE, State.MAINTENANCE, at("2025-03-04T02:00:00Z"), "planned"));
        history.transition(new Transition(new TargetRef(ID, TargetKind.PUSH, null, -1), State.MAINTENANCE, State.ONLINE, at("2025-03-04T04:00:00Z"), "done"));
        history.transition(new Transition(new TargetRef(ID, TargetKind.PUSH, null, -1), State.ONLINE, State.DOWN, at("2025-03-04T06:00:00Z"), "probe failed"));
        history.transition(new Transition(new TargetRef(ID, TargetKind.PUSH, null, -1), State.DOWN, State.UNKNOWN, at("2025-03-04T07:00:00Z"), "restart"));
        history.transition(new Transition(new TargetRef(ID, TargetKind.PUSH, null, -1), State.UNKNOWN, State.DEGRADED, at("2025-03-04T08:00:00Z"), "slow"));
        history.flush(now);

        assertThat(single(Resolution.HOUR, "2025-03-04T02:00:00Z").unobserved()).isEqualTo(Duration.ofHours(1));
        Uptime u = history.uptime(ID, now).orElseThrow();
        assertWindow(u.last24Hours(), at("2025-03-04T00:00:00Z"), Duration.ofHours(9), Duration.ofHours(1));
        assertThat(u.lastYear().ratio().getAsDouble()).isCloseTo(1 - 1.0 / 9, within(1e-12));
    }

    @Test
    void aTargetNeverSeenHasNoHistory() {
        Instant now = at("2025-03-04T12:00:00Z");
        assertThat(history.uptime("web/nobody", now)).isEmpty();
        assertThat(history.buckets("web/nobody", Resolution.DAY, now.minus(Duration.ofDays(30)), now)).isEmpty();
        assertThat(history.days("web/nobody", 7, ZoneOffset.UTC, now)).hasSize(7).allSatisfy(bar -> {
            assertThat(bar.uptime()).isEmpty();
            assertThat(bar.samples()).isZero();
            assertThat(bar.incidentCount()).isZero();
        });
    }

    // ---- day bars -----------------------------------------------------------------------------

    @Test
    void dayBarsInUtc() {
        Instant now = recordThreeDays();
        List<DayBar> bars = history.days(ID, 3, ZoneOffset.UTC, now);

        assertThat(bars).extracting(DayBar::date).containsExactly(
                LocalDate.parse("2025-03-08"), LocalDate.parse("2025-03-09"), LocalDate.parse("2025-03-10"));
        DayBar d8 = bars.get(0);
        assertThat(d8.uptime()).hasValue(1.0);
        assertThat(d8.samples()).isEqualTo(2);
        assertThat(d8.failures()).isEqualTo(1);
        assertThat(d8.latencyAverageMs()).hasValue(200);
        assertThat(d8.latencyMaxMs()).hasValue(300);
        assertThat(d8.incidentCount()).isZero();

        DayBar d9 = bars.get(1);
        assertThat(d9.down()).isEqualTo(Duration.ofMinutes(225));
        assertThat(d9.uptime().getAsDouble()).isCloseTo(1 - 225.0 / (24 * 60), within(1e-12));
        assertThat(d9.samples()).isZero();
        assertThat(d9.latencyAverageMs()).isEmpty();
        assertThat(d9.incidentCount()).isEqualTo(4);
        assertThat(d9.incidents()).containsExactly(
                new DayBar.Incident(at("2025-03-09T10:00:00Z"), State.DOWN, "probe failed"),
                new DayBar.Incident(at("2025-03-09T20:00:00Z"), State.OFFLINE, "reported offline"),
                new DayBar.Incident(at("2025-03-09T21:00:00Z"), State.UNHEALTHY, "lease expired after 30s"));

        DayBar d10 = bars.get(2);
        assertThat(d10.down()).isEqualTo(Duration.ofHours(1));
        assertThat(d10.uptime().getAsDouble()).as("today so far: 15 h").isCloseTo(1 - 1.0 / 15, within(1e-12));
        assertThat(d10.samples()).isEqualTo(1);
        assertThat(d10.latencyMaxMs()).hasValue(2000);
        assertThat(d10.incidents()).containsExactly(
                new DayBar.Incident(at("2025-03-10T03:00:00Z"), State.DOWN, "probe failed"));
    }

    @Test
    void dayBarsInNewYorkFollowLocalMidnightsAcrossTheDstChange() {
        Instant now = recordThreeDays();                 // 2025-03-10T11:00 EDT
        List<DayBar> bars = history.days(ID, 3, NEW_YORK, now);

        assertThat(bars).extracting(DayBar::date).containsExactly(
                LocalDate.parse("2025-03-08"), LocalDate.parse("2025-03-09"), LocalDate.parse("2025-03-10"));
        DayBar d8 = bars.get(0);                          // [03-08T05:00Z, 03-09T05:00Z)
        assertThat(d8.uptime()).hasValue(1.0);
        assertThat(d8.samples()).isEqualTo(2);

        DayBar d9 = bars.get(1);                          // [03-09T05:00Z, 03-10T04:00Z): 23 hours
        assertThat(d9.down()).isEqualTo(Duration.ofMinutes(285));
        assertThat(d9.uptime().getAsDouble()).isCloseTo(1 - 285.0 / (23 * 60), within(1e-12));
        assertThat(d9.incidentCount()).as("03:00Z on the 10th is still the 9th in New York").isEqualTo(5);
        assertThat(d9.incidents()).hasSize(3);

        DayBar d10 = bars.get(2);                         // [03-10T04:00Z, now): 11 hours
        assertThat(d10.down()).isZero();
        assertThat(d10.uptime()).hasValue(1.0);
        assertThat(d10.samples()).isEqualTo(1);
        assertThat(d10.incidentCount()).isZero();
    }

    @Test
    void thePagesOverviewCutsDaysAtTheZonesMidnights() {
        Instant now = recordThreeDays();                 // 2025-03-11T00:00 JST
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        List<Duration> windows = List.of(Duration.ofHours(24));
        for (ZoneId zone : List.of(tokyo, NEW_YORK)) {
            assertThat(history.overview(List.of(ID), 3, windows, zone, now).get(ID).days()).as(zone.getId())
                    .isEqualTo(history.days(ID, 3, zone, now));
        }
        List<DayBar> bars = history.overview(List.of(ID), 3, windows, tokyo, now).get(ID).days();
        assertThat(bars).extracting(DayBar::date).containsExactly(
                LocalDate.parse("2025-03-09"), LocalDate.parse("2025-03-10"), LocalDate.parse("2025-03-11"));
        assertThat(bars.get(0).down()).as("[03-08T15:00Z, 03-09T15:00Z)").isEqualTo(Duration.ofMinutes(60));
        assertThat(bars.get(0).incidentCount()).isEqualTo(1);
        assertThat(bars.get(1).down()).as("[03-09T15:00Z, 03-10T15:00Z)").isEqualTo(Duration.ofMinutes(225));
        assertThat(bars.get(1).incidentCount()).as("03:00Z on the 10th is noon in Tokyo").isEqualTo(4);
    }

    @Test
    void dayBarsBeyondTheHourRetentionComeFromDayBuckets() {
        Instant now = at("2025-06-15T12:00:00Z");
        history.observe(ID, at("2024-06-01T08:00:00Z"), true, 10);
        down(at("2024-11-27T12:00:00Z"), Duration.ofHours(10));
        down(at("2025-06-14T02:00:00Z"), Duration.ofHours(3));
        history.flush(now);

        List<DayBar> utc = history.days(ID, 366, ZoneOffset.UTC, now);
        assertThat(utc).hasSize(366);
        assertThat(utc.get(0).date()).isEqualTo(LocalDate.parse("2024-06-15"));
        DayBar old = bar(utc, "2024-11-27");
        assertThat(old.down()).isEqualTo(Duration.ofHours(10));
        assertThat(old.uptime().getAsDouble()).isCloseTo(1 - 10.0 / 24, within(1e-12));
        assertThat(bar(utc, "2024-11-26").uptime()).hasValue(1.0);

        List<DayBar> ny = history.days(ID, 366, NEW_YORK, now);
        assertThat(bar(ny, "2024-11-27").down()).as("a UTC day counts toward the local day holding its noon")
                .isEqualTo(Duration.ofHours(10));
        assertThat(bar(ny, "2025-06-13").down()).as("recent days come from hour buckets: 02:00Z is 22:00 EDT")
                .isEqualTo(Duration.ofHours(2));
        assertThat(bar(ny, "2025-06-14").down()).isEqualTo(Duration.ofHours(1));
    }

    // ---- retention ----------------------------------------------------------------------------

    @Test
    void pruneDeletesExactlyTheExpiredBuckets() {
        history.observe(ID, at("2025-03-04T09:59:30Z"), true, 10);
        history.observe(ID, at("2025-03-04T10:00:30Z"), true, 10);
        history.flush(at("2025-03-04T10:01:00Z"));
        assertThat(count("history_bucket")).isEqualTo(5);    // 2 minutes, 2 hours, 1 day

        assertThat(history.prune(at("2025-03-05T10:59:00Z"))).as("minute 10:00: nothing but samples, not the first")
                .isEqualTo(1);
        assertThat(history.buckets(ID, Resolution.MINUTE, at("2025-03-04T00:00:00Z"), at("2025-03-05T00:00:00Z")))
                .extracting(Bucket::start).containsExactly(at("2025-03-04T09:59:00Z"));
        assertThat(history.prune(at("2025-03-05T10:59:00Z"))).as("the first minute is kept").isZero();
        assertThat(history.prune(at("2025-03-05T11:00:00Z"))).as("25 h after 10:00: minute 09:59").isEqualTo(1);
        assertThat(history.buckets(ID, Resolution.MINUTE, at("2025-03-04T00:00:00Z"), at("2025-03-05T00:00:00Z")))
                .isEmpty();

        assertThat(history.prune(at("2025-06-02T10:00:00Z"))).as("90 d after 10:00: hour 09").isEqualTo(1);
        assertThat(history.buckets(ID, Resolution.HOUR, at("2025-03-04T00:00:00Z"), at("2025-03-05T00:00:00Z")))
                .extracting(Bucket::start).containsExactly(at("2025-03-04T10:00:00Z"));

        assertThat(history.prune(at("2030-01-01T00:00:00Z"))).isEqualTo(1);
        assertThat(history.buckets(ID, Resolution.DAY, at("2025-03-04T00:00:00Z"), at("2025-03-05T00:00:00Z")))
                .as("day buckets are kept").hasSize(1);
    }

    /**
     * Minute buckets serve the 24 h window only: kept 25 h, the window reads the same after the
     * hourly retention as before it, every hour of a day and a half with outages on both sides of
     * the 24 h and 25 h boundaries, and the page's overview agrees.
     */
    @Test
    void theLast24HoursReadTheSameAfterRetentionKeepingMinutesFor25Hours() {
        Instant start = at("2025-03-04T00:00:00Z");
        for (int m = 0; m < 60 * 60; m++) {
            history.observe(ID, start.plus(Duration.ofMinutes(m)).plusSeconds(7), true, 40);
        }
        // Outages 47 h, 25 h 10 min, 24 h 5 min and 3 h before the last reading, each 20 minutes.
        Instant last = start.plus(Duration.ofHours(60));
        for (Duration before : List.of(Duration.ofHours(47), Duration.ofMinutes(25 * 60 + 10),
                Duration.ofMinutes(24 * 60 + 5), Duration.ofHours(3))) {
            down(last.minus(before), Duration.ofMinutes(20));
        }
        for (Instant now = start.plus(Duration.ofHours(36)); !now.isAfter(last); now = now.plus(Duration.ofMinutes(37))) {
            history.flush(now);
            Uptime.Window before = history.uptime(ID, now).orElseThrow().last24Hours();
            history.prune(now);
            Uptime.Window after = history.uptime(ID, now).orElseThrow().last24Hours();
            assertThat(after).as("24 h window at %s", now).isEqualTo(before);
            assertThat(history.overview(List.of(ID), 1, List.of(Duration.ofHours(24)), ZoneOffset.UTC, now)
                    .get(ID).uptime()).containsExactly(before);
            Instant horizon = now.minus(Duration.ofHours(25));
            assertThat(history.buckets(ID, Resolution.MINUTE, start, now)).as("minute buckets at %s", now)
                    .isNotEmpty().allSatisfy(b -> assertThat(b.start()).isAfterOrEqualTo(horizon));
        }
        List<Bucket> left = history.buckets(ID, Resolution.MINUTE, start, last);
        assertThat(left.subList(1, left.size())).as("what the last retention run left, but the first")
                .allSatisfy(b -> assertThat(b.down().plus(b.unobserved())).isPositive())
                .hasSizeLessThanOrEqualTo(3 * 20);
        Uptime.Window w = history.uptime(ID, last).orElseThrow().last24Hours();
        assertThat(w.down()).as("the outages 24 h 5 min (its last 15 of 20 min) and 3 h ago")
                .isEqualTo(Duration.ofMinutes(35));
    }

    /**
     * Minute buckets without down or unobserved time are not kept beyond the next retention run, but
     * a target's first is: when it was first seen (the start of its uptime windows) stays exact.
     */
    @Test
    void aNewTargetKeepsWhenItWasFirstSeenThroughRetention() {
        Instant now = at("2025-06-15T12:00:00Z");
        for (int m = 0; m < 163; m++) {
            history.observe(ID, at("2025-06-15T09:17:20Z").plus(Duration.ofMinutes(m)), true, 10);
        }
        down(at("2025-06-15T10:00:00Z"), Duration.ofMinutes(30));
        history.flush(now);
        Uptime before = history.uptime(ID, now).orElseThrow();

        assertThat(history.prune(now)).as("minute buckets with nothing but samples, but the first").isEqualTo(163 - 30 - 1);

        assertThat(history.uptime(ID, now)).hasValue(before);
        assertWindow(history.uptime(ID, now).orElseThrow().last24Hours(), at("2025-06-15T09:17:00Z"),
                Duration.ofMinutes(163), Duration.ofMinutes(30));
        assertThat(history.buckets(ID, Resolution.MINUTE, at("2025-06-15T09:00:00Z"), now)).hasSize(31)
                .first().extracting(Bucket::start).isEqualTo(at("2025-06-15T09:17:00Z"));
    }

    /** Retention works through as many targets as there are, a chunk of them per transaction. */
    @Test
    void pruneReachesEveryTargetWhateverTheirNumber() {
        int targets = BucketStore.PRUNE_CHUNK * 2 + 7;
        for (int i = 0; i < targets; i++) {
            history.observe("t/" + i, at("2025-03-04T10:00:30Z"), true, 10);
            history.observe("t/" + i, at("2025-03-05T10:00:30Z"), true, 10);
        }
        history.flush(at("2025-03-05T10:01:00Z"));
        assertThat(history.prune(at("2025-03-05T12:00:00Z"))).as("one minute bucket of each").isEqualTo(targets);
        assertThat(count("history_bucket")).isEqualTo(targets * (1 + 2 + 2));
        assertThat(history.buckets(List.of("t/0", "t/" + (targets - 1)), Resolution.MINUTE, at("2025-03-04T00:00:00Z"),
                at("2025-03-06T00:00:00Z")).values()).allSatisfy(b -> assertThat(b).extracting(Bucket::start)
                .containsExactly(at("2025-03-05T10:00:00Z")));
    }

    /**
     * Transitions are kept 400 days (no history read goes back further than 366), and each target's
     * newest 20 whatever their age: the 366 day bars and their incidents, and the target's list of
     * recent transitions, read the same after retention as before.
     */
    @Test
    void transitionRetentionKeepsWhatTheBarsAndTheRecentListShow() {
        Instant now = at("2025-06-15T12:00:00Z");
        history.observe(ID, at("2023-01-01T00:00:00Z"), true, 10);
        // ID: an incident a week for two years (208 transitions); "web/quiet": two incidents 3 years ago.
        for (Instant t = at("2023-06-01T10:00:00Z"); t.isBefore(now); t = t.plus(Duration.ofDays(7))) {
            incidentAt(ID, t, Duration.ofMinutes(30));
        }
        incidentAt("web/quiet", at("2022-05-01T10:00:00Z"), Duration.ofHours(1));
        incidentAt("web/quiet", at("2022-05-02T10:00:00Z"), Duration.ofHours(1));
        history.flush(now);
        List<DayBar> bars = history.days(ID, 366, ZoneId.of("Pacific/Kiritimati"), now);
        List<DayBar> barsWest = history.days(ID, 366, ZoneId.of("Pacific/Pago_Pago"), now);
        int total = count("transition");

        int deleted = history.pruneTransitions(now);

        assertThat(history.days(ID, 366, ZoneId.of("Pacific/Kiritimati"), now)).isEqualTo(bars);
        assertThat(history.days(ID, 366, ZoneId.of("Pacific/Pago_Pago"), now)).isEqualTo(barsWest);
        assertThat(bars.stream().mapToInt(DayBar::incidentCount).sum()).isEqualTo(52);
        long cutoff = now.minus(Duration.ofDays(400)).toEpochMilli();
        assertThat(deleted).isPositive().isEqualTo(total - count("transition"));
        long oldestKept = db.read(c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT MIN(at) FROM transition WHERE target_id = '"
                    + ID + "'")) {
                rs.next();
                return rs.getLong(1);
            }
        });
        assertThat(oldestKept).as("ID's oldest kept transition").isGreaterThanOrEqualTo(cutoff)
                .isLessThan(cutoff + Duration.ofDays(7).toMillis());
        assertThat(count("transition WHERE target_id = 'web/quiet'")).as("all 4 of the quiet target's, 3 years old")
                .isEqualTo(4);
        assertThat(history.pruneTransitions(now)).as("nothing more to delete").isZero();

        // a target with many old transitions keeps its newest 20 however old
        for (int i = 0; i < 15; i++) {
            incidentAt("web/old", at("2021-01-01T00:00:00Z").plus(Duration.ofDays(i)), Duration.ofMinutes(5));
        }
        assertThat(history.pruneTransitions(now)).isEqualTo(10);
        assertThat(count("transition WHERE target_id = 'web/old' AND at >= "
                + at("2021-01-06T00:00:00Z").toEpochMilli())).isEqualTo(20);
        assertThat(count("transition WHERE target_id = 'web/old'")).isEqualTo(20);
    }

    private void incidentAt(String id, Instant from, Duration length) {
        for (Transition t : List.of(new Transition(new TargetRef(id, TargetKind.PUSH, null, -1), State.ONLINE, State.DOWN, from, "status 503"),
                new Transition(new TargetRef(id, TargetKind.PUSH, null, -1), State.DOWN, State.ONLINE, from.plus(length), "status 200"))) {
            history.transition(t);
            logTransition(t);
        }
    }

    @Test
    void bucketsOlderThanTheRetentionAreNotEvenWritten() {
        history.observe(ID, at("2025-01-01T10:00:00Z"), true, 10);
        history.flush(at("2025-06-01T00:00:00Z"));
        assertThat(history.buckets(ID, Resolution.MINUTE, at("2025-01-01T00:00:00Z"), at("2025-01-02T00:00:00Z"))).isEmpty();
        assertThat(history.buckets(ID, Resolution.HOUR, at("2025-01-01T00:00:00Z"), at("2025-01-02T00:00:00Z"))).isEmpty();
        assertThat(history.buckets(ID, Resolution.DAY, at("2025-01-01T00:00:00Z"), at("2025-01-02T00:00:00Z"))).hasSize(1);
    }

    // ---- memory and threads -------------------------------------------------------------------

    @Test
    void idleTargetsAreDroppedFromMemoryButDownOnesAreKept() {
        history.observe(ID, at("2025-03-04T10:00:00Z"), true, 10);
        history.transition(new Transition(new TargetRef("web/down", TargetKind.PUSH, null, -1), State.ONLINE, State.DOWN, at("2025-03-04T10:00:00Z"), "x"));
        assertThat(history.tracked()).isEqualTo(2);
        history.flush(at("2025-03-04T10:01:00Z"));
        assertThat(history.tracked()).isEqualTo(2);
        history.flush(at("2025-03-04T10:02:00Z"));
        assertThat(history.tracked()).as("the idle target is dropped, the down one stays").isEqualTo(1);
        history.observe(ID, at("2025-03-04T10:02:30Z"), true, 10);
        history.flush(at("2025-03-04T10:03:00Z"));
        assertThat(single(Resolution.HOUR, "2025-03-04T10:00:00Z").samples()).isEqualTo(2);
    }

    @Test
    void concurrentObservationsAndFlushesLoseNothing() throws Exception {
        int threads = 8;
        int perThread = 20_000;
        Instant base = at("2025-03-04T10:00:00Z");
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int n = t;
            workers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    // many sparse targets get retired between bursts; minutes roll over as time moves
                    history.observe("t/" + ((i * 7 + n) % 64), base.plusMillis(i * 9L), (i % 10) != 0, i % 700);
                }
            }));
        }
        Instant flushAt = base;
        while (workers.stream().anyMatch(Thread::isAlive)) {
            flushAt = flushAt.plusMillis(1);
            history.flush(flushAt);
        }
        for (Thread w : workers) {
            w.join();
        }
        history.flush(flushAt.plusSeconds(1));
        long samples = 0;
        long failures = 0;
        for (int k = 0; k < 64; k++) {
            for (Bucket b : history.buckets("t/" + k, Resolution.DAY, base, base.plusSeconds(1))) {
                samples += b.samples();
                failures += b.failures();
            }
        }
        assertThat(samples).isEqualTo((long) threads * perThread);
        assertThat(failures).isEqualTo((long) threads * perThread / 10);
    }

    // ---- helpers ------------------------------------------------------------------------------

    /**
     * Three days of one target: first seen 03-08T06:00Z, incidents on the 9th (four, plus one at
     * 03:00Z on the 10th), logged in the transition table as the live engine would. Returns now.
     */
    private Instant recordThreeDays() {
        history.observe(ID, at("2025-03-08T06:00:00Z"), true, 100);
        history.observe(ID, at("2025-03-08T06:01:00Z"), false, 300);
        incident("2025-03-09T10:00:00Z", "2025-03-09T11:00:00Z", State.DOWN, "probe failed");
        incident("2025-03-09T20:00:00Z", "2025-03-09T20:30:00Z", State.OFFLINE, "reported offline");
        incident("2025-03-09T21:00:00Z", "2025-03-09T23:00:00Z", State.UNHEALTHY, "lease expired after 30s");
        incident("2025-03-09T23:30:00Z", "2025-03-09T23:45:00Z", State.DOWN, "probe failed");
        incident("2025-03-10T03:00:00Z", "2025-03-10T04:00:00Z", State.DOWN, "probe failed");
        history.observe(ID, at("2025-03-10T14:00:00Z"), true, 2000);
        Instant now = at("2025-03-10T15:00:00Z");
        history.flush(now);
        return now;
    }

    private void incident(String from, String to, State bad, String reason) {
        Transition down = new Transition(new TargetRef(ID, TargetKind.PUSH, null, -1), State.ONLINE, bad, at(from), reason);
        Transition up = new Transition(new TargetRef(ID, TargetKind.PUSH, null, -1), bad, State.ONLINE, at(to), "recovered");
        for (Transition t : List.of(down, up)) {
            history.transition(t);
            logTransition(t);
        }
    }

    private void down(Instant from, Duration length) {
        history.transition(new Transition(new TargetRef(ID, TargetKind.PUSH, null, -1), State.ONLINE, State.DOWN, from, "probe failed"));
        history.transition(new Transition(new TargetRef(ID, TargetKind.PUSH, null, -1), State.DOWN, State.ONLINE, from.plus(length), "probe ok"));
    }

    private void logTransition(Transition t) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO transition (target_id, from_state, to_state, at, reason) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, t.targetId());
                ps.setString(2, t.from().id());
                ps.setString(3, t.to().id());
                ps.setLong(4, t.at().toEpochMilli());
                ps.setString(5, t.reason());
                return ps.executeUpdate();
            }
        });
    }

    private static void assertWindow(Uptime.Window w, Instant from, Duration observed, Duration down) {
        assertThat(w.from()).as("from").isEqualTo(from);
        assertThat(w.observed()).as("observed").isEqualTo(observed);
        assertThat(w.down()).as("down").isEqualTo(down);
        assertThat(w.ratio().getAsDouble()).isCloseTo(1 - (double) down.toMillis() / observed.toMillis(), within(1e-12));
    }

    private static DayBar bar(List<DayBar> bars, String date) {
        return bars.stream().filter(b -> b.date().equals(LocalDate.parse(date))).findFirst().orElseThrow();
    }

    private Bucket single(Resolution r, String start) {
        return single(ID, r, start);
    }

    private Bucket single(String id, Resolution r, String start) {
        List<Bucket> found = history.buckets(id, r, at(start), at(start).plusMillis(1));
        assertThat(found).as("%s bucket at %s", r, start).hasSize(1);
        return found.get(0);
    }

    private int count(String table) {
        return db.read(c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    private void execute(String sql) {
        db.write(c -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate(sql);
            }
        });
    }

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    // ---- batch reads for pages ----------------------------------------------------------------

    @Test
    void overviewOfManyTargetsEqualsReadingEachAlone() {
        Instant now = recordThreeDays();
        history.observe("web/other", now.minus(Duration.ofHours(2)), true, 5);
        history.flush(now);
        // More ids than one query takes: the batch is split, and targets without history are left out.
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < History.BATCH_IDS + 500; i++) {
            ids.add("web/none-" + i);
        }
        ids.add(700, ID);
        ids.add("web/other");
        List<Duration> windows = List.of(Duration.ofHours(24), Duration.ofDays(30), Duration.ofDays(90));

        Map<String, History.Overview> all = history.overview(ids, 3, windows, ZoneOffset.UTC, now);

        assertThat(all).containsOnlyKeys(ID, "web/other");
        assertThat(all.get(ID).days()).isEqualTo(history.days(ID, 3, ZoneOffset.UTC, now));
        assertThat(all.get("web/other").days()).isEqualTo(history.days("web/other", 3, ZoneOffset.UTC, now));
        Uptime u = history.uptime(ID, now).orElseThrow();
        assertThat(all.get(ID).uptime().get(0)).isEqualTo(u.last24Hours());
        assertThat(all.get(ID).uptime().get(1)).isEqualTo(u.last30Days());
        // 90 days is beyond the hour retention: read from day buckets, as the one-year window is.
        assertThat(all.get(ID).uptime().get(2).down()).isEqualTo(u.lastYear().down());
        assertThat(all.get(ID).uptime().get(2).observed()).isEqualTo(u.lastYear().observed());

        Map<String, List<Bucket>> hours = history.buckets(ids, Resolution.HOUR, now.minus(Duration.ofDays(3)), now);
        assertThat(hours).containsOnlyKeys(ID, "web/other");
        assertThat(hours.get(ID)).isEqualTo(history.buckets(ID, Resolution.HOUR, now.minus(Duration.ofDays(3)), now));
    }

    @Test
    void theGenerationMovesOnlyWhenAFlushWroteSomething() {
        long g0 = history.generation();
        history.flush(at("2025-03-04T10:00:00Z"));
        assertThat(history.generation()).isEqualTo(g0);
        history.observe(ID, at("2025-03-04T10:00:05Z"), true, 40);
        history.flush(at("2025-03-04T10:01:00Z"));
        assertThat(history.generation()).isEqualTo(g0 + 1);
    }
}
