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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a remote location's prober calls, with a token of scope {@code prober} (and no other):
 * <ul>
 *   <li>{@code GET /api/v1/prober/assignments?location=eu}: the checks the location runs, secrets
 *       included, with an ETag; sent with {@code If-None-Match} it is a long poll, held up to
 *       {@code wait} (default 30 s, at most 60 s) and answered as soon as the set changes, else 304.</li>
 *   <li>{@code POST /api/v1/prober/results}: a batch of the location's results ({@link ResultBatch}),
 *       each taken, kept for history only, or refused on its own; a batch whose {@code batch_id} was
 *       seen lately is answered as the first time and applied once ({@link RecentBatches}). In
 *       cluster mode the results for targets another node owns are passed to it in the background
 *       ({@link ResultRelay}) and counted {@code forwarded}.</li>
 * </ul>
 * Both tell the server the location is there ({@link Probers}). A token bound to a location speaks
 * for that one alone.
 */
public final class ProberRoutes implements HttpService {

    private static final Logger LOG = LoggerFactory.getLogger(ProberRoutes.class);
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    /** How long a batch sent again waits for its first sending's answer, when that is still being applied. */
    static final Duration REPEAT_PATIENCE = Duration.ofSeconds(5);
    private static final io.helidon.http.Header NO_STORE = HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "no-store");

    private final Assignments assignments;
    private final Probers probers;
    private final ProbeScheduler probes;
    private final Access access;
    private final Clock clock;
    private final RecentBatches<Answer> recent = new RecentBatches<>();
    private final Optional<ResultRelay> relay;

    /** @param relay cluster mode: passes results for targets other nodes own to them; empty on a single node */
    public ProberRoutes(Assignments assignments, Probers probers, ProbeScheduler probes, Access access, Clock clock,
                        Optional<ResultRelay> relay) {
        this.relay = relay;
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

    /**
     * What a batch's sending did, as the prober is told: {@code duplicates} counts the results not
     * applied because they already were; a {@code repeated} batch (an id seen lately) applied nothing.
     */
    record Answer(int received, int current, int history, int duplicates, int forwarded,
                  List<ResultBatch.Refusal> refused, boolean repeated) {
        Answer {
            refused = List.copyOf(refused);
        }

        /** The answer to the same batch sent again: what the first sending did, all of it a duplicate now. */
        Answer again() {
            return new Answer(received, current, history, received - refused.size(), forwarded, refused, true);
        }
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
        Answer answer;
        if (batch.id().isEmpty()) {
            answer = apply(batch, who);
        } else {
            CompletableFuture<Answer> mine = new CompletableFuture<>();
            Optional<CompletableFuture<Answer>> earlier = recent.claim(batch.location(), batch.id().get(), mine);
            if (earlier.isPresent()) {
                answer = earlierAnswer(earlier.get()).again();
            } else {
                try {
                    answer = apply(batch, who);
                    mine.complete(answer);
                } catch (RuntimeException e) {
                    recent.forget(batch.location(), batch.id().get(), mine);
                    mine.completeExceptionally(e);
                    throw e;
                }
            }
        }
        send(res, batch, answer);
    }

    /** The answer a batch's first sending got, waiting a little while it is still being applied. */
    private static Answer earlierAnswer(CompletableFuture<Answer> earlier) {
        try {
            return earlier.get(REPEAT_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
            // still being applied, or it failed (then a resend after forget() is a first sending)
        }
        throw new ApiException(Status.SERVICE_UNAVAILABLE_503, "this batch's first sending is still being applied; "
                + "send it again shortly with the same batch_id", Map.of("retry_after_s", 2));
    }

    /** Applies each result of a batch seen for the first time. */
    private Answer apply(ResultBatch batch, Principal who) {
        Map<ProbeScheduler.Reported, Integer> fates = new EnumMap<>(ProbeScheduler.Reported.class);
        List<ResultBatch.Refusal> refused = new ArrayList<>(batch.refused());
        List<ResultBatch.Result> elsewhere = new ArrayList<>();
        for (ResultBatch.Result r : batch.results()) {
            ProbeScheduler.Reported fate = probes.report(r.target(), batch.location(), r.result(), r.at());
            fates.merge(fate, 1, Integer::sum);
            if (fate == ProbeScheduler.Reported.ELSEWHERE && relay.isPresent()) {
                elsewhere.add(r);
                continue;
            }
            switch (fate) {
                case NOT_ASSIGNED -> refused.add(new ResultBatch.Refusal(r.index(), Optional.of(r.target()),
                        "results[" + r.index() + "].target: '" + r.target() + "' is not checked from location '"
                                + batch.location() + "'"));
                case ELSEWHERE -> refused.add(new ResultBatch.Refusal(r.index(), Optional.of(r.target()),
                        "results[" + r.index() + "].target: '" + r.target() + "' is checked by another node of the "
                                + "cluster, which keeps its locations' results; this node cannot pass it on"));
                default -> {
                }
            }
        }
        // Passed on in the background: the prober's answer does not wait on another node.
        int forwarded = elsewhere.isEmpty() ? 0 : relay.orElseThrow().pass(batch.location(), elsewhere);
        refused.sort(Comparator.comparingInt(ResultBatch.Refusal::index));
        if (!refused.isEmpty()) {
            LOG.warn("event=prober.results_refused location={} token={} refused={} first=\"{}\"", batch.location(),
                    who.name(), refused.size(), refused.get(0).error());
        }
        return new Answer(batch.results().size() + batch.refused().size(),
                fates.getOrDefault(ProbeScheduler.Reported.CURRENT, 0),
                fates.getOrDefault(ProbeScheduler.Reported.HISTORY, 0),
                fates.getOrDefault(ProbeScheduler.Reported.DUPLICATE, 0), forwarded, refused, false);
    }

    private static void send(ServerResponse res, ResultBatch batch, Answer a) {
        Json.stream(res, Status.OK_200, g -> {
            g.writeStartObject();
            g.writeStringField("location", batch.location());
            if (batch.id().isPresent()) {
                g.writeStringField("batch_id", batch.id().get());
                g.writeBooleanField("repeated", a.repeated());
            }
            g.writeNumberField("received", a.received());
            g.writeNumberField("current", a.current());
            g.writeNumberField("history_only", a.history());
            g.writeNumberField("duplicates", a.duplicates());
            g.writeNumberField("forwarded", a.forwarded());
            g.writeNumberField("clock_offset_ms", batch.offset().toMillis());
            g.writeArrayFieldStart("refused");
            for (ResultBatch.Refusal r : a.refused()) {
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
