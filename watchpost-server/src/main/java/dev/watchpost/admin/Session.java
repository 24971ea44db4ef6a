package dev.watchpost.admin;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A dashboard session as stored: never the cookie itself, only its SHA-256.
 *
 * @param csrf    the synchronizer token every form of this session carries
 * @param via     what signed in: {@code password} or {@code token}
 * @param tokenId the stored API token that signed in (the session ends when it is revoked)
 */
record Session(String idHash, String csrf, String via, Optional<Long> tokenId, Instant createdAt, Instant lastSeen) {
    Session {
        Objects.requireNonNull(idHash, "idHash");
        Objects.requireNonNull(csrf, "csrf");
        Objects.requireNonNull(via, "via");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastSeen, "lastSeen");
    }
}
