package dev.watchpost.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the duration forms every setting accepts: a number with a unit ({@code 500ms}, {@code 90s},
 * {@code 15m}, {@code 24h}, {@code 1d}, {@code 2w}) or ISO-8601 ({@code PT30S}, {@code P1D}).
 */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)");

    /** What a reader can write; used in error messages. */
    public static final String ALLOWED = "a duration such as 500ms, 90s, 15m, 24h, 1d or ISO-8601 (PT30S)";

    private Durations() {
    }

    /**
     * The longest duration accepted: far beyond any sensible setting, and short enough that every use
     * (epoch milliseconds plus a lease, a probe grid in nanoseconds) stays within a long.
     */
    public static final Duration MAX = Duration.ofDays(36_500);

    /**
     * Returns the duration, or empty when the text is not a duration in one of the accepted forms or
     * is longer than {@link #MAX}.
     */
    public static Optional<Duration> parse(String text) {
        return parseAny(text).filter(d -> d.compareTo(MAX) <= 0);
    }

    private static Optional<Duration> parseAny(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            try {
                return Optional.of(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    case "w" -> Duration.ofDays(Math.multiplyExact(n, 7));
                    default -> throw new IllegalStateException(m.group(2));
                });
            } catch (ArithmeticException e) {
                return Optional.empty();
            }
        }
        if (t.startsWith("p") || t.startsWith("-p")) {
            try {
                return Optional.of(Duration.parse(text.trim().toUpperCase(Locale.ROOT)));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The shortest of this class's own forms that reads back to {@code d}; used when printing settings. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0 && ms != 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0 && ms != 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0 && ms != 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }
}
