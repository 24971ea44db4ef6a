package dev.watchpost.location;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.auth.Access;
import dev.watchpost.auth.Principal;
import dev.watchpost.auth.Scope;
import dev.watchpost.config.Durations;
import dev.watchpost.probe.ProbeScheduler;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a remote location's prober calls, with a token of scope {@code prober} (and no other):
 * <ul>
 *   <li>{@code GET /api/v1/prober/assignments?location=eu}: the checks the location runs, secrets
 *       included, with an ETag; sent with {@code If-None-Match} it is a long poll, held up to
 *       {@code wait} (default 30 s, at most 60 s) and answered as soon as the set changes, else 304.</li>
 *   <li>{@code POST /api/v1/prober/results}: a batch of the location's results ({@link ResultBatch}),
 *       each taken, kept for history only, or refused on its own.</li>
 * </ul>
 * Both tell the server the location is there ({@link Probers}). A token bound to a location speaks
 * for that one alone.
 */
public final class ProberRoutes implements HttpService {

    private static final Logger LOG = LoggerFactory.getLogger(ProberRoutes.class);
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    private static final io.helidon.http.Header NO_STORE = HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "no-store");

    private final Assignments assignments;
    private final Probers probers;
    private final ProbeScheduler probes;
    private final Access access;
    private final Clock clock;

    public ProberRoutes(Assignments assignments, Probers probers, ProbeScheduler probes, Access access, Clock clock) {
        this.assignments = assignments;
        this.probers = probers;
        this.probes = probes;
        this.access = access;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/v1/prober/assignments", access.requireAs(Scope.PROBER, this::assignments))
                .post("/api/v1/prober/results", access.requireAs(Scope.PROBER, this::results));
    }

    private void assignments(ServerRequest req, ServerResponse res, Principal who) throws InterruptedException {
        String location = req.query().first("location").asOptional().orElseThrow(() -> ApiException.badRequest(
                "query parameter 'location' is required: the prober's location, e.g. ?location=eu"));
        Probers.nameProblem(location).ifPresent(p -> {
            throw ApiException.badRequest("location: " + p);
        });
        speaksFor(who, location);
        Duration asked = waitParameter(req.query().first("wait").asOptional());
        // Held at most half the lost-after, so an idle prober is heard from before it would count as lost.
        Duration wait = asked.compareTo(probers.longestPoll()) > 0 ? probers.longestPoll() : asked;
        probers.heard(location, clock.instant());
        Optional<String> held = req.headers().first(HeaderNames.IF_NONE_MATCH);
        Optional<Assignments.Answer> answer = assignments.await(location, held, wait);
        // Never kept by a cache on the way: the body holds the checks' secrets.
        res.header(NO_STORE);
        if (answer.isEmpty()) {
            res.header(HeaderNames.ETAG, assignments.current(location).etag());
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        Assignments.Answer a = answer.get();
        res.header(HeaderNames.ETAG, a.etag());
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.status(Status.OK_200).send(a.body());
    }

    private void results(ServerRequest req, ServerResponse res, Principal who) {
        JsonNode body = Json.read(req);
        Instant now = clock.instant();
        ResultBatch batch;
        try {
            batch = ResultBatch.read(body, now);
        } catch (ResultBatch.TooLarge e) {
            throw new ApiException(Status.REQUEST_ENTITY_TOO_LARGE_413, e.getMessage(),
                    Map.of("limit", ResultBatch.MAX_RESULTS));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        speaksFor(who, batch.location());
        probers.heard(batch.location(), now);
        Map<ProbeScheduler.Reported, Integer> fates = new EnumMap<>(ProbeScheduler.Reported.class);
        java.util.List<ResultBatch.Refusal> refused = new java.util.ArrayList<>(batch.refused());
        for (ResultBatch.Result r : batch.results()) {
            ProbeScheduler.Reported fate = probes.report(r.target(), batch.location(), r.result(), r.at());
            fates.merge(fate, 1, Integer::sum);
            switch (fate) {
                case NOT_ASSIGNED -> refused.add(new ResultBatch.Refusal(r.index(), Optional.of(r.target()),
                        "results[" + r.index() + "].target: '" + r.target() + "' is not checked from location '"
                                + batch.location() + "'"));
                case ELSEWHERE -> refused.add(new ResultBatch.Refusal(r.index(), Optional.of(r.target()),
                        "results[" + r.index() + "].target: '" + r.target() + "' is checked by another node of the "
                                + "cluster, which keeps its locations' results; this node cannot take it yet"));
                default -> {
                }
            }
        }
        refused.sort(java.util.Comparator.comparingInt(ResultBatch.Refusal::index));
        if (!refused.isEmpty()) {
            LOG.warn("event=prober.results_refused location={} token={} refused={} first=\"{}\"", batch.location(),
                    who.name(), refused.size(), refused.get(0).error());
        }
        int current = fates.getOrDefault(ProbeScheduler.Reported.CURRENT, 0);
        int history = fates.getOrDefault(ProbeScheduler.Reported.HISTORY, 0);
        int duplicates = fates.getOrDefault(ProbeScheduler.Reported.DUPLICATE, 0);
        Json.stream(res, Status.OK_200, g -> {
            g.writeStartObject();
            g.writeStringField("location", batch.location());
            g.writeNumberField("received", batch.results().size() + batch.refused().size());
            g.writeNumberField("current", current);
            g.writeNumberField("history_only", history);
            g.writeNumberField("duplicates", duplicates);
            g.writeNumberField("clock_offset_ms", batch.offset().toMillis());
            g.writeArrayFieldStart("refused");
            for (ResultBatch.Refusal r : refused) {
                g.writeStartObject();
                g.writeNumberField("index", r.index());
                if (r.target().isPresent()) {
                    g.writeStringField("target", r.target().get());
                }
                g.writeStringField("error", r.error());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** 403 when the token is bound to another location. */
    private static void speaksFor(Principal who, String location) {
        if (!who.mayActFor(location)) {
            throw new ApiException(Status.FORBIDDEN_403, "this token speaks for location '" + who.location().orElseThrow()
                    + "' only, not '" + location + "'", Map.of("location", who.location().orElseThrow()));
        }
    }

    /** {@code ?wait=30s}: how long a poll may be held, 0 s to {@link Assignments#MAX_WAIT}. */
    static Duration waitParameter(Optional<String> raw) {
        if (raw.isEmpty()) {
            return DEFAULT_WAIT;
        }
        String t = raw.get().strip();
        Optional<Duration> d = t.equals("0") ? Optional.of(Duration.ZERO) : Durations.parse(t);
        if (d.isEmpty() || d.get().isNegative() || d.get().compareTo(Assignments.MAX_WAIT) > 0) {
            throw ApiException.badRequest("wait: expected a duration from 0s to " + Durations.format(Assignments.MAX_WAIT)
                    + ", such as 30s (got '" + raw.get() + "')");
        }
        return d.get();
    }
}
