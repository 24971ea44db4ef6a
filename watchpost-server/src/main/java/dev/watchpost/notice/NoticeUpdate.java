package dev.watchpost.notice;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One timestamped message of a notice.
 *
 * @param status the status this update gave an incident; empty for a plain update (maintenance, or
 *               an incident update that kept its status)
 */
public record NoticeUpdate(long id, long noticeId, Instant at, Optional<NoticeStatus> status, String message) {
    public NoticeUpdate {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(message, "message");
    }
}
