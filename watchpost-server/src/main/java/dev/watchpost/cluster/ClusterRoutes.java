package dev.watchpost.cluster;

import dev.watchpost.auth.Access;
import dev.watchpost.auth.Scope;
import dev.watchpost.web.Json;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /internal/cluster/observations}: reports another node passes to this one, their
 * owner (see {@link Forwarder}); only for a caller presenting the cluster secret, and refused with 401
 * to everyone on a single node.
 *
 * <p>{@code GET /api/v1/cluster}: the nodes, whether each is live, how many partitions each owns and
 * how current this node's view is; a single node says so. It needs a read token even when reads are
 * public: the nodes' internal addresses are for operators, not for the status page's visitors.
 */
public final class ClusterRoutes implements HttpService {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClusterRoutes.class);
    /** How long a forwarded batch waits for its state changes to be recorded: under the sender's timeout. */
    static final java.time.Duration RECORD_PATIENCE = Forwarder.OWNER_TIMEOUT.minusSeconds(1);

    private final Optional<Membership> membership;
    private final dev.watchpost.live.LiveState live;
    private final Optional<byte[]> secret;
    private final Access access;

    public ClusterRoutes(Optional<Membership> membership, dev.watchpost.live.LiveState live, Optional<String> secret,
                         Access access) {
        this.membership = membership;
        this.live = live;
        this.secret = secret.map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        this.access = access;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/v1/cluster", access.require(Scope.READ, (req, res) -> Json.send(res, Status.OK_200, body())));
        rules.post(Forwarder.PATH, (req, res) -> {
            requireSecret(req);
            com.fasterxml.jackson.databind.JsonNode items = Json.read(req);
            if (!items.isArray()) {
                throw new dev.watchpost.web.ApiException(Status.BAD_REQUEST_400, "expected a JSON array of reports");
            }
            List<String> results = new ArrayList<>(items.size());
            long decidedBefore = live.decided();
            for (com.fasterxml.jackson.databind.JsonNode item : items) {
                String target = item.path("target").asText("");
                dev.watchpost.live.Observation o;
                try {
                    o = Forwarder.ObservationJson.read(item);
                } catch (IllegalArgumentException | NullPointerException e) {
                    throw new dev.watchpost.web.ApiException(Status.BAD_REQUEST_400, "a report is not valid: " + e.getMessage());
                }
                // only what this node owns now: a report for a partition that moved goes back to be sent on
                results.add(!membership.get().owns(target) ? "moved"
                        : live.observe(target, o) == dev.watchpost.live.LiveState.Outcome.ACCEPTED ? "ok" : "unknown");
            }
            // The sender's client gets its 2xx when this answer arrives: a state change it caused is in the
            // database first, so this node dying a moment later cannot take it along. (Heartbeats that
            // change nothing answer at once; with the database away, this node keeps it as a single node would.)
            long decided = live.decided();
            if (decided != decidedBefore && !live.awaitRecorded(decided, RECORD_PATIENCE)) {
                LOG.debug("event=cluster.forwarded_unrecorded hint=\"answered before the database had it\"");
            }
            Json.send(res, Status.OK_200, Map.of("results", results));
        });
    }

    private void requireSecret(io.helidon.webserver.http.ServerRequest req) {
        String h = req.headers().first(io.helidon.http.HeaderNames.AUTHORIZATION).orElse("");
        byte[] given = (h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : "")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (secret.isEmpty() || membership.isEmpty() || !java.security.MessageDigest.isEqual(given, secret.get())) {
            throw new dev.watchpost.web.ApiException(Status.UNAUTHORIZED_401,
                    "node-to-node route: it needs the cluster secret, and cluster mode on");
        }
    }

    private Map<String, Object> body() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (membership.isEmpty()) {
            out.put("mode", "single");
            out.put("hint", "one node; cluster mode needs PostgreSQL and cluster.secret (see docs/scaling.md, \"Running several nodes\")");
            return out;
        }
        ClusterView v = membership.get().view();
        out.put("mode", "cluster");
        out.put("node", v.self());
        out.put("partitions", v.partitions());
        out.put("partitions_unowned", v.unowned());
        out.put("renewal_age_ms", v.renewalAgeMs());
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (ClusterView.Node n : v.nodes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", n.id());
            m.put("advertise_url", n.advertiseUrl());
            m.put("version", n.version());
            m.put("live", n.live());
            m.put("self", n.self());
            m.put("started_at", Instant.ofEpochMilli(n.startedAt()).toString());
            m.put("seen_ago_ms", n.seenAgoMs());
            m.put("partitions", n.partitions());
            m.put("same_config", n.sameConfig());
            nodes.add(m);
        }
        out.put("nodes", nodes);
        return out;
    }
}
