package dev.watchpost.live;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine with an injected clock: leases, transitions, snapshots and restore, without sleeping. */
@Tag("integration")
class LiveStateTest extends LiveFixture {

    /** The test's groups, at every start. */
    @Override
    void declare(LiveState l) {
        l.defineGroup(new GroupDef("bots", "Bots", 0, Optional.empty(), "config"));
        l.defineGroup(new GroupDef("bots/main", "Main", 4, Optional.of(new Lease(Duration.ofSeconds(30))), "config"));
    }

    private LiveState newLive() {
        return newLive(l -> { });
    }

    private static TargetDef push(String id, LeasePolicy lease) {
        return new TargetDef(id, id, Optional.empty(), TargetKind.PUSH, Optional.of(lease), Optional.empty(), "api");
    }

    private static Observation start() {
        return new Observation(Observation.Kind.START, null, null, Double.NaN, null);
    }

    /**
     * Turns the wheel in 50 ms steps: the target must not be Unhealthy before {@code deadline} and
     * must be within 200 ms after it (two wheel ticks), with the lateness metric saying as much.
     */
    private void assertExpiresAt(String id, Instant deadline) {
        while (clock.instant().plusMillis(50).isBefore(deadline)) {
            clock.advance(Duration.ofMillis(50));
            live.tickLeases();
            assertThat(state(id)).as("at %s, before the deadline %s", clock.instant(), deadline).isNotEqualTo(State.UNHEALTHY);
        }
        while (clock.instant().isBefore(deadline.plusMillis(200)) && state(id) != State.UNHEALTHY) {
            clock.advance(Duration.ofMillis(50));
            live.tickLeases();
        }
        assertThat(state(id)).as("at %s, 200 ms after the deadline %s", clock.instant(), deadline).isEqualTo(State.UNHEALTHY);
        assertThat(live.lateness().maxMs()).as("lease expiry lateness, max").isLessThanOrEqualTo(200);
    }

    @AfterEach
    void close() {
        live.close();
        db.close();
    }

    private State state(String id) {
        return live.target(id).orElseThrow().state();
    }

    @Test
    void shardsStartUnknownAndFollowReports() {
        assertThat(state("bots/main/0")).isEqualTo(State.UNKNOWN);
        assertThat(live.observe("bots/main/0", Observation.report(State.STARTING))).isEqualTo(LiveState.Outcome.ACCEPTED);
        assertThat(state("bots/main/0")).isEqualTo(State.STARTING);
        assertThat(live.observe("bots/main/9", Observation.alive())).isEqualTo(LiveState.Outcome.UNKNOWN_TARGET);
    }

    @Test
    void leaseExpiresAfterItsTimeoutAndNotBefore() {
        live.observe("bots/main/1", Observation.report(State.ONLINE));
        clock.advance(Duration.ofSeconds(29));
        live.tickLeases();
        assertThat(state("bots/main/1")).isEqualTo(State.ONLINE);
        live.observe("bots/main/1", Observation.health()); // renews: deadline now +30 s from here
        clock.advance(Duration.ofSeconds(29));
        live.tickLeases();
        assertThat(state("bots/main/1")).isEqualTo(State.ONLINE);
        clock.advance(Duration.ofMillis(1_250)); // past the deadline and a whole wheel tick
        live.tickLeases();
        assertThat(state("bots/main/1")).isEqualTo(State.UNHEALTHY);
        live.flush();
        assertThat(announced).extracting(Transition::to).containsExactly(State.ONLINE, State.UNHEALTHY);
        assertThat(announced.get(1).reason()).isEqualTo("no report for 30s");
    }

    @Test
    void healthPingRevivesAnExpiredShard() {
        live.observe("bots/main/2", Observation.report(State.ONLINE));
        clock.advance(Duration.ofSeconds(31));
        live.tickLeases();
        assertThat(state("bots/main/2")).isEqualTo(State.UNHEALTHY);
        live.observe("bots/main/2", Observation.health());
        assertThat(state("bots/main/2")).isEqualTo(State.ONLINE);
    }

    @Test
    void aTickOnlyLooksAtDueSlots() {
        // 4 shards online; advancing well within the lease expires nothing however often the wheel turns.
        for (int i = 0; i < 4; i++) {
            live.observe("bots/main/" + i, Observation.report(State.ONLINE));
        }
        for (int i = 0; i < 200; i++) {
            clock.advance(Duration.ofMillis(100));
            live.tickLeases();
        }
        for (int i = 0; i < 4; i++) {
            assertThat(state("bots/main/" + i)).isEqualTo(State.ONLINE);
        }
        clock.advance(Duration.ofSeconds(11));
        live.tickLeases();
        for (int i = 0; i < 4; i++) {
            assertThat(state("bots/main/" + i)).isEqualTo(State.UNHEALTHY);
        }
    }

    @Test
    void aTargetThatKeepsReportingWithinItsLeaseNeverExpires() {
        live.observe("bots/main/0", Observation.report(State.ONLINE));
        for (int second = 1; second <= 600; second++) {
            for (int t = 0; t < 10; t++) {
                clock.advance(Duration.ofMillis(100));
                live.tickLeases();
            }
            if (second % 10 == 0) {
                live.observe("bots/main/0", Observation.health());
            }
            assertThat(state("bots/main/0")).as("after %d s", second).isEqualTo(State.ONLINE);
        }
    }

    @Test
    void anExpiryRacingAHeartbeatIsAnnouncedInTheOrderItHappened() throws Exception {
        int n = 50_000;
        live.defineGroup(new GroupDef("race", "Race", n, Optional.of(new Lease(Duration.ofSeconds(30))), "config"));
        for (int i = 0; i < n; i++) {
            live.observe("race/" + i, Observation.report(State.ONLINE));
        }
        live.flush();
        announced.clear();
        clock.advance(Duration.ofSeconds(31));
        Thread heartbeats = Thread.ofPlatform().start(() -> {
            for (int i = n - 1; i >= 0; i--) {
                live.observe("race/" + i, Observation.alive());
            }
        });
        live.tickLeases();
        heartbeats.join();
        live.flush();
        java.util.Map<String, List<Transition>> byTarget = new java.util.HashMap<>();
        for (Transition t : announced) {
            byTarget.computeIfAbsent(t.targetId(), k -> new ArrayList<>()).add(t);
        }
        for (var e : byTarget.entrySet()) {
            List<Transition> ts = e.getValue();
            for (int i = 1; i < ts.size(); i++) {
                assertThat(ts.get(i).from()).as("%s: each change starts where the last ended", e.getKey())
                        .isEqualTo(ts.get(i - 1).to());
            }
            assertThat(ts.get(ts.size() - 1).to()).as("%s: the last announced state is the state", e.getKey())
                    .isEqualTo(state(e.getKey()));
        }
    }

    @Test
    void groupsCountTheirTargetsStatesIncludingNestedGroups() {
        live.observe("bots/main/0", Observation.report(State.ONLINE));
        live.observe("bots/main/1", Observation.report(State.OFFLINE));
        live.rebuildSnapshot();
        Snapshot s = live.snapshot();
        GroupView main = s.groups().stream().filter(g -> g.id().equals("bots/main")).findFirst().orElseThrow();
        assertThat(main.counts()).containsEntry(State.ONLINE, 1).containsEntry(State.OFFLINE, 1).containsEntry(State.UNKNOWN, 2);
        assertThat(main.severity()).isEqualTo(Severity.BAD);
        GroupView bots = s.groups().stream().filter(g -> g.id().equals("bots")).findFirst().orElseThrow();
        assertThat(bots.total()).isEqualTo(4);
    }

    @Test
    void snapshotVersionMovesOnlyWhenSomethingChanged() {
        live.rebuildSnapshot();
        long v = live.snapshot().version();
        live.rebuildSnapshot();
        assertThat(live.snapshot().version()).isEqualTo(v);
        live.observe("bots/main/3", Observation.report(State.ONLINE));
        assertThat(live.snapshot().version()).as("readers see the old snapshot until the rebuild").isEqualTo(v);
        live.rebuildSnapshot();
        assertThat(live.snapshot().version()).isGreaterThan(v);
        assertThat(live.snapshot().targets()).filteredOn(t -> t.id().equals("bots/main/3"))
                .extracting(TargetView::state).containsExactly(State.ONLINE);
    }

    @Test
    void aSnapshotFollowsTheFeedWhenItPublishesChangesTheSnapshotAlreadyShows() {
        java.util.concurrent.atomic.AtomicLong feed = new java.util.concurrent.atomic.AtomicLong(10);
        live.markSnapshotsWith(feed::get);
        live.observe("bots/main/2", Observation.report(State.ONLINE));
        live.rebuildSnapshot();
        Snapshot applied = live.snapshot();
        assertThat(applied.mark()).isEqualTo(10);
        // the transition log publishes that change (and a burst's others) after the snapshot read it
        feed.set(14);
        live.rebuildSnapshot();
        Snapshot caughtUp = live.snapshot();
        assertThat(caughtUp.version()).as("a page rendered from it must resume from the feed's new position")
                .isGreaterThan(applied.version());
        assertThat(caughtUp.mark()).isEqualTo(14);
        assertThat(caughtUp.targets()).as("the same targets").containsExactlyElementsOf(applied.targets());
        live.rebuildSnapshot();
        assertThat(live.snapshot().version()).as("nothing moved: no new snapshot").isEqualTo(caughtUp.version());
    }

    @Test
    void restartRestoresStatesAndGivesEveryoneAFreshLease() {
        live.observe("bots/main/0", new Observation(Observation.Kind.REPORT, State.STARTING, "booting", 42.5, null));
        live.observe("bots/main/1", Observation.report(State.ONLINE));
        live.close();
        clock.advance(Duration.ofMinutes(10)); // down for longer than the lease
        live = newLive();
        TargetView v = live.target("bots/main/0").orElseThrow();
        assertThat(v.state()).isEqualTo(State.STARTING);
        assertThat(v.message()).isEqualTo("booting");
        assertThat(v.latencyMs()).isEqualTo(42.5);
        clock.advance(Duration.ofSeconds(29));
        live.tickLeases();
        assertThat(state("bots/main/1")).as("a full lease after the restart").isEqualTo(State.ONLINE);
        clock.advance(Duration.ofSeconds(2));
        live.tickLeases();
        assertThat(state("bots/main/1")).isEqualTo(State.UNHEALTHY);
    }

    @Test
    void aShardThatReportedUnknownExpiresAsAnyOtherAlsoAfterARestart() {
        live.observe("bots/main/2", Observation.report(State.UNKNOWN)); // Glance's state 0
        live.observe("bots/main/3", Observation.report(State.UNKNOWN));
        clock.advance(Duration.ofSeconds(31));
        live.tickLeases();
        assertThat(state("bots/main/2")).isEqualTo(State.UNHEALTHY);
        assertThat(state("bots/main/0")).as("never reported: no lease runs").isEqualTo(State.UNKNOWN);

        live.observe("bots/main/3", Observation.report(State.UNKNOWN));
        live.close();
        clock.advance(Duration.ofMinutes(10));
        live = newLive();
        assertThat(state("bots/main/3")).isEqualTo(State.UNKNOWN);
        clock.advance(Duration.ofSeconds(31));
        live.tickLeases();
        assertThat(state("bots/main/3")).as("a full lease after the restart, then expiry").isEqualTo(State.UNHEALTHY);
    }

    @Test
    void transitionsAreDurableInOrder() {
        live.observe("bots/main/0", Observation.report(State.STARTING));
        clock.advance(Duration.ofSeconds(1));
        live.observe("bots/main/0", Observation.report(State.ONLINE));
        live.flush();
        List<String> rows = db.read(c -> {
            List<String> out = new ArrayList<>();
            try (var rs = c.createStatement().executeQuery("SELECT from_state, to_state, at FROM transition ORDER BY id")) {
                while (rs.next()) {
                    out.add(rs.getString(1) + ">" + rs.getString(2) + "@" + rs.getLong(3));
                }
            }
            return out;
        });
        long t0 = java.time.Instant.parse("2026-06-01T12:00:00Z").toEpochMilli();
        assertThat(rows).containsExactly("unknown>starting@" + t0, "starting>online@" + (t0 + 1000));
    }

    @Test
    void aStartOnAnEveryTargetLeavesTheRunItsGrace() {
        Instant t0 = clock.instant();
        live.defineTarget(push("jobs/every", Lease.everyWithGrace(Duration.ofMinutes(1), Duration.ofSeconds(10))));
        live.observe("jobs/every", Observation.alive());
        clock.advance(Duration.ofSeconds(5));
        live.observe("jobs/every", start());
        assertThat(live.target("jobs/every").orElseThrow().deadline()).isEqualTo(t0.plusSeconds(15).toEpochMilli());
        assertExpiresAt("jobs/every", t0.plusSeconds(15)); // not t0 + 75 s (start + every + grace)
    }

    @Test
    void aStartNeverPostponesADeadline() {
        // Healthchecks: a late job's run starting inside its grace does not buy it more time.
        Instant t0 = clock.instant();
        live.defineTarget(push("jobs/late", Lease.everyWithGrace(Duration.ofMinutes(1), Duration.ofSeconds(10))));
        live.observe("jobs/late", Observation.alive());
        clock.advance(Duration.ofSeconds(65));
        live.tickLeases();
        live.observe("jobs/late", start());
        assertExpiresAt("jobs/late", t0.plusSeconds(70));
    }

    @Test
    void aShorterLeaseOnRedefinitionIsHonouredOnTime() {
        Instant t0 = clock.instant();
        live.defineTarget(push("jobs/put", Lease.everyWithGrace(Duration.ofMinutes(10), Duration.ofMinutes(1))));
        live.observe("jobs/put", Observation.alive());
        clock.advance(Duration.ofSeconds(30));
        live.tickLeases();
        live.defineTarget(push("jobs/put", Lease.everyWithGrace(Duration.ofMinutes(1), Duration.ofSeconds(10))));
        assertExpiresAt("jobs/put", t0.plusSeconds(70));
    }

    @Test
    void aSmallerGraceDuringARunIsHonouredOnTime() {
        Instant t0 = clock.instant();
        live.defineTarget(push("jobs/run", Lease.everyWithGrace(Duration.ofHours(1), Duration.ofMinutes(30))));
        live.observe("jobs/run", Observation.alive());
        clock.advance(Duration.ofMinutes(1));
        live.observe("jobs/run", start()); // must finish by t0 + 31 min
        clock.advance(Duration.ofMinutes(1));
        live.tickLeases();
        live.defineTarget(push("jobs/run", Lease.everyWithGrace(Duration.ofHours(1), Duration.ofMinutes(5))));
        assertExpiresAt("jobs/run", t0.plus(Duration.ofMinutes(6))); // the run's start + the new grace
    }

    @Test
    void aShorterShardLeaseIsHonouredOnTime() {
        Instant t0 = clock.instant();
        live.observe("bots/main/0", Observation.report(State.ONLINE));
        clock.advance(Duration.ofSeconds(1));
        live.tickLeases();
        live.defineGroup(new GroupDef("bots/main", "Main", 4, Optional.of(new Lease(Duration.ofSeconds(5))), "config"));
        assertExpiresAt("bots/main/0", t0.plusSeconds(5)); // not t0 + 30 s
    }

    @Test
    void aRestartWithAShorterLeaseGivesOneFullLeaseOfTheNewLength() {
        live.defineTarget(push("jobs/r", new Lease(Duration.ofMinutes(10))));
        live.observe("jobs/r", Observation.alive());
        live.close();
        clock.advance(Duration.ofMinutes(1));
        Instant restarted = clock.instant();
        live = newLive(l -> l.defineTarget(push("jobs/r", new Lease(Duration.ofMinutes(1)))));
        assertExpiresAt("jobs/r", restarted.plus(Duration.ofMinutes(1)));
    }

    @Test
    void aDeclarationReplacedAtStartUpStillGetsOneFullLease() {
        // At start-up a stored declaration is defined first and the config file's replaces it.
        live.defineTarget(push("jobs/f", new Lease(Duration.ofMinutes(10))));
        live.observe("jobs/f", Observation.alive());
        live.close();
        clock.advance(Duration.ofMinutes(5));
        Instant restarted = clock.instant();
        live = newLive(l -> {
            l.defineTarget(push("jobs/f", new Lease(Duration.ofMinutes(10))));
            l.defineTarget(push("jobs/f", new Lease(Duration.ofMinutes(1))));
        });
        assertExpiresAt("jobs/f", restarted.plus(Duration.ofMinutes(1)));
    }

    @Test
    void aDeadlineMovedEarlierThanItsWheelSlotIsHonouredOnTime() {
        // A cron-like lease: the next run is a day away, a started run has 10 s. The cell sits in
        // the wheel at the far deadline (beyond the wheel's span) when the start brings it close.
        LeasePolicy daily = new LeasePolicy() {
            @Override
            public long deadline(long seenMs, Observation.Kind kind) {
                return seenMs + (kind == Observation.Kind.START ? 10_000 : 86_400_000);
            }

            @Override
            public String describe() {
                return "daily";
            }
        };
        live.defineTarget(push("jobs/daily", daily));
        live.observe("jobs/daily", Observation.alive());
        for (int i = 0; i < 20; i++) { // the wheel has placed it
            clock.advance(Duration.ofMillis(100));
            live.tickLeases();
        }
        Instant started = clock.instant();
        live.observe("jobs/daily", start());
        assertExpiresAt("jobs/daily", started.plusSeconds(10));
    }

    @Test
    void noDeadlineIsMissedWhateverWayItMoves() {
        // Deadlines moving later and earlier at random, near and beyond the wheel's span: none may
        // stay more than two ticks in the past without the target expiring.
        java.util.Random random = new java.util.Random(42);
        int n = 300;
        for (int i = 0; i < n; i++) {
            live.defineTarget(push("mix/" + i, Lease.everyWithGrace(Duration.ofSeconds(1 + random.nextInt(900)),
                    Duration.ofSeconds(1 + random.nextInt(60)))));
        }
        for (int step = 0; step < 10_000; step++) { // 500 s: past a whole turn of the wheel
            for (int k = random.nextInt(4); k > 0; k--) {
                String id = "mix/" + random.nextInt(n);
                live.observe(id, random.nextInt(3) == 0 ? start() : Observation.alive());
            }
            if (step % 500 == 0) { // now and then a shorter or longer lease
                String id = "mix/" + random.nextInt(n);
                live.defineTarget(push(id, Lease.everyWithGrace(Duration.ofSeconds(1 + random.nextInt(900)),
                        Duration.ofSeconds(1 + random.nextInt(60)))));
            }
            clock.advance(Duration.ofMillis(50));
            live.tickLeases();
            long now = clock.millis();
            for (int i = 0; i < n; i++) {
                TargetView v = live.target("mix/" + i).orElseThrow();
                assertThat(v.deadline()).as("%s at step %d (state %s)", v.id(), step, v.state())
                        .isGreaterThanOrEqualTo(now - 200);
            }
        }
        assertThat(live.lateness().count()).as("expiries").isGreaterThan(100);
        assertThat(live.lateness().maxMs()).isLessThanOrEqualTo(200);
    }
}
