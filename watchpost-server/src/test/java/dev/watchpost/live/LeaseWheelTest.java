package dev.watchpost.live;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lease wheel with explicit times: a target expires at the tick after its deadline and never
 * before, however its deadline moved, and however far the wheel's clock jumped.
 */
class LeaseWheelTest {

    /** The wheel's start, a whole tick; every time below is in ms after it. */
    private static final long T0 = 1_780_000_000_000L;
    private static final long SPAN = LeaseWheel.SLOTS * LeaseWheel.TICK_MS;
    private static final LeasePolicy LEASE = new Lease(Duration.ofSeconds(30));

    /** "id@ms" of each expiry, in order. */
    private final List<String> expired = new ArrayList<>();
    private final List<Long> lateness = new ArrayList<>();
    private final Set<String> notOwned = new HashSet<>();
    private final LeaseWheel wheel = new LeaseWheel(T0, lateness::add, (cell, to, nowMs, reason) -> {
        assertThat(Thread.holdsLock(cell)).as("expired under the cell's monitor").isTrue();
        cell.state = to;
        expired.add(cell.id + "@" + (nowMs - T0));
    }, id -> !notOwned.contains(id));

    private static TargetCell cell(String id) {
        TargetCell c = new TargetCell(id, new TargetDef(id, id, Optional.empty(), TargetKind.PUSH, Optional.of(LEASE),
                Optional.empty(), "api"), null, -1, 0);
        c.state = State.ONLINE;
        return c;
    }

    /** Moves the deadline as the live state does; true when the wheel was offered the cell. */
    private boolean deadline(TargetCell c, long ms) {
        boolean offer;
        synchronized (c) {
            offer = LeaseWheel.moveDeadline(c, T0 + ms);
        }
        if (offer) {
            wheel.offer(c);
        }
        return offer;
    }

    private void tick(long ms) {
        wheel.tick(T0 + ms);
    }

    @Test
    void aTargetExpiresAtTheTickAfterItsDeadlineAndNotBefore() {
        TargetCell c = cell("c");
        assertThat(deadline(c, 1_050)).as("a first deadline needs an offer").isTrue();

        tick(100);
        tick(1_000);
        tick(1_099);
        assertThat(expired).isEmpty();

        tick(1_100);
        assertThat(expired).containsExactly("c@1100");
        assertThat(lateness).containsExactly(50L);
        assertThat(c.state).isEqualTo(State.UNHEALTHY);
        assertThat(c.deadline).isEqualTo(Long.MAX_VALUE);

        tick(60_000);
        assertThat(expired).hasSize(1);
    }

    @Test
    void aHeartbeatMovingTheDeadlineLaterNeedsNoOfferAndPostponesTheExpiry() {
        TargetCell c = cell("c");
        deadline(c, 1_050);
        tick(500);

        assertThat(deadline(c, 2_050)).as("later: no offer").isFalse();
        assertThat(deadline(c, 3_050)).isFalse();
        assertThat(deadline(c, 3_050)).as("unchanged: no offer").isFalse();
        tick(1_100);
        tick(3_099);
        assertThat(expired).isEmpty();

        tick(3_100);
        assertThat(expired).containsExactly("c@3100");
        assertThat(lateness).containsExactly(50L);
    }

    @Test
    void aDeadlineMovedEarlierAndOfferedAgainExpiresAtTheEarlierTime() {
        TargetCell c = cell("c");
        deadline(c, 5_050);
        tick(500); // placed in the slot of 5 050

        assertThat(deadline(c, 1_050)).as("earlier: needs an offer").isTrue();
        tick(1_099);
        assertThat(expired).isEmpty();
        tick(1_100);
        assertThat(expired).containsExactly("c@1100");
        assertThat(lateness).containsExactly(50L);

        tick(6_000); // its old slot comes by: nothing more
        assertThat(expired).hasSize(1);
    }

    @Test
    void aDeadlineBeyondTheWheelsSpanExpiresWhenItComesRoundNotATurnEarly() {
        TargetCell c = cell("c");
        long d = SPAN + 2_050; // its slot comes by once at 2 100, a whole turn early
        deadline(c, d);

        for (long ms = 100; ms < d; ms += LeaseWheel.TICK_MS) {
            tick(ms);
        }
        assertThat(expired).isEmpty();
        tick(d + 50);
        assertThat(expired).containsExactly("c@" + (d + 50));
        assertThat(lateness).containsExactly(50L);

        // the same with one jump over more than a whole turn, still short of the deadline
        TargetCell far = cell("far");
        long d2 = d + 3 * SPAN + 2_050;
        deadline(far, d2);
        tick(d + 2 * SPAN);
        assertThat(expired).hasSize(1);
        tick(d2 + 50);
        assertThat(expired).containsExactly("c@" + (d + 50), "far@" + (d2 + 50));
        assertThat(lateness).containsExactly(50L, 50L);
    }

    @Test
    void aTargetWithoutDeadlineOrRemovedNeverExpires() {
        TargetCell none = cell("none");
        wheel.offer(none); // a stale offer: harmless
        TargetCell cleared = cell("cleared");
        deadline(cleared, 1_050);
        TargetCell removed = cell("removed");
        deadline(removed, 1_050);
        tick(500);
        synchronized (cleared) {
            cleared.deadline = Long.MAX_VALUE;
        }
        synchronized (removed) {
            removed.removed = true;
        }

        tick(2_000);
        tick(10 * SPAN);
        assertThat(expired).isEmpty();
        assertThat(lateness).isEmpty();
    }

    @Test
    void manyTargetsInOneSlotAllExpireInOneTick() {
        List<TargetCell> cells = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            TargetCell c = cell("c" + i);
            deadline(c, 1_000 + i % 100);
            cells.add(c);
        }
        tick(1_099);
        assertThat(expired).isEmpty();

        tick(1_100);
        assertThat(expired).hasSize(1_000).allMatch(e -> e.endsWith("@1100"));
        assertThat(cells).allMatch(c -> c.state == State.UNHEALTHY);
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            expected.add(100L - i % 100);
        }
        assertThat(lateness).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aTickAfterALongPauseExpiresEverythingOverdueAndSaysHowLate() {
        long[] deadlines = {1_050, 60_050, SPAN + 1_050, 2 * SPAN + 7_000};
        for (int i = 0; i < deadlines.length; i++) {
            deadline(cell("d" + i), deadlines[i]);
        }
        TargetCell later = cell("later");
        long pause = 3 * SPAN + 500;
        deadline(later, pause + 10_050);
        tick(100);

        tick(pause);
        assertThat(expired).containsExactlyInAnyOrder("d0@" + pause, "d1@" + pause, "d2@" + pause, "d3@" + pause);
        assertThat(lateness).containsExactlyInAnyOrder(pause - deadlines[0], pause - deadlines[1],
                pause - deadlines[2], pause - deadlines[3]);

        tick(pause + 10_099);
        assertThat(expired).hasSize(4);
        tick(pause + 10_100);
        assertThat(expired).hasSize(5).contains("later@" + (pause + 10_100));
        assertThat(lateness).hasSize(5).contains(50L);
    }

    @Test
    void anOverdueTargetThisNodeDoesNotOwnLeavesTheWheelWithoutExpiring() {
        TargetCell mine = cell("mine");
        TargetCell theirs = cell("theirs");
        notOwned.add("theirs");
        deadline(mine, 1_050);
        deadline(theirs, 1_050);

        tick(1_100);
        assertThat(expired).containsExactly("mine@1100");
        assertThat(lateness).containsExactly(50L);
        assertThat(theirs.state).isEqualTo(State.ONLINE);

        // taken over, it comes back with its next report
        notOwned.remove("theirs");
        tick(50_000);
        assertThat(expired).hasSize(1);
        assertThat(deadline(theirs, 53_050)).as("no deadline any more: needs an offer").isTrue();
        tick(53_100);
        assertThat(expired).containsExactly("mine@1100", "theirs@53100");
    }

    @Test
    void anUnhealthyOrMaintenanceTargetIsNotExpiredAgain() {
        TargetCell unhealthy = cell("unhealthy");
        unhealthy.state = State.UNHEALTHY;
        TargetCell maintenance = cell("maintenance");
        maintenance.state = State.MAINTENANCE;
        deadline(unhealthy, 1_050);
        deadline(maintenance, 1_050);

        tick(1_100);
        tick(60_000);
        assertThat(expired).isEmpty();
        assertThat(unhealthy.state).isEqualTo(State.UNHEALTHY);
        assertThat(maintenance.state).isEqualTo(State.MAINTENANCE);
        assertThat(unhealthy.deadline).isEqualTo(Long.MAX_VALUE);
        assertThat(maintenance.deadline).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void offersFromSeveralThreadsLoseNoTargetAndEachExpiresOnce() throws Exception {
        int threads = 4;
        int perThread = 2_500;
        List<List<TargetCell>> cells = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<TargetCell> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                mine.add(cell("t" + t + "-" + i));
            }
            cells.add(mine);
        }
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread th = new Thread(r);
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<?>> done = new ArrayList<>();
            for (List<TargetCell> mine : cells) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < mine.size(); i++) {
                        TargetCell c = mine.get(i);
                        deadline(c, 50_050 + (i % 100) * 100); // a first lease ...
                        deadline(c, 1_050 + (i % 20) * 100); // ... moved earlier: offered twice
                    }
                    return null;
                }));
            }
            go.countDown();
            for (long ms = 100; ms <= 3_000; ms += LeaseWheel.TICK_MS) {
                tick(ms); // the wheel's thread ticks while the others offer
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        tick(60_000);
        tick(2 * SPAN);

        Map<String, Integer> times = new HashMap<>();
        for (String e : expired) {
            times.merge(e.substring(0, e.indexOf('@')), 1, Integer::sum);
        }
        assertThat(times).hasSize(threads * perThread);
        assertThat(times.values()).containsOnly(1);
        assertThat(lateness).hasSize(threads * perThread);
    }
}
