package dev.watchpost.web;

import dev.watchpost.live.Severity;
import dev.watchpost.live.State;

/**
 * The one set of state symbols, shared by the status page and the dashboard, so a state looks the
 * same wherever it is shown. Symbols go with a colour and the state's word, never alone. The status
 * page's stylesheet draws the same symbols ({@code page/page.css}, {@code --g}); a test holds the two
 * equal.
 */
public final class Symbols {

    private Symbols() {
    }

    public static String of(State s) {
        return switch (s) {
            case UNKNOWN -> "?";
            case UNHEALTHY -> "!";
            case OFFLINE -> "○";
            case ONLINE -> "✓";
            case STARTING -> "▲";
            case STOPPING -> "▼";
            case RESUMING -> "↻";
            case DEGRADED -> "~";
            case DOWN -> "✕";
            case MAINTENANCE -> "‖";
        };
    }

    /** A severity by the symbol of its plainest state: what a roll-up of many states shows. */
    public static String of(Severity s) {
        return of(switch (s) {
            case OK -> State.ONLINE;
            case WARN -> State.DEGRADED;
            case BAD -> State.DOWN;
            case UNKNOWN -> State.UNKNOWN;
            case MAINTENANCE -> State.MAINTENANCE;
        });
    }
}
