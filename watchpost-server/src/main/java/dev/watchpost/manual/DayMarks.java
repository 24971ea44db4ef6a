package dev.watchpost.manual;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The past-days row of a status page (Stashboard's front page): one cell per day, marked when the
 * service had any event that day whose status is not the default one (informational notes
 * included, as Stashboard did). Pure: the caller passes the events, "today" and the zone.
 */
final class DayMarks {

    /** One cell: {@code marked} when a non-default event happened on {@code day}. */
    public record Day(LocalDate day, boolean marked) {
    }

    private DayMarks() {
    }

    /**
     * The {@code days} days before {@code today} (today excluded: its cell is the current status),
     * newest first.
     *
     * @param isDefault tells whether a status slug is the catalog's default
     */
    public static List<Day> of(List<ManualEvent> events, Predicate<String> isDefault, LocalDate today, int days,
                               ZoneId zone) {
        if (days < 0) {
            throw new IllegalArgumentException("days must not be negative");
        }
        Set<LocalDate> marked = new HashSet<>();
        for (ManualEvent e : events) {
            if (!isDefault.test(e.status())) {
                marked.add(LocalDate.ofInstant(e.at(), zone));
            }
        }
        List<Day> out = new ArrayList<>(days);
        for (int i = 1; i <= days; i++) {
            LocalDate d = today.minusDays(i);
            out.add(new Day(d, marked.contains(d)));
        }
        return out;
    }
}
