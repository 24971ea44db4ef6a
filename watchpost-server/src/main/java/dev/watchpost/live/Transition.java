package dev.watchpost.live;

import java.time.Instant;
import java.util.Objects;

/**
 * A change of a target's state: durable, and what drives the live feed, alerts and history.
 *
 * @param target which target, with its kind, group and shard (what listeners need of it)
 * @param reason a short human text ("lease expired after 30s", "reported offline"); never null
 */
public record Transition(TargetRef target, State from, State to, Instant at, String reason) {

    public Transition {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(reason, "reason");
        if (from == to) {
            throw new IllegalArgumentException("a transition changes the state: " + from);
        }
    }

    public String targetId() {
        return target.id();
    }
}
