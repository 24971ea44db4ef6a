package dev.watchpost.push;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import static java.time.temporal.ChronoUnit.MINUTES;

/**
 * A standard (Vixie/Debian) five-field cron schedule evaluated in a time zone: when a cron check expects
 * its next ping.
 *
 * <p>Syntax: {@code minute hour day-of-month month day-of-week} with ranges 0-59, 0-23, 1-31, 1-12 and
 * 0-7 (0 and 7 are Sunday). Each field is a comma list of {@code *}, {@code a}, {@code a-b}, each
 * optionally followed by {@code /n}; {@code a/n} means "from a to the field's maximum, every n".
 * {@code JAN}-{@code DEC} and {@code SUN}-{@code SAT} are accepted case-insensitively, also in ranges.
 * The macros {@code @yearly @annually @monthly @weekly @daily @midnight @hourly} stand for their usual
 * expansions. Not supported: seconds, {@code L}, {@code W}, {@code #} and {@code ?} (extensions beyond
 * standard cron), and {@code @reboot} (it has no schedule).
 *
 * <p>Day rule (Vixie cron): when both day-of-month and day-of-week are restricted, that is neither field
 * starts with {@code *}, a day matches if <em>either</em> matches ({@code 0 0 13 * FRI} runs on every
 * 13th and every Friday); otherwise both must match (<code>0 0 *&#47;2 * MON</code> runs on
 * odd-numbered Mondays).
 *
 * <p>Time zones and daylight saving follow Healthchecks' cronsim, which mimics Debian cron:
 * <ul>
 *   <li>Jobs at a fixed time of day (neither minute nor hour starts with {@code *}, e.g. {@code 30 2 * * *})
 *       follow the wall clock. A time skipped by a spring-forward gap runs at the instant the clocks
 *       jump (02:30 becomes 03:00 new time); several skipped times, or a skipped time and the time at
 *       the end of the gap, run once. A time repeated by a fall-back overlap runs once, at the earlier
 *       offset (the first pass).</li>
 *   <li>Jobs whose minute or hour starts with {@code *} (<code>*&#47;15 * * * *</code>, {@code 30 * * * *})
 *       follow elapsed time: they run at every instant whose local time matches, so nothing runs in a
 *       gap and a repeated hour runs twice. Shifting them would pile up runs on one instant or leave an
 *       hour without any, and Debian cron does neither.</li>
 * </ul>
 *
 * <p>Impossible day and month combinations ({@code 0 0 31 2 *}) are rejected by {@link #parse}, so every
 * schedule has a next instant; February 29 is allowed and found in leap years (up to eight years apart,
 * 2096 to 2104). The search goes field by field (month, day, hour, minute), never minute by minute. It
 * is bounded by 400 years, one Gregorian cycle: every possible date falls on every weekday within it, so
 * a parsed schedule always finds its next run well before the bound.
 *
 * <p>Instances are immutable and thread-safe. Equality is the normalised expression text and the zone,
 * not the set of instants: {@code @daily} and {@code 0 0 * * *} are different schedules that fire alike.
 */
public final class CronSchedule {

    private static final int HORIZON_YEARS = 400;
    private static final Pattern WHITESPACE = Pattern.compile("(?U)\\s+");
    private static final String EXPECTED_FORM =
            "(minute hour day-of-month month day-of-week) or a macro such as @daily";
    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");
    /** Longest month length, February counted as 29 so that leap days stay valid. */
    private static final int[] MAX_DAYS = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private final String expression;
    private final ZoneId zone;
    private final long minutes;
    private final long hours;
    private final long daysOfMonth;
    private final long months;
    /** Bits 0-6, Sunday = 0; a 7 in the expression is folded onto 0. */
    private final long daysOfWeek;
    private final boolean eitherDayMatches;
    private final boolean wallClock;

    private CronSchedule(String expression, ZoneId zone, String[] fields, long[] bits) {
        this.expression = expression;
        this.zone = zone;
        this.minutes = bits[0];
        this.hours = bits[1];
        this.daysOfMonth = bits[2];
        this.months = bits[3];
        this.daysOfWeek = bits[4];
        this.eitherDayMatches = !fields[2].startsWith("*") && !fields[4].startsWith("*");
        this.wallClock = !fields[0].startsWith("*") && !fields[1].startsWith("*");
    }

    /**
     * Parses a five-field cron expression or a macro.
     *
     * @param expression fields separated by any whitespace; surrounding whitespace is ignored
     * @param zone       the zone whose local time the fields describe
     * @throws IllegalArgumentException with a one-line message naming the field, the offending part and
     *                                  the expression, when the expression is malformed or can never run
     */
    public static CronSchedule parse(String expression, ZoneId zone) {
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(zone, "zone");
        String stripped = expression.strip();
        if (stripped.isEmpty()) {
            throw new IllegalArgumentException("cron expression is empty; expected 5 fields " + EXPECTED_FORM);
        }
        String[] given = WHITESPACE.split(stripped);
        String normalised = String.join(" ", given);
        String[] fields = given;
        if (given.length == 1 && given[0].startsWith("@")) {
            String expansion = MACROS.get(given[0].toLowerCase(Locale.ROOT));
            if (expansion == null) {
                throw new IllegalArgumentException("cron macro " + quote(given[0])
                        + " is not supported; expected @yearly, @annually, @monthly, @weekly, @daily,"
                        + " @midnight or @hourly");
            }
            fields = expansion.split(" ");
        } else if (given.length != 5) {
            throw new IllegalArgumentException("cron expression " + quote(normalised) + " has " + given.length
                    + (given.length == 1 ? " field" : " fields") + "; expected 5 " + EXPECTED_FORM);
        }
        long[] bits = new long[5];
        for (Field field : Field.values()) {
            bits[field.ordinal()] = field.parse(fields[field.ordinal()], normalised);
        }
        if ((bits[4] & (1L << 7)) != 0) {
            bits[4] = (bits[4] & ~(1L << 7)) | 1L;
        }
        CronSchedule schedule = new CronSchedule(normalised, zone, fields, bits);
        if (!schedule.eitherDayMatches && !schedule.someMonthHasADay()) {
            throw new IllegalArgumentException("cron expression " + quote(normalised)
                    + " can never run: day-of-month '" + fields[2] + "' does not exist in month '"
                    + fields[3] + "'");
        }
        return schedule;
    }

    /** The expression as given, with runs of whitespace collapsed to one space; macros are kept as macros. */
    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    /**
     * The first scheduled instant strictly after {@code after}; a ping exactly on a scheduled instant
     * therefore expects the following one.
     *
     * @throws java.time.DateTimeException if the answer lies beyond the range {@link Instant} supports
     * @throws IllegalStateException         if no run is found within 400 years, which parsing rules out
     */
    public Instant next(Instant after) {
        Objects.requireNonNull(after, "after");
        return wallClock ? nextOnWallClock(after) : nextInElapsedTime(after);
    }

    private Instant nextOnWallClock(Instant after) {
        ZoneRules rules = zone.getRules();
        // The truncated minute maps to an instant at or before `after`, so the search starts one later.
        LocalDateTime from = LocalDateTime.ofInstant(after, zone).truncatedTo(MINUTES).plusMinutes(1);
        LocalDateTime horizon = from.plusYears(HORIZON_YEARS);
        while (true) {
            LocalDateTime match = nextLocalMatch(from, horizon);
            if (match == null) {
                throw beyondHorizon(after);
            }
            Instant at = wallClockInstant(match, rules);
            // Only a ping in the second pass of an overlap sees matches mapped to the first pass; skip them.
            if (at.isAfter(after)) {
                return at;
            }
            from = match.plusMinutes(1);
        }
    }

    private static Instant wallClockInstant(LocalDateTime local, ZoneRules rules) {
        ZoneOffsetTransition transition = rules.getTransition(local);
        if (transition != null && transition.isGap()) {
            return transition.getInstant();
        }
        // In an overlap the offset before the transition is the larger one, hence the earlier instant.
        return local.toInstant(transition != null ? transition.getOffsetBefore() : rules.getOffset(local));
    }

    /** Walks the spans of constant offset, in each of which local time runs in step with the instant. */
    private Instant nextInElapsedTime(Instant after) {
        ZoneRules rules = zone.getRules();
        Instant horizon = after.atOffset(ZoneOffset.UTC).plusYears(HORIZON_YEARS).toInstant();
        Instant lower = after;
        boolean lowerIncluded = false;
        while (lower.isBefore(horizon)) {
            ZoneOffset offset = rules.getOffset(lower);
            ZoneOffsetTransition change = rules.nextTransition(lower);
            Instant end = change == null || change.getInstant().isAfter(horizon) ? horizon : change.getInstant();
            LocalDateTime local = LocalDateTime.ofInstant(lower, offset);
            LocalDateTime from = local.truncatedTo(MINUTES);
            if (!(lowerIncluded && from.equals(local))) {
                from = from.plusMinutes(1);
            }
            LocalDateTime match = nextLocalMatch(from, LocalDateTime.ofInstant(end, offset));
            if (match != null) {
                return match.toInstant(offset);
            }
            lower = end;
            lowerIncluded = true;
        }
        throw beyondHorizon(after);
    }

    /** The first matching local minute in {@code [from, limit)}, or null. */
    private LocalDateTime nextLocalMatch(LocalDateTime from, LocalDateTime limit) {
        LocalDate date = from.toLocalDate();
        int hour = from.getHour();
        int minute = from.getMinute();
        LocalDate lastDate = limit.toLocalDate();
        while (!date.isAfter(lastDate)) {
            if (!has(months, date.getMonthValue())) {
                int month = nextBit(months, date.getMonthValue() + 1);
                date = month < 0
                        ? LocalDate.of(date.getYear() + 1, nextBit(months, 1), 1)
                        : LocalDate.of(date.getYear(), month, 1);
                hour = 0;
                minute = 0;
                continue;
            }
            if (!dayMatches(date)) {
                date = date.plusDays(1);
                hour = 0;
                minute = 0;
                continue;
            }
            int h = nextBit(hours, hour);
            if (h < 0) {
                date = date.plusDays(1);
                hour = 0;
                minute = 0;
                continue;
            }
            int m = nextBit(minutes, h == hour ? minute : 0);
            if (m < 0) {
                if (h == 23) {
                    date = date.plusDays(1);
                    hour = 0;
                } else {
                    hour = h + 1;
                }
                minute = 0;
                continue;
            }
            LocalDateTime match = date.atTime(h, m);
            return match.isBefore(limit) ? match : null;
        }
        return null;
    }

    private boolean dayMatches(LocalDate date) {
        boolean dom = has(daysOfMonth, date.getDayOfMonth());
        boolean dow = has(daysOfWeek, date.getDayOfWeek().getValue() % 7);
        return eitherDayMatches ? dom || dow : dom && dow;
    }

    private boolean someMonthHasADay() {
        for (int month = 1; month <= 12; month++) {
            long daysInMonth = (1L << (MAX_DAYS[month] + 1)) - 2;
            if (has(months, month) && (daysOfMonth & daysInMonth) != 0) {
                return true;
            }
        }
        return false;
    }

    private IllegalStateException beyondHorizon(Instant after) {
        // Unreachable for parsed schedules: every valid month/day/weekday combination recurs within the cycle.
        return new IllegalStateException("cron expression " + quote(expression) + " in " + zone
                + " has no run within " + HORIZON_YEARS + " years after " + after);
    }

    private static boolean has(long bits, int value) {
        return (bits & (1L << value)) != 0;
    }

    /** The smallest set bit at or above {@code from}, or -1. */
    private static int nextBit(long bits, int from) {
        if (from >= Long.SIZE) {
            return -1;
        }
        long rest = bits & (-1L << from);
        return rest == 0 ? -1 : Long.numberOfTrailingZeros(rest);
    }

    /** Double-quotes text for a message, escaping control characters so the message stays one line. */
    private static String quote(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.append('"').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CronSchedule other && expression.equals(other.expression) && zone.equals(other.zone);
    }

    @Override
    public int hashCode() {
        return 31 * expression.hashCode() + zone.hashCode();
    }

    @Override
    public String toString() {
        return "CronSchedule[" + quote(expression) + " in " + zone + "]";
    }

    private enum Field {
        MINUTE("minute", 0, 59, null),
        HOUR("hour", 0, 23, null),
        DAY_OF_MONTH("day-of-month", 1, 31, null),
        MONTH("month", 1, 12, new String[] {
                "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}),
        DAY_OF_WEEK("day-of-week", 0, 7, new String[] {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"});

        private final String label;
        private final int min;
        private final int max;
        /** Names for min, min + 1, ...; null when the field takes numbers only. */
        private final String[] names;

        Field(String label, int min, int max, String[] names) {
            this.label = label;
            this.min = min;
            this.max = max;
            this.names = names;
        }

        long parse(String text, String expression) {
            long bits = 0;
            for (String item : text.split(",", -1)) {
                if (item.isEmpty()) {
                    throw error("has an empty list item", expression);
                }
                bits |= parseItem(item, expression);
            }
            return bits;
        }

        private long parseItem(String item, String expression) {
            int slash = item.indexOf('/');
            String base = slash < 0 ? item : item.substring(0, slash);
            long step = 1;
            if (slash >= 0) {
                String stepText = item.substring(slash + 1);
                if (stepText.isEmpty()) {
                    throw error("item " + quote(item) + " has no step after '/'", expression);
                }
                if (!isDigits(stepText)) {
                    throw error("step " + quote(stepText) + " is not a number", expression);
                }
                // Any step beyond the field's span selects only the start, so huge steps need no special case.
                step = stepText.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(stepText);
                if (step == 0) {
                    throw error("step 0 is not allowed; a step must be at least 1", expression);
                }
                if (base.isEmpty()) {
                    throw error("item " + quote(item) + " has nothing before '/'", expression);
                }
            }
            int low;
            int high;
            int dash = base.indexOf('-');
            if (base.equals("*")) {
                low = min;
                high = max;
            } else if (dash < 0) {
                low = value(base, expression);
                high = slash >= 0 ? max : low;
            } else {
                String first = base.substring(0, dash);
                String last = base.substring(dash + 1);
                if (first.isEmpty() || last.isEmpty()) {
                    throw error("range " + quote(base) + " is missing a value", expression);
                }
                low = value(first, expression);
                high = value(last, expression);
                if (low > high) {
                    throw error("range " + base + " is reversed; the start must not be after the end", expression);
                }
            }
            long bits = 0;
            for (long v = low; v <= high; v += step) {
                bits |= 1L << v;
            }
            return bits;
        }

        private int value(String text, String expression) {
            if (isDigits(text)) {
                int v = text.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(text);
                if (v < min || v > max) {
                    throw error("value " + text + " is out of range " + min + "-" + max, expression);
                }
                return v;
            }
            if (names != null) {
                for (int i = 0; i < names.length; i++) {
                    if (names[i].equalsIgnoreCase(text)) {
                        return min + i;
                    }
                }
                String kind = this == MONTH ? "a month name (JAN-DEC)" : "a day name (SUN-SAT)";
                throw error("value " + quote(text) + " is not a number or " + kind, expression);
            }
            throw error("value " + quote(text) + " is not a number", expression);
        }

        private IllegalArgumentException error(String what, String expression) {
            return new IllegalArgumentException("cron field '" + label + "' " + what + " in " + quote(expression));
        }

        private static boolean isDigits(String text) {
            if (text.isEmpty()) {
                return false;
            }
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    return false;
                }
            }
            return true;
        }
    }
}
