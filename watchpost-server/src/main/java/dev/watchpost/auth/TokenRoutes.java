package dev.watchpost.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Json;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code /api/v1/tokens}: list, create and revoke API tokens (admin scope). A prober token may be
 * bound to one location ({@code "location": "eu"}), which it alone may then speak for.
 */
public final class TokenRoutes implements HttpService {

    static final int MAX_NAME = 100;

    private final Tokens tokens;
    private final Access access;
    private final Function<String, Optional<String>> locationProblem;

    /**
     * @param locationProblem what is wrong with a name as a prober's location, if anything: the
     *                        probers' feature decides what a location is, not the tokens'
     */
    public TokenRoutes(Tokens tokens, Access access, Function<String, Optional<String>> locationProblem) {
        this.tokens = tokens;
        this.access = access;
        this.locationProblem = locationProblem;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/v1/tokens", access.require(Scope.ADMIN, this::list))
                .post("/api/v1/tokens", access.require(Scope.ADMIN, this::create))
                .delete("/api/v1/tokens/{id}", access.require(Scope.ADMIN, this::revoke));
    }

    private void list(ServerRequest req, ServerResponse res) {
        List<Map<String, Object>> all = tokens.list().stream().map(TokenRoutes::json).toList();
        Json.send(res, Status.OK_200, Map.of("tokens", all));
    }

    private void create(ServerRequest req, ServerResponse res) {
        JsonNode body = Json.read(req);
        if (!body.isObject()) {
            throw ApiException.badRequest("expected a JSON object such as {\"scope\": \"ingest\", \"name\": \"bots\"}");
        }
        JsonNode scopeNode = body.get("scope");
        if (scopeNode == null || !scopeNode.isTextual()) {
            throw ApiException.badRequest("field 'scope' is required: one of " + Scope.names());
        }
        Scope scope = Scope.parse(scopeNode.asText()).orElseThrow(() -> ApiException.badRequest(
                "field 'scope' must be one of " + Scope.names() + " (got '" + scopeNode.asText() + "')"));
        String name = body.hasNonNull("name") ? body.get("name").asText().strip() : scope.id() + " token";
        if (name.isEmpty() || name.length() > MAX_NAME) {
            throw ApiException.badRequest("field 'name' must be 1-" + MAX_NAME + " characters");
        }
        Optional<String> location = Optional.empty();
        if (body.hasNonNull("location")) {
            JsonNode l = body.get("location");
            if (scope != Scope.PROBER) {
                throw ApiException.badRequest("field 'location' binds a prober token to its location; a " + scope.id()
                        + " token has none");
            }
            location = Optional.of(l.isTextual() ? l.asText() : l.toString());
            locationProblem.apply(location.get()).ifPresent(p -> {
                throw ApiException.badRequest("field 'location': " + p);
            });
        }
        Tokens.Created created = tokens.create(scope, name, location);
        Map<String, Object> out = new LinkedHashMap<>(json(created.stored()));
        out.put("token", created.token());
        Json.send(res, Status.CREATED_201, out);
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        String raw = req.path().pathParameters().get("id");
        long id;
        try {
            id = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("token id must be a number (got '" + raw + "')");
        }
        if (!tokens.revoke(id)) {
            throw ApiException.notFound("no active token with id " + id);
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    static Map<String, Object> json(ApiToken t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("name", t.name());
        m.put("scope", t.scope().id());
        m.put("hint", t.hint());
        m.put("created_at", t.createdAt().toString());
        m.put("last_used_at", t.lastUsedAt().map(Object::toString).orElse(null));
        m.put("revoked_at", t.revokedAt().map(Object::toString).orElse(null));
        t.location().ifPresent(l -> m.put("location", l));
        return m;
    }
}
