package dev.watchpost.store;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Seals the database columns that hold secrets (declarations with webhook URLs, passwords, tokens,
 * probe headers and ping keys) with AES-256-GCM, so a copied database file or backup gives them
 * away only together with the key, which lives elsewhere ({@link SecretKeys}).
 *
 * <p>A sealed value reads {@code wpsealed:1:<key id>:<base64 of nonce and ciphertext>}. The key id
 * (the first 8 hex digits of a hash of the key) says which key sealed a row, so a start with the
 * wrong key fails naming both instead of reading garbage, and a rotation interrupted half-way can
 * be finished. The row's table and id are authenticated with it: a sealed value copied onto another
 * row does not open. Values written before sealing existed are plain JSON and pass through
 * {@link #open} unchanged until the start that seals them.
 */
public final class SecretBox {

    /** How every sealed value starts (the 1 is the format's version). */
    public static final String PREFIX = "wpsealed:1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Keys by id; the first is the one that seals. */
    private final Map<String, byte[]> keys;
    private final String sealingId;

    private SecretBox(List<byte[]> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no key");
        }
        Map<String, byte[]> byId = new LinkedHashMap<>();
        for (byte[] k : keys) {
            if (k.length != 32) {
                throw new IllegalArgumentException("a key is 32 bytes, got " + k.length);
            }
            byId.putIfAbsent(keyId(k), k.clone());
        }
        this.keys = byId;
        this.sealingId = byId.keySet().iterator().next();
    }

    /** A box that seals with {@code key} and opens what it or any of {@code older} sealed. */
    public static SecretBox of(byte[] key, byte[]... older) {
        List<byte[]> all = new java.util.ArrayList<>();
        all.add(key);
        all.addAll(List.of(older));
        return new SecretBox(all);
    }

    /** 32 random bytes: a new key. */
    public static byte[] newKey() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return k;
    }

    /** The id of the key that seals: what {@code watchpost secrets} prints, safe to show. */
    public String keyId() {
        return sealingId;
    }

    /** Whether this box holds the key with this id. */
    boolean has(String keyId) {
        return keys.containsKey(keyId);
    }

    static String keyId(byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("watchpost key id".getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(key), 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** The id of the key that sealed {@code stored}, or null when it is plain. */
    public static String sealedWith(String stored) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return null;
        }
        int end = stored.indexOf(':', PREFIX.length());
        return end < 0 ? "?" : stored.substring(PREFIX.length(), end);
    }

    /**
     * @param where the row's table and id ({@code alert_channel/ops-mail}): bound to the ciphertext
     */
    public String seal(String where, String plain) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = cipher(Cipher.ENCRYPT_MODE, keys.get(sealingId), nonce, where);
            byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + ct.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(ct, 0, out, NONCE_BYTES, ct.length);
            return PREFIX + sealingId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /**
     * The plain text of a stored value: opened when sealed, as it is when plain (a row from before
     * sealing).
     *
     * @throws StoreException naming the row and the key ids when no key of this box sealed it, or the
     *         value was changed
     */
    public String open(String where, String stored) {
        String id = sealedWith(stored);
        if (id == null) {
            return stored;
        }
        byte[] key = keys.get(id);
        if (key == null) {
            throw new StoreException(where + " is sealed with key " + id + ", but the key in use is " + sealingId
                    + ": start with the key it was sealed with (WATCHPOST_SECRETS_KEY or storage.secrets-key-file)");
        }
        try {
            byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length() + id.length() + 1));
            if (all.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new IllegalArgumentException("too short");
            }
            byte[] nonce = java.util.Arrays.copyOf(all, NONCE_BYTES);
            Cipher c = cipher(Cipher.DECRYPT_MODE, key, nonce, where);
            return new String(c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new StoreException(where + " does not open with key " + id + ": the stored value was changed or belongs to another row");
        }
    }

    /**
     * A keyed hash of a secret that must stay unique in its column (ping keys): equal secrets give
     * equal digests under one key, and the column no longer holds the secret.
     */
    public String digest(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(keys.get(sealingId), "HmacSHA256"));
            return "hmac:" + sealingId + ":" + HexFormat.of().formatHex(mac.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing from the JDK", e);
        }
    }

    private static Cipher cipher(int mode, byte[] key, byte[] nonce, String where) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        c.updateAAD(where.getBytes(StandardCharsets.UTF_8));
        return c;
    }

    @Override
    public String toString() {
        return "SecretBox[key " + sealingId + "]"; // never the key
    }
}
