package dev.watchpost.compat.argus;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterHistoryTest {

    private static ClusterMetrics guilds(long g) {
        return new ClusterMetrics(0.25, 3, g, null, 1.5, null, null, 0.0, 60.0, null);
    }

    @Test
    void keepsTheLastPointsOldestFirstWithUnknownsStillUnknown() {
        ClusterHistory h = new ClusterHistory(3);
        for (int i = 1; i <= 5; i++) {
            h.add(i * 1000L, guilds(i));
        }
        assertThat(h.points()).extracting(ClusterHistory.Point::atMs).containsExactly(3000L, 4000L, 5000L);
        assertThat(h.points()).extracting(p -> p.metrics().guilds()).containsExactly(3L, 4L, 5L);
        assertThat(h.points().get(2).metrics()).isEqualTo(guilds(5));
        assertThat(h.points().get(2).metrics().cachedUsers()).isNull();
    }

    @Test
    void fewerPointsThanCapacityAndNone() {
        ClusterHistory h = new ClusterHistory(4);
        h.add(1, guilds(1));
        assertThat(h.points()).hasSize(1);
        ClusterHistory off = new ClusterHistory(0);
        off.add(1, guilds(1));
        assertThat(off.points()).isEmpty();
    }
}
