package dev.watchpost.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.Postgres;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Tag("postgres")
class ClusterRoutesTest {

    @TempDir
    Path dir;

    @Test
    void aSingleNodeSaysSoAndTheRouteNeedsAReadTokenEvenWhenReadsArePublic() {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of())) {
            Http http = server.http();
            Http.assertError(http.get("/api/v1/cluster"), 401,
                    "this route needs an API token with scope 'read': send Authorization: Bearer <token>");
            JsonNode body = Http.json(http.get("/api/v1/cluster", TestServer.READ));
            assertThat(body.get("mode").asText()).isEqualTo("single");
        }
    }

    @Test
    void twoNodesOnOneDatabaseSeeEachOtherAndSplitThePartitions() throws Exception {
        String url = Postgres.freshDatabaseUrl();
        int portA = freePort();
        int portB = freePort();
        try (TestServer a = TestServer.start(dir.resolve("a"), Clock.systemUTC(), node(url, "node-a", portA));
             TestServer b = TestServer.start(dir.resolve("b"), Clock.systemUTC(), node(url, "node-b", portB))) {
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                JsonNode body = Http.json(a.http().get("/api/v1/cluster", TestServer.READ));
                assertThat(body.get("mode").asText()).isEqualTo("cluster");
                assertThat(body.get("node").asText()).isEqualTo("node-a");
                assertThat(body.get("partitions_unowned").asInt()).isZero();
                assertThat(body.get("nodes")).hasSize(2);
                for (JsonNode n : body.get("nodes")) {
                    assertThat(n.get("live").asBoolean()).isTrue();
                    assertThat(n.get("partitions").asInt()).isEqualTo(128);
                    assertThat(n.get("same_config").asBoolean()).isTrue();
                }
                assertThat(body.get("nodes").get(1).get("advertise_url").asText()).isEqualTo("http://127.0.0.1:" + portB);
            });
            String metrics = b.http().get("/metrics", TestServer.READ).body();
            assertThat(metrics).containsPattern("(?m)^watchpost_cluster_partitions_owned\\{[^}]*} 128\\.0$")
                    .containsPattern("(?m)^watchpost_cluster_nodes_live\\{[^}]*} 2\\.0$");
            assertThat(b.http().get("/api/v1/cluster", TestServer.READ).body()).doesNotContain("cluster-secret");
        }
    }

    private static Map<String, String> node(String dbUrl, String id, int port) {
        return Map.of("WATCHPOST_DB_URL", dbUrl, "WATCHPOST_PORT", Integer.toString(port),
                "WATCHPOST_CLUSTER_SECRET", "cluster-secret-0123456789",
                "WATCHPOST_SECRETS_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                "WATCHPOST_NODE_ID", id, "WATCHPOST_ADVERTISE_URL", "http://127.0.0.1:" + port);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
