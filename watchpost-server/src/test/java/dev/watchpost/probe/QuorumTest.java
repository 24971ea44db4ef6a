package dev.watchpost.probe;

import dev.watchpost.live.State;
import dev.watchpost.probe.DampingState.Thresholds;
import dev.watchpost.probe.Quorum.Decision;
import dev.watchpost.probe.Quorum.Kind;
import dev.watchpost.probe.Quorum.Seen;
import dev.watchpost.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuorumTest {

    private static final Duration EVERY = Duration.ofSeconds(60);
    private static final List<String> THREE = List.of("eu", "us", "asia");

    private final MutableClock clock = MutableClock.at("2026-03-01T12:00:00Z");
    /** Each location's latest result, as the server would keep them. */
    private final List<Seen> latest = new ArrayList<>();

    private static ProbeResult up() {
        return ProbeResult.up("status 200", 40).withStatus(200);
    }

    private static ProbeResult down() {
        return ProbeResult.down("status 503", 30).withStatus(503);
    }

    private static ProbeResult slow() {
        return ProbeResult.degraded("slower than 800 ms (1,204 ms)", 1204).withStatus(200);
    }

    /** {@code location} checked {@code ago} before now and saw {@code r}. */
    private void seen(String location, ProbeResult r, Duration ago) {
        latest.removeIf(s -> s.location().equals(location));
        latest.add(new Seen(location, r, clock.instant().minus(ago)));
    }

    private void seen(String location, ProbeResult r) {
        seen(location, r, Duration.ofSeconds(1));
    }

    private Decision decide(List<String> locations, int k) {
        return new Quorum(locations, k, EVERY).decide(latest, clock.instant());
    }

    @Test
    void twoOfThreeSeeingDownIsDownOneIsNot() {
        seen("eu", down());
        seen("us", up());
        seen("asia", up());
        Decision d = decide(THREE, 2);
        assertThat(d.kind()).isEqualTo(Kind.AGREED);
        assertThat(d.outcome()).contains(Outcome.UP);
        assertThat(d.summary()).isEqualTo("up from us and asia: status 200; eu sees status 503");

        seen("us", down());
        d = decide(THREE, 2);
        assertThat(d.outcome()).contains(Outcome.DOWN);
        assertThat(d.summary()).isEqualTo("down from eu and us: status 503; asia sees status 200");
        ProbeResult r = d.result().orElseThrow();
        assertThat(r.outcome()).isEqualTo(Outcome.DOWN);
        assertThat(r.reason()).isEqualTo(d.summary());
        assertThat(r.latencyMs()).as("median of the agreeing locations").isEqualTo(30);
        assertThat(r.statusCode()).hasValue(503);
        assertThat(d.live()).containsExactly("eu", "us", "asia");
        assertThat(d.silent()).isEmpty();
    }

    @Test
    void differentReasonsAreNamedPerLocation() {
        seen("eu", down());
        seen("us", ProbeResult.down("timeout after 5 s"));
        seen("asia", up());
        assertThat(decide(THREE, 2).summary())
                .isEqualTo("down from eu (status 503) and us (timeout after 5 s); asia sees status 200");
        assertThat(decide(THREE, 2).result().orElseThrow().latencyMs()).as("NaN latencies left out").isEqualTo(30);
    }

    @Test
    void kOfNNeedsExactlyK() {
        List<String> five = List.of("a", "b", "c", "d", "e");
        seen("a", down());
        seen("b", down());
        seen("c", up());
        seen("d", up());
        seen("e", up());
        assertThat(decide(five, 3).outcome()).contains(Outcome.UP);
        seen("c", down());
        assertThat(decide(five, 3).outcome()).contains(Outcome.DOWN);
        assertThat(decide(five, 4).kind()).as("3 down, 2 up: neither reaches 4").isEqualTo(Kind.SPLIT);
        assertThat(decide(five, 4).summary())
                .isEqualTo("quorum of 4 not reached: down from a, b and c: status 503; up from d and e: status 200");
        seen("d", down());
        assertThat(decide(five, 4).outcome()).contains(Outcome.DOWN);
        assertThat(decide(five, 5).kind()).isEqualTo(Kind.SPLIT);
    }

    @Test
    void aSilentLocationIsLeftOutNeverCountedAsDown() {
        seen("eu", up());
        seen("us", up());
        Quorum q = new Quorum(THREE, 2, EVERY);
        assertThat(q.silentAfter()).isEqualTo(Duration.ofSeconds(125));
        // asia's last result was down, and then it went quiet for longer than 2 intervals and the grace
        seen("asia", down(), Duration.ofSeconds(126));
        Decision d = decide(THREE, 2);
        assertThat(d.outcome()).contains(Outcome.UP);
        assertThat(d.live()).containsExactly("eu", "us");
        assertThat(d.silent()).containsExactly("asia");
        assertThat(d.summary()).isEqualTo("up from eu and us: status 200; asia silent");

        // just within the window it still counts: with eu it makes two
        seen("asia", down(), Duration.ofSeconds(61));
        seen("eu", down(), Duration.ofSeconds(2));
        assertThat(decide(THREE, 2).outcome()).contains(Outcome.DOWN);
        assertThat(q.live(clock.instant().minus(Duration.ofSeconds(125)), clock.instant())).isTrue();
        assertThat(q.live(clock.instant().minus(Duration.ofMillis(125_001)), clock.instant())).isFalse();
    }

    @Test
    void aLocationThatNeverReportedIsSilent() {
        seen("eu", down());
        Decision d = decide(THREE, 1);
        assertThat(d.outcome()).contains(Outcome.DOWN);
        assertThat(d.summary()).isEqualTo("down from eu: status 503; us and asia silent");
    }

    @Test
    void resultsFromTheFutureAreNotTrusted() {
        Quorum q = new Quorum(THREE, 1, EVERY);
        assertThat(q.live(clock.instant().plus(Quorum.GRACE), clock.instant())).isTrue();
        assertThat(q.live(clock.instant().plus(Quorum.GRACE).plusMillis(1), clock.instant())).isFalse();
    }

    @Test
    void fewerLiveThanKDecidesNothingAndSaysWhy() {
        seen("eu", down());
        Decision d = decide(THREE, 2);
        assertThat(d.kind()).isEqualTo(Kind.TOO_FEW);
        assertThat(d.decided()).isFalse();
        assertThat(d.outcome()).isEmpty();
        assertThat(d.result()).isEmpty();
        assertThat(d.summary()).isEqualTo("only 1 of 3 locations reporting (us and asia silent); quorum needs 2");

        latest.clear();
        assertThat(decide(THREE, 2).summary()).isEqualTo("no location reporting (eu, us and asia silent); quorum needs 2");

        // a target on 'all' with a quorum above the probers there are
        seen("local", up());
        seen("eu", up());
        assertThat(decide(List.of("local", "eu"), 3).summary()).isEqualTo("only 2 of 2 locations reporting; quorum needs 3");
    }

    @Test
    void noDecisionKeepsTheDampedState() {
        DampingState online = new DampingState(State.ONLINE, 0, 0, Optional.of("status 200"));
        seen("eu", down());
        Decision d = decide(THREE, 2);
        assertThat(d.damp(online, Thresholds.DEFAULT)).isSameAs(online);
    }

    @Test
    void tiesGoToDown() {
        List<String> four = List.of("eu", "us", "asia", "sa");
        seen("eu", down());
        seen("us", down());
        seen("asia", up());
        seen("sa", up());
        Decision d = decide(four, 2);
        assertThat(d.outcome()).as("k = 2 means two locations seeing a failure are an outage").contains(Outcome.DOWN);
        assertThat(d.summary()).isEqualTo("down from eu and us: status 503; asia and sa see status 200");
        // quorum 1: any one location seeing down is enough, whatever the others see
        latest.clear();
        seen("eu", down());
        seen("us", up());
        seen("asia", up());
        assertThat(decide(THREE, 1).outcome()).contains(Outcome.DOWN);
    }

    @Test
    void theDefaultMajorityCannotTie() {
        for (int n = 1; n <= 9; n++) {
            int k = ProbeLocations.majority(n);
            assertThat(2 * k).as("two disjoint sets of %d of %d", k, n).isGreaterThan(n);
        }
        assertThat(ProbeLocations.majority(1)).isEqualTo(1);
        assertThat(ProbeLocations.majority(2)).isEqualTo(2);
        assertThat(ProbeLocations.majority(3)).isEqualTo(2);
        assertThat(ProbeLocations.majority(4)).isEqualTo(3);
    }

    @Test
    void degradedNeedsKLocationsSeeingItToo() {
        seen("eu", slow());
        seen("us", up());
        seen("asia", up());
        Decision d = decide(THREE, 2);
        assertThat(d.outcome()).as("one slow location is that location's network").contains(Outcome.UP);
        assertThat(d.summary()).isEqualTo("up from us and asia: status 200; eu sees slower than 800 ms (1,204 ms)");

        seen("us", slow());
        d = decide(THREE, 2);
        assertThat(d.outcome()).contains(Outcome.DEGRADED);
        assertThat(d.summary()).isEqualTo("degraded from eu and us: slower than 800 ms (1,204 ms); asia sees status 200");
        assertThat(d.result().orElseThrow().latencyMs()).isEqualTo(1204);

        // degraded and up both answer: with one down they still make two answering, and down is one
        seen("asia", down());
        seen("us", up());
        d = decide(THREE, 2);
        assertThat(d.outcome()).contains(Outcome.UP);
        assertThat(d.summary()).isEqualTo("up from us: status 200; eu sees slower than 800 ms (1,204 ms); asia sees status 503");

        // down beats degraded when both reach k
        seen("eu", down());
        assertThat(decide(THREE, 2).outcome()).contains(Outcome.DOWN);
    }

    @Test
    void resultsFromDifferentIntervalsAreNotMixed() {
        // every 60 s on the same grid: eu's latest is from the round before (still live, one round behind)
        seen("eu", down(), Duration.ofSeconds(65));
        seen("us", down(), Duration.ofSeconds(2));
        seen("asia", up(), Duration.ofSeconds(2));
        Decision d = decide(THREE, 2);
        assertThat(d.kind()).as("eu's old down and us's new down are 63 s apart").isEqualTo(Kind.SPLIT);
        assertThat(d.summary())
                .isEqualTo("quorum of 2 not reached: down from eu and us: status 503; up from asia: status 200");

        // exactly one interval apart is the next round, too
        seen("eu", down(), Duration.ofSeconds(62));
        seen("us", down(), Duration.ofSeconds(2));
        assertThat(decide(THREE, 2).kind()).isEqualTo(Kind.SPLIT);

        // within the round's start drift they agree
        seen("eu", down(), Duration.ofMillis(2_900));
        assertThat(decide(THREE, 2).outcome()).contains(Outcome.DOWN);

        // answering is held to the same rule
        latest.clear();
        seen("eu", up(), Duration.ofSeconds(70));
        seen("us", up(), Duration.ofSeconds(5));
        seen("asia", down(), Duration.ofSeconds(5));
        assertThat(decide(THREE, 2).kind()).isEqualTo(Kind.SPLIT);
    }

    @Test
    void theNewestAgreementCounts() {
        List<String> four = List.of("a", "b", "c", "d");
        // a and b agreed a round ago; c and d, this round, agree as well: the newest pair is taken
        seen("a", ProbeResult.down("connection refused"), Duration.ofSeconds(61));
        seen("b", ProbeResult.down("connection refused"), Duration.ofSeconds(61));
        seen("c", down(), Duration.ofSeconds(1));
        seen("d", down(), Duration.ofSeconds(1));
        Decision d = decide(four, 2);
        assertThat(d.summary()).isEqualTo("down from c and d: status 503; a and b see connection refused");
    }

    @Test
    void oneLocationIsTodaysBehaviour() {
        Quorum q = Quorum.of(new ProbePlan(new TcpCheck("db", 5432, Duration.ofSeconds(3)), EVERY, Thresholds.DEFAULT),
                List.of("eu", "us"));
        assertThat(q.locations()).as("a plan without locations ignores the probers there are").containsExactly("local");
        assertThat(q.k()).isEqualTo(1);

        DampingState damping = DampingState.INITIAL;
        DampingState alone = DampingState.INITIAL;
        List<ProbeResult> results = List.of(up(), down(), down(), slow(), down(), down(), down(), up(), up());
        for (ProbeResult r : results) {
            clock.advance(EVERY);
            latest.clear();
            latest.add(new Seen("local", r, clock.instant()));
            Decision d = q.decide(latest, clock.instant());
            assertThat(d.result()).as("the location's own result, reason and all").containsSame(r);
            assertThat(d.summary()).isEqualTo(r.reason());
            damping = d.damp(damping, Thresholds.DEFAULT);
            alone = alone.next(r, Thresholds.DEFAULT);
            assertThat(damping).isEqualTo(alone);
        }
        assertThat(damping.decided()).isEqualTo(State.ONLINE);

        clock.advance(Duration.ofMinutes(3));
        Decision quiet = q.decide(latest, clock.instant());
        assertThat(quiet.kind()).isEqualTo(Kind.TOO_FEW);
        assertThat(quiet.summary()).isEqualTo("no location reporting (local silent); quorum needs 1");
    }

    @Test
    void theQuorumsDecisionIsWhatDampingConfirms() {
        DampingState d = new DampingState(State.ONLINE, 0, 0, Optional.of("up"));
        Thresholds t = new Thresholds(3, 2);
        for (int round = 1; round <= 3; round++) {
            clock.advance(EVERY);
            seen("eu", down(), Duration.ZERO);
            seen("us", down(), Duration.ZERO);
            seen("asia", up(), Duration.ZERO);
            d = decide(THREE, 2).damp(d, t);
            assertThat(d.decided()).isEqualTo(round < 3 ? State.ONLINE : State.DOWN);
        }
        assertThat(d.lastReason()).contains("down from eu and us: status 503; asia sees status 200");
        clock.advance(EVERY);
        seen("us", up(), Duration.ZERO);
        assertThat(decide(THREE, 2).kind()).as("us alone has this round's result so far").isEqualTo(Kind.SPLIT);
        assertThat(decide(THREE, 2).damp(d, t)).isSameAs(d);
        seen("eu", down(), Duration.ZERO);
        seen("asia", up(), Duration.ZERO);
        d = decide(THREE, 2).damp(d, t);
        assertThat(d.decided()).isEqualTo(State.DOWN);
        assertThat(d.successes()).isEqualTo(1);
    }

    @Test
    void aLocationsNewestResultCountsAndOthersAreIgnored() {
        latest.add(new Seen("eu", up(), clock.instant().minusSeconds(30)));
        latest.add(new Seen("eu", down(), clock.instant().minusSeconds(2)));
        latest.add(new Seen("us", down(), clock.instant().minusSeconds(2)));
        latest.add(new Seen("removed", up(), clock.instant().minusSeconds(2)));
        Decision d = decide(List.of("eu", "us"), 2);
        assertThat(d.outcome()).contains(Outcome.DOWN);
        assertThat(d.summary()).isEqualTo("down from eu and us: status 503");
    }

    @Test
    void aPlanOnEveryLocationCountsTheProbersThereAre() {
        ProbePlan plan = new ProbePlan(new TcpCheck("db", 5432, Duration.ofSeconds(3)), EVERY, Thresholds.DEFAULT,
                new ProbeLocations(true, List.of(), OptionalInt.empty()));
        Quorum q = Quorum.of(plan, List.of("us", "eu", "local"));
        assertThat(q.locations()).containsExactly("local", "eu", "us");
        assertThat(q.k()).isEqualTo(2);
        assertThat(Quorum.of(plan, List.of("us", "eu", "asia", "sa")).k()).isEqualTo(3);
        assertThat(Quorum.of(plan, List.of()).k()).as("local alone").isEqualTo(1);
    }

    @Test
    void listingsReadAsEnglish() {
        assertThat(Quorum.listing(List.of("eu"))).isEqualTo("eu");
        assertThat(Quorum.listing(List.of("eu", "us"))).isEqualTo("eu and us");
        assertThat(Quorum.listing(List.of("eu", "us", "asia"))).isEqualTo("eu, us and asia");
    }

    @Test
    void badQuorumsAreRefused() {
        assertThatThrownBy(() -> new Quorum(List.of(), 1, EVERY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Quorum(List.of("eu", "eu"), 1, EVERY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Quorum(THREE, 0, EVERY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Quorum(THREE, 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
