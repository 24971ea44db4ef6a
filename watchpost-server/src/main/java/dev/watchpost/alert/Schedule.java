package dev.watchpost.alert;

import dev.watchpost.config.Durations;
import dev.watchpost.push.CronSchedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When digests are due: every fixed interval, aligned to the epoch (so {@code every: 1h} means on
 * the hour, and a restart keeps the same slots), or at the times of a cron expression. Pure.
 */
sealed interface Schedule {

    /** The first slot strictly after {@code after}. */
    Instant next(Instant after);

    String describe();

    record Every(Duration every) implements Schedule {
        public Every {
            Objects.requireNonNull(every, "every");
            if (every.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("a digest can be sent at most every minute");
            }
        }

        @Override
        public Instant next(Instant after) {
            long ms = every.toMillis();
            long t = after.toEpochMilli();
            return Instant.ofEpochMilli(Math.floorDiv(t, ms) * ms + ms);
        }

        @Override
        public String describe() {
            return "every " + Durations.format(every);
        }
    }

    record Cron(CronSchedule cron) implements Schedule {
        public Cron {
            Objects.requireNonNull(cron, "cron");
        }

        @Override
        public Instant next(Instant after) {
            return cron.next(after);
        }

        @Override
        public String describe() {
            return "cron " + cron.expression() + " " + cron.zone();
        }
    }
}
