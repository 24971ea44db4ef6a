package dev.watchpost.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A token as stored: never the token itself, only what identifies it to a person.
 *
 * @param hint     the first characters of the token, enough to recognise it in a list
 * @param location for a prober token bound at issue, the one location it may speak for
 */
public record ApiToken(long id, String name, Scope scope, String hint, Instant createdAt,
                       Optional<Instant> lastUsedAt, Optional<Instant> revokedAt, Optional<String> location) {

    public ApiToken {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(hint, "hint");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
        Objects.requireNonNull(revokedAt, "revokedAt");
        Objects.requireNonNull(location, "location");
    }

    public boolean active() {
        return revokedAt.isEmpty();
    }
}
