package dev.watchpost.page;

import java.math.BigInteger;

/**
 * A guild id typed into the search field, checked as the browser module checks it (same rules, same
 * words), for the page's no-JavaScript path ({@code /?guild=...}). Discord's rule
 * {@code shard = (guild_id >> 22) % shards} is applied to the unsigned 64-bit value, never a float.
 *
 * @param raw   what was typed (trimmed)
 * @param id    the id when valid, else null
 * @param error why it is not valid, else null
 */
record GuildQuery(String raw, BigInteger id, String error) {

    static final BigInteger MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    static GuildQuery parse(String input) {
        String raw = input == null ? "" : input.strip();
        if (raw.isEmpty()) {
            return new GuildQuery(raw, null, "Enter a guild id: the number Discord shows for a server (up to 20 digits).");
        }
        if (!raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return new GuildQuery(raw, null, "A guild id has digits only (0-9).");
        }
        BigInteger v = new BigInteger(raw);
        if (raw.length() > 20 || v.compareTo(MAX) > 0) {
            return new GuildQuery(raw, null, "That is larger than any Discord id (at most 18446744073709551615).");
        }
        if (v.signum() == 0) {
            return new GuildQuery(raw, null, "A guild id is at least 1.");
        }
        return new GuildQuery(raw, v, null);
    }

    boolean valid() {
        return id != null;
    }

    /** The guild's shard in a group of {@code shards} shards. */
    int shard(int shards) {
        return id.shiftRight(22).mod(BigInteger.valueOf(shards)).intValueExact();
    }
}
