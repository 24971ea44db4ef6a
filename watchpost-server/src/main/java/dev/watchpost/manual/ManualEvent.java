package dev.watchpost.manual;

import java.time.Instant;
import java.util.Objects;

/**
 * Something an operator said about a manual target.
 *
 * @param sid           the event's number, unique across all targets, growing with time of recording
 * @param at            when it was recorded (millisecond precision)
 * @param status        the slug of its {@link ManualStatus}
 * @param informational a note that is listed but does not change the target's state
 */
public record ManualEvent(long sid, String targetId, Instant at, String status, String message, boolean informational) {

    public ManualEvent {
        Objects.requireNonNull(targetId, "targetId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(message, "message");
    }
}
