package dev.watchpost.notice;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A notice to post, as given; {@link NoticeService#create} validates it.
 *
 * @param status   incidents only (default investigating)
 * @param message  the first update's text
 * @param startsAt maintenance only: when the window opens
 * @param endsAt   maintenance only: when it closes
 */
public record NoticeDraft(NoticeKind kind, String title, Optional<NoticeStatus> status, String message,
                          List<String> targets, Optional<Instant> startsAt, Optional<Instant> endsAt) {
    public NoticeDraft {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startsAt, "startsAt");
        Objects.requireNonNull(endsAt, "endsAt");
        targets = List.copyOf(targets);
    }
}
