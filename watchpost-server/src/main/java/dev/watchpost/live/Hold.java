package dev.watchpost.live;

import java.util.LinkedHashMap;

/**
 * A target held in maintenance (paused, or inside a maintenance window): it shows
 * {@link State#MAINTENANCE} while its reports keep arriving and decide, out of sight, the state it
 * returns to. Guarded by the cell's monitor.
 */
final class Hold {

    /**
     * Who holds the target, each with the message it wants shown (the newest is shown). Empty for a
     * hold restored from a checkpoint that its holder has not claimed again yet.
     */
    final LinkedHashMap<String, String> holders = new LinkedHashMap<>(2);
    /** The state the target's reports have led to meanwhile: what it shows when released. */
    State state;
    /** The newest message its reports carried meanwhile. */
    String message;

    Hold(State state, String message) {
        this.state = state;
        this.message = message;
    }

    /** The message of the newest holder, or null when none claimed it yet. */
    String shownMessage() {
        String last = null;
        for (String m : holders.values()) {
            last = m;
        }
        return last;
    }
}
