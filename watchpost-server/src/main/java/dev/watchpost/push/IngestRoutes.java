package dev.watchpost.push;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.auth.Access;
import dev.watchpost.auth.Scope;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Observation;
import dev.watchpost.live.State;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Bodies;
import dev.watchpost.web.Json;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Native ingest (ingest scope): {@code POST /api/v1/heartbeat/{target}} and the batch
 * {@code POST /api/v1/heartbeats}. Both only update memory and answer.
 */
public final class IngestRoutes implements HttpService {

    static final int MAX_MESSAGE = 500;
    /** Reads a nested value in the middle of a stream (trailing tokens are the rest of the batch). */
    private static final com.fasterxml.jackson.databind.ObjectReader NESTED = Json.MAPPER.reader()
            .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final int MAX_METRICS = 64;

    private final LiveState live;
    private final Access access;

    public IngestRoutes(LiveState live, Access access) {
        this.live = live;
        this.access = access;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/v1/heartbeat/{+id}", access.require(Scope.INGEST, this::one))
                .post("/api/v1/heartbeats", access.require(Scope.INGEST, this::batch));
    }

    private void one(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        Observation o = Observation.alive();
        byte[] body = Bodies.read(req);
        if (body.length > 0) {
            try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw ApiException.badRequest("body: expected a JSON object such as {\"state\": \"online\"}");
                }
                o = readObservation(p, null);
                if (p.nextToken() != null) {
                    throw ApiException.badRequest("body: unexpected content after the JSON object");
                }
            } catch (IOException e) {
                throw Json.notJson(e);
            } catch (Invalid e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        if (live.observe(id, o) == LiveState.Outcome.UNKNOWN_TARGET) {
            throw ApiException.notFound("no target '" + id + "'; declare it in the config file or create it with POST /api/v1/targets");
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    private void batch(ServerRequest req, ServerResponse res) {
        byte[] body = Bodies.read(req);
        if (body.length == 0) {
            throw ApiException.badRequest("request body is empty; expected a JSON array of heartbeats");
        }
        int accepted = 0;
        List<Map<String, Object>> rejected = new ArrayList<>();
        LiveState.Batch batch = live.batch();
        Map<Integer, String> passedOn = new java.util.HashMap<>(); // index -> target, owned by other nodes
        try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw ApiException.badRequest("body: expected a JSON array such as [{\"target\": \"jobs/a\", \"state\": \"online\"}]");
            }
            int index = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), index++) {
                if (t == null) {
                    throw ApiException.badRequest("request body is not valid JSON: the array is not closed");
                }
                if (t != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    rejected.add(rejection(index, null, "expected an object"));
                    continue;
                }
                String[] target = new String[1];
                Observation o;
                try {
                    o = readObservation(p, target);
                } catch (Invalid e) {
                    rejected.add(rejection(index, target[0], e.getMessage()));
                    continue;
                }
                if (target[0] == null) {
                    rejected.add(rejection(index, null, "'target' is required"));
                    continue;
                }
                LiveState.Outcome outcome = batch.observe(target[0], o, index);
                if (outcome == null) {
                    passedOn.put(index, target[0]);
                } else if (outcome == LiveState.Outcome.UNKNOWN_TARGET) {
                    rejected.add(rejection(index, target[0], "no such target"));
                } else {
                    accepted++;
                }
            }
            if (p.nextToken() != null) {
                throw ApiException.badRequest("body: unexpected content after the JSON array");
            }
        } catch (IOException e) {
            batch.finish(); // what was passed on before the error was accepted too
            throw ApiException.badRequest(Json.notJson(e).getMessage()
                    + " (heartbeats before the error were accepted: " + (accepted + passedOn.size()) + ")");
        }
        if (!passedOn.isEmpty()) {
            for (Map.Entry<Integer, LiveState.Outcome> e : batch.finish().entrySet()) {
                if (e.getValue() == LiveState.Outcome.UNKNOWN_TARGET) {
                    rejected.add(rejection(e.getKey(), passedOn.get(e.getKey()), "no such target"));
                } else {
                    accepted++;
                }
            }
            rejected.sort(java.util.Comparator.comparingInt(r -> (Integer) r.get("index")));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accepted", accepted);
        out.put("rejected", rejected);
        Json.send(res, Status.OK_200, out);
    }

    private static Map<String, Object> rejection(int index, String target, String error) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", index);
        if (target != null) {
            m.put("target", target);
        }
        m.put("error", error);
        return m;
    }

    /** A field of one heartbeat is invalid; the message names it. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Reads one heartbeat object (the parser is on its START_OBJECT) and leaves the parser on its
     * END_OBJECT, also when a field is invalid. {@code target}, when not null, receives the
     * "target" field.
     */
    static Observation readObservation(JsonParser p, String[] target) throws IOException, Invalid {
        State state = null;
        String message = null;
        double latency = Double.NaN;
        ObjectNode metrics = null;
        String problem = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "target" -> {
                    if (v.isStructStart()) {
                        p.skipChildren();
                    }
                    if (target == null) {
                        problem = problem != null ? problem : "unknown field 'target' (the target is in the URL)";
                    } else if (v == JsonToken.VALUE_STRING) {
                        target[0] = p.getText();
                    } else {
                        problem = problem != null ? problem : "'target' must be a string";
                    }
                }
                case "state" -> {
                    try {
                        state = parseState(p, v);
                    } catch (Invalid e) {
                        problem = problem != null ? problem : e.getMessage();
                    }
                }
                case "message" -> {
                    if (v.isStructStart()) {
                        p.skipChildren();
                    }
                    if (v == JsonToken.VALUE_STRING) {
                        message = p.getText();
                        if (message.length() > MAX_MESSAGE) {
                            problem = problem != null ? problem : "'message' is longer than " + MAX_MESSAGE + " characters";
                        }
                    } else if (v != JsonToken.VALUE_NULL) {
                        problem = problem != null ? problem : "'message' must be a string";
                    }
                }
                case "latency_ms", "latency" -> {
                    if (v.isStructStart()) {
                        p.skipChildren();
                    }
                    if (v.isNumeric() && p.getDoubleValue() >= 0 && Double.isFinite(p.getDoubleValue())) {
                        latency = p.getDoubleValue();
                    } else if (v != JsonToken.VALUE_NULL) {
                        problem = problem != null ? problem : "'" + field + "' must be a number of milliseconds, 0 or more";
                    }
                }
                case "metrics" -> {
                    if (v == JsonToken.START_OBJECT) {
                        JsonNode tree = NESTED.readTree(p);
                        String bad = checkMetrics(tree);
                        if (bad != null) {
                            problem = problem != null ? problem : bad;
                        } else {
                            metrics = (ObjectNode) tree;
                        }
                    } else {
                        p.skipChildren();
                        if (v != JsonToken.VALUE_NULL) {
                            problem = problem != null ? problem : "'metrics' must be an object of numbers";
                        }
                    }
                }
                default -> {
                    p.skipChildren();
                    problem = problem != null ? problem : "unknown field '" + field
                            + "' (allowed: state, message, latency_ms, metrics" + (target != null ? ", target" : "") + ")";
                }
            }
        }
        if (problem != null) {
            throw new Invalid(problem);
        }
        Observation.Kind kind = state == null ? Observation.Kind.ALIVE : Observation.Kind.REPORT;
        return new Observation(kind, state, message, latency, metrics);
    }

    private static State parseState(JsonParser p, JsonToken v) throws IOException, Invalid {
        State s;
        if (v == JsonToken.VALUE_NUMBER_INT) {
            int code = p.getIntValue();
            s = State.ofCode(code).orElseThrow(() -> new Invalid("'state' " + code + " is not a state code (0-"
                    + (State.values().length - 1) + ")"));
        } else if (v == JsonToken.VALUE_STRING) {
            String text = p.getText();
            s = State.parse(text).orElseThrow(() -> new Invalid("'state' '" + text + "' is not a state (e.g. online, offline, starting, degraded, down)"));
        } else {
            p.skipChildren();
            throw new Invalid("'state' must be a state name or code");
        }
        if (s == State.UNHEALTHY) {
            throw new Invalid("'state' unhealthy is set by Watchpost when a target goes quiet; report offline or down instead");
        }
        return s;
    }

    private static String checkMetrics(JsonNode tree) {
        if (tree.size() > MAX_METRICS) {
            return "'metrics' has more than " + MAX_METRICS + " entries";
        }
        for (var it = tree.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isNumber() && !e.getValue().isTextual() && !e.getValue().isBoolean()) {
                return "'metrics." + e.getKey() + "' must be a number, string or boolean";
            }
        }
        return null;
    }
}
