package dev.watchpost.probe;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.watchpost.auth.Access;
import dev.watchpost.auth.Scope;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Json;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/targets/{id}/probe}: a probed target's last run and damping, and for a target
 * checked from several locations its quorum and each location's latest result;
 * {@code POST /api/v1/targets/{id}/check} (admin): run its check now (from here: 409 for a target
 * this server does not check itself).
 */
public final class ProbeRoutes implements HttpService {

    private final ProbeScheduler probes;
    private final dev.watchpost.live.LiveState live;
    private final Access access;

    public ProbeRoutes(ProbeScheduler probes, dev.watchpost.live.LiveState live, Access access) {
        this.probes = probes;
        this.live = live;
        this.access = access;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/v1/targets/{+id}/probe", access.read(this::last))
                .post("/api/v1/targets/{+id}/check", access.require(Scope.ADMIN, this::checkNow));
    }

    private void last(ServerRequest req, ServerResponse res) {
        String id = probed(req);
        if (!live.isPublic(id) && !access.seesPrivate(req)) {
            throw ApiException.notFound("no probed target '" + id + "'");
        }
        Optional<ProbeScheduler.Run> run = probes.lastRun(id);
        Optional<ProbeScheduler.LocationsView> locations = probes.locations(id);
        Json.stream(res, Status.OK_200, g -> {
            g.writeStartObject();
            g.writeStringField("target", id);
            if (run.isPresent()) {
                g.writeFieldName("last");
                run(g, run.get());
            } else {
                g.writeNullField("last");
            }
            if (locations.isPresent()) {
                locations(g, locations.get());
            }
            g.writeEndObject();
        });
    }

    private void checkNow(ServerRequest req, ServerResponse res) {
        String id = probed(req);
        if (!probes.runsHere(id)) {
            throw new ApiException(Status.CONFLICT_409, "'" + id + "' is checked only from other locations, not by this "
                    + "server (its locations do not include local)");
        }
        Optional<ProbeScheduler.Run> run;
        try {
            run = probes.runNow(id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(Status.SERVICE_UNAVAILABLE_503, "stopping");
        }
        if (run.isEmpty()) {
            throw ApiException.notFound("'" + id + "' is no longer probed");
        }
        Json.stream(res, Status.OK_200, g -> run(g, run.get()));
    }

    private String probed(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        if (!probes.isScheduled(id)) {
            throw ApiException.notFound("no probed target '" + id + "'");
        }
        return id;
    }

    /** The quorum ("needs 2 of 3", the last round's verdict) and each location's latest result. */
    private static void locations(JsonGenerator g, ProbeScheduler.LocationsView v) throws IOException {
        g.writeObjectFieldStart("quorum");
        g.writeNumberField("needs", v.quorum().k());
        g.writeNumberField("of", v.quorum().locations().size());
        g.writeStringField("every", dev.watchpost.config.Durations.format(v.quorum().every()));
        g.writeStringField("silent_after", dev.watchpost.config.Durations.format(v.quorum().silentAfter()));
        if (v.decision().isPresent()) {
            Quorum.Decision d = v.decision().get();
            g.writeStringField("decision", d.kind().name().toLowerCase(java.util.Locale.ROOT));
            if (d.outcome().isPresent()) {
                g.writeStringField("outcome", d.outcome().get().name().toLowerCase(java.util.Locale.ROOT));
            }
            g.writeStringField("summary", d.summary());
            g.writeStringField("decided_at", v.decidedAt().map(Object::toString).orElse(null));
        } else {
            g.writeNullField("decision");
        }
        g.writeEndObject();
        g.writeArrayFieldStart("locations");
        for (ProbeScheduler.LocationResult l : v.locations()) {
            g.writeStartObject();
            g.writeStringField("location", l.location());
            g.writeBooleanField("live", l.live());
            if (l.latest().isPresent()) {
                Quorum.Seen s = l.latest().get();
                ProbeResult r = s.result();
                g.writeStringField("checked_at", s.at().toString());
                g.writeStringField("outcome", r.outcome().name().toLowerCase(java.util.Locale.ROOT));
                g.writeStringField("reason", r.reason());
                latency(g, r);
                if (r.statusCode().isPresent()) {
                    g.writeNumberField("status_code", r.statusCode().getAsInt());
                }
            } else {
                g.writeNullField("checked_at");
                g.writeNullField("outcome");
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void latency(JsonGenerator g, ProbeResult r) throws IOException {
        if (Double.isNaN(r.latencyMs())) {
            g.writeNullField("latency_ms");
        } else {
            g.writeNumberField("latency_ms", Math.round(r.latencyMs() * 10) / 10.0);
        }
    }

    private static void run(JsonGenerator g, ProbeScheduler.Run run) throws IOException {
        ProbeResult r = run.result();
        DampingState d = run.damping();
        g.writeStartObject();
        g.writeStringField("at", run.at().toString());
        g.writeStringField("outcome", r.outcome().name().toLowerCase(java.util.Locale.ROOT));
        g.writeStringField("reason", r.reason());
        latency(g, r);
        if (r.statusCode().isPresent()) {
            g.writeNumberField("status_code", r.statusCode().getAsInt());
        }
        if (!r.stats().isEmpty()) {
            g.writeObjectFieldStart("stats");
            for (Map.Entry<String, Double> s : r.stats().entrySet()) {
                g.writeNumberField(s.getKey(), s.getValue());
            }
            g.writeEndObject();
        }
        g.writeStringField("state", d.decided().id());
        g.writeBooleanField("pending", d.pending());
        g.writeNumberField("streak", d.streak());
        g.writeEndObject();
    }
}
