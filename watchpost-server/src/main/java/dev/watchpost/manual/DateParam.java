package dev.watchpost.manual;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Reads the {@code start} and {@code end} of an event listing. Stashboard read them with a parser
 * that took almost anything; the formats clients actually send are accepted here, anything else is
 * refused with a message instead of guessed at:
 * <ul>
 *   <li>RFC 1123, as Stashboard writes timestamps: {@code Mon, 28 Jun 2010 22:17:06 GMT};</li>
 *   <li>ISO-8601: {@code 2010-06-28T22:17:06Z}, with an offset, or without one (then UTC);</li>
 *   <li>an ISO date {@code 2010-06-28}: the whole day in UTC, so as an end it includes that day;</li>
 *   <li>epoch seconds, with an optional fraction: {@code 1277763426}.</li>
 * </ul>
 */
public final class DateParam {

    private static final Pattern EPOCH = Pattern.compile("-?\\d{1,12}(\\.\\d{1,9})?");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private DateParam() {
    }

    /**
     * @param name the parameter's name, for the message
     * @param end  whether it ends a range (a bare date then means the end of that day)
     * @throws IllegalArgumentException naming the parameter and the accepted formats
     */
    public static Instant parse(String name, String raw, boolean end) {
        String s = raw.strip();
        try {
            if (EPOCH.matcher(s).matches()) {
                return Instant.ofEpochMilli(new BigDecimal(s).movePointRight(3).longValue());
            }
            if (DATE.matcher(s).matches()) {
                LocalDate day = LocalDate.parse(s);
                return end ? day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).minusMillis(1)
                        : day.atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            if (!s.isEmpty() && Character.isDigit(s.charAt(0))) {
                try {
                    return OffsetDateTime.parse(s).toInstant();
                } catch (DateTimeException e) {
                    return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
                }
            }
            return DateTimeFormatter.RFC_1123_DATE_TIME.parse(s, Instant::from);
        } catch (DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException(name + ": '" + raw + "' is not a date; use RFC 1123 (Mon, 28 Jun 2010 "
                    + "22:17:06 GMT), ISO-8601 (2010-06-28T22:17:06Z or 2010-06-28) or epoch seconds");
        }
    }
}
