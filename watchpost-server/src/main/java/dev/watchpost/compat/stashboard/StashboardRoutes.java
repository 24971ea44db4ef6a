package dev.watchpost.compat.stashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.auth.Access;
import dev.watchpost.auth.Scope;
import dev.watchpost.live.Severity;
import dev.watchpost.manual.DateParam;
import dev.watchpost.manual.ManualEvent;
import dev.watchpost.manual.ManualService;
import dev.watchpost.manual.ManualStatus;
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
 * {@code {"error":true,"code":N,"message":"..."}}.
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

    private final ManualService manual;
    private final Topology topology;
    private final Access access;

    public StashboardRoutes(ManualService manual, Topology topology, Access access) {
        this.manual = manual;
        this.topology = topology;
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
                .any("/admin/api", admin)
                .any("/admin/api/{+rest}", admin);
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

    /** The handler for the request, wrapped in its access check; 405 and 404 for paths it does not serve. */
    private Handler route(ServerRequest req, ServerResponse res, boolean admin) {
        String path = req.path().path();
        String prefix = admin ? ADMIN_PREFIX : READ_PREFIX;
        if (!path.startsWith(prefix)) {
            throw ApiException.notFound("no route for " + req.prologue().method().text() + " " + path
                    + " (the Stashboard API is " + ADMIN_PREFIX + "...)");
        }
        String rest = path.substring(prefix.length());
        Method m = req.prologue().method();
        if (rest.equals("services")) {
            return pick(m, res, admin, this::listServices, this::createService, null);
        }
        if (rest.startsWith("services/")) {
            Ref ref = resolve(rest.substring("services/".length()));
            String id = ref.service();
            return switch (ref.kind()) {
                case SERVICE -> pick(m, res, admin, (q, s) -> getService(q, s, id), (q, s) -> updateService(q, s, id),
                        (q, s) -> deleteService(q, s, id));
                case EVENTS -> pick(m, res, admin, (q, s) -> listEvents(q, s, id), (q, s) -> createEvent(q, s, id), null);
                case CURRENT -> pick(m, res, admin, (q, s) -> currentEvent(q, s, id), null, null);
                case EVENT -> pick(m, res, admin, (q, s) -> getEvent(q, s, id, ref.sid()), null,
                        (q, s) -> deleteEvent(q, s, id, ref.sid()));
            };
        }
        if (rest.equals("statuses")) {
            return pick(m, res, admin, this::listStatuses, this::createStatus, null);
        }
        if (rest.startsWith("statuses/")) {
            String slug = rest.substring("statuses/".length());
            return pick(m, res, admin, (q, s) -> getStatus(q, s, slug), (q, s) -> updateStatus(q, s, slug),
                    (q, s) -> deleteStatus(q, s, slug));
        }
        throw ApiException.notFound("no route for " + m.text() + " " + path);
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
        List<TargetDecl> services = topology.declarations().stream()
                .filter(d -> ManualService.KIND.equals(d.kind()))
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
        String slug = Slugs.of(name);
        if (slug.isEmpty()) {
            throw ApiException.badRequest("name '" + name + "' has no letter or digit to make an id from");
        }
        Optional<TargetDecl> existing = topology.declaration(slug);
        if (existing.isPresent()) {
            throw new ApiException(Status.CONFLICT_409, ManualService.KIND.equals(existing.get().kind())
                    ? "service '" + slug + "' already exists"
                    : "'" + slug + "' is already a target of kind " + existing.get().kind());
        }
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        spec.put("id", slug);
        spec.put("name", name);
        f.nonBlank("description").ifPresent(d -> spec.put("description", d));
        spec.putObject("manual");
        TargetDecl created = topology.putTarget(spec, true);
        send(res, Status.CREATED_201, service(base(req), created));
    }

    private void getService(ServerRequest req, ServerResponse res, String id) {
        send(res, Status.OK_200, service(base(req), requireService(id)));
    }

    /** Changes name and/or description (never the id); a service from the config file is 409. */
    private void updateService(ServerRequest req, ServerResponse res, String id) {
        TargetDecl decl = requireService(id);
        Fields f = Fields.read(req);
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
        send(res, Status.OK_200, service(base(req), updated));
    }

    /** Deletes the service (its target) and its events; answers the service as it was. */
    private void deleteService(ServerRequest req, ServerResponse res, String id) {
        ObjectNode was = service(base(req), requireService(id));
        if (!topology.removeTarget(id)) {
            throw notFound(id);
        }
        send(res, Status.OK_200, was);
    }

    private TargetDecl requireService(String id) {
        return topology.declaration(id).filter(d -> ManualService.KIND.equals(d.kind())).orElseThrow(() -> notFound(id));
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("Service " + id + " not found");
    }

    private ObjectNode service(String base, TargetDecl d) {
        Optional<ObjectNode> current = manual.current(d.id()).map(e -> event(base, e));
        return StashJson.service(base, d.id(), d.def().name(), d.description().orElse(""), current);
    }

    // ---------------------------------------------------------------- events

    private void listEvents(ServerRequest req, ServerResponse res, String id) {
        requireService(id);
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
        requireService(id);
        Fields f = Fields.read(req);
        ManualEvent e = manual.record(id, f.get("status"), f.get("message").orElse(null),
                f.bool("informational").orElse(false));
        send(res, Status.CREATED_201, event(base(req), e));
    }

    private void currentEvent(ServerRequest req, ServerResponse res, String id) {
        requireService(id);
        ManualEvent e = manual.current(id)
                .orElseThrow(() -> ApiException.notFound("No current event for Service " + id));
        send(res, Status.OK_200, event(base(req), e));
    }

    private void getEvent(ServerRequest req, ServerResponse res, String id, String sid) {
        requireService(id);
        ManualEvent e = sid(sid).flatMap(n -> manual.event(id, n)).orElseThrow(() -> noEvent(id, sid));
        send(res, Status.OK_200, event(base(req), e));
    }

    private void deleteEvent(ServerRequest req, ServerResponse res, String id, String sid) {
        requireService(id);
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

    private void createStatus(ServerRequest req, ServerResponse res) {
        ManualStatus s = manual.createStatus(statusFields(Fields.read(req)));
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
        return new ManualService.StatusFields(f.get("name"), f.get("description"), f.get("image"),
                severity.or(() -> level), f.bool("default"));
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The absolute base of resource URLs, as Stashboard wrote them ({@code http://host/api/v1}): the
     * scheme of the connection and the request's Host header. A Host that is not a plain host[:port]
     * is not echoed; the URLs are then relative ({@code /api/v1/...}).
     */
    static String base(ServerRequest req) {
        return req.headers().first(HeaderNames.HOST).map(String::strip).filter(h -> HOST.matcher(h).matches())
                .map(h -> (req.isSecure() ? "https" : "http") + "://" + h + "/api/v1")
                .orElse("/api/v1");
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
