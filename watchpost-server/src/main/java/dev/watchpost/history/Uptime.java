package dev.watchpost.history;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalDouble;

/** A target's uptime over the standard windows, each ending now. */
public record Uptime(Window last24Hours, Window last7Days, Window last30Days, Window lastYear) {

    public Uptime {
        Objects.requireNonNull(last24Hours, "last24Hours");
        Objects.requireNonNull(last7Days, "last7Days");
        Objects.requireNonNull(last30Days, "last30Days");
        Objects.requireNonNull(lastYear, "lastYear");
    }

    /**
     * One window.
     *
     * @param length the nominal length (24 h, 7 d, 30 d, 365 d)
     * @param from where the window really starts: now minus the length, aligned down to the period
     *        of the buckets it is read from, or the first time the target was known if that is later
     * @param observed time since {@code from} not spent in UNKNOWN or MAINTENANCE
     * @param down time since {@code from} spent in a state of severity BAD (at most {@code observed})
     */
    public record Window(Duration length, Instant from, Duration observed, Duration down) {

        public Window {
            Objects.requireNonNull(length, "length");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(observed, "observed");
            Objects.requireNonNull(down, "down");
        }

        /** 1 − down / observed, in [0, 1]; empty when nothing was observed. */
        public OptionalDouble ratio() {
            if (observed.isZero() || observed.isNegative()) {
                return OptionalDouble.empty();
            }
            return OptionalDouble.of(1.0 - (double) down.toMillis() / observed.toMillis());
        }
    }
}
