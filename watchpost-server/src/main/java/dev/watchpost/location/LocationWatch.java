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
 * not for {@link #LOST_AFTER}. Pure but for the set of locations it has already called lost, so each
 * loss and each return is told once: {@link #step} answers the changes since the last step.
 *
 * <p>Why a fixed two minutes rather than a multiple of the targets' intervals: a working prober is
 * heard from far more often than it checks. It long-polls its assignments without pause (each poll
 * held at most one minute, 30 s by default) and sends its results every second it has any, so two
 * minutes without either is a prober that is gone (stopped, cut off, its token refused), never one
 * between two checks of an hourly target. A lost location is not counted as down anywhere: each
 * target's quorum already leaves it out once its latest result is too old.
 */
final class LocationWatch {

    static final Duration LOST_AFTER = Duration.ofMinutes(2);

    /** {@code location} was lost (not heard from since {@code lastHeard}), or is back ({@code lost} false). */
    record Change(String location, boolean lost, Instant lastHeard) {
        Change {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(lastHeard, "lastHeard");
        }
    }

    private final Set<String> lost = new HashSet<>(); // guarded by this

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
    static boolean isLost(Instant at, Instant now) {
        return at.plus(LOST_AFTER).isBefore(now);
    }
}
