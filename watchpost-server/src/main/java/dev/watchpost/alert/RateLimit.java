package dev.watchpost.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * At most {@code count} requests per {@code per}, as a token bucket: full at first, one token back
 * every {@code per / count}. Pure: {@link Bucket} values are computed from the time given.
 */
record RateLimit(int count, Duration per) {

    private static final Pattern FORM = Pattern.compile("\\s*(\\d{1,6})\\s*/\\s*(s|m|h|d)\\s*");

    RateLimit {
        Objects.requireNonNull(per, "per");
        if (count < 1 || per.isZero() || per.isNegative()) {
            throw new IllegalArgumentException("a rate limit needs a count of 1 or more per a positive time");
        }
    }

    /** {@code 10/m}, {@code 1/s}, {@code 100/h}, {@code 500/d}. */
    static RateLimit parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a count per unit such as 10/m, 1/s, 100/h or 500/d, got '" + text + "'");
        }
        Duration per = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
        };
        return new RateLimit(Integer.parseInt(m.group(1)), per);
    }

    String describe() {
        long s = per.toSeconds();
        return count + "/" + (s == 1 ? "s" : s == 60 ? "m" : s == 3600 ? "h" : "d");
    }

    Bucket full(Instant now) {
        return new Bucket(count, now);
    }

    /** Tokens left at a moment (fractions count towards the next one). */
    record Bucket(double tokens, Instant at) {

        /** The bucket refilled up to {@code now}. */
        Bucket at(RateLimit limit, Instant now) {
            if (!now.isAfter(at)) {
                return this;
            }
            double refill = (double) Duration.between(at, now).toNanos() * limit.count() / limit.per().toNanos();
            return new Bucket(Math.min(limit.count(), tokens + refill), now);
        }

        /** Whole tokens available now. */
        int available(RateLimit limit, Instant now) {
            return (int) Math.floor(at(limit, now).tokens + 1e-9);
        }

        Bucket take(RateLimit limit, Instant now, int n) {
            Bucket b = at(limit, now);
            return new Bucket(b.tokens - n, now);
        }
    }
}
