package dev.watchpost.page;

import dev.watchpost.live.TargetKind;
import dev.watchpost.live.GroupView;
import dev.watchpost.live.Severity;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The banner rules, as written in {@link Banner}. */
class BannerTest {

    static GroupView group(String id, String parent, Map<State, Integer> counts) {
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        return new GroupView(id, id, parent, 0, null, new EnumMap<>(counts), Severity.OK, total);
    }

    static TargetView target(State s) {
        return new TargetView("t", "t", TargetKind.PUSH, null, -1, s, 0, -1, Long.MAX_VALUE, null, Double.NaN, null, null);
    }

    @Test
    void nothingObservedIsNoData() {
        assertThat(Banner.decide(List.of(), List.of())).isEqualTo(Banner.NONE);
        assertThat(Banner.decide(List.of(group("bots", null, Map.of(State.UNKNOWN, 360))), List.of(target(State.UNKNOWN))))
                .isEqualTo(Banner.NONE);
    }

    @Test
    void everythingFineIsOperationalAndUnknownsDoNotCount() {
        assertThat(Banner.decide(List.of(group("bots", null, Map.of(State.ONLINE, 10, State.UNKNOWN, 350))), List.of()))
                .isEqualTo(Banner.OK);
    }

    @Test
    void anyDownOrDegradedTargetIsAPartialOutage() {
        assertThat(Banner.decide(List.of(group("bots", null, Map.of(State.ONLINE, 359, State.UNHEALTHY, 1))), List.of()))
                .isEqualTo(Banner.PARTIAL);
        assertThat(Banner.decide(List.of(group("web", null, Map.of(State.ONLINE, 3, State.DEGRADED, 1))), List.of()))
                .isEqualTo(Banner.PARTIAL);
    }

    @Test
    void halfOfAnAreaDownIsAMajorOutage() {
        assertThat(Banner.decide(List.of(group("bots", null, Map.of(State.ONLINE, 180, State.OFFLINE, 180))), List.of()))
                .isEqualTo(Banner.MAJOR);
        // A standalone service that is down is an area of its own, wholly down.
        assertThat(Banner.decide(List.of(group("bots", null, Map.of(State.ONLINE, 360))), List.of(target(State.DOWN))))
                .isEqualTo(Banner.MAJOR);
    }

    @Test
    void onlyTopLevelRollUpsDecideSoNestedGroupsAreNotCountedTwice() {
        // bots holds bots/main's counts already; bots/main alone would be half down, bots as a whole is not.
        GroupView bots = group("bots", null, Map.of(State.ONLINE, 300, State.OFFLINE, 10));
        GroupView main = group("bots/main", "bots", Map.of(State.ONLINE, 10, State.OFFLINE, 10));
        assertThat(Banner.decide(List.of(bots, main), List.of())).isEqualTo(Banner.PARTIAL);
    }

    @Test
    void maintenanceWhenNothingIsWrongButSomethingIsInMaintenance() {
        assertThat(Banner.decide(List.of(group("web", null, Map.of(State.ONLINE, 3, State.MAINTENANCE, 1))), List.of()))
                .isEqualTo(Banner.MAINTENANCE);
        assertThat(Banner.decide(List.of(group("web", null, Map.of(State.DOWN, 1, State.ONLINE, 3, State.MAINTENANCE, 1))),
                List.of())).isEqualTo(Banner.PARTIAL);
    }
}
