package dev.watchpost.admin;

import dev.watchpost.auth.Tokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Dashboard sessions: a random 256-bit id in the cookie, only its SHA-256 in the database (a
 * random id needs no slow hash), each with its own CSRF token. Ends when idle or old
 * ({@link SessionPolicy}), at sign-out, when the stored token that opened it is revoked, and for
 * everyone when the password is set.
 */
final class Sessions {

    /** A new session: {@code cookie} goes to the browser and is never stored. */
    record Opened(String cookie, Session session) {
        @Override
        public String toString() {
            return "Opened[cookie=***, session=" + session.via() + "]";
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final AdminStore store;
    private final Tokens tokens;
    private final Clock clock;
    private final SessionPolicy policy;

    Sessions(AdminStore store, Tokens tokens, Clock clock, SessionPolicy policy) {
        this.store = store;
        this.tokens = tokens;
        this.clock = clock;
        this.policy = policy;
    }

    SessionPolicy policy() {
        return policy;
    }

    Opened open(String via, Optional<Long> tokenId) {
        Instant now = clock.instant();
        store.deleteExpired(now.minus(policy.idle()), now.minus(policy.absolute()));
        String cookie = random();
        Session s = new Session(hash(cookie), random(), via, tokenId, now, now);
        store.insertSession(s);
        return new Opened(cookie, s);
    }

    /** The live session of a cookie; an expired one is deleted and empty. */
    Optional<Session> find(String cookie) {
        if (cookie == null || cookie.length() != 43 || !cookie.matches("[A-Za-z0-9_-]{43}")) {
            return Optional.empty();
        }
        String idHash = hash(cookie);
        Optional<Session> found = store.session(idHash);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Session s = found.get();
        Instant now = clock.instant();
        if (!policy.valid(s, now) || (s.tokenId().isPresent() && !tokens.isActive(s.tokenId().get()))) {
            store.deleteSession(idHash);
            return Optional.empty();
        }
        if (policy.touchDue(s, now)) {
            store.touch(idHash, now);
            s = new Session(s.idHash(), s.csrf(), s.via(), s.tokenId(), s.createdAt(), now);
        }
        return Optional.of(s);
    }

    void close(Session s) {
        store.deleteSession(s.idHash());
    }

    /** 32 random bytes, base64url without padding (43 characters). */
    static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String hash(String cookie) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cookie.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
