package dev.watchpost.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The one way a moment is written for people: the status page, target pages, the dashboard and
 * alert texts all say {@code 2026-06-01 12:00:00 UTC}, so a time read in an alert is found as such on
 * the page and the dashboard. Machine-readable forms (ISO-8601 in {@code datetime} attributes and
 * JSON) are separate.
 */
public final class Times {

    /** {@code 2026-06-01 12:00:00 UTC}. */
    public static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Times() {
    }

    public static String text(Instant t) {
        return TEXT.format(t);
    }
}
