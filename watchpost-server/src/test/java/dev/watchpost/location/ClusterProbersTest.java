package dev.watchpost.location;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.cluster.Partitions;
import dev.watchpost.testing.ClusterNodes;
import dev.watchpost.testing.Http;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import static dev.watchpost.testing.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two real Watchpost processes on one PostgreSQL, and a plain HTTP client playing the probers: a
 * prober may send its results to either node; the node that does not own the target passes them to
 * the one that does, where they count in the target's quorum as if sent there.
 */
@Tag("postgres")
class ClusterProbersTest {

    private static final int TARGETS = 16;

    @TempDir
    Path dir;

    @Test
    void resultsSentToANodeThatDoesNotOwnTheTargetReachItsOwnerAndDecideItsQuorumThere() throws Exception {
        StringBuilder yaml = new StringBuilder("targets:\n");
        for (int i = 0; i < TARGETS; i++) {
            yaml.append("""
                      - id: web/%d
                        http:
                          url: http://127.0.0.1:9/
                          every: 60s
                          timeout: 50s   # a round's deadline lies 25 s or more after any check dated now
                          locations: [eu, us, asia]
                          quorum: 2
                          failure-threshold: 1
                    """.formatted(i));
        }
        try (ClusterNodes cluster = ClusterNodes.builder(dir).nodes(2).config(yaml.toString()).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.liveNodes(0) == 2 && cluster.unowned(0) == 0
                    && cluster.liveNodes(1) == 2 && cluster.unowned(1) == 0);
            // Partitions are shared out between the two nodes a little after both are live: wait for
            // node 0 to own one of the targets rather than reading the first moment's split.
            String target = await().atMost(Duration.ofSeconds(30)).until(() -> ownedBy(cluster, cluster.node(0).id()),
                    java.util.Objects::nonNull);
            Http a = cluster.node(0).http();
            Http b = cluster.node(1).http();
            HttpResponse<String> t = a.postJson("/api/v1/tokens", "{\"scope\":\"prober\"}", ClusterNodes.ADMIN);
            assertThat(t.statusCode()).as(t.body()).isEqualTo(201);
            String prober = json(t).get("token").asText();
            // Another node learns of a new token within its refresh (5 s): wait for b to take it.
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    b.get("/api/v1/prober/assignments?location=eu&wait=0s", prober).statusCode() == 200);

            // eu sends to b, which does not own the target: it answers at once, counting the result passed on
            Instant at = Instant.now();
            JsonNode answer = post(b, prober, "eu", target, at, "down", "status 503");
            assertThat(answer.get("forwarded").asInt()).as(answer.toString()).isEqualTo(1);
            assertThat(answer.get("current").asInt()).isZero();
            assertThat(answer.get("refused")).isEmpty();
            String id = target;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode probe = json(a.get("/api/v1/targets/" + id + "/probe"));
                JsonNode eu = probe.get("locations").get(0);
                assertThat(eu.get("location").asText()).isEqualTo("eu");
                assertThat(eu.path("reason").asText()).as(probe.toString()).isEqualTo("status 503");
                assertThat(Instant.parse(eu.get("checked_at").asText())).as("its own time").isEqualTo(at);
            });
            // one location is not a quorum of two: nothing changes yet
            assertThat(state(a, id)).isNotEqualTo("down");

            // us agrees, through b too: two of three down, decided on the owner
            answer = post(b, prober, "us", target, at, "down", "connection refused");
            assertThat(answer.get("forwarded").asInt()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(state(a, id))
                    .as(() -> a.get("/api/v1/targets/" + id + "/probe").body() + " " + a.get("/api/v1/targets/" + id,
                            ClusterNodes.ADMIN).body()).isEqualTo("down"));
            JsonNode probe = json(a.get("/api/v1/targets/" + id + "/probe"));
            assertThat(probe.at("/quorum/outcome").asText()).isEqualTo("down");
            assertThat(probe.at("/quorum/summary").asText()).as(probe.toString()).startsWith("down from eu (status 503) and us (connection refused)");
            // every node shows the owner's state (replicated through the database)
            await().atMost(Duration.ofSeconds(10)).until(() -> state(b, id).equals("down"));

            // sent to the owner itself, a result is taken there as always
            answer = post(a, prober, "asia", target, at, "up", "status 200");
            assertThat(answer.get("current").asInt()).as(answer.toString()).isEqualTo(1);
            assertThat(answer.get("forwarded").asInt()).isZero();

            // the node-to-node route is for nodes only
            HttpResponse<String> r = b.postJson("/internal/cluster/prober-results", "{\"batches\":[]}", prober);
            Http.assertError(r, 401, "node-to-node route: it needs the cluster secret, and cluster mode on");
            r = b.postJson("/internal/cluster/prober-results", "{\"batches\":[{\"location\":\"local\",\"results\":[]}]}",
                    ClusterNodes.CLUSTER_SECRET);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        }
    }

    private static JsonNode post(Http node, String token, String location, String target, Instant at, String outcome,
                                 String reason) {
        HttpResponse<String> r = node.postJson("/api/v1/prober/results", "{\"location\":\"" + location + "\",\"results\":[{"
                + "\"target\":\"" + target + "\",\"checked_at\":\"" + at + "\",\"outcome\":\"" + outcome
                + "\",\"latency_ms\":12,\"reason\":\"" + reason + "\"}]}", token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    private static String state(Http node, String id) {
        return json(node.get("/api/v1/targets/" + id, ClusterNodes.ADMIN)).path("target").path("state").asText();
    }

    /** A target that {@code node} owns now, or null. */
    private static String ownedBy(ClusterNodes cluster, String node) throws Exception {
        for (int i = 0; i < TARGETS; i++) {
            if (node.equals(ownerOf(cluster, "web/" + i))) {
                return "web/" + i;
            }
        }
        return null;
    }

    private static String ownerOf(ClusterNodes cluster, String targetId) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        try (Connection c = DriverManager.getConnection(cluster.postgres().url(), p);
             PreparedStatement ps = c.prepareStatement("SELECT owner FROM cluster_partition WHERE partition_no = ?")) {
            ps.setInt(1, Partitions.of(targetId));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
