package dev.watchpost.live;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Holds (pause, maintenance windows): shown as maintenance, reports decide what comes after, restart-safe. */
@Tag("integration")
class LiveHoldTest extends LiveFixture {

    @Override
    void declare(LiveState l) {
        oneTarget(l);
    }

    private TargetView view() {
        return live.target("w").orElseThrow();
    }

    @Test
    void aHeldTargetShowsMaintenanceAndReturnsToWhatItsReportsSaid() {
        live.observe("w", Observation.report(State.ONLINE));
        assertThat(live.hold("w", "notice:1", "maintenance: upgrade")).isTrue();
        assertThat(view().state()).isEqualTo(State.MAINTENANCE);
        assertThat(view().message()).isEqualTo("maintenance: upgrade");

        live.observe("w", new Observation(Observation.Kind.REPORT, State.DOWN, "restarting", Double.NaN, null));
        assertThat(view().state()).as("reports go behind the hold").isEqualTo(State.MAINTENANCE);
        assertThat(live.held("w").orElseThrow().underlying()).isEqualTo(State.DOWN);

        clock.advance(Duration.ofMinutes(5)); // far past the lease: a held target does not expire
        live.tickLeases();
        assertThat(view().state()).isEqualTo(State.MAINTENANCE);

        live.observe("w", new Observation(Observation.Kind.REPORT, State.ONLINE, "back", Double.NaN, null));
        assertThat(live.release("w", "notice:1", "maintenance ended")).isTrue();
        assertThat(view().state()).isEqualTo(State.ONLINE);
        assertThat(view().message()).isEqualTo("back");
        assertThat(live.held("w")).isEmpty();
        live.flush();
        assertThat(announced).extracting(Transition::to).containsExactly(State.ONLINE, State.MAINTENANCE, State.ONLINE);
        assertThat(announced.get(2).reason()).isEqualTo("maintenance ended");
    }

    @Test
    void twoHoldersReleaseOnlyWhenBothLetGo() {
        live.observe("w", Observation.report(State.ONLINE));
        live.hold("w", "paused", "paused");
        live.hold("w", "notice:2", "maintenance: db");
        assertThat(view().message()).isEqualTo("maintenance: db");
        live.release("w", "notice:2", "maintenance ended");
        assertThat(view().state()).isEqualTo(State.MAINTENANCE);
        assertThat(view().message()).isEqualTo("paused");
        assertThat(live.release("w", "notice:2", "again")).as("not held by it any more").isFalse();
        live.release("w", "paused", "resumed");
        assertThat(view().state()).isEqualTo(State.ONLINE);
    }

    @Test
    void afterTheHoldTheLeaseStartsAfresh() {
        live.observe("w", Observation.report(State.ONLINE));
        live.hold("w", "paused", "paused");
        clock.advance(Duration.ofHours(1));
        live.release("w", "paused", "resumed");
        assertThat(view().state()).isEqualTo(State.ONLINE);
        clock.advance(Duration.ofSeconds(29));
        live.tickLeases();
        assertThat(view().state()).as("one full lease after the hold ends").isEqualTo(State.ONLINE);
        clock.advance(Duration.ofSeconds(2));
        live.tickLeases();
        assertThat(view().state()).isEqualTo(State.UNHEALTHY);
    }

    @Test
    void aRestartKeepsTheHoldWhenClaimedAgainAndEndsItWhenNot() {
        live.observe("w", Observation.report(State.ONLINE));
        live.hold("w", "notice:3", "maintenance: move");
        live.observe("w", Observation.report(State.DEGRADED));
        live.close();
        live.flush();
        int before = announced.size();

        live = newLive(l -> assertThat(l.hold("w", "notice:3", "maintenance: move")).isTrue());
        assertThat(view().state()).isEqualTo(State.MAINTENANCE);
        live.release("w", "notice:3", "maintenance ended");
        assertThat(view().state()).as("the state reports led to before the restart").isEqualTo(State.DEGRADED);
        live.flush();
        assertThat(announced.subList(before, announced.size())).as("claiming again records nothing")
                .extracting(Transition::to).containsExactly(State.DEGRADED);

        live.hold("w", "notice:4", "maintenance: again");
        live.close();
        live = newLive(l -> { }); // nobody claims notice:4 (its window ended while stopped)
        assertThat(view().state()).isEqualTo(State.DEGRADED);
        assertThat(live.held("w")).isEmpty();
    }
}
