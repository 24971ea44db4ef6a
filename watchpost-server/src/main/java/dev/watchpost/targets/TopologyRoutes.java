package dev.watchpost.targets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.config.SpecReader;
import dev.watchpost.auth.Access;
import dev.watchpost.auth.Scope;
import dev.watchpost.live.GroupView;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Snapshot;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetDef;
import dev.watchpost.live.TargetView;
import dev.watchpost.live.Transition;
import dev.watchpost.live.ViewJson;
import dev.watchpost.store.StoreException;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Json;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Optional;

/**
 * {@code /api/v1/groups} and {@code /api/v1/targets}: read (read scope or public) and manage (admin).
 * Ids contain '/', so they are the rest of the path.
 */
public final class TopologyRoutes implements HttpService {

    static final int RECENT_TRANSITIONS = 20;

    private final LiveState live;
    private final Topology topology;
    private final TopologyStore store;
    private final Access access;

    public TopologyRoutes(LiveState live, Topology topology, TopologyStore store, Access access) {
        this.live = live;
        this.topology = topology;
        this.store = store;
        this.access = access;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/v1/groups", access.read(this::listGroups))
                .post("/api/v1/groups", access.require(Scope.ADMIN, (req, res) -> put(req, res, true,
                        body -> Specs.toJson(topology.putGroup(body, true)))))
                .get("/api/v1/groups/{+id}", access.read(this::getGroup))
                .put("/api/v1/groups/{+id}", access.require(Scope.ADMIN, (req, res) -> put(req, res, false,
                        body -> Specs.toJson(topology.putGroup(body, false)))))
                .delete("/api/v1/groups/{+id}", access.require(Scope.ADMIN, (req, res) -> delete(req, res, "group",
                        topology::removeGroup)))
                .get("/api/v1/targets", access.read(this::listTargets))
                .post("/api/v1/targets", access.require(Scope.ADMIN, (req, res) -> put(req, res, true,
                        body -> topology.putTarget(body, true).spec())))
                .get("/api/v1/targets/{+id}", access.read(this::getTarget))
                .put("/api/v1/targets/{+id}", access.require(Scope.ADMIN, (req, res) -> put(req, res, false,
                        body -> topology.putTarget(body, false).spec())))
                .delete("/api/v1/targets/{+id}", access.require(Scope.ADMIN, (req, res) -> delete(req, res, "target",
                        topology::removeTarget)));
    }

    /**
     * {@code GET /api/v1/targets/{id}} for an id whose last part is also a target route's
     * ({@code api/health}, {@code jobs/history}): mounted before those routes, it answers when the
     * whole path names a target and passes the request on to them otherwise.
     */
    public HttpService exactReads() {
        return rules -> rules.get("/api/v1/targets/{+id}", access.read((req, res) -> {
            String id = req.path().pathParameters().get("id");
            int slash = id.lastIndexOf('/');
            if (slash > 0 && Specs.ROUTE_SUFFIXES.contains(id.substring(slash + 1)) && live.target(id).isPresent()
                    && (access.seesPrivate(req) || live.isPublic(id))) {
                getTarget(req, res);
            } else {
                res.next();
            }
        }));
    }

    /** The snapshot as this reader may see it: everything with a token, else the public view. */
    private Snapshot snapshot(ServerRequest req) {
        Snapshot s = live.snapshot();
        return access.seesPrivate(req) ? s : s.publicView();
    }

    /** The target {@code id} now, if this reader may see it; private ones are absent without a token. */
    private Optional<TargetView> target(ServerRequest req, String id) {
        return live.target(id).filter(v -> live.isPublic(id) || access.seesPrivate(req));
    }

    private void listGroups(ServerRequest req, ServerResponse res) {
        List<GroupView> groups = snapshot(req).groups();
        Json.stream(res, Status.OK_200, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("groups");
            for (GroupView v : groups) {
                ViewJson.group(g, v);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private void getGroup(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        Snapshot s = snapshot(req);
        if (s.groups().stream().noneMatch(v -> v.id().equals(id)) && live.group(id).isPresent()) {
            // made a moment ago (a bot declaring its group, then reading it): not in the last snapshot yet
            Snapshot fresh = live.freshSnapshot();
            s = access.seesPrivate(req) ? fresh : fresh.publicView();
        }
        GroupView view = s.groups().stream().filter(v -> v.id().equals(id)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no group '" + id + "'"));
        List<TargetView> targets = s.targets().stream().filter(t -> id.equals(t.groupId())).toList();
        Json.stream(res, Status.OK_200, g -> {
            g.writeStartObject();
            g.writeFieldName("group");
            ViewJson.group(g, view);
            g.writeBooleanField("managed_by_config", topology.managedByConfig(id));
            g.writeArrayFieldStart("targets");
            for (TargetView t : targets) {
                ViewJson.target(g, t);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }



    private void listTargets(ServerRequest req, ServerResponse res) {
        Optional<String> group = req.query().first("group").asOptional();
        Optional<String> stateFilter = req.query().first("state").asOptional();
        Optional<State> state = stateFilter.map(s -> State.parse(s).orElseThrow(() ->
                ApiException.badRequest("unknown state '" + s + "'")));
        Snapshot s = snapshot(req);
        List<TargetView> targets = s.targets().stream()
                .filter(t -> group.isEmpty() || group.get().equals(t.groupId()))
                .filter(t -> state.isEmpty() || state.get() == t.state())
                .toList();
        Json.stream(res, Status.OK_200, g -> {
            g.writeStartObject();
            g.writeNumberField("version", s.version());
            g.writeArrayFieldStart("targets");
            for (TargetView t : targets) {
                ViewJson.target(g, t);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private void getTarget(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        TargetView view = target(req, id).orElseThrow(() -> ApiException.notFound("no target '" + id + "'"));
        Optional<TargetDecl> decl = topology.declaration(id);
        // The target's state is live (memory); only its recent transitions come from the database,
        // so an outage leaves them out, says so, and does not fail the whole answer.
        Optional<List<Transition>> recent;
        try {
            recent = Optional.of(store.recentTransitions(view.ref(), RECENT_TRANSITIONS));
        } catch (StoreException e) {
            recent = Optional.empty();
        }
        List<Transition> transitions = recent.orElse(List.of());
        boolean transitionsAvailable = recent.isPresent();
        boolean admin = access.isAdmin(req);
        Json.stream(res, Status.OK_200, g -> {
            g.writeStartObject();
            g.writeFieldName("target");
            ViewJson.target(g, view);
            if (decl.isPresent()) {
                g.writeFieldName("spec");
                g.writeTree(admin ? decl.get().spec() : decl.get().redactedSpec());
            }
            g.writeBooleanField("managed_by_config", topology.managedByConfig(id));
            g.writeArrayFieldStart("transitions");
            for (Transition t : transitions) {
                ViewJson.transition(g, t);
            }
            g.writeEndArray();
            if (!transitionsAvailable) {
                g.writeStringField("transitions_unavailable", "the database cannot be reached; the state above is live");
            }
            g.writeEndObject();
        });
    }



    /** Creates ({@code create}) or replaces a group or target from the body; 201 or 200 with its declaration. */
    private static void put(ServerRequest req, ServerResponse res, boolean create,
                            java.util.function.Function<JsonNode, JsonNode> apply) {
        JsonNode body = Json.read(req);
        if (!create) {
            requireSameId(req, body);
        }
        JsonNode declared = call(() -> apply.apply(body));
        Json.send(res, create ? Status.CREATED_201 : Status.OK_200, declared);
    }

    private static void delete(ServerRequest req, ServerResponse res, String what,
                               java.util.function.Predicate<String> remove) {
        String id = req.path().pathParameters().get("id");
        if (!call(() -> remove.test(id))) {
            throw ApiException.notFound("no " + what + " '" + id + "'");
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    private static void requireSameId(ServerRequest req, JsonNode body) {
        String id = req.path().pathParameters().get("id");
        call(() -> {
            SpecReader.object(body, "body");
            return body;
        });
        if (!body.hasNonNull("id")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("id", id);
        } else if (!body.get("id").asText().equals(id)) {
            throw ApiException.badRequest("body.id '" + body.get("id").asText() + "' does not match the URL's '" + id + "'");
        }
    }

    /** Maps the topology's refusals to HTTP: invalid spec 400, conflict 409. */
    private static <T> T call(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (Topology.Conflict e) {
            throw new ApiException(Status.CONFLICT_409, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
