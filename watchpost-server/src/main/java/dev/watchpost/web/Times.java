package dev.watchpost.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;

/**
 * The one way a moment is written for people: the status page, target pages, the dashboard and
 * alert texts all say {@code 2026-06-01 14:00:00 CEST} in the zone of {@code status-page.time-zone}
 * ({@code 2026-06-01 12:00:00 UTC} by default), so a time read in an alert is found as such on the
 * page and the dashboard. Machine-readable forms (ISO-8601 UTC in {@code datetime} attributes, JSON,
 * feeds, compatible protocols) are separate and never follow the zone.
 *
 * <p>Built once by the composition root from the setting and handed to whoever writes times: a
 * value, not a global, so servers with different settings can run side by side.
 *
 * <p>The zone is named by its short name where the JDK knows one in English (JST, CET/CEST,
 * EST/EDT), else by its offset ({@code GMT-03:00}); a zone-less offset as itself ({@code +05:30}).
 *
 * @param zone where days begin and clocks are read; a zero offset ({@code Z}) is kept as {@code UTC}
 */
public record Times(ZoneId zone) {

    /** Times as they always were: UTC. */
    public static final Times UTC = new Times(ZoneId.of("UTC"));

    // English short names: the root locale knows hardly any (Asia/Tokyo would read GMT+09:00).
    private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss zzz", Locale.US);
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("HH:mm zzz", Locale.US);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("zzz", Locale.US);

    public Times {
        Objects.requireNonNull(zone, "zone");
        if (zone.equals(ZoneOffset.UTC)) {
            zone = ZoneId.of("UTC"); // "Z" would be its short name
        }
    }

    /** {@code 2026-06-01 21:00:00 JST}. */
    public String text(Instant t) {
        return TEXT.withZone(zone).format(t);
    }

    /** The time of day with the zone: {@code 21:00 JST}. */
    public String minutes(Instant t) {
        return MINUTES.withZone(zone).format(t);
    }

    /** The zone's short name at {@code t}: {@code CET} in winter, {@code CEST} in summer. */
    public String name(Instant t) {
        return NAME.withZone(zone).format(t);
    }

    /** The date it is at {@code t} in the zone. */
    public LocalDate date(Instant t) {
        return LocalDate.ofInstant(t, zone);
    }

    /**
     * How long something lasted, as pages and alerts write it: {@code 43 s}, {@code 12 min},
     * {@code 3 h 5 min}, {@code 2 d 4 h} (no zone needed, so static).
     */
    public static String duration(java.time.Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + " s";
        }
        long m = s / 60;
        if (m < 60) {
            return m + " min";
        }
        long h = m / 60;
        if (h < 24) {
            return h + " h" + (m % 60 == 0 ? "" : " " + m % 60 + " min");
        }
        return h / 24 + " d" + (h % 24 == 0 ? "" : " " + h % 24 + " h");
    }

    /** How prose names the zone: {@code UTC}, {@code Asia/Tokyo}. */
    public String label() {
        return zone.getId();
    }
}
