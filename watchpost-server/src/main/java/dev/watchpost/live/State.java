package dev.watchpost.live;

import java.util.Locale;
import java.util.Optional;

/**
 * Every state a target can be in. The first seven are Glance's shard states with Glance's numbers
 * (the wire code); the rest serve probes, cron jobs and operators.
 */
public enum State {
    UNKNOWN(0, Severity.UNKNOWN),
    /** Set only by Watchpost: the target went quiet past its lease. */
    UNHEALTHY(1, Severity.BAD),
    OFFLINE(2, Severity.BAD),
    ONLINE(3, Severity.OK),
    STARTING(4, Severity.WARN),
    STOPPING(5, Severity.WARN),
    RESUMING(6, Severity.WARN),
    /** Answering, but slowly or partly (probes, stats agents). */
    DEGRADED(7, Severity.WARN),
    /** Reported failing (a failed cron run, a failed probe). */
    DOWN(8, Severity.BAD),
    MAINTENANCE(9, Severity.MAINTENANCE);

    /** Glance's states are codes 0..6; a report may only use those. */
    public static final int GLANCE_MAX = 6;

    private static final State[] BY_CODE = values();
    private static final java.util.Map<String, State> BY_ID = java.util.Arrays.stream(BY_CODE)
            .collect(java.util.stream.Collectors.toUnmodifiableMap(State::id, s -> s));

    private final int code;
    private final Severity severity;

    State(int code, Severity severity) {
        this.code = code;
        this.severity = severity;
    }

    public int code() {
        return code;
    }

    public Severity severity() {
        return severity;
    }

    /** Lower-case name used in JSON ("online", "unhealthy"). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for states that count as up in uptime and Argus' up/down view. */
    public boolean up() {
        return severity == Severity.OK || severity == Severity.WARN;
    }

    public static Optional<State> ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? Optional.of(BY_CODE[code]) : Optional.empty();
    }

    public static Optional<State> parse(String id) {
        if (id == null) {
            return Optional.empty();
        }
        State exact = BY_ID.get(id); // the common case, without allocating
        if (exact != null) {
            return Optional.of(exact);
        }
        String n = id.trim().toUpperCase(Locale.ROOT);
        for (State s : BY_CODE) {
            if (s.name().equals(n)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
