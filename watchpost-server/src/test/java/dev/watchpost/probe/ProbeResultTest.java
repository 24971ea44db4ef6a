package dev.watchpost.probe;

import dev.watchpost.live.Observation;
import dev.watchpost.live.State;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProbeResultTest {

    @Test
    void validates() {
        assertThatThrownBy(() -> ProbeResult.up(" ", 1)).hasMessage("reason must not be blank");
        assertThatThrownBy(() -> ProbeResult.up("x", -1)).hasMessageContaining("latencyMs");
        assertThatThrownBy(() -> ProbeResult.up("x", 1).withStatus(42)).hasMessage("statusCode must be 100..599: 42");
        assertThatThrownBy(() -> ProbeResult.up("x", 1).withStats(Map.of("cpu", Double.NaN)))
                .hasMessage("stats[cpu] must be a finite number: NaN");
        assertThat(ProbeResult.down("x".repeat(500)).reason()).hasSize(ProbeResult.MAX_REASON).endsWith("…");
    }

    @Test
    void becomesAnObservationForTheLiveState() {
        Observation o = ProbeResult.degraded("slower than 800 ms (1,204 ms)", 1204).withStatus(200).toObservation();
        assertThat(o.kind()).isEqualTo(Observation.Kind.REPORT);
        assertThat(o.state()).isEqualTo(State.DEGRADED);
        assertThat(o.message()).isEqualTo("slower than 800 ms (1,204 ms)");
        assertThat(o.latencyMs()).isEqualTo(1204);
        assertThat(o.metrics()).isNull();
        assertThat(ProbeResult.down("status 503").toObservation().state()).isEqualTo(State.DOWN);
        assertThat(ProbeResult.up("status 200", 3).statusCode()).isEqualTo(OptionalInt.empty());
    }

    @Test
    void reasonWording() {
        assertThat(Reasons.timeout(Duration.ofSeconds(5))).isEqualTo("timeout after 5 s");
        assertThat(Reasons.timeout(Duration.ofMillis(1500))).isEqualTo("timeout after 1,500 ms");
        assertThat(Reasons.millis(1204.4)).isEqualTo("1,204");
        assertThat(Reasons.days(1)).isEqualTo("1 day");
    }

    @Test
    void statusRanges() {
        assertThat(StatusRange.parse("2xx")).isEqualTo(new StatusRange(200, 299));
        assertThat(StatusRange.parse("200-204")).isEqualTo(new StatusRange(200, 204));
        assertThat(StatusRange.parse(" 418 ")).isEqualTo(new StatusRange(418, 418));
        assertThatThrownBy(() -> StatusRange.parse("ok")).hasMessage("not a status range (200, 200-299, 2xx): 'ok'");
        assertThatThrownBy(() -> new StatusRange(300, 200)).hasMessageContaining("300-200");
    }
}
