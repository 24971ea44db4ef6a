package dev.watchpost.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one way a JSON or YAML tree (a request body, a section of the config file, a stored
 * declaration) is read into validated values. Every error is an {@link IllegalArgumentException}
 * whose message starts with where the value is ({@code targets[2].http.every}, {@code body.status})
 * and says what is allowed; routes answer it as a 400 with that message, the config file as a
 * {@link ConfigException} naming the item.
 */
public final class SpecReader {

    private SpecReader() {
    }

    public static void object(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(where + ": expected an object");
        }
    }

    /** An object, or an error that shows what one looks like ({@code body: expected an object such as {...}}). */
    public static void object(JsonNode n, String where, String example) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(where + ": expected an object such as " + example);
        }
    }

    public static void keys(JsonNode n, String where, Set<String> allowed) {
        unknownKey(n, allowed).ifPresent(k -> {
            throw new IllegalArgumentException(where + ": unknown key '" + k + "' (allowed: "
                    + String.join(", ", new TreeSet<>(allowed)) + ")");
        });
    }

    /** The first key of {@code n} not in {@code allowed}, for callers that word the error their own way. */
    public static Optional<String> unknownKey(JsonNode n, Set<String> allowed) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** A list of texts, or one text with comma-separated items (as practable's recipients); empty when absent. */
    public static java.util.List<String> texts(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        java.util.List<String> out = new java.util.ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isTextual()) {
            for (String part : v.asText().split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
            return out;
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException(where + "." + key + ": expected a list of texts");
        }
        for (JsonNode item : v) {
            if (!item.isTextual() || item.asText().isBlank()) {
                throw new IllegalArgumentException(where + "." + key + ": expected a list of texts");
            }
            out.add(item.asText().strip());
        }
        return out;
    }

    public static String requiredText(JsonNode n, String key, String where) {
        return optionalText(n, key, where).orElseThrow(() ->
                new IllegalArgumentException(where + ": '" + key + "' is required"));
    }

    public static Optional<String> optionalText(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isValueNode() || v.isBoolean()) {
            throw new IllegalArgumentException(where + "." + key + ": expected text");
        }
        String t = v.asText().strip();
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }

    public static Optional<Boolean> optionalBoolean(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (v.isBoolean()) {
            return Optional.of(v.booleanValue());
        }
        if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
            return Optional.of(Boolean.parseBoolean(v.asText()));
        }
        throw new IllegalArgumentException(where + "." + key + ": expected true or false, got " + v);
    }

    public static Optional<Integer> optionalInt(JsonNode n, String key, String where, int min, int max) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        int value;
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            value = v.asInt();
        } else if (v.isTextual() && v.asText().strip().matches("-?\\d{1,9}")) {
            value = Integer.parseInt(v.asText().strip());
        } else {
            throw new IllegalArgumentException(where + "." + key + ": expected a whole number " + min + "-" + max + ", got " + v);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(where + "." + key + ": expected a whole number " + min + "-" + max + ", got " + value);
        }
        return Optional.of(value);
    }

    public static Optional<Duration> optionalDuration(JsonNode n, String key, String where) {
        return optionalText(n, key, where).map(t -> duration(t, where + "." + key));
    }

    /**
     * A duration that may be zero (a grace of 0 means "at once"): a bare {@code 0}, or any duration
     * form of zero ({@code 0s}, {@code PT0S}); negative durations are refused.
     */
    public static Optional<Duration> optionalDurationOrZero(JsonNode n, String key, String where) {
        return optionalText(n, key, where).map(t -> {
            if (t.strip().equals("0")) {
                return Duration.ZERO;
            }
            Duration d = Durations.parse(t).orElseThrow(() ->
                    new IllegalArgumentException(where + "." + key + ": '" + t + "' is not " + Durations.ALLOWED));
            if (d.isNegative()) {
                throw new IllegalArgumentException(where + "." + key + ": must not be negative");
            }
            return d;
        });
    }

    public static Duration duration(String text, String where) {
        Duration d = Durations.parse(text).orElseThrow(() ->
                new IllegalArgumentException(where + ": '" + text + "' is not " + Durations.ALLOWED));
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(where + ": must be longer than zero");
        }
        return d;
    }

    /**
     * Parses a URL without ever repeating it in an error: it may carry credentials
     * ({@code user:password@}) or, for webhooks, a token in its path. The reason and position say
     * what to fix.
     */
    public static java.net.URI url(String text, String where) {
        try {
            java.net.URI u = new java.net.URI(text);
            if (u.getPort() != -1 && (u.getPort() < 1 || u.getPort() > 65535)) {
                throw new IllegalArgumentException(where + ": the port must be 1-65535"); // never the URL: it may hold a secret
            }
            return u;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(where + ": not a valid URL (" + e.getReason()
                    + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : "") + ")");
        }
    }

    /** Runs {@code parse}, prefixing a bare validation message with {@code where}. */
    public static <T> T at(String where, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new IllegalArgumentException(m != null && m.startsWith(where) ? m : where + ": " + m);
        }
    }
}
