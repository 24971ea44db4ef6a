package dev.watchpost.page;

import dev.watchpost.live.State;

import java.time.Duration;
import java.util.Locale;
import java.util.OptionalDouble;

/** How numbers, durations and states read on the page. Pure. */
final class Format {

    private Format() {
    }

    /** "Online", "Unhealthy": the state's id with a capital (the browser module does the same). */
    static String state(State s) {
        String id = s.id();
        return Character.toUpperCase(id.charAt(0)) + id.substring(1);
    }

    /**
     * Uptime as a percentage with two decimals, never rounded up to 100 % (99.999 % reads "99.99%",
     * so a day with any down time never claims a perfect score); "—" when unknown.
     */
    static String percent(OptionalDouble ratio) {
        if (ratio.isEmpty()) {
            return "—";
        }
        double r = ratio.getAsDouble();
        if (r >= 1.0) {
            return "100%";
        }
        double floored = Math.floor(Math.max(0, r) * 10_000) / 100.0;
        return String.format(Locale.ROOT, "%.2f%%", floored);
    }

    /** "43 s", "12 min", "3 h 5 min", "2 d 4 h": as alerts write them ({@link dev.watchpost.web.Times#duration}). */
    static String duration(Duration d) {
        return dev.watchpost.web.Times.duration(d);
    }

    /** "41 ms", "1.25 s". */
    static String millis(double ms) {
        if (ms < 1000) {
            return String.format(Locale.ROOT, "%.0f ms", ms);
        }
        return String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }

    /** A metric value with at most three significant decimals, for tables. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%,.1f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
