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

    /** Cloned per use: cheaper than looking the algorithm up in the security providers each time. */
    private static final MessageDigest PROTOTYPE;

    static {
        try {
            PROTOTYPE = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private TokenHash() {
    }

    static byte[] of(String token) {
        MessageDigest md;
        try {
            md = (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return md.digest(token.getBytes(StandardCharsets.UTF_8));
    }

    static String hex(String token) {
        return HexFormat.of().formatHex(of(token));
    }
}
