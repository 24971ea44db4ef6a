package dev.watchpost.composite;

import dev.watchpost.live.State;

import java.util.Objects;

/**
 * How one part (or one target of a group part) counts in an assessment.
 *
 * @param id        the target's id; for a missing target or an empty group, the part as declared
 * @param part      the part as declared that it belongs to (equal to {@code id} unless it is a group's target)
 * @param required  whether availability depends on it (a group's targets inherit their part's)
 * @param state     its live state, {@link State#UNKNOWN} when missing
 * @param condition what that means for the composite
 */
record PartStatus(String id, String part, boolean required, State state, Condition condition) {

    /** A part's condition, from best to worst. */
    public enum Condition {
        /** Up with severity OK (online). */
        OK,
        /** Up with reservations (degraded, starting, stopping, resuming): counts for availability, not health. */
        DEGRADED,
        /** Reporting, but not up (offline, down, unhealthy, maintenance). */
        UNHEALTHY,
        /** Its last report is older than {@code stale-after}, whatever state it claims. */
        STALE,
        /** Does not exist, or has never reported (state unknown). */
        MISSING;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public PartStatus {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(part, "part");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(condition, "condition");
    }

    /** Usable: counts towards availability (and the at-least count). */
    public boolean ok() {
        return condition == Condition.OK || condition == Condition.DEGRADED;
    }
}
