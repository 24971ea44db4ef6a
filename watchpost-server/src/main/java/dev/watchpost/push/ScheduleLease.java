package dev.watchpost.push;

import dev.watchpost.config.Durations;
import dev.watchpost.live.LeasePolicy;
import dev.watchpost.live.Observation;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * The lease of a cron job (Healthchecks' behaviour): after a ping at {@code t} the next one is
 * expected at the schedule's next time after {@code t}, and the job is overdue {@code grace} later.
 * After a {@code /start} signal the run must finish (ping success or failure) within {@code grace}.
 */
public record ScheduleLease(CronSchedule schedule, Duration grace) implements LeasePolicy {

    /** Healthchecks' default grace time. */
    public static final Duration DEFAULT_GRACE = Duration.ofHours(1);

    public ScheduleLease {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(grace, "grace");
    }

    public static ScheduleLease of(String expression, ZoneId zone, Duration grace) {
        return new ScheduleLease(CronSchedule.parse(expression, zone), grace);
    }

    @Override
    public long deadline(long seenMs, Observation.Kind kind) {
        if (kind == Observation.Kind.START) {
            return seenMs + grace.toMillis();
        }
        return schedule.next(Instant.ofEpochMilli(seenMs)).toEpochMilli() + grace.toMillis();
    }

    @Override
    public String describe() {
        return "cron '" + schedule.expression() + "' (" + schedule.zone().getId() + ") + " + Durations.format(grace);
    }
}
