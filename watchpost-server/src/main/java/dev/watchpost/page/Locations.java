package dev.watchpost.page;

import dev.watchpost.live.State;

import java.util.List;
import java.util.Objects;

/**
 * Where a target's checks ran, when they run in more than one place. Watchpost checks from one
 * location today (each node checks what it owns), so {@link #ONE} lists nothing and the target page
 * shows no per-location results; remote probers would supply their results here, and the page
 * lists them once there are several.
 */
@FunctionalInterface
interface Locations {

    /** One location's latest result for a target. */
    record Result(String location, State state, String message, double latencyMs) {
        public Result {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(state, "state");
        }
    }

    /** The latest result per location, in a stable order; empty or one entry when checked from one place. */
    List<Result> of(String targetId);

    Locations ONE = id -> List.of();
}
