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
