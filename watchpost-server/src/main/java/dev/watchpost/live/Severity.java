package dev.watchpost.live;

/** The class of a state, used for roll-ups, uptime and alerts. */
public enum Severity {
    /** Working. */
    OK,
    /** Working with reservations (starting, degraded, ...). Counts as up for uptime. */
    WARN,
    /** Not working. Counts as down for uptime. */
    BAD,
    /** No information yet. Excluded from uptime. */
    UNKNOWN,
    /** Deliberately out of service. Excluded from uptime. */
    MAINTENANCE
}
