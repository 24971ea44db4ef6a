package dev.watchpost.page;

import dev.watchpost.live.State;
import dev.watchpost.probe.ProbeScheduler;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a target's checks ran, when they run in more than one place: each location's latest result,
 * so a reader sees which part of the world sees what. A target on one location (most, and every one
 * on {@code local} alone) lists nothing: its own state above says it all.
 */
@FunctionalInterface
interface Locations {

    /**
     * One location's latest result for a target.
     *
     * @param state     what its latest result found; {@link State#UNKNOWN} when it has sent none
     * @param live      whether that result still counts now; a location that is not live is silent
     * @param message   the result's reason; null when it has sent none
     * @param latencyMs NaN when nothing was measured (or nothing sent)
     * @param at        when the check ran; empty when it has sent none
     */
    record Result(String location, State state, boolean live, String message, double latencyMs, Optional<Instant> at) {
        public Result {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(at, "at");
        }
    }

    /** The latest result per location, in a stable order; empty or one entry when checked from one place. */
    List<Result> of(String targetId);

    Locations ONE = id -> List.of();

    /**
     * Each location's latest result as the probe scheduler keeps it for its quorum, so the page shows
     * exactly what the target's state was decided on (liveness included). In cluster mode the node
     * that owns the target holds them; on another node the list is empty and the page shows the state alone.
     */
    static Locations of(ProbeScheduler probes) {
        Objects.requireNonNull(probes, "probes");
        return id -> probes.locations(id).map(v -> v.locations().stream().map(Locations::result).toList()).orElse(List.of());
    }

    private static Result result(ProbeScheduler.LocationResult l) {
        return l.latest().map(s -> new Result(l.location(), s.result().outcome().state(), l.live(), s.result().reason(),
                        s.result().latencyMs(), Optional.of(s.at())))
                .orElseGet(() -> new Result(l.location(), State.UNKNOWN, false, null, Double.NaN, Optional.empty()));
    }
}
