package dev.watchpost.notice;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Fields of a notice to change; an empty one stays as it is. The window is for maintenance only. */
public record NoticeChange(Optional<String> title, Optional<List<String>> targets, Optional<Instant> startsAt,
                           Optional<Instant> endsAt) {
    public NoticeChange {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(targets, "targets");
        Objects.requireNonNull(startsAt, "startsAt");
        Objects.requireNonNull(endsAt, "endsAt");
        targets = targets.map(List::copyOf);
    }
}
