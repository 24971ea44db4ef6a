package dev.watchpost.location;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which remote locations are lost: heard from once (an assignment poll or a batch of results), then
 * not for a while ({@code probes.location-lost-after}, two minutes by default). Pure but for the set
 * of locations it has already called lost, so each loss and each return is told once: {@link #step}
 * answers the changes since the last step.
 *
 * <p>Why one duration rather than a multiple of the targets' intervals: a working prober is heard
 * from far more often than it checks. It long-polls its assignments without pause (each poll held at
 * most half this duration) and sends its results four times a second when it has any, so this long
 * without either is a prober that is gone (stopped, cut off, its token refused), never one
 * between two checks of an hourly target. A lost location is not counted as down anywhere: each
 * target's quorum already leaves it out once its latest result is too old.
 */
final class LocationWatch {

    /** The default of {@code probes.location-lost-after}. */
    static final Duration DEFAULT_LOST_AFTER = Duration.ofMinutes(2);
    /** The shortest: a prober long-polls for up to half of it, and must be heard from in between. */
    static final Duration MIN_LOST_AFTER = Duration.ofSeconds(20);

    /** {@code location} was lost (not heard from since {@code lastHeard}), or is back ({@code lost} false). */
    record Change(String location, boolean lost, Instant lastHeard) {
        Change {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(lastHeard, "lastHeard");
        }
    }

    private final Duration lostAfter;
    private final Set<String> lost = new HashSet<>(); // guarded by this

    LocationWatch() {
        this(DEFAULT_LOST_AFTER);
    }

    LocationWatch(Duration lostAfter) {
        if (lostAfter.compareTo(MIN_LOST_AFTER) < 0) {
            throw new IllegalArgumentException("lost-after must be at least " + MIN_LOST_AFTER.toSeconds() + " s");
        }
        this.lostAfter = lostAfter;
    }

    /** How long a location may go unheard before it is lost. */
    Duration lostAfter() {
        return lostAfter;
    }

    /** The locations lost or back since the last step, in name order, given when each was last heard. */
    synchronized List<Change> step(Map<String, Instant> lastHeard, Instant now) {
        List<Change> out = new ArrayList<>();
        new TreeMap<>(lastHeard).forEach((location, at) -> {
            boolean gone = isLost(at, now);
            if (gone && lost.add(location)) {
                out.add(new Change(location, true, at));
            } else if (!gone && lost.remove(location)) {
                out.add(new Change(location, false, at));
            }
        });
        return out;
    }

    /** Whether a location last heard from {@code at} counts as lost at {@code now}. */
    boolean isLost(Instant at, Instant now) {
        return at.plus(lostAfter).isBefore(now);
    }
}
