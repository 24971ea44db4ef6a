package dev.watchpost.alert;

import java.util.Locale;
import java.util.Optional;

/**
 * What an alert tells. Problems open an incident per rule and target (or group); recoveries close it.
 * A group alert tells the same events about a group's members together (see {@link Alert#group()}).
 */
enum Event {
    /** The target entered a bad state (down, offline, unhealthy). */
    DOWN(true),
    /** The target entered a warning state (degraded, starting, stopping, resuming). */
    DEGRADED(true),
    /** A composite target stopped being available (its required parts are not all OK). */
    UNAVAILABLE(true),
    /** The target is OK again after a problem that was notified. */
    RECOVERED(false),
    /** A composite target is available again after an unavailability that was notified. */
    AVAILABLE(false),
    /** A problem that was notified still lasts. */
    REMINDER(false),
    /** A group's problem that was notified has grown materially (its count of members doubled, or all are). */
    WORSE(false),
    /** Shards of a sharded group have not reported once, a lease after the group was declared or the server started. */
    NEVER_REPORTED(true),
    /** A remote location's prober has been silent past the lost threshold: its results are left out of every quorum. */
    LOCATION_LOST(true),
    /** A lost remote location is heard from again, after its loss was notified. */
    LOCATION_BACK(false),
    /** The scheduled list of everything down. */
    DIGEST(false),
    /** A "send test" from the API. */
    TEST(false);

    private final boolean problem;

    Event(boolean problem) {
        this.problem = problem;
    }

    boolean problem() {
        return problem;
    }

    /** Problems and reminders: things going wrong (listed first, louder where a channel can be). */
    boolean bad() {
        return problem || this == REMINDER || this == WORSE || this == DIGEST;
    }

    /** Problems, reminders and follow-ups: what a phone rings for (ntfy's priority). */
    boolean loud() {
        return problem || this == REMINDER || this == WORSE;
    }

    /** About a remote location rather than a target or group: its alert's target is {@code location:<name>}. */
    boolean location() {
        return this == LOCATION_LOST || this == LOCATION_BACK;
    }

    /** As a title starts: "DOWN", "NEVER REPORTED". */
    String label() {
        return name().replace('_', ' ');
    }

    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Event> parse(String id) {
        for (Event e : values()) {
            if (e.id().equals(id)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
