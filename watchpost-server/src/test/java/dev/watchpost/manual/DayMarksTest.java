package dev.watchpost.manual;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DayMarksTest {

    private static ManualEvent event(String at, String status, boolean informational) {
        return new ManualEvent(1, "web", Instant.parse(at), status, "m", informational);
    }

    @Test
    void aDayIsMarkedWhenAnyOfItsEventsIsNotTheDefault() {
        List<ManualEvent> events = List.of(
                event("2025-03-09T10:00:00Z", "down", false),
                event("2025-03-09T11:00:00Z", "up", false),
                event("2025-03-08T12:00:00Z", "up", false),
                event("2025-03-06T12:00:00Z", "warning", true)); // informational notes count, as in Stashboard
        List<DayMarks.Day> days = DayMarks.of(events, "up"::equals, LocalDate.parse("2025-03-10"), 5, ZoneOffset.UTC);
        assertThat(days).containsExactly(
                new DayMarks.Day(LocalDate.parse("2025-03-09"), true),
                new DayMarks.Day(LocalDate.parse("2025-03-08"), false),
                new DayMarks.Day(LocalDate.parse("2025-03-07"), false),
                new DayMarks.Day(LocalDate.parse("2025-03-06"), true),
                new DayMarks.Day(LocalDate.parse("2025-03-05"), false));
    }

    @Test
    void daysAreTheZonesDays() {
        List<ManualEvent> events = List.of(event("2025-03-09T23:30:00Z", "down", false));
        assertThat(DayMarks.of(events, "up"::equals, LocalDate.parse("2025-03-11"), 2, ZoneId.of("Europe/Berlin")))
                .containsExactly(new DayMarks.Day(LocalDate.parse("2025-03-10"), true),
                        new DayMarks.Day(LocalDate.parse("2025-03-09"), false));
    }
}
