package dev.watchpost.composite;

import dev.watchpost.live.State;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A change of a composite's health, as it was then: an immutable copy, never a view of live data
 * (practable's events kept a live reference to the part map, so old events changed with it).
 *
 * @param parts each part's id → OK, in declaration order
 */
record HealthEvent(Instant at, State state, boolean healthy, boolean available, List<String> issues,
                          Map<String, Boolean> parts) {

    public HealthEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(state, "state");
        issues = List.copyOf(issues);
        parts = Collections.unmodifiableMap(new LinkedHashMap<>(parts));
    }

    static HealthEvent of(Assessment a) {
        return new HealthEvent(a.at(), a.state(), a.healthy(), a.available(), a.issues(), a.partOk());
    }

    /** Whether {@code a} says something different: healthy, available or the issues changed. */
    boolean differsFrom(Assessment a) {
        return healthy != a.healthy() || available != a.available() || !issues.equals(a.issues());
    }
}
