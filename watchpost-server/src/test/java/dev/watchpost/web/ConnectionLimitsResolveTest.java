package dev.watchpost.web;

import org.junit.jupiter.api.Test;

import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** The total in force, from the descriptor limit the process was given. */
class ConnectionLimitsResolveTest {

    @Test
    void withoutATotalTheRoomTheDescriptorsLeaveIsTaken() {
        ConnectionLimits auto = new ConnectionLimits(OptionalInt.empty(), 100, 256 + 24);
        // the common soft limit: 1024 less what is open at start (120), probes and pool (280) and a spare (64)
        assertThat(auto.resolveTotal(1024, 120)).isEqualTo(new ConnectionLimits.Resolved(560, 560, true));
        assertThat(auto.resolveTotal(1_048_576, 120).total()).as("capped").isEqualTo(ConnectionLimits.AUTO_CAP);
        assertThat(auto.resolveTotal(-1, 0).total()).as("limit unknown").isEqualTo(ConnectionLimits.AUTO_CAP);
        ConnectionLimits.Resolved starved = auto.resolveTotal(256, 120);
        assertThat(starved.total()).isEqualTo(ConnectionLimits.AUTO_FLOOR);
        assertThat(starved.fits()).as("worth a warning").isFalse();
    }

    @Test
    void aConfiguredTotalIsKeptAndFlaggedWhenTheDescriptorsCannotHoldIt() {
        ConnectionLimits given = new ConnectionLimits(OptionalInt.of(2000), 100, 256);
        assertThat(given.resolveTotal(1024, 100)).isEqualTo(new ConnectionLimits.Resolved(2000, 604, false));
        assertThat(given.resolveTotal(65_536, 100).fits()).isTrue();
    }
}
