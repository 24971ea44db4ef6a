package dev.watchpost.location;

import dev.watchpost.probe.ProbeLocations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The remote locations this server has heard from (an assignment poll or a batch of results), and
 * when each was last heard; in cluster mode also those whose results another node passed on
 * ({@link #relayed}), known but not watched here. Targets declared {@code locations: all} are checked from these and from
 * {@code local}; {@link #lost} tells which of them are lost.
 *
 * <p>Memory only: after a restart a location counts again from its prober's next poll, which comes
 * within one long poll (30 s). Bounded by the locations that exist: only an authenticated prober
 * adds one, under a valid name, and a bound token only its own.
 */
public final class Probers {

    /** More locations than any deployment has; past it a new name is not remembered (and {@code all} ignores it). */
    static final int MAX = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(Probers.class);

    private final Map<String, Instant> lastHeard = new ConcurrentHashMap<>();
    /** Those heard from and those whose results another node of a cluster passed on: what {@code all} counts. */
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final LocationWatch watch;

    /** With the default: a location is lost after two minutes unheard. */
    public Probers() {
        this(LocationWatch.DEFAULT_LOST_AFTER);
    }

    /** @param lostAfter how long a location may go unheard before it is lost ({@code probes.location-lost-after}) */
    public Probers(java.time.Duration lostAfter) {
        this.watch = new LocationWatch(lostAfter);
    }

    /**
     * The longest a prober's poll is held: half the time after which it counts as lost, so a prober
     * with nothing to send is still heard from in time.
     */
    java.time.Duration longestPoll() {
        return watch.lostAfter().dividedBy(2);
    }

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
            known.add(location);
        }
    }

    /**
     * Cluster mode: another node passed on {@code location}'s results (its prober talks to that
     * node). Known from now on, so {@code locations: all} counts it here, where its targets' quorums
     * are; but not heard from: "lost" is told by the nodes the prober talks to, which hear its every
     * poll, not by an owner that hears only of the results for its own targets (for an hourly target,
     * one an hour) and would call a working prober lost between two of them.
     */
    void relayed(String location) {
        if (known.size() < MAX || known.contains(location)) {
            known.add(location);
        }
    }

    /**
     * The remote locations heard from since this server started, or (cluster mode) whose results
     * another node passed on: a live, unmodifiable view.
     */
    public Set<String> known() {
        return java.util.Collections.unmodifiableSet(known);
    }

    /** When {@code location} was last heard from, if it has been since this server started. */
    public Optional<Instant> lastHeard(String location) {
        return Optional.ofNullable(lastHeard.get(location));
    }

    /** The locations lost at {@code now}, each with when it was last heard from. */
    public Map<String, Instant> lostAt(Instant now) {
        Map<String, Instant> out = new TreeMap<>();
        lastHeard.forEach((location, at) -> {
            if (watch.isLost(at, now)) {
                out.put(location, at);
            }
        });
        return out;
    }

    /** The locations heard from at {@code now} recently enough not to be lost. */
    public Set<String> live(Instant now) {
        Set<String> out = new java.util.HashSet<>();
        lastHeard.forEach((location, at) -> {
            if (!watch.isLost(at, now)) {
                out.add(location);
            }
        });
        return out;
    }

    /**
     * The locations lost at {@code now}, as system alerts tell them ("Location eu lost: no results or
     * polls since …", times written by {@code text}), in name order. Steps the watch too, so each loss
     * and each return is logged once, whoever asks first: the alert engine asks every round.
     */
    public List<String> lost(Instant now, Function<Instant, String> text) {
        for (LocationWatch.Change c : watch.step(Map.copyOf(lastHeard), now)) {
            if (c.lost()) {
                LOG.warn("event=location.lost location={} last_heard={} hint=\"its prober has neither polled nor sent results "
                        + "for {} s; its results are left out of every quorum until it is back\"", c.location(), c.lastHeard(),
                        watch.lostAfter().toSeconds());
            } else {
                LOG.info("event=location.back location={}", c.location());
            }
        }
        List<String> out = new ArrayList<>();
        new TreeMap<>(lastHeard).forEach((location, at) -> {
            if (watch.isLost(at, now)) {
                out.add("Location " + location + " lost: no results or polls since " + text.apply(at));
            }
        });
        return out;
    }
}
