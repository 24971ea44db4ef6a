package dev.watchpost.manual;

import dev.watchpost.live.Severity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WorstTest {

    static final ManualStatus UP = status("up", "Up", Severity.OK);
    static final ManualStatus DOWN = status("down", "Down", Severity.BAD);
    static final ManualStatus WARNING = status("warning", "Warning", Severity.WARN);
    static final ManualStatus MAINTENANCE = status("maintenance", "Maintenance", Severity.MAINTENANCE);

    static ManualStatus status(String slug, String name, Severity s) {
        return new ManualStatus(slug, name, "", null, s, false);
    }

    @Test
    void severityDecidesNotTheName() {
        // Stashboard sorted names: "Warning" > "Down", so a warning hid an outage.
        assertThat(Worst.of(List.of(WARNING, DOWN, UP))).contains(DOWN);
        assertThat(Worst.of(List.of(UP, WARNING))).contains(WARNING);
        ManualStatus aaa = status("aaa-outage", "AAA outage", Severity.BAD);
        ManualStatus zzz = status("zzz-slow", "ZZZ slow", Severity.WARN);
        assertThat(Worst.of(List.of(zzz, aaa))).contains(aaa);
    }

    @Test
    void maintenanceOutranksOkButNotProblems() {
        assertThat(Worst.of(List.of(UP, MAINTENANCE, UP))).contains(MAINTENANCE);
        assertThat(Worst.of(List.of(MAINTENANCE, WARNING))).contains(WARNING);
    }

    @Test
    void amongEquallySevereTheFirstGivenWins() {
        ManualStatus outage = status("outage", "Outage", Severity.BAD);
        assertThat(Worst.of(List.of(UP, outage, DOWN))).contains(outage);
        assertThat(Worst.of(List.of(UP, DOWN, outage))).contains(DOWN);
    }

    @Test
    void noStatusesNoWorst() {
        assertThat(Worst.of(List.of())).isEmpty();
    }

    @Test
    void sortingByConcernIsStable() {
        ManualStatus outage = status("outage", "Outage", Severity.BAD);
        List<ManualStatus> sorted = new java.util.ArrayList<>(List.of(DOWN, UP, outage, MAINTENANCE, WARNING));
        sorted.sort(Worst.BY_CONCERN);
        assertThat(sorted).containsExactly(UP, MAINTENANCE, WARNING, DOWN, outage);
    }

    @Test
    void eachSeverityMapsToItsLiveState() {
        assertThat(UP.state()).isEqualTo(dev.watchpost.live.State.ONLINE);
        assertThat(WARNING.state()).isEqualTo(dev.watchpost.live.State.DEGRADED);
        assertThat(DOWN.state()).isEqualTo(dev.watchpost.live.State.DOWN);
        assertThat(MAINTENANCE.state()).isEqualTo(dev.watchpost.live.State.MAINTENANCE);
    }
}
