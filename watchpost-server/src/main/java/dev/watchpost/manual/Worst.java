package dev.watchpost.manual;

import dev.watchpost.live.Severity;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * The "worst" of several statuses, for a page's summary line. Stashboard compared status names
 * alphabetically, so "Warning" beat "Down"; here the severity decides: bad, then warn, then
 * maintenance, then ok.
 *
 * <p>Maintenance ranks above ok (unlike the live state's group roll-up, which is about alerting and
 * treats planned work as quiet): on a page, "one service is in maintenance" is news to a reader,
 * "everything is up" would hide it.
 */
public final class Worst {

    /** Orders statuses from least to most concerning; ties keep their given order when sorting stably. */
    public static final Comparator<ManualStatus> BY_CONCERN = Comparator.comparingInt(s -> rank(s.severity()));

    private Worst() {
    }

    /**
     * The most concerning status; among equally severe ones, the first given (the input's order is
     * the tie-break, not the name). Empty for no statuses.
     */
    public static Optional<ManualStatus> of(Collection<ManualStatus> statuses) {
        ManualStatus worst = null;
        for (ManualStatus s : statuses) {
            if (worst == null || rank(s.severity()) > rank(worst.severity())) {
                worst = s;
            }
        }
        return Optional.ofNullable(worst);
    }

    /** Higher is more concerning. */
    static int rank(Severity s) {
        return switch (s) {
            case BAD -> 4;
            case WARN -> 3;
            case MAINTENANCE -> 2;
            case OK -> 1;
            case UNKNOWN -> 0;
        };
    }
}
