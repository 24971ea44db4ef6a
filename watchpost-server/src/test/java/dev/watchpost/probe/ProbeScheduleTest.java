package dev.watchpost.probe;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProbeScheduleTest {

    private static final Duration THIRTY_S = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2025-03-01T12:00:00.123456789Z");

    @Test
    void tenThousandIdsSpreadRoughlyUniformlyOverTheInterval() {
        int[] buckets = new int[30];
        for (int i = 0; i < 10_000; i++) {
            Duration o = ProbeSchedule.offset("target-" + i, THIRTY_S);
            assertThat(o).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(THIRTY_S);
            buckets[(int) o.toSeconds()]++;
        }
        for (int b = 0; b < buckets.length; b++) {
            assertThat(buckets[b]).as("bucket %d s", b).isBetween(200, 470);
        }
    }

    @Test
    void nextRunsSpreadLikeTheOffsets() {
        int[] buckets = new int[30];
        Instant after = Instant.parse("2025-03-01T12:00:00Z"); // a multiple of 30 s since the epoch
        for (int i = 0; i < 10_000; i++) {
            Instant next = ProbeSchedule.nextRun("target-" + i, THIRTY_S, after);
            buckets[(int) Duration.between(after, next).toSeconds() % 30]++;
        }
        for (int b = 0; b < buckets.length; b++) {
            assertThat(buckets[b]).as("bucket %d s", b).isBetween(200, 470);
        }
    }

    @Test
    void stableAcrossCallsAndRestarts() {
        Instant a = ProbeSchedule.nextRun("db-primary", THIRTY_S, T0);
        assertThat(ProbeSchedule.nextRun("db-primary", THIRTY_S, T0)).isEqualTo(a);
        assertThat(ProbeSchedule.offset("db-primary", THIRTY_S)).isEqualTo(ProbeSchedule.offset("db-primary", THIRTY_S));
        // Pinned: the hash must not change between versions, or every target's slot moves on upgrade.
        // The value is this implementation's own output, recorded as a regression guard.
        assertThat(ProbeSchedule.offset("db-primary", THIRTY_S)).isEqualTo(Duration.ofNanos(11_272_089_853L));
    }

    @Test
    void strictlyAfterAndWithinOneInterval() {
        Random rnd = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            String id = "t" + rnd.nextInt(1000);
            Duration interval = Duration.ofMillis(1 + rnd.nextInt(600_000));
            Instant after = T0.plusNanos(rnd.nextLong(1_000_000_000_000L));
            Instant next = ProbeSchedule.nextRun(id, interval, after);
            assertThat(next).isAfter(after);
            assertThat(next).isBeforeOrEqualTo(after.plus(interval));
        }
    }

    @Test
    void aRunInstantItselfGivesTheFollowingRun() {
        Instant run = ProbeSchedule.nextRun("api", THIRTY_S, T0);
        assertThat(ProbeSchedule.nextRun("api", THIRTY_S, run)).isEqualTo(run.plus(THIRTY_S));
        assertThat(ProbeSchedule.nextRun("api", THIRTY_S, run.minusNanos(1))).isEqualTo(run);
    }

    @Test
    void noDriftAfterAThousandPeriodsOfLateStarts() {
        Random rnd = new Random(7);
        Instant first = ProbeSchedule.nextRun("api", THIRTY_S, T0);
        Instant planned = first;
        for (int k = 0; k < 1_000; k++) {
            Instant actual = planned.plusMillis(rnd.nextInt(5_000)); // started up to 5 s late
            assertThat(ProbeSchedule.startDrift(planned, actual)).isBetween(Duration.ZERO, Duration.ofSeconds(5));
            planned = ProbeSchedule.nextRun("api", THIRTY_S, actual);
        }
        assertThat(planned).isEqualTo(first.plus(THIRTY_S.multipliedBy(1_000)));
    }

    @Test
    void aStartLateByMoreThanAnIntervalSkipsTheMissedSlots() {
        Instant run = ProbeSchedule.nextRun("api", THIRTY_S, T0);
        assertThat(ProbeSchedule.nextRun("api", THIRTY_S, run.plusSeconds(75))).isEqualTo(run.plusSeconds(90));
    }

    @Test
    void startDriftIsSigned() {
        assertThat(ProbeSchedule.startDrift(T0, T0.plusMillis(250))).isEqualTo(Duration.ofMillis(250));
        assertThat(ProbeSchedule.startDrift(T0, T0.minusMillis(3))).isEqualTo(Duration.ofMillis(-3));
        assertThat(ProbeSchedule.startDrift(T0, T0)).isZero();
    }

    @Test
    void worksBeforeTheEpochToo() {
        Instant before = Instant.parse("1969-12-31T23:59:59Z");
        Instant next = ProbeSchedule.nextRun("api", THIRTY_S, before);
        assertThat(next).isAfter(before).isBeforeOrEqualTo(before.plus(THIRTY_S));
        assertThat(Duration.between(Instant.EPOCH, next).toNanos() % THIRTY_S.toNanos())
                .isIn(ProbeSchedule.offset("api", THIRTY_S).toNanos(), ProbeSchedule.offset("api", THIRTY_S).toNanos() - THIRTY_S.toNanos());
    }

    @Test
    void validates() {
        assertThatThrownBy(() -> ProbeSchedule.nextRun("a", Duration.ZERO, T0)).hasMessage("interval must be positive: PT0S");
        assertThatThrownBy(() -> ProbeSchedule.nextRun("a", Duration.ofSeconds(-1), T0)).hasMessage("interval must be positive: PT-1S");
        assertThatThrownBy(() -> ProbeSchedule.nextRun("a", Duration.ofDays(365L * 1000), T0)).hasMessageStartingWith("interval too long");
        assertThatThrownBy(() -> ProbeSchedule.nextRun(null, THIRTY_S, T0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ProbeSchedule.nextRun("a", THIRTY_S, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ProbeSchedule.startDrift(null, T0)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aCheckBelongsToTheRoundOfTheNearestSlot() {
        Duration every = Duration.ofSeconds(60);
        Instant slot = ProbeSchedule.nextRun("web/shop", every, Instant.parse("2026-03-01T12:00:00Z"));
        assertThat(ProbeSchedule.nearest("web/shop", every, slot)).isEqualTo(slot);
        // started late (drift) or dated early (another clock): the same round
        assertThat(ProbeSchedule.nearest("web/shop", every, slot.plusSeconds(29))).isEqualTo(slot);
        assertThat(ProbeSchedule.nearest("web/shop", every, slot.minusSeconds(29))).isEqualTo(slot);
        // half an interval away is the earlier round; past it the next
        assertThat(ProbeSchedule.nearest("web/shop", every, slot.plusSeconds(30))).isEqualTo(slot);
        assertThat(ProbeSchedule.nearest("web/shop", every, slot.plusSeconds(31))).isEqualTo(slot.plus(every));
    }
}
