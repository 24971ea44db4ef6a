package dev.watchpost.probe;

import java.util.Locale;

/**
 * An inclusive range of HTTP status codes an HTTP check accepts.
 *
 * @param from lowest accepted code, 100..599
 * @param to   highest accepted code, {@code from}..599
 */
public record StatusRange(int from, int to) {

    public static final StatusRange SUCCESS = new StatusRange(200, 299);

    public StatusRange {
        if (from < 100 || to > 599 || from > to) {
            throw new IllegalArgumentException("status range must lie within 100..599 with from <= to: " + from + "-" + to);
        }
    }

    public boolean contains(int status) {
        return status >= from && status <= to;
    }

    /** Parses {@code "200"}, {@code "200-299"} or {@code "2xx"}. */
    public static StatusRange parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.matches("[1-5]xx")) {
                int base = (t.charAt(0) - '0') * 100;
                return new StatusRange(base, base + 99);
            }
            int dash = t.indexOf('-');
            if (dash > 0) {
                return new StatusRange(Integer.parseInt(t.substring(0, dash).trim()), Integer.parseInt(t.substring(dash + 1).trim()));
            }
            int code = Integer.parseInt(t);
            return new StatusRange(code, code);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a status range (200, 200-299, 2xx): '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
