package dev.watchpost.probe;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The ring of a probed target's last checks: order, capacity, and checks that got no answer. */
class RecentChecksTest {

    @Test
    void keepsTheNewestInOrderUpToItsCapacity() {
        RecentChecks ring = new RecentChecks();
        assertThat(ring.list()).isEmpty();
        Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
        int n = RecentChecks.CAPACITY + 25;
        for (int i = 0; i < n; i++) {
            ring.add(t0.plusSeconds(30L * i), i % 7 == 0 ? ProbeResult.down("refused") : ProbeResult.up("status 200", i));
        }
        List<RecentChecks.Result> list = ring.list();
        assertThat(list).hasSize(RecentChecks.CAPACITY);
        assertThat(list.get(0).at()).isEqualTo(t0.plusSeconds(30L * 25));
        assertThat(list.get(list.size() - 1).at()).isEqualTo(t0.plusSeconds(30L * (n - 1)));
        for (int i = 1; i < list.size(); i++) {
            assertThat(list.get(i).at()).isAfter(list.get(i - 1).at());
        }
        RecentChecks.Result last = list.get(list.size() - 1); // check 384: 384 % 7 != 0, so up
        assertThat(last.outcome()).isEqualTo(Outcome.UP);
        assertThat(last.latencyMs()).isEqualTo(384.0);
        assertThat(list.get(list.size() - 7).outcome()).as("check 378 = 7 * 54 got no answer").isEqualTo(Outcome.DOWN);
        assertThat(list.stream().filter(r -> r.outcome() == Outcome.DOWN)).allMatch(r -> Double.isNaN(r.latencyMs()));
    }
}
