package dev.watchpost.composite;

import dev.watchpost.live.State;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Health events are snapshots, and the ring keeps only the newest. */
class CompositeEventsTest {

    static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

    private static HealthEvent event(int i) {
        return new HealthEvent(T0.plusSeconds(i), State.ONLINE, true, true, List.of(), Map.of("p", true));
    }

    @Test
    void theRingKeepsTheNewestUpToItsCapacityNewestFirst() {
        HealthRing ring = new HealthRing(3);
        for (int i = 0; i < 5; i++) {
            ring.add(event(i));
        }
        assertThat(ring.newestFirst()).extracting(HealthEvent::at)
                .containsExactly(T0.plusSeconds(4), T0.plusSeconds(3), T0.plusSeconds(2));
        assertThat(ring.newest()).contains(event(4));
        ring.resize(2);
        assertThat(ring.newestFirst()).hasSize(2).first().isEqualTo(event(4));
    }

    @Test
    void aPublishedListNeverChangesAfterwards() {
        HealthRing ring = new HealthRing(2);
        ring.add(event(0));
        List<HealthEvent> before = ring.newestFirst();
        ring.add(event(1));
        ring.add(event(2));
        assertThat(before).containsExactly(event(0));
        assertThatThrownBy(() -> before.add(event(9))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void anEventIsACopyNotAViewOfWhatItWasMadeFrom() {
        // practable's events held a live reference to the part map: old events changed with it
        Map<String, Boolean> parts = new LinkedHashMap<>();
        parts.put("b", true);
        parts.put("a", false);
        List<String> issues = new ArrayList<>(List.of("unhealthy a"));
        HealthEvent e = new HealthEvent(T0, State.DEGRADED, false, true, issues, parts);
        parts.put("a", true);
        issues.clear();
        assertThat(e.parts()).containsExactly(Map.entry("b", true), Map.entry("a", false));
        assertThat(e.issues()).containsExactly("unhealthy a");
        assertThatThrownBy(() -> e.parts().put("c", true)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void anEventFromAnAssessmentKeepsPartOrderAndChangesOnlyWithHealthAvailabilityOrIssues() {
        CompositeDef def = Defs.def("{\"parts\": [\"z\", \"a\"], \"required\": [\"z\"]}");
        Assessment first = Assessor.assess(def, List.of(PartViews.target("z", Defs.view("z", State.ONLINE, T0)),
                PartViews.target("a", Defs.view("a", State.DOWN, T0))), T0.plusSeconds(120), T0);
        HealthEvent e = HealthEvent.of(first);
        assertThat(e.parts().keySet()).containsExactly("z", "a");
        assertThat(e.available()).isTrue();
        assertThat(e.differsFrom(first)).isFalse();
        Assessment same = Assessor.assess(def, List.of(PartViews.target("z", Defs.view("z", State.ONLINE, T0)),
                PartViews.target("a", Defs.view("a", State.OFFLINE, T0))), T0.plusSeconds(130), T0);
        assertThat(e.differsFrom(same)).as("another bad state, same issue").isFalse();
        Assessment other = Assessor.assess(def, List.of(PartViews.target("z", Defs.view("z", State.ONLINE, T0)),
                PartViews.target("a", Defs.view("a", State.ONLINE, T0))), T0.plusSeconds(140), T0);
        assertThat(e.differsFrom(other)).isTrue();
    }
}
