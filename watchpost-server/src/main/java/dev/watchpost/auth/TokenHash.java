package dev.watchpost.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a token. Tokens are 190 random bits, so a fast hash is enough: there is nothing to
 * brute-force, and a slow password hash would only slow every request.
 */
final class TokenHash {

    private TokenHash() {
    }

    static byte[] of(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static String hex(String token) {
        return HexFormat.of().formatHex(of(token));
    }
}
