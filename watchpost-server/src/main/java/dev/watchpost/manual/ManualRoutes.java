package dev.watchpost.manual;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.config.SpecReader;
import dev.watchpost.auth.Access;
import dev.watchpost.auth.Scope;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.TargetView;
import dev.watchpost.live.ViewJson;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Json;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Watchpost's own routes for manual targets: {@code POST /api/v1/targets/{id}/status} (admin) records
 * an event and sets the state; {@code GET /api/v1/targets/{id}/events} lists them, newest first.
 * Register before the topology's greedy {@code /api/v1/targets/{+id}} routes.
 */
public final class ManualRoutes implements HttpService {

    private static final Set<String> STATUS_KEYS = Set.of("status", "message", "informational");

    private final ManualService manual;
    private final LiveState live;
    private final Access access;

    public ManualRoutes(ManualService manual, LiveState live, Access access) {
        this.manual = manual;
        this.live = live;
        this.access = access;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/v1/targets/{+id}/status", access.require(Scope.ADMIN, this::setStatus))
                .get("/api/v1/targets/{+id}/events", access.read(this::events));
    }

    private void setStatus(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        JsonNode body = Json.read(req);
        call(() -> {
            SpecReader.object(body, "body", "{\"status\":\"down\",\"message\":\"...\"}");
            SpecReader.keys(body, "body", STATUS_KEYS);
            return body;
        });
        Optional<String> status = text(body, "status");
        String message = text(body, "message").orElse(null);
        boolean informational = false;
        if (body.hasNonNull("informational")) {
            if (!body.get("informational").isBoolean()) {
                throw ApiException.badRequest("body.informational: expected true or false");
            }
            informational = body.get("informational").booleanValue();
        }
        boolean note = informational;
        ManualEvent e = call(() -> manual.record(id, status, message, note));
        Optional<TargetView> view = live.target(id);
        Json.stream(res, Status.CREATED_201, g -> {
            g.writeStartObject();
            g.writeFieldName("event");
            event(g, e);
            if (view.isPresent()) {
                g.writeFieldName("target");
                ViewJson.target(g, view.get());
            }
            g.writeEndObject();
        });
    }

    private void events(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        if (!live.isPublic(id) && !access.seesPrivate(req)) {
            throw ApiException.notFound("no target '" + id + "'");
        }
        List<ManualEvent> events;
        if (manual.isManual(id)) {
            Optional<Instant> start = req.query().first("start").asOptional().map(s -> date("start", s, false));
            Optional<Instant> end = req.query().first("end").asOptional().map(s -> date("end", s, true));
            events = manual.events(id, start, end);
        } else if (live.target(id + "/events").isPresent()) {
            res.next(); // a target whose id ends in "/events": the topology's route serves it
            return;
        } else if (live.target(id).isPresent()) {
            events = List.of(); // only manual targets have status events
        } else {
            throw ApiException.notFound("no target '" + id + "'");
        }
        Json.stream(res, Status.OK_200, g -> {
            g.writeStartObject();
            g.writeStringField("target", id);
            g.writeArrayFieldStart("events");
            for (ManualEvent e : events) {
                event(g, e);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void event(JsonGenerator g, ManualEvent e) throws IOException {
        g.writeStartObject();
        g.writeNumberField("sid", e.sid());
        g.writeStringField("target", e.targetId());
        g.writeStringField("at", e.at().toString());
        g.writeStringField("status", e.status());
        g.writeStringField("message", e.message());
        g.writeBooleanField("informational", e.informational());
        g.writeEndObject();
    }

    private static Optional<String> text(JsonNode body, String key) {
        JsonNode v = body.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("body." + key + ": expected a string");
        }
        return Optional.of(v.textValue());
    }

    private static Instant date(String name, String raw, boolean end) {
        try {
            return DateParam.parse(name, raw, end);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** The service's refusals as HTTP: bad input 400, unknown 404, conflict 409. */
    private static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (ManualService.NotFound e) {
            throw ApiException.notFound(e.getMessage());
        } catch (ManualService.Conflict e) {
            throw new ApiException(Status.CONFLICT_409, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
