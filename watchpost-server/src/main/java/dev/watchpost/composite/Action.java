package dev.watchpost.composite;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One availability change to tell the booking system about, as recorded.
 *
 * @param changedAt   when availability changed (the webhook body's {@code at})
 * @param attempts    every attempt made so far (the log below may hold only the newest)
 * @param nextAttempt while pending: when to try next
 * @param log         the newest attempts, oldest first
 */
public record Action(long id, String targetId, boolean available, boolean healthy, List<String> issues,
                     Instant changedAt, Status status, int attempts, Optional<Instant> nextAttempt,
                     List<Attempt> log) {

    /** Where an action stands. */
    public enum Status {
        /** Not delivered yet; tried again at {@code nextAttempt}. */
        PENDING,
        /** The receiver answered 2xx. */
        DELIVERED,
        /** A newer change came before it was delivered; the newer one is delivered instead. */
        SUPERSEDED,
        /** The composite no longer has a webhook. */
        ABANDONED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Status parse(String id) {
            return valueOf(id.toUpperCase(Locale.ROOT));
        }
    }

    public Action {
        Objects.requireNonNull(targetId, "targetId");
        issues = List.copyOf(issues);
        Objects.requireNonNull(changedAt, "changedAt");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(nextAttempt, "nextAttempt");
        log = List.copyOf(log);
    }
}
