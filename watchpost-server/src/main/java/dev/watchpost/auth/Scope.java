package dev.watchpost.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * What a token may do. {@code admin} includes {@code read} and {@code ingest}, which are separate.
 * {@code prober} opens only the routes of a remote location's prober, and no other scope opens them,
 * {@code admin} included: a prober's results decide targets' states in the name of its location, so
 * speaking for a location takes a token made for that (bound to the location, revoked on its own)
 * rather than whatever token is at hand; and a token copied onto a remote machine should open
 * nothing else there.
 */
public enum Scope {
    INGEST, READ, ADMIN, PROBER;

    /** True when a token of this scope may use a route that needs {@code needed}. */
    public boolean grants(Scope needed) {
        return this == needed || (this == ADMIN && needed != PROBER);
    }

    /** "ingest, read, admin, prober": the scopes as messages list them. */
    public static String names() {
        return String.join(", ", java.util.Arrays.stream(values()).map(Scope::id).toList());
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
