package dev.watchpost.targets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.config.Durations;

import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reading helpers shared by the declaration parsers. Every error is an
 * {@link IllegalArgumentException} whose message starts with where the value is
 * ({@code targets[2].http.every}) and says what is allowed.
 */
final class SpecReader {

    private SpecReader() {
    }

    static void object(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(where + ": expected an object");
        }
    }

    static void keys(JsonNode n, String where, Set<String> allowed) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(where + ": unknown key '" + k + "' (allowed: "
                        + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    static String requiredText(JsonNode n, String key, String where) {
        return optionalText(n, key, where).orElseThrow(() ->
                new IllegalArgumentException(where + ": '" + key + "' is required"));
    }

    static Optional<String> optionalText(JsonNode n, String key, String where) {
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

    static Optional<Boolean> optionalBoolean(JsonNode n, String key, String where) {
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

    static Optional<Integer> optionalInt(JsonNode n, String key, String where, int min, int max) {
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

    static Optional<Duration> optionalDuration(JsonNode n, String key, String where) {
        return optionalText(n, key, where).map(t -> duration(t, where + "." + key));
    }

    /**
     * A duration that may be zero (a grace of 0 means "at once"): a bare {@code 0}, or any duration
     * form of zero ({@code 0s}, {@code PT0S}); negative durations are refused.
     */
    static Optional<Duration> optionalDurationOrZero(JsonNode n, String key, String where) {
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

    static Duration duration(String text, String where) {
        Duration d = Durations.parse(text).orElseThrow(() ->
                new IllegalArgumentException(where + ": '" + text + "' is not " + Durations.ALLOWED));
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(where + ": must be longer than zero");
        }
        return d;
    }

    /** Runs {@code parse}, prefixing a bare validation message with {@code where}. */
    /**
     * Parses a URL without ever repeating it in an error: it may carry credentials
     * ({@code user:password@}) or, for webhooks, a token in its path. The reason and position say
     * what to fix.
     */
    static java.net.URI url(String text, String where) {
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

    static <T> T at(String where, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new IllegalArgumentException(m != null && m.startsWith(where) ? m : where + ": " + m);
        }
    }
}
