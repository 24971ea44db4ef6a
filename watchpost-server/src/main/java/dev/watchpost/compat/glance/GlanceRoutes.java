package dev.watchpost.compat.glance;

import dev.watchpost.auth.Scope;
import dev.watchpost.auth.Tokens;
import dev.watchpost.live.GroupNode;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Observation;
import dev.watchpost.live.State;
import dev.watchpost.web.ApiException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Glance's push routes, byte-compatible for its bots (CONTRACTS.md §1):
 * {@code POST /api/status/{cluster}/{id}/{state}} and {@code POST /api/health/{cluster}/{id}}, both
 * 204 with an empty body. As Glance's router, a shard or state that is not a whole number is no
 * route (404) and another method on these paths is 405. Fixed on purpose: a missing Authorization
 * header is 401 (not 500), the state number is range-checked, and the passphrase is compared in
 * constant time.
 */
public final class GlanceRoutes implements HttpService {

    static final String UNAUTHORIZED = "this endpoint requires authorization";
    /** What Glance's router takes as a number in a path ({@code <id:int>}); anything else matches no route. */
    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?\\d+");
    private static final String STATUS = "/api/status/{cluster}/{id}/{state}";
    private static final String HEALTH = "/api/health/{cluster}/{id}";

    private final LiveState live;
    private final GlanceClusters clusters;
    private final Optional<byte[]> passphrase;
    private final Tokens tokens;

    public GlanceRoutes(LiveState live, GlanceClusters clusters, Optional<String> passphrase, Tokens tokens) {
        this.live = live;
        this.clusters = clusters;
        this.passphrase = passphrase.filter(p -> !p.isEmpty()).map(p -> p.getBytes(StandardCharsets.UTF_8));
        this.tokens = tokens;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post(STATUS, this::status)
                .post(HEALTH, this::health)
                .any(STATUS, GlanceRoutes::onlyPost)
                .any(HEALTH, GlanceRoutes::onlyPost);
    }

    private static void onlyPost(ServerRequest req, ServerResponse res) {
        requireRoute(req);
        res.header(HeaderNames.ALLOW, "POST");
        throw new ApiException(Status.METHOD_NOT_ALLOWED_405,
                "method " + req.prologue().method().text() + " is not allowed on " + req.path().path() + " (use POST)");
    }

    /** Glance's routes take whole numbers for the shard and the state; other paths are not its routes. */
    private static void requireRoute(ServerRequest req) {
        var params = req.path().pathParameters();
        for (String name : new String[] {"id", "state"}) {
            if (params.contains(name) && !WHOLE_NUMBER.matcher(params.get(name)).matches()) {
                throw ApiException.notFound("no route for " + req.prologue().method().text() + " " + req.path().path()
                        + " (the shard and the state are whole numbers)");
            }
        }
    }

    private void status(ServerRequest req, ServerResponse res) {
        requireRoute(req);
        authorize(req);
        Shard shard = shard(req);
        String raw = req.path().pathParameters().get("state");
        State state = parseState(raw);
        live.observe(shard.target(), Observation.report(state));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void health(ServerRequest req, ServerResponse res) {
        requireRoute(req);
        authorize(req);
        Shard shard = shard(req);
        // "Never posted a status" (Glance's rule), not "state is Unknown": a shard may report Unknown (0).
        boolean reported = live.target(shard.target()).map(v -> v.lastSeen() >= 0).orElse(false);
        if (!reported) {
            throw new ApiException(Status.CONFLICT_409,
                    "shard '" + shard.id() + "' is not known to the system yet, please populate your status");
        }
        live.observe(shard.target(), Observation.health());
        res.status(Status.NO_CONTENT_204).send();
    }

    private record Shard(String cluster, String id, String target) {
    }

    private Shard shard(ServerRequest req) {
        String cluster = req.path().pathParameters().get("cluster");
        String id = req.path().pathParameters().get("id");
        GroupNode group = clusters.group(cluster)
                .orElseThrow(() -> ApiException.badRequest("cluster '" + cluster + "' does not exist"));
        int n;
        try {
            n = Integer.parseInt(id);
        } catch (NumberFormatException e) { // a whole number too large for any cluster
            n = -1;
        }
        if (n < 0 || n >= group.def().shards()) {
            throw ApiException.badRequest("shard '" + id + "' falls outside the range of valid shards on cluster '" + cluster + "'");
        }
        return new Shard(cluster, id, group.id() + "/" + n);
    }

    static State parseState(String raw) {
        int code;
        try {
            code = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            code = -1;
        }
        if (code < 0 || code > State.GLANCE_MAX) {
            throw ApiException.badRequest("state '" + raw + "' is not a valid state (0-" + State.GLANCE_MAX + ")");
        }
        if (code == State.UNHEALTHY.code()) {
            throw ApiException.badRequest("state '1' (unhealthy) is set by the server only");
        }
        return State.ofCode(code).orElseThrow();
    }

    /**
     * With a passphrase set, Glance's raw {@code Authorization: <passphrase>} (or {@code Bearer
     * <passphrase>}) is required; a Watchpost ingest token is accepted too, so bots can move to
     * per-bot tokens. Without a passphrase the routes are open, as Glance's were.
     */
    private void authorize(ServerRequest req) {
        if (passphrase.isEmpty()) {
            return;
        }
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("").trim();
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            header = header.substring(7).trim();
        }
        if (header.isEmpty()) {
            throw new ApiException(Status.UNAUTHORIZED_401, UNAUTHORIZED);
        }
        boolean ok = MessageDigest.isEqual(passphrase.get(), header.getBytes(StandardCharsets.UTF_8));
        if (!ok && tokens.authenticate(header).filter(p -> p.scope().grants(Scope.INGEST)).isEmpty()) {
            throw new ApiException(Status.UNAUTHORIZED_401, UNAUTHORIZED);
        }
    }
}
