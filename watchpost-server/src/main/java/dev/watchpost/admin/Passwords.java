package dev.watchpost.admin;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The dashboard password's hash: PBKDF2-HMAC-SHA256 from the JDK, a random 16-byte salt and
 * {@link #ITERATIONS} iterations (OWASP's figure for this function), stored as
 * {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (base64) so a later version can raise the count
 * and still check old hashes. Unlike API tokens, a password is chosen by a person and may be
 * guessable: the slow hash is what makes a stolen database expensive to attack.
 */
public final class Passwords {

    static final int ITERATIONS = 210_000;
    static final int MIN_LENGTH = 12;
    static final int MAX_LENGTH = 1024;
    private static final String SCHEME = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {
    }

    /** Why a new password is refused, or empty when it is acceptable. */
    public static Optional<String> problem(char[] password) {
        if (password.length < MIN_LENGTH) {
            return Optional.of("the password must be at least " + MIN_LENGTH + " characters");
        }
        if (password.length > MAX_LENGTH) {
            return Optional.of("the password must be at most " + MAX_LENGTH + " characters");
        }
        for (char c : password) {
            if (Character.isISOControl(c)) {
                return Optional.of("the password must not contain control characters (tabs, line breaks)");
            }
        }
        return Optional.empty();
    }

    /** A new hash with a fresh salt. */
    public static String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return hash(password, salt, ITERATIONS);
    }

    static String hash(char[] password, byte[] salt, int iterations) {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(derive(password, salt, iterations));
    }

    /** True when {@code password} matches {@code encoded}; compared in constant time. False for a malformed hash. */
    public static boolean verify(char[] password, String encoded) {
        String[] parts = encoded == null ? new String[0] : encoded.split("\\$");
        if (parts.length != 4 || !parts[0].equals(SCHEME) || !parts[1].matches("\\d{1,9}")) {
            return false;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            int iterations = Integer.parseInt(parts[1]);
            if (iterations < 1) {
                return false;
            }
            return MessageDigest.isEqual(derive(password, salt, iterations), expected);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    static void wipe(char[] secret) {
        Arrays.fill(secret, '\0');
    }
}
