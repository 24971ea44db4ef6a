package dev.watchpost.notice;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a notice stands. Incidents move through the first four as operators post updates;
 * maintenance windows are in the last three by the clock alone (see {@link Notice#statusAt}).
 */
public enum NoticeStatus {
    INVESTIGATING, IDENTIFIED, MONITORING, RESOLVED,
    SCHEDULED, IN_PROGRESS, COMPLETED;

    /** What an operator can set on an incident, in the usual order. */
    public static final List<NoticeStatus> INCIDENT = List.of(INVESTIGATING, IDENTIFIED, MONITORING, RESOLVED);

    /** Lower-case with underscores ({@code in_progress}), as in the API. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** For people: "In progress". */
    public String label() {
        String s = id().replace('_', ' ');
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    public static Optional<NoticeStatus> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.strip().toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
        for (NoticeStatus s : values()) {
            if (s.id().equals(t)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** An incident status from text; empty for anything else (maintenance phases included). */
    public static Optional<NoticeStatus> parseIncident(String text) {
        return parse(text).filter(INCIDENT::contains);
    }
}
