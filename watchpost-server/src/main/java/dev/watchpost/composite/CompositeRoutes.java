package dev.watchpost.composite;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.watchpost.auth.Access;
import dev.watchpost.live.LiveState;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Redaction;
import dev.watchpost.web.Json;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/targets/{id}/health} (read scope, or open when reads are public): a composite's
 * current assessment, its health events newest first, and its availability actions with the result
 * of every attempt. Must be registered before the target routes, whose {@code {+id}} would
 * otherwise take the path.
 */
public final class CompositeRoutes implements HttpService {

    private final CompositeEngine engine;
    private final LiveState live;
    private final Access access;

    public CompositeRoutes(CompositeEngine engine, LiveState live, Access access) {
        this.engine = engine;
        this.live = live;
        this.access = access;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/v1/targets/{+id}/health", access.read(this::health));
    }

    private void health(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        if (!live.isPublic(id) && !access.seesPrivate(req)) {
            throw ApiException.notFound("no target '" + id + "'");
        }
        Optional<CompositeEngine.Health> found = engine.health(id);
        if (found.isEmpty()) {
            if (live.target(id + "/health").isPresent()) {
                res.next(); // a target whose own id ends in "/health": the target routes answer
                return;
            }
            throw ApiException.notFound(live.target(id).isPresent()
                    ? "'" + id + "' is not a composite target" : "no target '" + id + "'");
        }
        CompositeEngine.Health h = found.get();
        List<Action> actions = engine.actions(id);
        boolean admin = access.isAdmin(req);
        Json.stream(res, Status.OK_200, g -> write(g, h, actions, admin));
    }

    /** @param admin whether the reader holds an admin token: only then is the webhook URL shown whole */
    static void write(JsonGenerator g, CompositeEngine.Health h, List<Action> actions, boolean admin) throws IOException {
        CompositeDef def = h.def();
        g.writeStartObject();
        g.writeStringField("target", h.id());
        g.writeStringField("rule", def.rule().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        if (def.rule() == CompositeDef.Rule.AT_LEAST) {
            g.writeNumberField("at_least", def.atLeast());
        }
        time(g, "first_seen", h.firstSeen());
        time(g, "assess_from", h.firstSeen().plus(def.startupGrace()));
        Optional<Assessment> assessment = h.assessment();
        g.writeBooleanField("assessed", assessment.map(Assessment::assessed).orElse(false));
        if (assessment.isPresent()) {
            Assessment a = assessment.get();
            time(g, "at", a.at());
            g.writeStringField("state", a.state().id());
            g.writeBooleanField("healthy", a.healthy());
            g.writeBooleanField("available", a.available());
            g.writeStringField("message", a.message());
            texts(g, "issues", a.issues());
            g.writeArrayFieldStart("parts");
            for (PartStatus p : a.parts()) {
                g.writeStartObject();
                g.writeStringField("id", p.id());
                if (!p.part().equals(p.id())) {
                    g.writeStringField("part", p.part());
                }
                g.writeBooleanField("required", p.required());
                g.writeStringField("state", p.state().id());
                g.writeStringField("condition", p.condition().id());
                g.writeBooleanField("ok", p.ok());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeArrayFieldStart("events");
        for (HealthEvent e : h.events()) {
            g.writeStartObject();
            time(g, "at", e.at());
            g.writeStringField("state", e.state().id());
            g.writeBooleanField("healthy", e.healthy());
            g.writeBooleanField("available", e.available());
            texts(g, "issues", e.issues());
            g.writeObjectFieldStart("parts");
            for (Map.Entry<String, Boolean> p : e.parts().entrySet()) {
                g.writeBooleanField(p.getKey(), p.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("availability_webhook");
        if (def.availabilityWebhook().isPresent()) {
            g.writeStringField("url", shown(def.availabilityWebhook().get().toString(), admin));
        } else {
            g.writeNullField("url");
        }
        g.writeArrayFieldStart("actions");
        for (Action a : actions) {
            g.writeStartObject();
            g.writeNumberField("id", a.id());
            g.writeBooleanField("available", a.available());
            g.writeBooleanField("healthy", a.healthy());
            texts(g, "issues", a.issues());
            time(g, "at", a.changedAt());
            g.writeStringField("status", a.status().id());
            g.writeNumberField("attempts", a.attempts());
            if (a.nextAttempt().isPresent()) {
                time(g, "next_attempt", a.nextAttempt().get());
            }
            g.writeArrayFieldStart("results");
            for (Attempt t : a.log()) {
                g.writeStartObject();
                time(g, "at", t.at());
                g.writeStringField("url", shown(t.url(), admin));
                if (t.statusCode().isPresent()) {
                    g.writeNumberField("status_code", t.statusCode().get());
                } else {
                    g.writeNullField("status_code");
                }
                g.writeBooleanField("delivered", t.delivered());
                if (t.error().isPresent()) {
                    g.writeStringField("error", t.error().get());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
    }

    private static String shown(String webhook, boolean admin) {
        return admin ? webhook : Redaction.url(webhook);
    }

    private static void texts(JsonGenerator g, String field, List<String> texts) throws IOException {
        g.writeArrayFieldStart(field);
        for (String t : texts) {
            g.writeString(t);
        }
        g.writeEndArray();
    }

    private static void time(JsonGenerator g, String field, Instant t) throws IOException {
        g.writeStringField(field, t.toString());
    }
}
