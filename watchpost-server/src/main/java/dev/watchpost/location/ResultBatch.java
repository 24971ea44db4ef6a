package dev.watchpost.location;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.config.SpecReader;
import dev.watchpost.probe.Outcome;
import dev.watchpost.probe.ProbeResult;
import dev.watchpost.probe.Quorum;
import dev.watchpost.web.Json;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A batch of results from one location's prober, read and checked: pure, the caller passes
 * {@code now}. A fault in the batch as a whole (not an object, no location, no list, too many) is
 * an {@link IllegalArgumentException} (the route's 400, or 413 for {@link TooLarge}); a fault in
 * one result refuses that result alone, saying which and why, and the others go on: a prober drops
 * what was refused (sending it again cannot help) and is never stuck behind one bad result.
 *
 * <p><b>Times.</b> {@code checked_at} is when the check started, on the prober's clock. With
 * {@code sent_at} (the prober's clock when it sent the batch) the server moves every time in the
 * batch by the difference from its own clock when that exceeds {@link #SKEW}, so the quorum
 * compares one clock's times; within it the clocks count as agreeing. A time still more than
 * {@link Quorum#GRACE} ahead of the server's is refused rather than clamped: set to now it would
 * count in the current round as if checked now, when nobody knows when it was. Older than
 * {@link #MAX_AGE} is refused too (no prober buffers that long; such a date is a fault).
 *
 * <p><b>Batch id.</b> {@code batch_id} (optional, so older probers still work) names the batch: a
 * prober keeps it with the batch until the server has answered, so a batch sent again after its
 * answer was lost carries the same id and the server applies it once ({@link RecentBatches}).
 *
 * @param location the location the batch speaks for
 * @param id       the batch's id, when the prober sent one
 * @param offset   what was added to each {@code checked_at} (zero when the clocks agree or no {@code sent_at})
 * @param results  the results that passed, oldest first (so each target's rounds are taken in order)
 * @param refused  the results that did not, in batch order
 */
record ResultBatch(String location, Optional<String> id, Duration offset, List<Result> results, List<Refusal> refused) {

    /** Most results in one batch: a prober sends what waits, in batches of at most this many. */
    static final int MAX_RESULTS = 500;
    /** Clock differences up to this are left alone: NTP keeps clocks closer; the rounds have a grace for more. */
    static final Duration SKEW = Duration.ofSeconds(2);
    /** The oldest result taken. */
    static final Duration MAX_AGE = Duration.ofDays(30);
    static final int MAX_REASON = 1_000;
    static final int MAX_STATS = 32;
    static final double MAX_LATENCY_MS = Duration.ofDays(1).toMillis();
    /** A batch id: what a prober makes (32 hex digits), with room for other makers' UUIDs and the like. */
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{8,64}");

    private static final Set<String> BODY_KEYS = Set.of("location", "batch_id", "sent_at", "results");
    private static final Set<String> RESULT_KEYS = Set.of("target", "checked_at", "outcome", "latency_ms", "reason",
            "status_code", "stats");
    static final String EXAMPLE = "{\"location\": \"eu\", \"sent_at\": \"2026-03-01T12:00:00Z\", \"results\": [{\"target\": "
            + "\"web/shop\", \"checked_at\": \"2026-03-01T11:59:58Z\", \"outcome\": \"up\", \"latency_ms\": 41, \"reason\": "
            + "\"status 200\"}]}";

    /** One result that passed: {@code at} on the server's clock. */
    record Result(int index, String target, Instant at, ProbeResult result) {
    }

    /** One result refused, and why; {@code target} when it could be read. */
    record Refusal(int index, Optional<String> target, String error) {
    }

    /** More results than a batch may hold: the route's 413. */
    static final class TooLarge extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    ResultBatch {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(offset, "offset");
        results = List.copyOf(results);
        refused = List.copyOf(refused);
    }

    /**
     * Reads a batch.
     *
     * @throws TooLarge                 more than {@link #MAX_RESULTS} results
     * @throws IllegalArgumentException the batch as a whole is wrong; the message says where and what
     */
    /** One result as a prober sends it (and a node passes it on): what {@link #read} reads back. */
    static ObjectNode json(String target, Instant checkedAt, ProbeResult r) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("target", target);
        o.put("checked_at", checkedAt.toString());
        o.put("outcome", r.outcome().name().toLowerCase(java.util.Locale.ROOT));
        if (Double.isNaN(r.latencyMs())) {
            o.putNull("latency_ms");
        } else {
            o.put("latency_ms", r.latencyMs());
        }
        o.put("reason", r.reason());
        r.statusCode().ifPresent(c -> o.put("status_code", c));
        if (!r.stats().isEmpty()) {
            ObjectNode stats = o.putObject("stats");
            r.stats().forEach(stats::put);
        }
        return o;
    }

    static ResultBatch read(JsonNode body, Instant now) {
        SpecReader.object(body, "body", EXAMPLE);
        SpecReader.keys(body, "body", BODY_KEYS);
        String location = SpecReader.requiredText(body, "location", "body");
        Probers.nameProblem(location).ifPresent(p -> {
            throw new IllegalArgumentException("body.location: " + p);
        });
        JsonNode rawId = body.get("batch_id");
        Optional<String> id = rawId == null || rawId.isNull() ? Optional.empty() : Optional.of(rawId.asText());
        if (id.isPresent() && (!rawId.isTextual() || !ID.matcher(id.get()).matches())) {
            throw new IllegalArgumentException("body.batch_id: expected 8 to 64 letters, digits, '-' or '_', such as "
                    + "3f2a9c0e5b7d41e8a6c2f0b9d8e7a1c4 (the same for every sending of one batch)");
        }
        Duration offset = Duration.ZERO;
        Optional<String> sent = SpecReader.optionalText(body, "sent_at", "body");
        if (sent.isPresent()) {
            Instant sentAt = instant(sent.get()).orElseThrow(() -> new IllegalArgumentException(
                    "body.sent_at: expected a time such as 2026-03-01T12:00:00Z (the prober's clock when it sent the batch)"));
            Duration d = Duration.between(sentAt, now);
            if (d.abs().compareTo(SKEW) > 0) {
                offset = d;
            }
        }
        JsonNode list = body.get("results");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException("body.results: expected a list of results (it may be empty)");
        }
        if (list.size() > MAX_RESULTS) {
            throw new TooLarge("body.results: at most " + MAX_RESULTS + " results a batch (got " + list.size()
                    + "); send the rest in another");
        }
        List<Result> ok = new ArrayList<>(list.size());
        List<Refusal> refused = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            String where = "results[" + i + "]";
            Optional<String> target = item.isObject() && item.path("target").isTextual()
                    ? Optional.of(item.get("target").asText()) : Optional.empty();
            try {
                ok.add(result(item, i, where, offset, now));
            } catch (IllegalArgumentException e) {
                refused.add(new Refusal(i, target, e.getMessage()));
            }
        }
        ok.sort(Comparator.comparing(Result::at)); // stable: a target's results keep their order at one time
        return new ResultBatch(location, id, offset, ok, refused);
    }

    private static Result result(JsonNode item, int index, String where, Duration offset, Instant now) {
        SpecReader.object(item, where);
        SpecReader.keys(item, where, RESULT_KEYS);
        String target = SpecReader.requiredText(item, "target", where);
        String checked = SpecReader.requiredText(item, "checked_at", where);
        Instant at = instant(checked).flatMap(t -> moved(t, offset)).orElseThrow(() -> new IllegalArgumentException(where
                + ".checked_at: expected a time such as 2026-03-01T12:00:00Z (when the check started)"));
        if (at.isAfter(now.plus(Quorum.GRACE))) {
            throw new IllegalArgumentException(where + ".checked_at: " + Duration.between(now, at).toSeconds()
                    + " s ahead of the server's clock" + (offset.isZero() ? "; send sent_at so the server can correct the "
                    + "prober's clock" : " even after correcting the prober's clock by sent_at") + "; not counted");
        }
        if (at.isBefore(now.minus(MAX_AGE))) {
            throw new IllegalArgumentException(where + ".checked_at: more than " + MAX_AGE.toDays()
                    + " days ago; not counted");
        }
        String word = SpecReader.requiredText(item, "outcome", where);
        Outcome outcome = switch (word) {
            case "up" -> Outcome.UP;
            case "degraded" -> Outcome.DEGRADED;
            case "down" -> Outcome.DOWN;
            default -> throw new IllegalArgumentException(where + ".outcome: expected up, degraded or down (got '"
                    + word + "')");
        };
        String reason = SpecReader.requiredText(item, "reason", where);
        if (reason.length() > MAX_REASON) {
            throw new IllegalArgumentException(where + ".reason: at most " + MAX_REASON + " characters");
        }
        double latency = Double.NaN;
        JsonNode l = item.get("latency_ms");
        if (l != null && !l.isNull()) {
            if (!l.isNumber() || !Double.isFinite(l.asDouble()) || l.asDouble() < 0 || l.asDouble() > MAX_LATENCY_MS) {
                throw new IllegalArgumentException(where + ".latency_ms: expected milliseconds from 0 to "
                        + (long) MAX_LATENCY_MS + ", or null when nothing was measured");
            }
            latency = l.asDouble();
        }
        OptionalInt status = SpecReader.optionalInt(item, "status_code", where, 100, 599)
                .map(OptionalInt::of).orElse(OptionalInt.empty());
        Map<String, Double> stats = stats(item.get("stats"), where + ".stats");
        return new Result(index, target, at, new ProbeResult(outcome, reason, latency, status, stats));
    }

    private static Map<String, Double> stats(JsonNode n, String where) {
        if (n == null || n.isNull()) {
            return Map.of();
        }
        if (!n.isObject() || n.size() > MAX_STATS) {
            throw new IllegalArgumentException(where + ": expected an object of at most " + MAX_STATS
                    + " numbers, such as {\"cpu\": 12.5}");
        }
        Map<String, Double> out = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber() || !Double.isFinite(e.getValue().asDouble()) || e.getKey().length() > 64) {
                throw new IllegalArgumentException(where + "." + e.getKey() + ": expected a number");
            }
            out.put(e.getKey(), e.getValue().asDouble());
        }
        return out;
    }

    /** {@code t} moved by {@code offset}; empty past the ends of time (a date no prober sends). */
    private static Optional<Instant> moved(Instant t, Duration offset) {
        try {
            return Optional.of(t.plus(offset));
        } catch (DateTimeException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    /** An ISO-8601 time with a zone: {@code 2026-03-01T12:00:00Z} or {@code 2026-03-01T13:00:00+01:00}. */
    private static Optional<Instant> instant(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeException e) {
            try {
                return Optional.of(OffsetDateTime.parse(text).toInstant());
            } catch (DateTimeException e2) {
                return Optional.empty();
            }
        }
    }
}
