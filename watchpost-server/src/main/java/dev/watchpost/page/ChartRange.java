package dev.watchpost.page;

import dev.watchpost.history.Resolution;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The spans a target page's response-time chart offers ({@code ?range=}), each with the buckets it
 * is drawn from and how wide one point of it is: a year of days is 365 points, not 8,760 hours.
 * Points are UTC periods; the last one is the period running now. (Only the axis and the texts read
 * the page's time zone.)
 *
 * @param id     what {@code ?range=} takes
 * @param text   how the page names it ("last 24 hours")
 * @param source the resolution read from history (hour buckets are kept 90 days, day buckets for good)
 * @param step   one point's width, a whole number of {@code source} periods
 * @param points how many points the chart has
 */
enum ChartRange {
    DAY("24h", "last 24 hours", Resolution.HOUR, Duration.ofHours(1), 24),
    WEEK("7d", "last 7 days", Resolution.HOUR, Duration.ofHours(1), 168),
    MONTH("30d", "last 30 days", Resolution.HOUR, Duration.ofHours(6), 120),
    YEAR("1y", "last 365 days", Resolution.DAY, Duration.ofDays(1), 365);

    static final ChartRange DEFAULT = DAY;

    private final String id;
    private final String text;
    private final Resolution source;
    private final Duration step;
    private final int points;

    ChartRange(String id, String text, Resolution source, Duration step, int points) {
        this.id = id;
        this.text = text;
        this.source = source;
        this.step = step;
        this.points = points;
    }

    String id() {
        return id;
    }

    String text() {
        return text;
    }

    Resolution source() {
        return source;
    }

    long stepMs() {
        return step.toMillis();
    }

    int points() {
        return points;
    }

    /** Start (epoch ms) of the chart's first point when it ends with the period containing {@code nowMs}. */
    long startMs(long nowMs) {
        long step = stepMs();
        return Math.floorDiv(nowMs, step) * step - (points - 1L) * step;
    }

    /** End (epoch ms, exclusive) of the chart's last point: the end of the period containing {@code nowMs}. */
    long endMs(long nowMs) {
        return startMs(nowMs) + points * stepMs();
    }

    static Optional<ChartRange> parse(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
    }

    /** "24h, 7d, 30d or 1y", for the error that names what is allowed. */
    static String allowed() {
        String all = Arrays.stream(values()).map(ChartRange::id).collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return all.substring(0, last) + " or " + all.substring(last + 2);
    }
}
