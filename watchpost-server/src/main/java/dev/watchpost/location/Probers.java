package dev.watchpost.location;

import dev.watchpost.probe.ProbeLocations;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The remote locations this server has heard from (an assignment poll or a batch of results), and
 * when each was last heard. Targets declared {@code locations: all} are checked from these and from
 * {@code local}; the "location lost" watch will read the times.
 *
 * <p>Memory only: after a restart a location counts again from its prober's next poll, which comes
 * within one long poll (30 s). Bounded by the locations that exist: only an authenticated prober
 * adds one, under a valid name, and a bound token only its own.
 */
public final class Probers {

    /** More locations than any deployment has; past it a new name is not remembered (and {@code all} ignores it). */
    static final int MAX = 1_000;

    private final Map<String, Instant> lastHeard = new ConcurrentHashMap<>();

    /**
     * What is wrong with {@code name} as a prober's location, if anything: it must be a location
     * name, and not {@code local}, which is the server's own checks and never a prober's.
     */
    public static Optional<String> nameProblem(String name) {
        if (ProbeLocations.LOCAL.equals(name)) {
            return Optional.of("'local' is this server's own location; a prober runs elsewhere under a name of its own");
        }
        if (!ProbeLocations.isName(name)) {
            return Optional.of("'" + name + "' is not a location name (lower-case letters, digits and '-', at most 32; "
                    + "not 'all')");
        }
        return Optional.empty();
    }

    /** {@code location}'s prober was heard from at {@code now}. */
    void heard(String location, Instant now) {
        if (lastHeard.size() < MAX || lastHeard.containsKey(location)) {
            lastHeard.merge(location, now, (a, b) -> b.isAfter(a) ? b : a);
        }
    }

    /** The remote locations heard from since this server started: a live, unmodifiable view. */
    public Set<String> known() {
        return java.util.Collections.unmodifiableSet(lastHeard.keySet());
    }

    /** When {@code location} was last heard from, if it has been since this server started. */
    public Optional<Instant> lastHeard(String location) {
        return Optional.ofNullable(lastHeard.get(location));
    }
}
