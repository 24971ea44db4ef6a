package dev.watchpost.location;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The "location lost" decision, stepped with explicit times. */
class LocationWatchTest {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void aLocationIsLostOnceAfterTwoMinutesSilentAndBackOnceWhenHeardAgain() {
        LocationWatch watch = new LocationWatch();
        Map<String, Instant> heard = new HashMap<>(Map.of("eu", T0, "us", T0));

        assertThat(watch.step(heard, T0.plusSeconds(60))).isEmpty();
        assertThat(watch.step(heard, T0.plus(LocationWatch.DEFAULT_LOST_AFTER))).as("exactly two minutes: not yet").isEmpty();

        heard.put("us", T0.plusSeconds(100)); // us keeps polling; eu does not
        Instant later = T0.plus(LocationWatch.DEFAULT_LOST_AFTER).plusSeconds(1);
        assertThat(watch.step(heard, later)).containsExactly(new LocationWatch.Change("eu", true, T0));
        assertThat(watch.step(heard, later.plusSeconds(30))).as("told once").isEmpty();

        heard.put("eu", later.plusSeconds(40));
        assertThat(watch.step(heard, later.plusSeconds(40)))
                .containsExactly(new LocationWatch.Change("eu", false, later.plusSeconds(40)));
        assertThat(watch.step(heard, later.plusSeconds(41))).isEmpty();
    }

    @Test
    void severalLostInOneStepAreToldInNameOrder() {
        LocationWatch watch = new LocationWatch();
        Map<String, Instant> heard = Map.of("us", T0, "asia", T0, "eu", T0.plusSeconds(200));
        assertThat(watch.step(heard, T0.plus(Duration.ofMinutes(3)))).extracting(LocationWatch.Change::location)
                .containsExactly("asia", "us");
    }
}
