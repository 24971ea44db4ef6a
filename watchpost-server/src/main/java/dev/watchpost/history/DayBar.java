package dev.watchpost.history;

import dev.watchpost.live.State;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One local day of a target's history, as a status page draws it.
 *
 * @param uptime 1 − down / observed for the part of the day the target was known (up to now for
 *        today); empty when there is no data: before the target was first seen, or nothing observed
 * @param down time spent in a state of severity BAD
 * @param latencyAverageMs empty when no observation that day carried a latency
 * @param latencyMaxMs empty when no observation that day carried a latency
 * @param incidentCount transitions into a state of severity BAD that day
 * @param incidents the first of them (at most {@link History.Settings#incidentsPerDay()}), in order
 */
public record DayBar(LocalDate date, OptionalDouble uptime, Duration down, long samples, long failures,
                     OptionalDouble latencyAverageMs, OptionalDouble latencyMaxMs, int incidentCount,
                     List<Incident> incidents) {

    public DayBar {
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(uptime, "uptime");
        Objects.requireNonNull(down, "down");
        Objects.requireNonNull(latencyAverageMs, "latencyAverageMs");
        Objects.requireNonNull(latencyMaxMs, "latencyMaxMs");
        incidents = List.copyOf(incidents);
    }

    /** A transition into a BAD state, as stored in the transition log. */
    public record Incident(Instant at, State to, String reason) {

        public Incident {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
