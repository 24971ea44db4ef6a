package dev.watchpost.compat.stashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.live.TargetKind;
import dev.watchpost.auth.Access;
import dev.watchpost.auth.Scope;
import dev.watchpost.live.Severity;
import dev.watchpost.manual.DateParam;
import dev.watchpost.manual.ManualEvent;
import dev.watchpost.manual.ManualService;
import dev.watchpost.manual.ManualStatus;
import dev.watchpost.manual.ServiceList;
import dev.watchpost.manual.Slugs;
import dev.watchpost.manual.Worst;
import dev.watchpost.store.StoreException;
import dev.watchpost.targets.TargetDecl;
import dev.watchpost.targets.Topology;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stashboard's REST API (CONTRACTS.md §3) over manual targets: read-only under {@code /api/v1/},
 * read-write under {@code /admin/api/v1/}. A Stashboard service is exactly a target of kind manual,
 * its {@code id} the target's id (config-declared ones may contain '/'); events and statuses are
 * {@link ManualService}'s.
 *
 * <p>Every answer on these paths, errors included (401/403 from the token check too), has
 * Stashboard's shapes: collections wrapped ({@code {"services":[...]}}), errors as
 * {@code {"error":true,"code":N,"message":"..."}}. So do unknown paths under {@code /api/} outside
 * Watchpost's own namespaces there ({@link #fallback()}): Stashboard answered every {@code /api/...}
 * path, and its clients read that shape. As Stashboard did, the version in a path is checked after
 * the method ({@code PUT /api/v2/services} is 405, {@code GET /api/v2/services} 404), and
 * {@code url}s point at the prefix the request came in on.
 *
 * <p>Fixed on purpose: duplicates are 409 (not 404); a status in use is not deleted with its events
 * but refused (409); no JSONP; writes need an admin token; creations answer 201; JSON is not
 * HTML-escaped (Stashboard escaped {@code <} inside JSON strings; escaping is the page's job).
 */
public final class StashboardRoutes implements HttpService {

    private static final Logger LOG = LoggerFactory.getLogger(StashboardRoutes.class);

    static final String READ_PREFIX = "/api/v1/";
    static final String ADMIN_PREFIX = "/admin/api/v1/";
    /** A Host header worth echoing into URLs: a name or address and an optional port, nothing else. */
    private static final Pattern HOST = Pattern.compile("([A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}])(:\\d{1,5})?");
    private static final Pattern EVENT = Pattern.compile("(.+)/events/([^/]+)");
    private static final String VERSION = "v1";
    /** Stashboard's status levels, least to most severe, as its levels resource listed them. */
    private static final List<String> LEVELS = List.of("NORMAL", "WARNING", "ERROR", "CRITICAL");
    /**
     * Watchpost's own namespaces under {@code /api/}: an unknown path in them keeps the native error
     * shape ({@code {"error":"..."}}), for native clients. Keep in step with the routes under /api/.
     */
    private static final Set<String> NATIVE = Set.of("status", "health", "feed", "fleet");
    private static final Set<String> NATIVE_V1 = Set.of("targets", "groups", "snapshot", "stream", "heartbeat",
            "heartbeats", "query", "guilds", "tokens", "alerts", "channels", "rules", "notices", "cluster", "prober");

    private final ManualService manual;
    private final Topology topology;
    private final dev.watchpost.live.LiveState live;
    private final Access access;

    public StashboardRoutes(ManualService manual, Topology topology, dev.watchpost.live.LiveState live, Access access) {
        this.manual = manual;
        this.topology = topology;
        this.live = live;
        this.access = access;
    }

    @Override
    public void routing(HttpRules rules) {
        Handler readOnly = (req, res) -> serve(req, res, false);
        Handler admin = (req, res) -> serve(req, res, true);
        rules.any("/api/v1/services", readOnly)
                .any("/api/v1/services/{+rest}", readOnly)
                .any("/api/v1/statuses", readOnly)
                .any("/api/v1/statuses/{+rest}", readOnly)
                .any("/api/v1/service-lists", readOnly)
                .any("/api/v1/service-lists/{+rest}", readOnly)
                .any("/api/v1/levels", readOnly)
                .any("/api/v1/status-images", readOnly)
                .any("/admin/api", admin)
                .any("/admin/api/{+rest}", admin);
    }

    /**
     * Stashboard's answer for the rest of {@code /api/...}: a path under another version
     * ({@code /api/v2/services}) or that nothing serves ({@code /api/v1/nothing}) gets Stashboard's
     * 404 shape. Paths in Watchpost's own namespaces ({@code /api/v1/targets/...}, Glance's
     * {@code /api/status/...}, Argus's {@code /api/fleet/...}) are passed on to the server's native
     * 404. Mount it after every other feature's routes: it takes what none of them matched.
     */
    public HttpService fallback() {
        Handler h = (req, res) -> {
            if (isNative(req.path().path())) {
                res.next();
            } else {
                serve(req, res, false);
            }
        };
        return rules -> rules.any("/api/", h).any("/api/{+rest}", h);
    }

    static boolean isNative(String path) {
        String[] seg = path.substring("/api/".length()).split("/", -1);
        if (NATIVE.contains(seg[0])) {
            return true;
        }
        return seg[0].equals(VERSION) && seg.length > 1 && NATIVE_V1.contains(seg[1]);
    }

    private void serve(ServerRequest req, ServerResponse res, boolean admin) throws Exception {
        try {
            route(req, res, admin).handle(req, res);
        } catch (ApiException e) {
            error(res, e.status(), e.getMessage());
        } catch (ManualService.NotFound e) {
            error(res, Status.NOT_FOUND_404, e.getMessage());
        } catch (ManualService.Conflict | Topology.Conflict e) {
            error(res, Status.CONFLICT_409, e.getMessage());
        } catch (IllegalArgumentException e) {
            error(res, Status.BAD_REQUEST_400, e.getMessage());
        } catch (StoreException e) {
            LOG.error("event=stashboard.store_error method={} path={} error=\"{}\"", req.prologue().method().text(),
                    req.path().path(), e.getMessage());
            error(res, Status.SERVICE_UNAVAILABLE_503, "the database is not available; try again shortly");
        }
    }

    static void error(ServerResponse res, Status status, String message) {
        if (res.isSent()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", true);
        body.put("code", status.code());
        body.put("message", message);
        Json.send(res, status, body);
    }

    // ---------------------------------------------------------------- dispatch

    /** What a services path names; {@code service} is the target id, {@code sid} the raw event id. */
    private record Ref(Kind kind, String service, String sid) {
    }

    private enum Kind { SERVICE, EVENTS, CURRENT, EVENT }

    /** A resource's handlers by method; null where the method is not served. */
    private record Endpoint(Handler get, Handler post, Handler delete) {
    }

    /**
     * The handler for the request, wrapped in its access check and the version check; 405 for a
     * method the resource does not serve, 404 for paths it does not know.
     */
    private Handler route(ServerRequest req, ServerResponse res, boolean admin) {
        String path = req.path().path();
        String prefix = admin ? "/admin/api/" : "/api/";
        Method m = req.prologue().method();
        if (!path.startsWith(prefix)) {
            throw ApiException.notFound("no route for " + m.text() + " " + path
                    + " (the Stashboard API is " + ADMIN_PREFIX + "...)");
        }
        String versioned = path.substring(prefix.length());
        int slash = versioned.indexOf('/');
        String version = slash < 0 ? versioned : versioned.substring(0, slash);
        String rest = slash < 0 ? "" : versioned.substring(slash + 1);
        Endpoint e = endpoint(rest);
        if (e == null) {
            throw ApiException.notFound("no route for " + m.text() + " " + path);
        }
        return pick(m, res, admin, checked(version, e.get()), checked(version, e.post()), checked(version, e.delete()));
    }

    /** The resource a path below the version names, or null. */
    private Endpoint endpoint(String rest) {
        if (rest.equals("services")) {
            return new Endpoint(this::listServices, this::createService, null);
        }
        if (rest.startsWith("services/")) {
            Ref ref = resolve(rest.substring("services/".length()));
            String id = ref.service();
            return switch (ref.kind()) {
                case SERVICE -> new Endpoint((q, s) -> getService(q, s, id), (q, s) -> updateService(q, s, id),
                        (q, s) -> deleteService(q, s, id));
                case EVENTS -> new Endpoint((q, s) -> listEvents(q, s, id), (q, s) -> createEvent(q, s, id), null);
                case CURRENT -> new Endpoint((q, s) -> currentEvent(q, s, id), null, null);
                case EVENT -> new Endpoint((q, s) -> getEvent(q, s, id, ref.sid()), null,
                        (q, s) -> deleteEvent(q, s, id, ref.sid()));
            };
        }
        if (rest.equals("statuses")) {
            return new Endpoint(this::listStatuses, this::createStatus, null);
        }
        if (rest.startsWith("statuses/")) {
            String slug = rest.substring("statuses/".length());
            return new Endpoint((q, s) -> getStatus(q, s, slug), (q, s) -> updateStatus(q, s, slug),
                    (q, s) -> deleteStatus(q, s, slug));
        }
        if (rest.equals("service-lists")) {
            return new Endpoint(this::listLists, this::createList, null);
        }
        if (rest.startsWith("service-lists/")) {
            String slug = rest.substring("service-lists/".length());
            return new Endpoint((q, s) -> getList(q, s, slug), (q, s) -> updateList(q, s, slug),
                    (q, s) -> deleteList(q, s, slug));
        }
        if (rest.equals("levels")) {
            return new Endpoint(this::levels, null, null);
        }
        if (rest.equals("status-images")) {
            return new Endpoint(this::images, null, null);
        }
        return null;
    }

    /** The handler behind a version check: Stashboard served v1 only, and said so with a 404. */
    private static Handler checked(String version, Handler h) {
        if (h == null) {
            return null;
        }
        return (req, res) -> {
            if (!VERSION.equals(version)) {
                throw ApiException.notFound("API version '" + version + "' is not supported; use " + VERSION);
            }
            h.handle(req, res);
        };
    }

    /**
     * Reads (GET, HEAD) anywhere; writes (POST, DELETE) only under the admin prefix and with an admin
     * token. Anything else is 405 with Stashboard's message and an Allow header.
     */
    private Handler pick(Method m, ServerResponse res, boolean admin, Handler get, Handler post, Handler delete) {
        if ((m == Method.GET || m == Method.HEAD) && get != null) {
            return access.read(get);
        }
        if (admin && m == Method.POST && post != null) {
            return access.require(Scope.ADMIN, post);
        }
        if (admin && m == Method.DELETE && delete != null) {
            return access.require(Scope.ADMIN, delete);
        }
        StringJoiner allow = new StringJoiner(", ");
        allow.add("GET").add("HEAD");
        if (admin && post != null) {
            allow.add("POST");
        }
        if (admin && delete != null) {
            allow.add("DELETE");
        }
        res.header(HeaderNames.ALLOW, allow.toString());
        throw new ApiException(Status.METHOD_NOT_ALLOWED_405, "Method not supported");
    }

    /**
     * Service ids may contain '/', so {@code a/events/current} could be service {@code a}'s current
     * event or a service of that id. As Stashboard's routes did, the event forms are tried first; the
     * first reading whose service exists wins, else the first reading (whose 404 names its service).
     */
    private Ref resolve(String x) {
        List<Ref> readings = new ArrayList<>(4);
        if (x.endsWith("/events/current")) {
            readings.add(new Ref(Kind.CURRENT, x.substring(0, x.length() - "/events/current".length()), null));
        }
        if (x.endsWith("/events")) {
            readings.add(new Ref(Kind.EVENTS, x.substring(0, x.length() - "/events".length()), null));
        }
        Matcher e = EVENT.matcher(x);
        if (e.matches()) {
            readings.add(new Ref(Kind.EVENT, e.group(1), e.group(2)));
        }
        readings.add(new Ref(Kind.SERVICE, x, null));
        return readings.stream().filter(r -> manual.isManual(r.service())).findFirst().orElse(readings.get(0));
    }

    // ---------------------------------------------------------------- services

    private void listServices(ServerRequest req, ServerResponse res) {
        String base = base(req);
        boolean all = access.seesPrivate(req);
        List<TargetDecl> services = topology.declarations().stream()
                .filter(d -> d.kind() == TargetKind.MANUAL)
                .filter(d -> all || live.isPublic(d.id()))
                .sorted(Comparator.comparing((TargetDecl d) -> d.def().name().toLowerCase(Locale.ROOT))
                        .thenComparing(TargetDecl::id))
                .toList();
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        services.forEach(d -> list.add(service(base, d)));
        send(res, Status.OK_200, wrap("services", list));
    }

    private void createService(ServerRequest req, ServerResponse res) {
        Fields f = Fields.read(req);
        String name = f.nonBlank("name").map(String::strip)
                .orElseThrow(() -> ApiException.badRequest("name is required"));
        String description = f.nonBlank("description")
                .orElseThrow(() -> ApiException.badRequest("description is required"));
        Optional<String> list = f.nonBlank("list").map(String::strip);
        if (list.isPresent() && manual.list(list.get()).isEmpty()) {
            throw ApiException.badRequest(noList(list.get()));
        }
        String slug = Slugs.of(name);
        if (slug.isEmpty()) {
            throw ApiException.badRequest("name '" + name + "' has no letter or digit to make an id from");
        }
        Optional<TargetDecl> existing = topology.declaration(slug);
        if (existing.isPresent()) {
            throw new ApiException(Status.CONFLICT_409, existing.get().kind() == TargetKind.MANUAL
                    ? "service '" + slug + "' already exists"
                    : "'" + slug + "' is already a target of kind " + existing.get().kind());
        }
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        spec.put("id", slug);
        spec.put("name", name);
        spec.put("description", description);
        spec.putObject("manual");
        TargetDecl created = topology.putTarget(spec, true);
        if (list.isPresent()) {
            manual.setList(created.id(), list);
        }
        send(res, Status.CREATED_201, service(base(req), created));
    }

    private void getService(ServerRequest req, ServerResponse res, String id) {
        send(res, Status.OK_200, service(base(req), requireService(req, id)));
    }

    /**
     * Changes name, description and/or list (never the id); an empty {@code list} takes the service out
     * of its list. A service from the config file is 409.
     */
    private void updateService(ServerRequest req, ServerResponse res, String id) {
        TargetDecl decl = requireService(req, id);
        if (topology.managedByConfig(id)) {
            throw new ApiException(Status.CONFLICT_409, "'" + id + "' is declared in the configuration; change it there");
        }
        Fields f = Fields.read(req);
        Optional<String> list = f.get("list").map(String::strip);
        if (list.isPresent() && !list.get().isEmpty() && manual.list(list.get()).isEmpty()) {
            throw ApiException.badRequest(noList(list.get()));
        }
        ObjectNode spec = decl.spec().deepCopy();
        boolean changed = false;
        Optional<String> name = f.get("name");
        if (name.isPresent()) {
            if (name.get().isBlank()) {
                throw ApiException.badRequest("name must not be empty");
            }
            spec.put("name", name.get().strip());
            changed = true;
        }
        Optional<String> description = f.get("description");
        if (description.isPresent()) {
            if (description.get().isBlank()) {
                spec.remove("description");
            } else {
                spec.put("description", description.get());
            }
            changed = true;
        }
        TargetDecl updated = changed ? topology.putTarget(spec, false) : decl;
        if (list.isPresent()) {
            manual.setList(id, list.filter(l -> !l.isEmpty()));
        }
        send(res, Status.OK_200, service(base(req), updated));
    }

    /** Deletes the service (its target) and its events; answers the service as it was. */
    private void deleteService(ServerRequest req, ServerResponse res, String id) {
        ObjectNode was = service(base(req), requireService(req, id));
        if (!topology.removeTarget(id)) {
            throw notFound(id);
        }
        send(res, Status.OK_200, was);
    }

    /** A manual target; a private one is as absent as an unknown one to readers without a token. */
    private TargetDecl requireService(ServerRequest req, String id) {
        return topology.declaration(id).filter(d -> d.kind() == TargetKind.MANUAL)
                .filter(d -> live.isPublic(id) || access.seesPrivate(req)).orElseThrow(() -> notFound(id));
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("Service " + id + " not found");
    }

    private ObjectNode service(String base, TargetDecl d) {
        Optional<ObjectNode> current = manual.current(d.id()).map(e -> event(base, e));
        return StashJson.service(base, d.id(), d.def().name(), d.description().orElse(""), current, manual.listOf(d.id()));
    }

    private static String noList(String slug) {
        return "list: there is no service list '" + slug + "'";
    }

    // ---------------------------------------------------------------- events

    private void listEvents(ServerRequest req, ServerResponse res, String id) {
        requireService(req, id);
        Optional<Instant> start = req.query().first("start").asOptional().filter(s -> !s.isBlank())
                .map(s -> DateParam.parse("start", s, false));
        Optional<Instant> end = req.query().first("end").asOptional().filter(s -> !s.isBlank())
                .map(s -> DateParam.parse("end", s, true));
        if (start.isPresent() && end.isPresent() && start.get().isAfter(end.get())) {
            throw ApiException.badRequest("start (" + StashJson.timestamp(start.get()) + ") is after end ("
                    + StashJson.timestamp(end.get()) + ")");
        }
        String base = base(req);
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        manual.events(id, start, end).forEach(e -> list.add(event(base, e)));
        send(res, Status.OK_200, wrap("events", list));
    }

    /** message required; status optional (then the current one); informational optional (false). */
    private void createEvent(ServerRequest req, ServerResponse res, String id) {
        requireService(req, id);
        Fields f = Fields.read(req);
        ManualEvent e = manual.record(id, f.get("status"), f.get("message").orElse(null),
                f.bool("informational").orElse(false));
        send(res, Status.CREATED_201, event(base(req), e));
    }

    private void currentEvent(ServerRequest req, ServerResponse res, String id) {
        requireService(req, id);
        ManualEvent e = manual.current(id)
                .orElseThrow(() -> ApiException.notFound("No current event for Service " + id));
        send(res, Status.OK_200, event(base(req), e));
    }

    private void getEvent(ServerRequest req, ServerResponse res, String id, String sid) {
        requireService(req, id);
        ManualEvent e = sid(sid).flatMap(n -> manual.event(id, n)).orElseThrow(() -> noEvent(id, sid));
        send(res, Status.OK_200, event(base(req), e));
    }

    private void deleteEvent(ServerRequest req, ServerResponse res, String id, String sid) {
        requireService(req, id);
        ManualEvent e = sid(sid).flatMap(n -> manual.deleteEvent(id, n)).orElseThrow(() -> noEvent(id, sid));
        send(res, Status.OK_200, event(base(req), e));
    }

    private static Optional<Long> sid(String raw) {
        try {
            return Optional.of(Long.parseLong(raw));
        } catch (NumberFormatException e) {
            return Optional.empty(); // not one of ours: no such event
        }
    }

    private static ApiException noEvent(String id, String sid) {
        return ApiException.notFound("No event for Service " + id + " with sid = " + sid);
    }

    private ObjectNode event(String base, ManualEvent e) {
        // Deleting a status in use is refused, so an event's status exists; the default is a safe fallback.
        ManualStatus s = manual.status(e.status()).orElseGet(manual::defaultStatus);
        return StashJson.event(base, e, s);
    }

    // ---------------------------------------------------------------- statuses

    /** Least to most concerning (Stashboard listed by severity too), creation order among equals. */
    private void listStatuses(ServerRequest req, ServerResponse res) {
        String base = base(req);
        List<ManualStatus> statuses = new ArrayList<>(manual.statuses());
        statuses.sort(Worst.BY_CONCERN);
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        statuses.forEach(s -> list.add(StashJson.status(base, s)));
        send(res, Status.OK_200, wrap("statuses", list));
    }

    /** As Stashboard: name and description required, the image (optional here) one of its icons. */
    private void createStatus(ServerRequest req, ServerResponse res) {
        Fields f = Fields.read(req);
        ManualService.StatusFields fields = statusFields(f);
        if (fields.name().filter(n -> !n.isBlank()).isPresent() && f.nonBlank("description").isEmpty()) {
            throw ApiException.badRequest("description is required");
        }
        ManualStatus s = manual.createStatus(fields);
        send(res, Status.CREATED_201, StashJson.status(base(req), s));
    }

    private void getStatus(ServerRequest req, ServerResponse res, String slug) {
        ManualStatus s = manual.status(slug).orElseThrow(() -> ApiException.notFound("Status " + slug + " not found"));
        send(res, Status.OK_200, StashJson.status(base(req), s));
    }

    private void updateStatus(ServerRequest req, ServerResponse res, String slug) {
        if (manual.status(slug).isEmpty()) {
            throw ApiException.notFound("Status " + slug + " not found");
        }
        ManualStatus s = manual.updateStatus(slug, statusFields(Fields.read(req)));
        send(res, Status.OK_200, StashJson.status(base(req), s));
    }

    private void deleteStatus(ServerRequest req, ServerResponse res, String slug) {
        if (manual.status(slug).isEmpty()) {
            throw ApiException.notFound("Status " + slug + " not found");
        }
        ManualStatus s = manual.deleteStatus(slug);
        send(res, Status.OK_200, StashJson.status(base(req), s));
    }

    /** Watchpost's {@code severity} (ok, warn, bad, maintenance) or Stashboard's {@code level}; both must agree. */
    private static ManualService.StatusFields statusFields(Fields f) {
        Optional<Severity> severity = f.nonBlank("severity").map(v -> ManualStatus.parseSeverity(v).orElseThrow(() ->
                ApiException.badRequest("severity: expected ok, warn, bad or maintenance, got '" + v + "'")));
        Optional<Severity> level = f.nonBlank("level").map(v -> StashJson.parseLevel(v).orElseThrow(() ->
                ApiException.badRequest("level: expected NORMAL, WARNING, ERROR, CRITICAL or MAINTENANCE, got '" + v + "'")));
        if (severity.isPresent() && level.isPresent() && severity.get() != level.get()) {
            throw ApiException.badRequest("severity '" + f.get("severity").orElseThrow() + "' and level '"
                    + f.get("level").orElseThrow() + "' disagree; give one of them");
        }
        Optional<String> image = f.get("image").map(String::strip);
        if (image.isPresent() && !image.get().isEmpty() && StatusImages.named(image.get()).isEmpty()) {
            throw ApiException.badRequest("image: '" + image.get() + "' is not one of the status images (GET "
                    + READ_PREFIX + "status-images)");
        }
        return new ManualService.StatusFields(f.get("name"), f.get("description"), image,
                severity.or(() -> level), f.bool("default"));
    }

    // ---------------------------------------------------------------- service lists

    private void listLists(ServerRequest req, ServerResponse res) {
        String base = base(req);
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        manual.lists().forEach(l -> list.add(StashJson.list(base, l)));
        send(res, Status.OK_200, wrap("lists", list));
    }

    /** As Stashboard: name and description required. */
    private void createList(ServerRequest req, ServerResponse res) {
        Fields f = Fields.read(req);
        String name = f.nonBlank("name").orElseThrow(() -> ApiException.badRequest("name is required"));
        String description = f.nonBlank("description").orElseThrow(() -> ApiException.badRequest("description is required"));
        ServiceList l = manual.createList(name, description);
        send(res, Status.CREATED_201, StashJson.list(base(req), l));
    }

    private void getList(ServerRequest req, ServerResponse res, String slug) {
        ServiceList l = manual.list(slug).orElseThrow(() -> listNotFound(slug));
        send(res, Status.OK_200, StashJson.list(base(req), l));
    }

    /** Blank fields are ignored, as Stashboard ignored them. */
    private void updateList(ServerRequest req, ServerResponse res, String slug) {
        manual.list(slug).orElseThrow(() -> listNotFound(slug));
        Fields f = Fields.read(req);
        ServiceList l = manual.updateList(slug, f.nonBlank("name"), f.nonBlank("description"));
        send(res, Status.OK_200, StashJson.list(base(req), l));
    }

    /** Its services stay, in no list; answers the list as it was. */
    private void deleteList(ServerRequest req, ServerResponse res, String slug) {
        manual.list(slug).orElseThrow(() -> listNotFound(slug));
        send(res, Status.OK_200, StashJson.list(base(req), manual.deleteList(slug)));
    }

    private static ApiException listNotFound(String slug) {
        return ApiException.notFound("List " + slug + " not found");
    }

    // ---------------------------------------------------------------- levels and images

    private void levels(ServerRequest req, ServerResponse res) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        LEVELS.forEach(o.putArray("levels")::add);
        send(res, Status.OK_200, o);
    }

    private void images(ServerRequest req, ServerResponse res) {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        StatusImages.all().forEach(i -> list.add(StashJson.image(i)));
        send(res, Status.OK_200, wrap("images", list));
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The absolute base of resource URLs, as Stashboard wrote them ({@code http://host/api/v1}, or
     * {@code http://host/admin/api/v1} for a request under the admin prefix): the scheme of the
     * connection and the request's Host header. A Host that is not a plain host[:port] is not echoed;
     * the URLs are then relative ({@code /api/v1/...}).
     */
    static String base(ServerRequest req) {
        String prefix = req.path().path().startsWith(ADMIN_PREFIX) ? "/admin/api/" + VERSION : "/api/" + VERSION;
        return req.headers().first(HeaderNames.HOST).map(String::strip).filter(h -> HOST.matcher(h).matches())
                .map(h -> (req.isSecure() ? "https" : "http") + "://" + h + prefix)
                .orElse(prefix);
    }

    private static ObjectNode wrap(String field, ArrayNode list) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set(field, list);
        return o;
    }

    private static void send(ServerResponse res, Status status, ObjectNode body) {
        Json.send(res, status, body);
    }
}
