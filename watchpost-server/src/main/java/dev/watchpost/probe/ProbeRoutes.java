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
 * {@code GET /api/v1/targets/{id}/probe}: a probed target's last run and damping;
 * {@code POST /api/v1/targets/{id}/check} (admin): run its check now.
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
        Json.stream(res, Status.OK_200, g -> {
            g.writeStartObject();
            g.writeStringField("target", id);
            if (run.isPresent()) {
                g.writeFieldName("last");
                run(g, run.get());
            } else {
                g.writeNullField("last");
            }
            g.writeEndObject();
        });
    }

    private void checkNow(ServerRequest req, ServerResponse res) {
        String id = probed(req);
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

    private static void run(JsonGenerator g, ProbeScheduler.Run run) throws IOException {
        ProbeResult r = run.result();
        DampingState d = run.damping();
        g.writeStartObject();
        g.writeStringField("at", run.at().toString());
        g.writeStringField("outcome", r.outcome().name().toLowerCase(java.util.Locale.ROOT));
        g.writeStringField("reason", r.reason());
        if (Double.isNaN(r.latencyMs())) {
            g.writeNullField("latency_ms");
        } else {
            g.writeNumberField("latency_ms", Math.round(r.latencyMs() * 10) / 10.0);
        }
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
