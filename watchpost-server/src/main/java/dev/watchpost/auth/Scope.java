package dev.watchpost.auth;

import java.util.Locale;
import java.util.Optional;

/** What a token may do. {@code admin} includes the other two; {@code read} and {@code ingest} are separate. */
public enum Scope {
    INGEST, READ, ADMIN;

    /** True when a token of this scope may use a route that needs {@code needed}. */
    public boolean grants(Scope needed) {
        return this == needed || this == ADMIN;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Scope> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (Scope s : values()) {
            if (s.id().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
