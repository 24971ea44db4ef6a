package dev.watchpost.notice;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An operator's announcement: an incident or a maintenance window, with the targets it affects and
 * its updates (newest first).
 *
 * @param status   an incident's status as last set; for maintenance always {@link NoticeStatus#SCHEDULED}
 *                 (its phase follows the clock: {@link #statusAt})
 * @param targets  affected target and group ids (a group stands for every target in it), in order
 * @param startsAt incidents: when posted; maintenance: when the window opens
 * @param endsAt   incidents: when resolved (empty while open); maintenance: when the window closes
 */
public record Notice(long id, NoticeKind kind, String title, NoticeStatus status, List<String> targets,
                     Instant startsAt, Optional<Instant> endsAt, Instant createdAt, Instant updatedAt,
                     List<NoticeUpdate> updates) {

    public Notice {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startsAt, "startsAt");
        Objects.requireNonNull(endsAt, "endsAt");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        targets = List.copyOf(targets);
        updates = List.copyOf(updates);
        if (kind == NoticeKind.MAINTENANCE && endsAt.isEmpty()) {
            throw new IllegalArgumentException("a maintenance window needs an end");
        }
    }

    /** The status at {@code now}: an incident's as set; a maintenance window's phase by the clock. */
    public NoticeStatus statusAt(Instant now) {
        if (kind == NoticeKind.INCIDENT) {
            return status;
        }
        if (now.isBefore(startsAt)) {
            return NoticeStatus.SCHEDULED;
        }
        return now.isBefore(endsAt.orElseThrow()) ? NoticeStatus.IN_PROGRESS : NoticeStatus.COMPLETED;
    }

    /** True while the affected targets are held in maintenance: a window with {@code start <= now < end}. */
    public boolean activeAt(Instant now) {
        return statusAt(now) == NoticeStatus.IN_PROGRESS;
    }

    /** True while it is news: an open incident, or a window that has not ended (scheduled or in progress). */
    public boolean currentAt(Instant now) {
        NoticeStatus s = statusAt(now);
        return s != NoticeStatus.RESOLVED && s != NoticeStatus.COMPLETED;
    }

    /** When it stopped being current (resolved, or the window ended); empty while current. */
    public Optional<Instant> finishedAt(Instant now) {
        return currentAt(now) ? Optional.empty() : endsAt;
    }

    /** The newest update's message (every notice is posted with one). */
    public String latestMessage() {
        return updates.isEmpty() ? "" : updates.get(0).message();
    }
}
