package dev.watchpost.notice;

import java.util.Locale;
import java.util.Optional;

/** What a notice announces: an incident (something went wrong) or a maintenance window (planned work). */
public enum NoticeKind {
    INCIDENT, MAINTENANCE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<NoticeKind> parse(String text) {
        for (NoticeKind k : values()) {
            if (k.id().equals(text == null ? null : text.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
