package dev.watchpost.agent;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure arithmetic of a reading: ranges, rounding, disk use as df counts it. */
class ReadingTest {

    @Test
    void answersTheContractShapeWithOneDecimal() {
        Reading r = new Reading(6.04, 38.25, 8);
        assertThat(r.json()).containsExactly(
                org.assertj.core.api.Assertions.entry("cpu", 6.0),
                org.assertj.core.api.Assertions.entry("memory", 38.3),
                org.assertj.core.api.Assertions.entry("disk", 8.0));
    }

    @Test
    void clampsOvershootButRefusesNonNumbers() {
        Reading r = new Reading(100.0000001, -0.0000001, 50);
        assertThat(r.cpu()).isEqualTo(100.0);
        assertThat(r.memory()).isEqualTo(0.0);
        assertThatThrownBy(() -> new Reading(Double.NaN, 1, 1)).hasMessage("cpu must be a finite percentage, got NaN");
        assertThatThrownBy(() -> new Reading(1, 1, Double.POSITIVE_INFINITY))
                .hasMessage("disk must be a finite percentage, got Infinity");
    }

    @Test
    void diskUseCountsRootsReservedBlocksAsUnavailable() {
        // 100 blocks, 30 free of which 5 are reserved for root: df shows 70 / (70 + 25) = 73.7 %
        assertThat(Reading.oneDecimal(SystemStats.diskPercent(100, 30, 25))).isEqualTo(73.7);
        assertThat(SystemStats.diskPercent(100, 100, 100)).isEqualTo(0.0);
        assertThat(SystemStats.diskPercent(100, 5, 0)).as("full for everyone but root").isEqualTo(100.0);
        assertThat(SystemStats.diskPercent(0, 0, 0)).as("a pseudo file system of size 0").isEqualTo(0.0);
    }
}
