package dev.watchpost.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.ClusterNodes;
import dev.watchpost.testing.ClusterNodes.Node;
import dev.watchpost.testing.ClusterNodes.RoundRobin;
import dev.watchpost.testing.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The multi-node harness itself: real processes on one real PostgreSQL that start, join as a
 * cluster, and can be killed, paused and restarted one by one. What the cluster does with its nodes
 * (ownership, take-over, forwarding) is asserted by the cluster tests built on it.
 */
@Tag("postgres")
class ClusterHarnessTest {

    @TempDir
    Path dir;

    ClusterNodes cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void threeNodesOnOnePostgresCanBeKilledPausedAndRestarted() throws Exception {
        List<Long> childrenBefore = children();
        cluster = ClusterNodes.builder(dir).nodes(3).config("""
                targets:
                  - { id: load/a, name: Load A, push: { every: 1h } }
                """).start();
        List<Long> pids = new ArrayList<>();
        List<Node> nodes = cluster.nodes();
        assertThat(nodes).hasSize(3);
        for (Node node : nodes) {
            pids.add(node.pid());
            assertThat(node.http().get("/readyz").statusCode()).as(node.id()).isEqualTo(200);
            assertThat(node.url()).isEqualTo("http://127.0.0.1:" + node.port());
            assertThat(node.env()).containsEntry("WATCHPOST_NODE_ID", node.id())
                    .containsEntry("WATCHPOST_ADVERTISE_URL", node.url());
            // ready as soon as it listens; the line follows once it also serves its partitions
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                    .untilAsserted(() -> assertThat(node.log()).contains("event=server.started address=" + node.url()));
        }
        assertThat(nodes).extracting(Node::port).doesNotHaveDuplicates();
        // The cluster variables reach the servers: they join as the nodes the harness named.
        awaitSettled(nodes);

        // Made through node 0, stored in the shared database: node 1 has it after a restart.
        HttpResponse<String> created = cluster.node(0).http().postJson("/api/v1/targets",
                "{\"id\":\"api/made-on-node-0\",\"push\":{\"every\":\"1h\"}}", ClusterNodes.ADMIN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(storedTargets()).contains("api/made-on-node-0");
        Node one = cluster.node(1);
        one.restart();
        pids.add(one.pid());
        HttpResponse<String> onOne = one.http().get("/api/v1/targets/api/made-on-node-0");
        assertThat(onOne.statusCode()).as(onOne.body()).isEqualTo(200);

        // SIGKILL node 1: its process is gone, the others answer.
        long killed = one.pid();
        one.kill9();
        assertThat(one.alive()).isFalse();
        assertThat(ProcessHandle.of(killed).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(cluster.node(0).http().get("/healthz").statusCode()).isEqualTo(200);
        assertThat(cluster.node(2).http().get("/healthz").statusCode()).isEqualTo(200);

        // SIGSTOP node 2: its socket still accepts, but nothing answers.
        Node two = cluster.node(2);
        two.pause();
        assertThat(two.alive()).isTrue();
        assertThatThrownBy(() -> two.http().send(two.http().request("/healthz").timeout(Duration.ofSeconds(1)).GET().build()))
                .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(HttpTimeoutException.class);

        // The round robin skips the killed and the paused node. Whether node 0 can take the report
        // depends on who owns the target: 204 once it or a takeover has it, 503 when that takes too long.
        RoundRobin degraded = cluster.roundRobin();
        for (int i = 0; i < 3; i++) {
            degraded.heartbeat("load/a", "{\"state\":\"online\"}");
        }
        assertThat(degraded.countByNode()).isEqualTo(Map.of(0, 3));
        assertThat(degraded.answers()).extracting(RoundRobin.Answer::status).allMatch(s -> s == 204 || s == 503);

        two.resume();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> two.http().get("/healthz").statusCode() == 200);

        // Back from SIGKILL on the same port.
        one.restart();
        pids.add(one.pid());
        assertThat(one.pid()).isNotEqualTo(killed);
        assertThat(new Http(one.port()).get("/readyz").statusCode()).isEqualTo(200);

        // All three back and settled: every node takes reports again, in turn.
        awaitSettled(nodes);
        RoundRobin load = cluster.roundRobin();
        for (int i = 0; i < 6; i++) {
            load.heartbeat("load/a", "{\"state\":\"offline\"}");
        }
        RoundRobin.Answer bad = load.post("/api/v1/heartbeats", "[not json");
        assertThat(bad.status()).as(bad.answer()).isEqualTo(400);
        assertThat(load.answers()).hasSize(7);
        assertThat(load.answers().subList(0, 6)).extracting(RoundRobin.Answer::node)
                .containsExactlyInAnyOrder(0, 0, 1, 1, 2, 2);
        assertThat(load.acknowledged()).as("%s", load.answers()).hasSize(6).doesNotContain(bad)
                .allMatch(a -> a.status() == 204);

        cluster.close();
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d", pid).isFalse();
        }
        noChildLeft(childrenBefore);
        assertThatThrownBy(() -> DriverManager.getConnection(cluster.postgres().url()).close())
                .as("PostgreSQL is stopped").isInstanceOf(SQLException.class);
        cluster.close(); // twice: nothing happens
    }

    @Test
    void aNodeThatExitsWhileStartingFailsTheStartWithItsLogAndLeavesNothingRunning() {
        List<Long> childrenBefore = children();
        assertThatThrownBy(() -> ClusterNodes.builder(dir).nodes(2).config("""
                targets:
                  - { id: web/shop, http: { url: "http://127.0.0.1:9/", every: soon } }
                """).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("node-0 exited with code 2 before it was ready")
                .hasMessageContaining("'soon' is not a duration");
        noChildLeft(childrenBefore);
        String postgresData = dir.resolve("postgres").toString();
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(postgresData)))
                .as("PostgreSQL is stopped").isEmpty();
    }

    /** Every node live in node 0's view, under the id and address the harness gave it, and every partition owned. */
    private void awaitSettled(List<Node> nodes) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode view = Http.json(cluster.node(0).http().get("/api/v1/cluster", ClusterNodes.ADMIN));
            assertThat(view.path("mode").asText()).isEqualTo("cluster");
            List<String> live = new ArrayList<>();
            view.path("nodes").forEach(n -> {
                if (n.path("live").asBoolean()) {
                    live.add(n.path("id").asText() + " " + n.path("advertise_url").asText());
                }
            });
            assertThat(live).containsExactlyInAnyOrderElementsOf(nodes.stream().map(n -> n.id() + " " + n.url()).toList());
            assertThat(view.path("partitions_unowned").asInt()).isZero();
        });
    }

    /**
     * No process the test JVM started since {@code before} is still running. A stopped process can
     * take a moment to be gone (a pg_ctl that waits for the server to stop, under load), so this
     * waits a little, and names what is left.
     */
    private static void noChildLeft(List<Long> before) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(ProcessHandle.current().children()
                .filter(ProcessHandle::isAlive).filter(p -> !before.contains(p.pid()))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList())
                .as("children of the test JVM started here and still running").isEmpty());
    }

    private static List<Long> children() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
    }

    private List<String> storedTargets() throws SQLException {
        try (Connection c = DriverManager.getConnection(cluster.postgres().url());
             PreparedStatement ps = c.prepareStatement("SELECT id FROM target ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            List<String> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
            return ids;
        }
    }
}
