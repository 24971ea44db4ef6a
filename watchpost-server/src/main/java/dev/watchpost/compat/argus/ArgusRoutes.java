package dev.watchpost.compat.argus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.auth.Access;
import dev.watchpost.auth.Scope;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Argus Fleet's HTTP surface (see CONTRACTS.md §2):
 * <ul>
 *   <li>{@code POST /fleet/register}, {@code POST /fleet/heartbeat}: the member protocol, ingest scope;</li>
 *   <li>{@code GET /api/fleet/view}, {@code GET /api/fleet/cluster?fleet=&number=},
 *       {@code GET /api/fleet/targets}: read scope (or public reads);</li>
 *   <li>{@code DELETE /api/fleet/cluster?fleet=&number=}: prune a member, admin scope (an addition;
 *       its number is never given again).</li>
 * </ul>
 * Every error is {@code {"error": "..."}}. A token bucket per client address guards every route
 * (checked before the token, so floods cost little) and one per identity guards register and
 * heartbeat; an empty bucket answers 429 with {@code Retry-After}. The client address is the TCP
 * peer: behind a reverse proxy all clients share the proxy's bucket, so size {@code perIp} for that.
 */
public final class ArgusRoutes implements HttpService {

    /** Buckets kept per limiter; see {@link RateLimiter} for what happens beyond. */
    static final int MAX_BUCKETS = 10_000;

    private final ArgusFleet fleet;
    private final Access access;
    private final Clock clock;
    private final RateLimiter perIdentity;
    private final RateLimiter perIp;
    private final Optional<PrometheusSource> prometheus;
    private final int historyPoints;

    /** Pushed figures only. */
    public ArgusRoutes(ArgusFleet fleet, Access access, Clock clock, ArgusSettings settings) {
        this(fleet, access, clock, settings, Optional.empty());
    }

    /**
     * @param prometheus when present, its figures win over the pushed ones in the view and the
     *                   cluster detail (see {@link PrometheusSource}); the caller closes it
     */
    public ArgusRoutes(ArgusFleet fleet, Access access, Clock clock, ArgusSettings settings,
                       Optional<PrometheusSource> prometheus) {
        this.prometheus = Objects.requireNonNull(prometheus, "prometheus");
        this.fleet = fleet;
        this.access = access;
        this.clock = clock;
        this.perIdentity = new RateLimiter(settings.perIdentity(), MAX_BUCKETS);
        this.perIp = new RateLimiter(settings.perIp(), MAX_BUCKETS);
        this.historyPoints = settings.historyPoints();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/fleet/register", byAddress(access.require(Scope.INGEST, this::register)))
                .post("/fleet/heartbeat", byAddress(access.require(Scope.INGEST, this::heartbeat)))
                .get("/api/fleet/view", byAddress(access.read(this::view)))
                .get("/api/fleet/cluster", byAddress(access.read(this::cluster)))
                .delete("/api/fleet/cluster", byAddress(access.require(Scope.ADMIN, this::prune)))
                .get("/api/fleet/targets", byAddress(access.read(this::targets)));
    }

    // ---------------------------------------------------------------- member protocol

    private void register(ServerRequest req, ServerResponse res) {
        JsonNode body = object(Json.read(req));
        String identity = identity(body, res);
        ArgusFleet.Registration r;
        try {
            r = new ArgusFleet.Registration(identity, text(body, "fleet").orElse(ArgusFleet.DEFAULT_FLEET),
                    text(body, "version"), text(body, "scrape_target"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        ArgusFleet.Registered registered;
        try {
            registered = fleet.register(r, lease(body));
        } catch (ArgusFleet.Conflict e) {
            throw new ApiException(Status.CONFLICT_409, e.getMessage());
        } catch (ArgusFleet.Full e) {
            throw new ApiException(Status.TOO_MANY_REQUESTS_429, e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("number", registered.number());
        out.put("lease", registered.lease());
        Json.send(res, Status.OK_200, out);
    }

    private void heartbeat(ServerRequest req, ServerResponse res) {
        JsonNode body = object(Json.read(req));
        String identity = identity(body, res);
        Optional<String> lease = lease(body);
        JsonNode snapshot = body.get("snapshot");
        ParsedSnapshot parsed = null;
        if (snapshot != null && !snapshot.isNull()) {
            try {
                parsed = fleet.parse(snapshot);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        ArgusFleet.HeartbeatOutcome outcome;
        try {
            outcome = fleet.heartbeat(identity, lease, parsed);
        } catch (ArgusFleet.Conflict e) {
            throw new ApiException(Status.CONFLICT_409, e.getMessage());
        }
        switch (outcome) {
            case ACCEPTED -> res.status(Status.NO_CONTENT_204).send();
            case UNKNOWN_IDENTITY -> throw new ApiException(Status.NOT_FOUND_404, "identity '" + identity
                    + "' is not registered; register again with POST /fleet/register", Map.of("register", true));
            case LEASE_MISMATCH -> throw new ApiException(Status.CONFLICT_409, "the lease does not match identity '"
                    + identity + "': another process registered it since; stop this one or give it its own identity");
        }
    }

    // ---------------------------------------------------------------- reads

    /** Whether this reader sees the fleet: it is public, or the reader holds a token that may read. */
    private boolean shown(ServerRequest req) {
        return fleet.isPublic() || access.seesPrivate(req);
    }

    private void view(ServerRequest req, ServerResponse res) {
        // A private fleet reads as one nobody has joined yet.
        Json.send(res, Status.OK_200, shown(req) ? viewJson()
                : FleetJson.view(List.of(), clock.millis(), "push", Optional.empty()));
    }

    private void cluster(ServerRequest req, ServerResponse res) {
        String f = fleetParam(req);
        int n = numberParam(req);
        Json.send(res, Status.OK_200, (shown(req) ? clusterJson(f, n) : Optional.<Map<String, Object>>empty())
                .orElseThrow(() -> ApiException.notFound("no cluster " + n + " in fleet '" + f + "'")));
    }

    /**
     * The body of {@code GET /api/fleet/view} (Prometheus merged in when configured), with
     * {@code grades} beside every metrics object. For other readers of the same figures, such as the
     * status page's fleet pages, so both show one truth.
     */
    public Map<String, Object> viewJson() {
        List<ArgusFleet.Cluster> clusters = fleet.clusters();
        Optional<PrometheusReading> reading = prometheus.map(PrometheusSource::read);
        return FleetJson.view(reading.map(r -> r.merge(clusters)).orElse(clusters), clock.millis(),
                reading.map(PrometheusReading::source).orElse("push"), reading.flatMap(PrometheusReading::error));
    }

    /**
     * The body of {@code GET /api/fleet/cluster?fleet=&number=}; empty when there is no such cluster.
     * The history comes from where the current values come from: Prometheus' range queries for a
     * cluster it has series for, else the pushed snapshots.
     */
    public Optional<Map<String, Object>> clusterJson(String fleetName, int number) {
        Optional<ArgusFleet.Detail> d;
        try {
            ArgusFleet.checkFleet(fleetName);
            d = fleet.cluster(fleetName, number);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (d.isEmpty()) {
            return Optional.empty();
        }
        ArgusFleet.Detail detail = d.get();
        Optional<PrometheusReading> reading = prometheus.map(PrometheusSource::read);
        if (reading.isEmpty() || reading.get().error().isPresent() || !reading.get().has(detail.cluster().identity())) {
            return Optional.of(FleetJson.detail(detail, Optional.empty()));
        }
        PrometheusSource.History history = prometheus.get().history(detail.cluster().identity(), historyPoints);
        return Optional.of(FleetJson.detail(new ArgusFleet.Detail(reading.get().merge(detail.cluster()), history.points()),
                history.error()));
    }

    private void prune(ServerRequest req, ServerResponse res) {
        String f = fleetParam(req);
        int n = numberParam(req);
        if (!fleet.prune(f, n)) {
            throw ApiException.notFound("no cluster " + n + " in fleet '" + f + "'");
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    private void targets(ServerRequest req, ServerResponse res) {
        Json.send(res, Status.OK_200, FleetJson.targets(shown(req) ? fleet.clusters() : List.of()));
    }

    // ---------------------------------------------------------------- input

    private static JsonNode object(JsonNode body) {
        if (!body.isObject()) {
            throw ApiException.badRequest("request body must be a JSON object, got " + body.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return body;
    }

    /** The valid {@code identity}, after taking a token from its bucket. */
    private String identity(JsonNode body, ServerResponse res) {
        JsonNode node = body.get("identity");
        if (node == null || node.isNull()) {
            throw ApiException.badRequest("identity is required: a non-empty string naming this process");
        }
        if (!node.isTextual()) {
            throw ApiException.badRequest("identity must be a string, got " + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        String identity = node.textValue();
        try {
            ArgusFleet.checkIdentity(identity);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        limit(perIdentity, identity, res, "identity");
        return identity;
    }

    private static Optional<String> lease(JsonNode body) {
        Optional<String> lease = text(body, "lease");
        if (lease.isPresent() && (lease.get().isEmpty() || lease.get().length() > ArgusFleet.MAX_LEASE)) {
            throw ApiException.badRequest("lease must be the token register answered (1-" + ArgusFleet.MAX_LEASE
                    + " characters)");
        }
        return lease;
    }

    /** An optional string field: absent or null is empty; any other type is a 400. */
    private static Optional<String> text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw ApiException.badRequest(field + " must be a string, got " + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return Optional.of(node.textValue());
    }

    private static String fleetParam(ServerRequest req) {
        String f = req.query().first("fleet").asOptional()
                .orElseThrow(() -> ApiException.badRequest("query parameter 'fleet' is required"));
        try {
            ArgusFleet.checkFleet(f);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return f;
    }

    private static int numberParam(ServerRequest req) {
        String n = req.query().first("number").asOptional()
                .orElseThrow(() -> ApiException.badRequest("query parameter 'number' is required"));
        try {
            int number = Integer.parseInt(n);
            if (number >= 1 && n.chars().allMatch(Character::isDigit)) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("query parameter 'number' must be a positive integer, got '"
                + (n.length() > 20 ? n.substring(0, 20) + "…" : n) + "'");
    }

    // ---------------------------------------------------------------- rate limits

    private Handler byAddress(Handler next) {
        return (req, res) -> {
            limit(perIp, clientAddress(req), res, "address");
            next.handle(req, res);
        };
    }

    private void limit(RateLimiter limiter, String key, ServerResponse res, String what) {
        RateLimiter.Decision d = limiter.acquire(key, clock.millis());
        if (!d.allowed()) {
            long seconds = d.retryAfterSeconds();
            res.header(HeaderNames.RETRY_AFTER, Long.toString(seconds));
            throw new ApiException(Status.TOO_MANY_REQUESTS_429, "too many requests for this " + what
                    + "; retry after " + seconds + " s", Map.of("retry_after", seconds));
        }
    }

    private static String clientAddress(ServerRequest req) {
        SocketAddress a = req.remotePeer().address();
        if (a instanceof InetSocketAddress i && i.getAddress() != null) {
            return i.getAddress().getHostAddress();
        }
        return String.valueOf(a);
    }
}
