package dev.watchpost.alert;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.config.SpecReader;
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
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code /api/v1/channels}, {@code /api/v1/rules} and {@code /api/v1/alerts}, all admin: channels
 * hold secrets (shown redacted), and the history says where alerts went.
 */
public final class AlertRoutes implements HttpService {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;

    private final AlertEngine engine;
    private final Access access;

    public AlertRoutes(AlertEngine engine, Access access) {
        this.engine = engine;
        this.access = access;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/v1/channels", admin(this::listChannels))
                .post("/api/v1/channels", admin((req, res) -> putChannel(req, res, true)))
                .post("/api/v1/channels/{id}/test", admin(this::test))
                .get("/api/v1/channels/{id}", admin(this::getChannel))
                .put("/api/v1/channels/{id}", admin((req, res) -> putChannel(req, res, false)))
                .delete("/api/v1/channels/{id}", admin((req, res) -> delete(req, res, "channel", engine::removeChannel)))
                .get("/api/v1/rules", admin(this::listRules))
                .post("/api/v1/rules", admin((req, res) -> putRule(req, res, true)))
                .get("/api/v1/rules/{id}", admin(this::getRule))
                .put("/api/v1/rules/{id}", admin((req, res) -> putRule(req, res, false)))
                .delete("/api/v1/rules/{id}", admin((req, res) -> delete(req, res, "rule", engine::removeRule)))
                .get("/api/v1/alerts", admin(this::alerts));
    }

    private io.helidon.webserver.http.Handler admin(io.helidon.webserver.http.Handler h) {
        return access.require(Scope.ADMIN, h);
    }

    // ---------------------------------------------------------------- channels

    private void listChannels(ServerRequest req, ServerResponse res) {
        List<Channel> channels = List.copyOf(engine.routing().channels().values());
        Json.stream(res, Status.OK_200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("channels");
            for (Channel c : channels) {
                channel(g, c);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private void getChannel(ServerRequest req, ServerResponse res) {
        Channel c = channelOf(req);
        Json.stream(res, Status.OK_200, g -> channel(g, c));
    }

    private Channel channelOf(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        return engine.routing().channel(id).orElseThrow(() -> ApiException.notFound("no channel '" + id + "'"));
    }

    private void channel(JsonGenerator g, Channel c) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", c.id());
        g.writeStringField("kind", c.kind());
        g.writeFieldName("spec");
        g.writeTree(AlertSpecs.redacted(c));
        g.writeBooleanField("managed_by_config", engine.managedByConfig(c.id()));
        g.writeStringField("rate_limit", c.rateLimit().map(RateLimit::describe).orElse(null));
        g.writeBooleanField("batch", c.batchEvery().isPresent() || c.batch().isPresent());
        g.writeStringField("batch_every", c.batchEvery().or(c::batch).map(dev.watchpost.config.Durations::format).orElse(null));
        g.writeStringField("failing", engine.failure(c.id()).orElse(null));
        g.writeArrayFieldStart("rules");
        for (String r : engine.routing().rulesUsing(c.id())) {
            g.writeString(r);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private void putChannel(ServerRequest req, ServerResponse res, boolean create) {
        JsonNode body = body(req, create);
        Channel c = call(() -> engine.putChannel(body, create));
        Json.stream(res, create ? Status.CREATED_201 : Status.OK_200, g -> channel(g, c));
    }

    private void test(ServerRequest req, ServerResponse res) {
        Channel c = channelOf(req);
        Alert.Attempt a;
        try {
            a = engine.test(c.id());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(Status.SERVICE_UNAVAILABLE_503, "stopping");
        }
        // 502: Watchpost worked, the receiver did not; the body says what it answered
        Json.stream(res, a.delivered() ? Status.OK_200 : Status.BAD_GATEWAY_502, g -> {
            g.writeStartObject();
            if (!a.delivered()) {
                g.writeStringField("error", "the test message to channel '" + c.id() + "' was not delivered: " + a.error().get());
            }
            g.writeStringField("channel", c.id());
            g.writeBooleanField("delivered", a.delivered());
            if (a.statusCode().isPresent()) {
                g.writeNumberField("status", a.statusCode().get());
            }
            g.writeStringField("delivery", a.delivery());
            g.writeEndObject();
        });
    }

    // ---------------------------------------------------------------- rules

    private void listRules(ServerRequest req, ServerResponse res) {
        List<Rule> rules = List.copyOf(engine.routing().rules().values());
        Json.stream(res, Status.OK_200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("rules");
            for (Rule r : rules) {
                rule(g, r);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private void getRule(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        Rule r = engine.routing().rule(id).orElseThrow(() -> ApiException.notFound("no rule '" + id + "'"));
        Json.stream(res, Status.OK_200, g -> rule(g, r));
    }

    private void rule(JsonGenerator g, Rule r) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", r.id());
        g.writeFieldName("spec");
        g.writeTree(r.spec());
        g.writeBooleanField("managed_by_config", engine.managedByConfig("rule:" + r.id()));
        g.writeEndObject();
    }

    private void putRule(ServerRequest req, ServerResponse res, boolean create) {
        JsonNode body = body(req, create);
        Rule r = call(() -> engine.putRule(body, create));
        Json.stream(res, create ? Status.CREATED_201 : Status.OK_200, g -> rule(g, r));
    }

    // ---------------------------------------------------------------- history

    private void alerts(ServerRequest req, ServerResponse res) {
        Optional<String> status = req.query().first("status").asOptional();
        if (status.isPresent() && !Alert.STATUSES.contains(status.get())) {
            throw ApiException.badRequest("status: expected one of " + String.join(", ", Alert.STATUSES));
        }
        int limit = req.query().first("limit").asOptional().map(l -> {
            try {
                int n = Integer.parseInt(l);
                if (n >= 1 && n <= MAX_LIMIT) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // falls through to the 400
            }
            throw ApiException.badRequest("limit: expected a whole number 1-" + MAX_LIMIT);
        }).orElse(DEFAULT_LIMIT);
        List<Alert> alerts = engine.history(new Outbox.Filter(req.query().first("target").asOptional(),
                req.query().first("channel").asOptional(), status), limit);
        Json.stream(res, Status.OK_200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("alerts");
            for (Alert a : alerts) {
                g.writeStartObject();
                g.writeNumberField("id", a.id());
                g.writeStringField("channel", a.channelId());
                g.writeStringField("rule", a.ruleId());
                g.writeStringField("target", a.targetId().orElse(null));
                g.writeBooleanField("group", a.group());
                g.writeStringField("event", a.event().id());
                g.writeStringField("from", a.from().map(s -> s.id()).orElse(null));
                g.writeStringField("to", a.to().map(s -> s.id()).orElse(null));
                g.writeStringField("at", a.at().toString());
                g.writeStringField("reason", a.reason());
                g.writeStringField("status", a.status());
                g.writeStringField("created_at", a.createdAt().toString());
                time(g, "next_attempt_at", a.status().equals(Alert.PENDING) ? a.nextAt() : Optional.empty());
                time(g, "finished_at", a.finishedAt());
                g.writeNumberField("attempts", a.attempts());
                g.writeStringField("delivery", a.delivery().orElse(null));
                g.writeArrayFieldStart("log");
                for (Alert.Attempt t : a.log()) {
                    g.writeStartObject();
                    g.writeStringField("at", t.at().toString());
                    g.writeStringField("delivery", t.delivery());
                    g.writeBooleanField("delivered", t.delivered());
                    if (t.statusCode().isPresent()) {
                        g.writeNumberField("status", t.statusCode().get());
                    }
                    g.writeStringField("error", t.error().orElse(null));
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void time(JsonGenerator g, String field, Optional<Instant> t) throws IOException {
        g.writeStringField(field, t.map(Instant::toString).orElse(null));
    }

    // ---------------------------------------------------------------- plumbing

    private static JsonNode body(ServerRequest req, boolean create) {
        JsonNode body = Json.read(req);
        if (!create) {
            String id = req.path().pathParameters().get("id");
            call(() -> {
                SpecReader.object(body, "body");
                return body;
            });
            if (!body.hasNonNull("id")) {
                ((ObjectNode) body).put("id", id);
            } else if (!body.get("id").asText().equals(id)) {
                throw ApiException.badRequest("body.id '" + body.get("id").asText() + "' does not match the URL's '" + id + "'");
            }
        }
        return body;
    }

    private static void delete(ServerRequest req, ServerResponse res, String what, java.util.function.Predicate<String> remove) {
        String id = req.path().pathParameters().get("id");
        if (!call(() -> remove.test(id))) {
            throw ApiException.notFound("no " + what + " '" + id + "'");
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    /** Maps refusals to HTTP: invalid 400, conflict 409. */
    private static <T> T call(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (AlertEngine.Conflict e) {
            throw new ApiException(Status.CONFLICT_409, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
