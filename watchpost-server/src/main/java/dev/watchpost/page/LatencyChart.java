package dev.watchpost.page;

import dev.watchpost.history.Bucket;
import dev.watchpost.history.LatencyEstimate;
import dev.watchpost.probe.Outcome;
import dev.watchpost.probe.RecentChecks;
import dev.watchpost.web.Html;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * A target's response times over one {@link ChartRange}, drawn by Watchpost as SVG: median (p50)
 * and 95th percentile per point with the band between them, the highest value per point, and for
 * the last 24 hours every recent check as it was measured. Colours come from the page's CSS
 * variables (classes only, no inline style), so the chart follows light and dark themes. Pure.
 *
 * <p>Percentiles of a point are estimated from its buckets' histograms ({@link LatencyEstimate});
 * the maximum and the mean are exact. The text alternative is the SVG's {@code <title>} and
 * {@code <desc>} plus the table of points the page puts beside it.
 */
final class LatencyChart {

    static final int WIDTH = 720;
    static final int HEIGHT = 240;
    static final int LEFT = 58;
    static final int RIGHT = 712;
    static final int TOP = 10;
    static final int BOTTOM = 214;

    private static final int BINS = Bucket.LATENCY_UPPER_BOUNDS_MS.size() + 1;

    /**
     * One point: the buckets of {@code [startMs, endMs)} merged.
     *
     * @param count    observations that carried a latency
     * @param samples  observations in all
     * @param failures observations that were not ok
     * @param p50      NaN when {@code count} is 0, as are {@code p95}, {@code max} and {@code mean}
     */
    record Point(long startMs, long endMs, long count, long samples, long failures, double p50, double p95, double max,
                 double mean, long[] bins, double sumMs, double squaresMs2) {

        boolean measured() {
            return count > 0;
        }
    }

    /** The whole range at once: what the chart's description and the page's figures say. */
    record Summary(long count, long samples, long failures, OptionalDouble p50, OptionalDouble p95, OptionalDouble max,
                   long maxAtMs) {
    }

    private LatencyChart() {
    }

    /** The range's points, oldest first, one per step whether measured or not; {@code buckets} as read for the range. */
    static List<Point> points(List<Bucket> buckets, ChartRange range, long nowMs) {
        long start = range.startMs(nowMs);
        long step = range.stepMs();
        int n = range.points();
        long[][] bins = new long[n][BINS];
        double[] sum = new double[n];
        double[] squares = new double[n];
        double[] max = new double[n];
        long[] samples = new long[n];
        long[] failures = new long[n];
        for (Bucket b : buckets) {
            long at = b.start().toEpochMilli();
            if (at < start) {
                continue;
            }
            int i = (int) ((at - start) / step);
            if (i >= n) {
                continue;
            }
            List<Long> h = b.latencyHistogram();
            for (int k = 0; k < BINS; k++) {
                bins[i][k] += h.get(k);
            }
            sum[i] += b.latencySumMs();
            squares[i] += b.latencySquaresMs2();
            max[i] = Math.max(max[i], b.latencyMaxMs());
            samples[i] += b.samples();
            failures[i] += b.failures();
        }
        List<Point> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long count = 0;
            for (long c : bins[i]) {
                count += c;
            }
            long from = start + i * step;
            if (count == 0) {
                out.add(new Point(from, from + step, 0, samples[i], failures[i], Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN, bins[i], 0, 0));
            } else {
                out.add(new Point(from, from + step, count, samples[i], failures[i],
                        LatencyEstimate.quantile(bins[i], sum[i], squares[i], max[i], 0.5).getAsDouble(),
                        LatencyEstimate.quantile(bins[i], sum[i], squares[i], max[i], 0.95).getAsDouble(), max[i],
                        sum[i] / count, bins[i], sum[i], squares[i]));
            }
        }
        return out;
    }

    static Summary summary(List<Point> points) {
        long[] bins = new long[BINS];
        double sum = 0;
        double squares = 0;
        double max = 0;
        long maxAt = 0;
        long count = 0;
        long samples = 0;
        long failures = 0;
        for (Point p : points) {
            samples += p.samples();
            failures += p.failures();
            if (!p.measured()) {
                continue;
            }
            for (int k = 0; k < BINS; k++) {
                bins[k] += p.bins()[k];
            }
            sum += p.sumMs();
            squares += p.squaresMs2();
            count += p.count();
            if (count == p.count() || p.max() > max) { // the first measured point, or a higher one
                max = p.max();
                maxAt = p.startMs();
            }
        }
        if (count == 0) {
            return new Summary(0, samples, failures, OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), 0);
        }
        return new Summary(count, samples, failures, LatencyEstimate.quantile(bins, sum, squares, max, 0.5),
                LatencyEstimate.quantile(bins, sum, squares, max, 0.95), OptionalDouble.of(max), maxAt);
    }

    // ---------------------------------------------------------------- drawing

    /** The vertical scale: its top and the step between grid lines, in ms. */
    record Scale(double top, double step, boolean clipped) {
    }

    /**
     * Up to the highest value, unless that is more than three times the highest p95 (one timeout
     * would flatten everything else): then to 1.5 times the highest p95, and higher values are drawn
     * at the top edge (the text says so).
     */
    static Scale scale(List<Point> points, List<RecentChecks.Result> checks) {
        double top = 0;
        double p95 = 0;
        for (Point p : points) {
            if (p.measured()) {
                top = Math.max(top, p.max());
                p95 = Math.max(p95, p.p95());
            }
        }
        double[] measured = checks.stream().mapToDouble(RecentChecks.Result::latencyMs).filter(v -> !Double.isNaN(v))
                .sorted().toArray();
        if (measured.length > 0) {
            top = Math.max(top, measured[measured.length - 1]);
            p95 = Math.max(p95, measured[(int) Math.ceil(0.95 * measured.length) - 1]);
        }
        double to = p95 > 0 && top > 3 * p95 ? p95 * 1.5 : top;
        if (!(to > 0)) {
            to = 100;
        }
        double step = nice(to / 4);
        double ceiling = Math.ceil(to / step - 1e-9) * step;
        return new Scale(ceiling, step, top > ceiling + 1e-9);
    }

    /** The smallest of 1, 2, 2.5, 5 × 10^k at least {@code x}. */
    static double nice(double x) {
        double p = Math.pow(10, Math.floor(Math.log10(x)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= x - 1e-9) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /**
     * Draws the chart.
     *
     * @param title  the SVG's title ("Response time of Public API, last 24 hours")
     * @param desc   the SVG's description: the figures in words
     * @param checks recent checks to draw one by one (empty for none); those outside the range are left out
     * @param zone   whose clock the time axis reads
     */
    static void draw(Html h, List<Point> points, List<RecentChecks.Result> checks, ChartRange range, long nowMs,
                     String title, String desc, ZoneId zone) {
        long start = range.startMs(nowMs);
        long end = range.endMs(nowMs);
        List<RecentChecks.Result> shown = checks.stream()
                .filter(c -> c.at().toEpochMilli() >= start && c.at().toEpochMilli() < end).toList();
        Scale s = scale(points, shown);
        h.raw("<svg class=\"chart\" viewBox=\"0 0 ").text(WIDTH).raw(" ").text(HEIGHT)
                .raw("\" role=\"img\" aria-labelledby=\"chart-title chart-desc\"><title id=\"chart-title\">").text(title)
                .raw("</title><desc id=\"chart-desc\">").text(desc).raw("</desc><g class=\"axis\" aria-hidden=\"true\">");
        for (double v = 0; v <= s.top() + 1e-9; v += s.step()) {
            String y = num(y(v, s));
            h.raw("<line class=\"gridline\" x1=\"").text(LEFT).raw("\" x2=\"").text(RIGHT).raw("\" y1=\"").text(y)
                    .raw("\" y2=\"").text(y).raw("\"/><text x=\"").text(LEFT - 6).raw("\" y=\"").text(num(y(v, s) + 4))
                    .raw("\" text-anchor=\"end\">").text(tick(v)).raw("</text>");
        }
        for (long t : xTicks(range, start, end, zone)) {
            String x = num(x(t, start, end));
            h.raw("<line class=\"tick\" x1=\"").text(x).raw("\" x2=\"").text(x).raw("\" y1=\"").text(BOTTOM)
                    .raw("\" y2=\"").text(BOTTOM + 4).raw("\"/><text x=\"").text(x).raw("\" y=\"").text(BOTTOM + 18)
                    .raw("\" text-anchor=\"middle\">").text(xLabel(range, t, zone)).raw("</text>");
        }
        h.raw("<line class=\"base\" x1=\"").text(LEFT).raw("\" x2=\"").text(RIGHT).raw("\" y1=\"").text(BOTTOM)
                .raw("\" y2=\"").text(BOTTOM).raw("\"/></g>");
        path(h, "band", band(points, s, start, end));
        path(h, "max", line(points, Point::max, s, start, end));
        path(h, "p95", line(points, Point::p95, s, start, end));
        path(h, "p50", line(points, Point::p50, s, start, end));
        if (!shown.isEmpty()) {
            StringBuilder d = new StringBuilder();
            StringBuilder fails = new StringBuilder();
            boolean pen = false;
            for (RecentChecks.Result c : shown) {
                double x = x(c.at().toEpochMilli(), start, end);
                if (c.outcome() == Outcome.DOWN) {
                    fails.append('M').append(num(x)).append(' ').append(BOTTOM).append("v-8");
                }
                if (Double.isNaN(c.latencyMs())) {
                    pen = false;
                    continue;
                }
                d.append(pen ? 'L' : 'M').append(num(x)).append(' ').append(num(y(c.latencyMs(), s)));
                pen = true;
            }
            path(h, "checks", d.toString());
            path(h, "fails", fails.toString());
        }
        h.raw("</svg>");
    }

    private static void path(Html h, String cls, String d) {
        if (!d.isEmpty()) {
            h.raw("<path class=\"").raw(cls).raw("\" d=\"").text(d).raw("\"/>");
        }
    }

    private interface Value {
        double of(Point p);
    }

    /** A line through the middle of each measured point; unmeasured points leave a gap; a lone point is a dot. */
    private static String line(List<Point> points, Value v, Scale s, long start, long end) {
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            if (!p.measured()) {
                continue;
            }
            boolean first = i == 0 || !points.get(i - 1).measured();
            d.append(first ? 'M' : 'L').append(num(mid(p, start, end))).append(' ').append(num(y(v.of(p), s)));
            if (first && (i == points.size() - 1 || !points.get(i + 1).measured())) {
                d.append("h0.01");
            }
        }
        return d.toString();
    }

    /** The area between p50 and p95 of each run of measured points. */
    private static String band(List<Point> points, Scale s, long start, long end) {
        StringBuilder d = new StringBuilder();
        int i = 0;
        while (i < points.size()) {
            if (!points.get(i).measured()) {
                i++;
                continue;
            }
            int j = i;
            while (j + 1 < points.size() && points.get(j + 1).measured()) {
                j++;
            }
            if (j > i) {
                for (int k = i; k <= j; k++) {
                    Point p = points.get(k);
                    d.append(k == i ? 'M' : 'L').append(num(mid(p, start, end))).append(' ').append(num(y(p.p95(), s)));
                }
                for (int k = j; k >= i; k--) {
                    Point p = points.get(k);
                    d.append('L').append(num(mid(p, start, end))).append(' ').append(num(y(p.p50(), s)));
                }
                d.append('Z');
            }
            i = j + 1;
        }
        return d.toString();
    }

    private static double mid(Point p, long start, long end) {
        return x((p.startMs() + p.endMs()) / 2, start, end);
    }

    private static double x(long t, long start, long end) {
        return LEFT + (double) (t - start) / (end - start) * (RIGHT - LEFT);
    }

    /** Values above the scale are drawn at its top. */
    private static double y(double v, Scale s) {
        return BOTTOM - Math.min(v, s.top()) / s.top() * (BOTTOM - TOP);
    }

    private static String num(double v) {
        String s = String.format(Locale.ROOT, "%.1f", v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    /** "0 ms", "250 ms", "1 s", "2.5 s". */
    static String tick(double ms) {
        if (ms < 1000) {
            return num(ms) + " ms";
        }
        return num(ms / 1000) + " s";
    }

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MM-dd", Locale.ROOT);
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMM", Locale.ROOT);
    private static final DateTimeFormatter YEAR = DateTimeFormatter.ofPattern("yyyy", Locale.ROOT);

    /**
     * Where the time axis is labelled, by the clock of {@code zone} (the page's): every 6 hours
     * (00:00, 06:00, …), every midnight, every 5th midnight, every first of a month after the first
     * point's. The points stay
     * UTC periods; only the axis reads as local time. Across a change to or from summer time a tick
     * falls where that local time first is.
     */
    static List<Long> xTicks(ChartRange range, long start, long end, ZoneId zone) {
        List<Long> out = new ArrayList<>();
        LocalDateTime first = LocalDateTime.ofInstant(Instant.ofEpochMilli(start), zone);
        LocalDateTime t = switch (range) {
            case DAY -> first.truncatedTo(ChronoUnit.HOURS).withHour(first.getHour() / 6 * 6);
            case WEEK, MONTH -> first.truncatedTo(ChronoUnit.DAYS);
            case YEAR -> first.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1).plusMonths(1);
        };
        for (int guard = 0; guard < 1_000; guard++) {
            long ms = t.atZone(zone).toInstant().toEpochMilli();
            if (ms > end) {
                break;
            }
            boolean labelled = range != ChartRange.MONTH || t.toLocalDate().toEpochDay() % 5 == 0;
            if (ms >= start && labelled && (out.isEmpty() || out.get(out.size() - 1) != ms)) {
                out.add(ms);
            }
            t = switch (range) {
                case DAY -> t.plusHours(6);
                case WEEK, MONTH -> t.plusDays(1);
                case YEAR -> t.plusMonths(1);
            };
        }
        return out;
    }

    private static String xLabel(ChartRange range, long t, ZoneId zone) {
        ZonedDateTime at = Instant.ofEpochMilli(t).atZone(zone);
        return switch (range) {
            case DAY -> HOUR.format(at);
            case WEEK, MONTH -> DAY.format(at);
            // "Jan" is the year's number: twelve "2026-01"s do not fit a year's width
            case YEAR -> at.getMonthValue() == 1 ? YEAR.format(at) : MONTH.format(at);
        };
    }
}
