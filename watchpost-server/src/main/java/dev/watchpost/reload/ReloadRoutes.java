package dev.watchpost.reload;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.auth.Access;
import dev.watchpost.auth.Scope;
import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Json;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The config file's reloads, for operators (admin token):
 * <ul>
 *   <li>{@code GET /api/v1/config/status}: the file, when the configuration in force was read, the
 *       last reload tried, what asked for it (file, sighup, api) and whether it applied, why not, and what the last one changed;</li>
 *   <li>{@code POST /api/v1/config/reload}: reads the file now and applies it ({@code 200} with what
 *       changed), or refuses it ({@code 422} with the one-line error; the running configuration
 *       stays).</li>
 *   <li>{@code POST /api/v1/config/check}: what a reload with the declarations in the body would
 *       change ({@code watchpost check} sends those of the file it checked), applying nothing.</li>
 * </ul>
 */
public final class ReloadRoutes implements HttpService {

    private final ConfigReload reload;
    private final Access access;

    public ReloadRoutes(ConfigReload reload, Access access) {
        this.reload = reload;
        this.access = access;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/v1/config/status", access.require(Scope.ADMIN, this::status))
                .post("/api/v1/config/reload", access.require(Scope.ADMIN, this::reload))
                .post("/api/v1/config/check", access.require(Scope.ADMIN, this::check));
    }

    private void status(ServerRequest req, ServerResponse res) {
        ConfigReload.Status s = reload.status();
        Json.stream(res, Status.OK_200, g -> {
            g.writeStartObject();
            g.writeStringField("file", s.file().map(Object::toString).orElse(null));
            g.writeStringField("applied_at", s.appliedAt().toString());
            g.writeStringField("attempted_at", s.attemptedAt().map(Object::toString).orElse(null));
            g.writeStringField("trigger", s.trigger().map(t -> t.name().toLowerCase(java.util.Locale.ROOT)).orElse(null));
            g.writeBooleanField("ok", s.ok());
            g.writeStringField("error", s.error().orElse(null));
            if (s.last().isPresent()) {
                g.writeFieldName("last_changes");
                changes(g, s.last().get());
            } else {
                g.writeNullField("last_changes");
            }
            g.writeEndObject();
        });
    }

    private void reload(ServerRequest req, ServerResponse res) {
        if (reload.status().file().isEmpty()) {
            throw new ApiException(Status.CONFLICT_409, "this server was started without a config file: there is nothing to "
                    + "reload (set WATCHPOST_CONFIG or --config)");
        }
        answer(res, reload.reload(ConfigReload.Trigger.API), true);
    }

    /**
     * What a reload with the declarations in the body would change, applying nothing: what
     * {@code watchpost check} sends to tell an operator before they save the file.
     */
    private void check(ServerRequest req, ServerResponse res) {
        JsonNode body = Json.read(req);
        if (!body.isObject()) {
            throw ApiException.badRequest("body: expected an object {\"groups\": [...], \"targets\": [...], \"channels\": [...], "
                    + "\"rules\": [...]}");
        }
        Map<String, List<JsonNode>> parts = new HashMap<>();
        for (String key : List.of("groups", "targets", "channels", "rules")) {
            JsonNode list = body.path(key);
            if (!list.isMissingNode() && !list.isArray()) {
                throw ApiException.badRequest("body." + key + ": expected an array");
            }
            List<JsonNode> items = new ArrayList<>();
            list.forEach(items::add);
            parts.put(key, items);
        }
        body.fieldNames().forEachRemaining(k -> {
            if (!parts.containsKey(k)) {
                throw ApiException.badRequest("body: unknown key '" + k + "' (allowed: channels, groups, rules, targets)");
            }
        });
        answer(res, reload.check(new WatchpostConfig.Declarations(parts.get("groups"), parts.get("targets")),
                parts.get("channels"), parts.get("rules")), false);
    }

    /** A file that does not hold is 422 with its one-line error; else what changed, or would. */
    private static void answer(ServerResponse res, ConfigReload.Result r, boolean applied) {
        if (r.error().isPresent()) {
            throw new ApiException(Status.create(422, "Unprocessable Content"), r.error().get());
        }
        Json.stream(res, Status.OK_200, g -> {
            g.writeStartObject();
            g.writeBooleanField("applied", applied);
            g.writeFieldName("changes");
            changes(g, r.changes().orElseThrow());
            g.writeEndObject();
        });
    }

    private static void changes(JsonGenerator g, ConfigReload.Changes c) throws IOException {
        g.writeStartObject();
        list(g, "groups_added", c.topology().groupsAdded());
        list(g, "groups_changed", c.topology().groupsChanged());
        list(g, "groups_removed", c.topology().groupsRemoved());
        list(g, "targets_added", c.topology().targetsAdded());
        list(g, "targets_changed", c.topology().targetsChanged());
        list(g, "targets_removed", c.topology().targetsRemoved());
        list(g, "alerts_added", c.alerts().added());
        list(g, "alerts_changed", c.alerts().changed());
        list(g, "alerts_removed", c.alerts().removed());
        list(g, "restart_needed", c.restartNeeded());
        g.writeEndObject();
    }

    private static void list(JsonGenerator g, String name, List<String> ids) throws IOException {
        g.writeArrayFieldStart(name);
        for (String id : ids) {
            g.writeString(id);
        }
        g.writeEndArray();
    }
}
