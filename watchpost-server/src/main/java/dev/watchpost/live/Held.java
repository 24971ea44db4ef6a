package dev.watchpost.live;

import java.util.List;
import java.util.Objects;

/**
 * A held target, as readers see it (see {@link LiveState#hold}).
 *
 * @param underlying        the state its reports have led to meanwhile: what it shows when released
 * @param underlyingMessage the newest message those reports carried, or null
 * @param holders           who holds it, oldest first ({@code paused}, {@code notice:7})
 */
public record Held(State underlying, String underlyingMessage, List<String> holders) {
    public Held {
        Objects.requireNonNull(underlying, "underlying");
        holders = List.copyOf(holders);
    }
}
