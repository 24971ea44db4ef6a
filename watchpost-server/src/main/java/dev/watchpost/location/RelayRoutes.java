package dev.watchpost.location;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.probe.ProbeScheduler;
import dev.watchpost.web.ApiException;
import dev.watchpost.web.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@code POST /internal/cluster/prober-results}: probers' results another node took and passes to
 * this one, the owner of their targets ({@link ResultRelay}); only for a caller presenting the
 * cluster secret, and refused with 401 to everyone on a single node. Each result is applied exactly
 * as if its prober had posted it here (its time kept, current or history as here decided), and the
 * location counts as known here (what {@code locations: all} means) but not as heard from: a node
 * watches, for "location lost", only the probers that talk to it (see {@link Probers}).
 *
 * <p>Body {@code {"batches":[{"location":"eu","results":[…as a prober sends them…]}]}}; answer
 * {@code {"batches":[["current","history","duplicate","not_assigned","refused","moved",…]]}}, one word
 * per result in the order sent; {@code moved}: this node does not own the target (any more), so the
 * sender routes it again.
 */
public final class RelayRoutes implements HttpService {

    private final ProbeScheduler probes;
    private final Probers probers;
    private final Optional<byte[]> secret;
    private final Clock clock;

    /** @param secret the cluster secret; empty on a single node, where the route refuses everyone */
    public RelayRoutes(ProbeScheduler probes, Probers probers, Optional<String> secret, Clock clock) {
        this.probes = probes;
        this.probers = probers;
        this.secret = secret.map(s -> s.getBytes(StandardCharsets.UTF_8));
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post(ResultRelay.PATH, this::take);
    }

    private void take(ServerRequest req, ServerResponse res) {
        requireSecret(req);
        JsonNode body = Json.read(req);
        JsonNode groups = body.path("batches");
        if (!groups.isArray()) {
            throw ApiException.badRequest("body.batches: expected a list of {\"location\", \"results\"}");
        }
        Instant now = clock.instant();
        ObjectNode answer = Json.MAPPER.createObjectNode();
        ArrayNode out = answer.putArray("batches");
        for (JsonNode group : groups) {
            ResultBatch batch;
            try {
                batch = ResultBatch.read(group, now);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            probers.relayed(batch.location());
            String[] fates = new String[group.path("results").size()];
            Arrays.fill(fates, "refused");
            for (ResultBatch.Result r : batch.results()) {
                ProbeScheduler.Reported fate = probes.report(r.target(), batch.location(), r.result(), r.at());
                fates[r.index()] = switch (fate) {
                    case CURRENT -> "current";
                    case HISTORY -> "history";
                    case DUPLICATE -> "duplicate";
                    case NOT_ASSIGNED -> "not_assigned";
                    case ELSEWHERE -> "moved";
                };
            }
            ArrayNode words = out.addArray();
            for (String f : fates) {
                words.add(f);
            }
        }
        Json.send(res, Status.OK_200, answer);
    }

    private void requireSecret(ServerRequest req) {
        String h = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        byte[] given = (h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : "")
                .getBytes(StandardCharsets.UTF_8);
        if (secret.isEmpty() || !MessageDigest.isEqual(given, secret.get())) {
            throw new ApiException(Status.UNAUTHORIZED_401, "node-to-node route: it needs the cluster secret, and cluster mode on");
        }
    }
}
