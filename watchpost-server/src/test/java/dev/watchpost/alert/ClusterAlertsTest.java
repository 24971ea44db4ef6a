package dev.watchpost.alert;

import dev.watchpost.testing.Postgres;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Alerts with two nodes on one PostgreSQL database: each goes out once, and one a node left half-sent
 * is finished by another with the same delivery key, but never while its sender lives.
 */
@Tag("postgres")
class ClusterAlertsTest {

    private static final int TARGETS = 12;

    @TempDir
    Path dir;

    private final Receiver receiver = new Receiver();

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void everyAlertIsDeliveredOnceWhicheverNodeSendsIt() throws Exception {
        String url = Postgres.freshDatabaseUrl();
        try (TestServer a = TestServer.start(dir.resolve("a"), Clock.systemUTC(), node(url, "node-a"));
             TestServer b = TestServer.start(dir.resolve("b"), Clock.systemUTC(), node(url, "node-b"))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> ownersLive(url) == 2);
            for (int i = 0; i < TARGETS; i++) {
                TestServer via = i % 2 == 0 ? a : b;
                assertThat(via.http().postJson("/api/v1/heartbeat/w/" + i, "{\"state\":\"online\"}", TestServer.INGEST)
                        .statusCode()).isEqualTo(204);
                assertThat(via.http().postJson("/api/v1/heartbeat/w/" + i, "{\"state\":\"offline\"}", TestServer.INGEST)
                        .statusCode()).isEqualTo(204);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.accepted().size() >= TARGETS);
            Thread.sleep(3_000); // both nodes run rounds meanwhile: a second copy would arrive now
            List<String> sent = receiver.accepted().stream()
                    .map(r -> r.json().path("event").asText() + " " + r.json().path("target").path("id").asText()).toList();
            assertThat(sent).hasSize(TARGETS).doesNotHaveDuplicates().allMatch(s -> s.startsWith("down w/"));
            assertThat(receiver.accepted().stream().map(Receiver.Request::delivery)).doesNotHaveDuplicates();
        }
    }

    @Test
    void aGroupsOutageDecidedOnBothNodesIsOneAlertAndOneRecovery() throws Exception {
        String url = Postgres.freshDatabaseUrl();
        try (TestServer a = TestServer.start(dir.resolve("a"), Clock.systemUTC(), node(url, "node-a"));
             TestServer b = TestServer.start(dir.resolve("b"), Clock.systemUTC(), node(url, "node-b"))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> ownersLive(url) == 2);
            for (String state : List.of("online", "offline")) {
                for (int i = 0; i < TARGETS; i++) {
                    // through either node: each shard's owner records its change, the group's members are on both
                    TestServer via = i % 2 == 0 ? a : b;
                    assertThat(via.http().postJson("/api/v1/heartbeat/bots/" + i, "{\"state\":\"" + state + "\"}",
                            TestServer.INGEST).statusCode()).isEqualTo(204);
                }
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.accepted().size() >= 1);
            Thread.sleep(4_000); // both nodes run rounds and decide on their own shards: a second alert would come now
            assertThat(receiver.accepted()).singleElement().satisfies(r -> {
                assertThat(r.json().path("event").asText()).isEqualTo("down");
                assertThat(r.json().path("group").path("id").asText()).isEqualTo("bots");
                assertThat(r.json().path("group").path("count").asInt()).isEqualTo(TARGETS);
            });
            for (int i = 0; i < TARGETS; i++) {
                TestServer via = i % 2 == 0 ? b : a;
                assertThat(via.http().postJson("/api/v1/heartbeat/bots/" + i, "{\"state\":\"online\"}", TestServer.INGEST)
                        .statusCode()).isEqualTo(204);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.accepted().size() >= 2);
            Thread.sleep(4_000);
            assertThat(receiver.accepted()).hasSize(2);
            assertThat(receiver.accepted().get(1).json().path("event").asText()).isEqualTo("recovered");
        }
    }

    @Test
    void anAlertLeftHalfSentByANodeThatLeftIsFinishedWithTheSameKeyAndALiveSendersIsLeftAlone() throws Exception {
        String url = Postgres.freshDatabaseUrl();
        try (TestServer a = TestServer.start(dir.resolve("a"), Clock.systemUTC(), node(url, "node-a"))) {
            long now = System.currentTimeMillis();
            try (Connection c = DriverManager.getConnection(url)) {
                insertSending(c, "w/1", "dlv-of-a-node-that-died", "node-gone", now);
                insertSending(c, "w/2", "dlv-of-a-live-node", "node-a", now);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.accepted().size() >= 1);
            Thread.sleep(3_000);
            assertThat(receiver.accepted()).extracting(Receiver.Request::delivery).containsExactly("dlv-of-a-node-that-died");
            try (Connection c = DriverManager.getConnection(url);
                 PreparedStatement ps = c.prepareStatement("SELECT delivery, status FROM alert ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                Map<String, String> status = new HashMap<>();
                while (rs.next()) {
                    status.put(rs.getString(1), rs.getString(2));
                }
                assertThat(status).containsEntry("dlv-of-a-node-that-died", "delivered")
                        .containsEntry("dlv-of-a-live-node", "sending");
            }
        }
    }

    private static void insertSending(Connection c, String target, String delivery, String node, long now) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert (channel_id, rule_id, target_id, event, from_state, "
                + "to_state, at, reason, body, created_at, status, next_at, attempts, delivery, open_problem, remind_at, "
                + "reminders, dedup, finished_at, claimed_by) VALUES ('hook', 'all', ?, 'down', 'online', 'offline', ?, "
                + "'reported offline', NULL, ?, 'sending', NULL, 0, ?, 1, NULL, 0, NULL, NULL, ?)")) {
            ps.setString(1, target);
            ps.setLong(2, now);
            ps.setLong(3, now);
            ps.setString(4, delivery);
            ps.setString(5, node);
            ps.executeUpdate();
        }
    }

    private static int ownersLive(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("SELECT count(DISTINCT owner) FROM cluster_partition WHERE owner IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private Map<String, String> node(String dbUrl, String id) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("watchpost.yml"), """
                groups:
                  - { id: bots, name: Bots, shards: %d, lease: 1h }
                targets:
                %s
                channels:
                  - id: hook
                    webhook: { url: "%s" }
                rules:
                  - { id: all, notify: [hook], settle: 2s }
                """.formatted(TARGETS, targets(), receiver.url("/hook")));
        Map<String, String> env = new HashMap<>(Map.of("WATCHPOST_DB_URL", dbUrl, "WATCHPOST_PORT", Integer.toString(port),
                "WATCHPOST_CLUSTER_SECRET", "cluster-secret-0123456789",
                "WATCHPOST_SECRETS_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                "WATCHPOST_NODE_ID", id, "WATCHPOST_ADVERTISE_URL", "http://127.0.0.1:" + port,
                "WATCHPOST_ALERTS_STARTUP_GRACE", "0s"));
        env.put("WATCHPOST_CONFIG", dir.resolve("watchpost.yml").toString());
        return env;
    }

    private static String targets() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < TARGETS; i++) {
            s.append("  - { id: w/").append(i).append(", push: { every: 1h } }\n");
        }
        return s.toString();
    }
}
