package dev.watchpost.live;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateMachineTest {

    @Test
    void glanceStatesKeepTheirNumbers() {
        assertThat(State.values()).extracting(State::code).startsWith(0, 1, 2, 3, 4, 5, 6);
        assertThat(State.ofCode(1)).contains(State.UNHEALTHY);
        assertThat(State.ofCode(3)).contains(State.ONLINE);
        assertThat(State.ofCode(99)).isEmpty();
        assertThat(State.ofCode(-1)).isEmpty();
    }

    @Test
    void everyStateHasASeverityClass() {
        assertThat(State.ONLINE.severity()).isEqualTo(Severity.OK);
        assertThat(State.STARTING.severity()).isEqualTo(Severity.WARN);
        assertThat(State.UNHEALTHY.severity()).isEqualTo(Severity.BAD);
        assertThat(State.OFFLINE.severity()).isEqualTo(Severity.BAD);
        assertThat(State.UNKNOWN.severity()).isEqualTo(Severity.UNKNOWN);
        assertThat(State.MAINTENANCE.severity()).isEqualTo(Severity.MAINTENANCE);
    }

    @Test
    void aReportSetsTheReportedState() {
        assertThat(StateMachine.next(State.UNKNOWN, Observation.report(State.STARTING))).contains(State.STARTING);
        assertThat(StateMachine.next(State.STARTING, Observation.report(State.ONLINE))).contains(State.ONLINE);
        assertThat(StateMachine.next(State.ONLINE, Observation.report(State.ONLINE))).isEmpty();
    }

    @Test
    void glanceHealthPingRevivesOnlyUnhealthy() {
        assertThat(StateMachine.next(State.UNHEALTHY, Observation.health())).contains(State.ONLINE);
        assertThat(StateMachine.next(State.OFFLINE, Observation.health())).isEmpty();
        assertThat(StateMachine.next(State.STARTING, Observation.health())).isEmpty();
        assertThat(StateMachine.next(State.UNKNOWN, Observation.health())).isEmpty();
    }

    @Test
    void aliveRevivesUnknownAndBadStates() {
        assertThat(StateMachine.next(State.UNKNOWN, Observation.alive())).contains(State.ONLINE);
        assertThat(StateMachine.next(State.DOWN, Observation.alive())).contains(State.ONLINE);
        assertThat(StateMachine.next(State.UNHEALTHY, Observation.alive())).contains(State.ONLINE);
        assertThat(StateMachine.next(State.DEGRADED, Observation.alive())).isEmpty();
    }

    @Test
    void aliveLeavesAReportedOfflineAlone() {
        // docs/targets.md: a heartbeat without a state revives only unknown, down or unhealthy targets.
        assertThat(StateMachine.next(State.OFFLINE, Observation.alive())).isEmpty();
        assertThat(StateMachine.next(State.STARTING, Observation.alive())).isEmpty();
        assertThat(StateMachine.next(State.MAINTENANCE, Observation.alive())).isEmpty();
    }

    @Test
    void aStartedRunMustFinishWithinTheGrace() {
        Observation.Kind start = Observation.Kind.START;
        assertThat(Lease.everyWithGrace(Duration.ofMinutes(1), Duration.ofSeconds(10)).deadline(1_000, start))
                .as("every + grace: start + grace, as Healthchecks").isEqualTo(11_000);
        assertThat(new Lease(Duration.ofSeconds(45)).deadline(1_000, start))
                .as("a bare timeout has no grace: the timeout is the run's limit").isEqualTo(46_000);
    }

    @ParameterizedTest
    @EnumSource(value = State.class, names = {"UNKNOWN", "ONLINE", "OFFLINE", "STARTING", "STOPPING", "RESUMING", "DEGRADED", "DOWN"})
    void expiryMakesAnyReportedStateUnhealthy(State s) {
        assertThat(StateMachine.expired(s)).contains(State.UNHEALTHY);
    }

    @ParameterizedTest
    @EnumSource(value = State.class, names = {"UNHEALTHY", "MAINTENANCE"})
    void expiryLeavesTheseAlone(State s) {
        assertThat(StateMachine.expired(s)).isEmpty();
    }

    @Test
    void leaseMaths() {
        Lease argus = Lease.of(Duration.ofSeconds(15), 3);
        assertThat(argus.timeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(argus.deadline(1_000, Observation.Kind.ALIVE)).isEqualTo(46_000);
        assertThat(Lease.everyWithGrace(Duration.ofSeconds(30), Duration.ofSeconds(15)).timeout())
                .isEqualTo(Duration.ofSeconds(45));
        // After a restart every target gets a full lease from the restart, not from its last report.
        assertThat(argus.deadlineAfterRestart(1_000, 100_000)).isEqualTo(145_000);
        assertThat(argus.deadlineAfterRestart(90_000, 100_000)).isEqualTo(145_000);
        assertThatThrownBy(() -> new Lease(Duration.ZERO)).hasMessageContaining("positive");
        assertThatThrownBy(() -> Lease.of(Duration.ofSeconds(1), 0)).hasMessageContaining("ttl factor");
    }
}
