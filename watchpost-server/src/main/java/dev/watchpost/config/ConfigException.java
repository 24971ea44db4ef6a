package dev.watchpost.config;

/**
 * A setting that cannot be used. The message is one line naming the key, the value, where it came
 * from and what is allowed, so an operator can fix it without reading code.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String value, String source, String allowed) {
        super("invalid configuration: " + key + " = " + quote(value)
                + (source == null ? "" : " (from " + source + ")")
                + ": expected " + allowed);
        this.key = key;
    }

    public ConfigException(String message) {
        super("invalid configuration: " + message);
        this.key = null;
    }

    /**
     * An invalid item of a declaration list ({@code groups}, {@code targets}, {@code channels},
     * {@code rules}), named by its index and its id so it can be found in a long file:
     * {@code targets[5] (web/shop).http.every: ...}.
     *
     * @param where   the item's index as the reader's messages start ({@code targets[5]})
     * @param id      the item's id, or null when it has none (yet)
     * @param message the reader's message, which usually starts with {@code where}
     */
    public static ConfigException inItem(String where, String id, String message) {
        String label = id == null || id.isBlank() ? where : where + " (" + id + ")";
        String rest = message.startsWith(where) ? message.substring(where.length()) : ": " + message;
        return new ConfigException(label + rest);
    }

    /** The textual {@code id} of a declared item, or null. */
    public static String idOf(com.fasterxml.jackson.databind.JsonNode item) {
        com.fasterxml.jackson.databind.JsonNode id = item == null ? null : item.get("id");
        return id != null && id.isTextual() ? id.asText().strip() : null;
    }

    /** The offending key, or null when the problem is not tied to one key (e.g. an unreadable file). */
    public String key() {
        return key;
    }

    private static String quote(String value) {
        if (value == null) {
            return "(empty)";
        }
        String oneLine = value.replace("\n", "\\n").replace("\r", "\\r");
        return "\"" + (oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine) + "\"";
    }
}
