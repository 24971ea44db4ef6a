package dev.watchpost.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * Who made a request.
 *
 * @param tokenId  the stored token's id, or 0 for a token from configuration
 * @param name     a label for logs ("config:admin" or the stored token's name); never the token
 * @param location for a prober token bound at issue, the one location it may speak for
 */
public record Principal(long tokenId, String name, Scope scope, Optional<String> location) {

    public Principal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(location, "location");
    }

    /** A token bound to no location. */
    public Principal(long tokenId, String name, Scope scope) {
        this(tokenId, name, scope, Optional.empty());
    }

    /** Whether this principal may speak for {@code location}: a token bound to another one may not. */
    public boolean mayActFor(String location) {
        return this.location.map(location::equals).orElse(true);
    }
}
