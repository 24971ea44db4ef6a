package dev.watchpost.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "90s, PT1M30S",
            "15m, PT15M",
            "1d, PT24H",
            "24h, PT24H",
            "500ms, PT0.5S",
            "2w, PT336H",
            "PT30S, PT30S",
            "P1D, PT24H",
            "pt5m, PT5M",
            " 10s , PT10S",
            "36500d, PT876000H",
    })
    void acceptsShortFormsAndIso(String text, String expected) {
        assertThat(Durations.parse(text)).contains(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "ten seconds", "1y", "-5s", "1.5h", "P", "PTXS", "99999999999999999999s",
            "9999999999999d", "PT9999999999999999S", "36501d"})
    void rejectsEverythingElse(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"PT24H, 1d", "PT2H, 2h", "PT90S, 90s", "PT0.25S, 250ms", "PT15M, 15m"})
    void formatsReadBack(String iso, String expected) {
        Duration d = Duration.parse(iso);
        assertThat(Durations.format(d)).isEqualTo(expected);
        assertThat(Durations.parse(Durations.format(d))).contains(d);
    }
}
