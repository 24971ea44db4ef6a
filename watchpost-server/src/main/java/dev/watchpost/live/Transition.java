package dev.watchpost.live;

import java.time.Instant;
import java.util.Objects;

/**
 * A change of a target's state: durable, and what drives the live feed, alerts and history.
 *
 * @param reason a short human text ("lease expired after 30s", "reported offline"); never null
 */
public record Transition(String targetId, State from, State to, Instant at, String reason) {

    public Transition {
        Objects.requireNonNull(targetId, "targetId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(reason, "reason");
        if (from == to) {
            throw new IllegalArgumentException("a transition changes the state: " + from);
        }
    }
}
