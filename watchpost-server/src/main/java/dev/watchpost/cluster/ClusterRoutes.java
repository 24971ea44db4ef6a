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
 * {@code GET /api/v1/cluster}: the nodes, whether each is live, how many partitions each owns and
 * how current this node's view is; a single node says so. It needs a read token even when reads are
 * public: the nodes' internal addresses are for operators, not for the status page's visitors.
 */
public final class ClusterRoutes implements HttpService {

    private final Optional<Membership> membership;
    private final Access access;

    public ClusterRoutes(Optional<Membership> membership, Access access) {
        this.membership = membership;
        this.access = access;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/v1/cluster", access.require(Scope.READ, (req, res) -> Json.send(res, Status.OK_200, body())));
    }

    private Map<String, Object> body() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (membership.isEmpty()) {
            out.put("mode", "single");
            out.put("hint", "one node; cluster mode needs PostgreSQL and cluster.secret (see README: Running several nodes)");
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
