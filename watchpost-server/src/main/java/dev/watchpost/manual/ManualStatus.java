package dev.watchpost.manual;

import dev.watchpost.live.Severity;
import dev.watchpost.live.State;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the status catalog: something an operator can say about a manual target.
 *
 * @param slug        the key events refer to ({@code up}, {@code planned-work}); see {@link Slugs}
 * @param description free text, empty when none was given
 * @param image       an icon name for pages (Stashboard's {@code tick-circle}), or null
 * @param severity    how bad it is: {@code OK}, {@code WARN}, {@code BAD} or {@code MAINTENANCE}; decides
 *                    the target's live state ({@link #state()})
 * @param isDefault   whether this is the catalog's default: the status of a target without events
 */
public record ManualStatus(String slug, String name, String description, String image, Severity severity,
                           boolean isDefault) {

    public ManualStatus {
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(severity, "severity");
        if (!Slugs.isSlug(slug)) {
            throw new IllegalArgumentException("status slug '" + slug + "' must be 1-64 characters of a-z, 0-9, '-'");
        }
        if (severity == Severity.UNKNOWN) {
            throw new IllegalArgumentException("a status cannot have severity unknown (use ok, warn, bad or maintenance)");
        }
    }

    /** The live state a target takes when an event with this status is recorded. */
    public State state() {
        return stateOf(severity);
    }

    static State stateOf(Severity severity) {
        return switch (severity) {
            case OK -> State.ONLINE;
            case WARN -> State.DEGRADED;
            case BAD -> State.DOWN;
            case MAINTENANCE -> State.MAINTENANCE;
            case UNKNOWN -> State.UNKNOWN;
        };
    }

    /** The severity's word in the API ({@code ok}, {@code warn}, {@code bad}, {@code maintenance}). */
    public static String severityId(Severity s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code ok}, {@code warn}, {@code bad} or {@code maintenance} (any case); empty for anything else. */
    public static Optional<Severity> parseSeverity(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "ok" -> Optional.of(Severity.OK);
            case "warn" -> Optional.of(Severity.WARN);
            case "bad" -> Optional.of(Severity.BAD);
            case "maintenance" -> Optional.of(Severity.MAINTENANCE);
            default -> Optional.empty();
        };
    }
}
