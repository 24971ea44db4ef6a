package dev.watchpost.client;

import java.util.Locale;

/** A target's state, as Watchpost names it on the wire ({@code "online"}) and numbers it ({@link #code()}). */
public enum State {
    UNKNOWN(0),
    /** Set only by Watchpost when a target goes quiet; a heartbeat cannot report it. */
    UNHEALTHY(1),
    OFFLINE(2),
    ONLINE(3),
    STARTING(4),
    STOPPING(5),
    RESUMING(6),
    DEGRADED(7),
    DOWN(8),
    MAINTENANCE(9);

    private final int code;

    State(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The wire name, e.g. {@code "online"}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state named {@code id} (case-insensitive); {@link #UNKNOWN} for a name this SDK does not know. */
    public static State of(String id) {
        if (id == null) {
            return UNKNOWN;
        }
        try {
            return valueOf(id.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException newerServer) {
            return UNKNOWN;
        }
    }

    @Override
    public String toString() {
        return id();
    }
}
