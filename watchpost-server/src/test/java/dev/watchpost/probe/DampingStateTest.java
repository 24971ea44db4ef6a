package dev.watchpost.probe;

import dev.watchpost.live.State;
import dev.watchpost.probe.DampingState.Thresholds;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DampingStateTest {

    private static final Thresholds T = Thresholds.DEFAULT;
    private static final ProbeResult UP = ProbeResult.up("status 200", 12);
    private static final ProbeResult SLOW = ProbeResult.degraded("slower than 800 ms (1,204 ms)", 1204);
    private static final ProbeResult FAIL = ProbeResult.down("status 503");

    private static DampingState run(DampingState s, Thresholds t, ProbeResult... results) {
        for (ProbeResult r : results) {
            s = s.next(r, t);
        }
        return s;
    }

    private static DampingState run(ProbeResult... results) {
        return run(DampingState.INITIAL, T, results);
    }

    private static DampingState settled(State s) {
        return new DampingState(s, 0, 0, Optional.of("before"));
    }

    @Test
    void initialIsUnknownAndNotPending() {
        assertThat(DampingState.INITIAL.decided()).isEqualTo(State.UNKNOWN);
        assertThat(DampingState.INITIAL.pending()).isFalse();
        assertThat(DampingState.INITIAL.streak()).isZero();
        assertThat(DampingState.INITIAL.lastReason()).isEmpty();
    }

    @Test
    void firstResultDecidesAtOnce() {
        assertThat(run(UP)).isEqualTo(new DampingState(State.ONLINE, 0, 0, Optional.of("status 200")));
        assertThat(run(SLOW).decided()).isEqualTo(State.DEGRADED);
        assertThat(run(FAIL)).isEqualTo(new DampingState(State.DOWN, 0, 0, Optional.of("status 503")));
    }

    @Test
    void goesDownOnlyAfterTheFailureThreshold() {
        DampingState s = settled(State.ONLINE).next(FAIL, T);
        assertThat(s.decided()).isEqualTo(State.ONLINE);
        assertThat(s.pending()).isTrue();
        assertThat(s.streak()).isEqualTo(1);
        assertThat(s.failures()).isEqualTo(1);
        assertThat(s.lastReason()).contains("status 503");

        s = s.next(FAIL, T);
        assertThat(s.decided()).isEqualTo(State.ONLINE);
        assertThat(s.streak()).isEqualTo(2); // "2 of 3 failures"

        s = s.next(FAIL, T);
        assertThat(s).isEqualTo(new DampingState(State.DOWN, 0, 0, Optional.of("status 503")));
        assertThat(s.pending()).isFalse();
    }

    @Test
    void degradedAlsoNeedsTheFailureThresholdToGoDown() {
        DampingState s = run(settled(State.DEGRADED), T, FAIL, FAIL);
        assertThat(s.decided()).isEqualTo(State.DEGRADED);
        assertThat(s.failures()).isEqualTo(2);
        assertThat(s.next(FAIL, T).decided()).isEqualTo(State.DOWN);
    }

    @Test
    void anAnswerEndsAFailureStreak() {
        DampingState s = run(settled(State.ONLINE), T, FAIL, FAIL, UP);
        assertThat(s).isEqualTo(new DampingState(State.ONLINE, 0, 0, Optional.of("status 200")));
        s = run(settled(State.ONLINE), T, FAIL, FAIL, SLOW);
        assertThat(s).isEqualTo(new DampingState(State.DEGRADED, 0, 0, Optional.of(SLOW.reason())));
        assertThat(run(s, T, FAIL, FAIL).decided()).isEqualTo(State.DEGRADED);
    }

    @Test
    void flappingNeverGoesDown() {
        DampingState s = settled(State.ONLINE);
        for (int i = 0; i < 100; i++) {
            s = s.next(i % 2 == 0 ? FAIL : UP, T);
            assertThat(s.decided()).isEqualTo(State.ONLINE);
            assertThat(s.streak()).isLessThanOrEqualTo(1);
        }
        s = run(settled(State.ONLINE), T, FAIL, FAIL, UP, FAIL, FAIL, SLOW, FAIL, FAIL, UP);
        assertThat(s.decided()).isEqualTo(State.ONLINE);
        assertThat(s.pending()).isFalse();
    }

    @Test
    void flappingNeverRecoversFromDown() {
        DampingState s = settled(State.DOWN);
        for (int i = 0; i < 100; i++) {
            s = s.next(i % 2 == 0 ? UP : FAIL, T);
            assertThat(s.decided()).isEqualTo(State.DOWN);
        }
    }

    @Test
    void recoversAfterTheSuccessThreshold() {
        DampingState s = settled(State.DOWN).next(UP, T);
        assertThat(s.decided()).isEqualTo(State.DOWN);
        assertThat(s.pending()).isTrue();
        assertThat(s.successes()).isEqualTo(1);
        assertThat(s.streak()).isEqualTo(1);
        s = s.next(UP, T);
        assertThat(s).isEqualTo(new DampingState(State.ONLINE, 0, 0, Optional.of("status 200")));
    }

    @Test
    void recoveryTakesTheConfirmingResultsState() {
        assertThat(run(settled(State.DOWN), T, UP, SLOW).decided()).isEqualTo(State.DEGRADED);
        assertThat(run(settled(State.DOWN), T, SLOW, UP).decided()).isEqualTo(State.ONLINE);
        assertThat(run(settled(State.DOWN), T, SLOW).decided()).isEqualTo(State.DOWN);
    }

    @Test
    void aFailureEndsARecoveryStreak() {
        DampingState s = run(settled(State.DOWN), T, UP, FAIL);
        assertThat(s).isEqualTo(new DampingState(State.DOWN, 0, 0, Optional.of("status 503")));
        assertThat(s.next(UP, T).decided()).isEqualTo(State.DOWN);
    }

    @Test
    void onlineAndDegradedSwitchWithoutDamping() {
        assertThat(settled(State.ONLINE).next(SLOW, T).decided()).isEqualTo(State.DEGRADED);
        assertThat(settled(State.ONLINE).next(SLOW, T).pending()).isFalse();
        assertThat(settled(State.DEGRADED).next(UP, T).decided()).isEqualTo(State.ONLINE);
        assertThat(settled(State.DEGRADED).next(SLOW, T).decided()).isEqualTo(State.DEGRADED);
        assertThat(settled(State.ONLINE).next(UP, T)).isEqualTo(new DampingState(State.ONLINE, 0, 0, Optional.of("status 200")));
        assertThat(settled(State.DOWN).next(FAIL, T)).isEqualTo(new DampingState(State.DOWN, 0, 0, Optional.of("status 503")));
    }

    @Test
    void thresholdsOfOneMeanNoDamping() {
        Thresholds one = new Thresholds(1, 1);
        DampingState s = settled(State.ONLINE).next(FAIL, one);
        assertThat(s.decided()).isEqualTo(State.DOWN);
        assertThat(s.pending()).isFalse();
        s = s.next(UP, one);
        assertThat(s.decided()).isEqualTo(State.ONLINE);
        assertThat(s.next(SLOW, one).next(FAIL, one).next(SLOW, one).decided()).isEqualTo(State.DEGRADED);
    }

    @Test
    void higherThresholds() {
        Thresholds t = new Thresholds(10, 10);
        DampingState s = settled(State.ONLINE);
        for (int i = 1; i < 10; i++) {
            s = s.next(FAIL, t);
            assertThat(s.decided()).isEqualTo(State.ONLINE);
            assertThat(s.streak()).isEqualTo(i);
        }
        s = s.next(FAIL, t);
        assertThat(s.decided()).isEqualTo(State.DOWN);
        for (int i = 1; i < 10; i++) {
            s = s.next(UP, t);
            assertThat(s.decided()).isEqualTo(State.DOWN);
            assertThat(s.successes()).isEqualTo(i);
        }
        assertThat(s.next(UP, t).decided()).isEqualTo(State.ONLINE);
    }

    @Test
    void aLoweredThresholdCompletesAStreakAlreadyPastIt() {
        DampingState s = run(settled(State.ONLINE), new Thresholds(5, 2), FAIL, FAIL, FAIL);
        assertThat(s.decided()).isEqualTo(State.ONLINE);
        assertThat(s.next(FAIL, new Thresholds(2, 2)).decided()).isEqualTo(State.DOWN);
    }

    @Test
    void validates() {
        assertThatThrownBy(() -> new DampingState(State.OFFLINE, 0, 0, Optional.empty()))
                .hasMessage("decided must be unknown, online, degraded or down: offline");
        assertThatThrownBy(() -> new DampingState(State.ONLINE, -1, 0, Optional.empty()))
                .hasMessageContaining("must be >= 0");
        assertThatThrownBy(() -> new DampingState(State.DOWN, 1, 0, Optional.empty()))
                .hasMessage("failures must be 0 when decided is down: 1");
        assertThatThrownBy(() -> new DampingState(State.UNKNOWN, 1, 0, Optional.empty()))
                .hasMessage("failures must be 0 when decided is unknown: 1");
        assertThatThrownBy(() -> new DampingState(State.ONLINE, 0, 1, Optional.empty()))
                .hasMessage("successes must be 0 unless decided is down: 1");
        assertThatThrownBy(() -> new DampingState(null, 0, 0, Optional.empty())).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new DampingState(State.ONLINE, 0, 0, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Thresholds(0, 2)).hasMessage("failure threshold must be 1..10: 0");
        assertThatThrownBy(() -> new Thresholds(3, 11)).hasMessage("success threshold must be 1..10: 11");
        assertThat(new Thresholds(10, 1)).isNotNull();
        assertThatThrownBy(() -> DampingState.INITIAL.next(null, T)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> DampingState.INITIAL.next(UP, null)).isInstanceOf(NullPointerException.class);
    }
}
