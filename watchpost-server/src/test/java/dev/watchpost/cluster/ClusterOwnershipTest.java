package dev.watchpost.cluster;

import dev.watchpost.testing.ClusterNodes;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.Postgres;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
 * Two nodes in one JVM on one PostgreSQL database, both receiving every report (as behind a load
 * balancer): each target's changes are recorded once, by its owner, in one chain, and a node that
 * takes targets over carries on from what their previous owner recorded.
 */
@Tag("postgres")
class ClusterOwnershipTest {

    private static final int TARGETS = 24;

    @TempDir
    Path dir;

    @Test
    void onlyTheOwnerRecordsAndExpiresAndATakeOverCarriesOnFromTheRecord() throws Exception {
        String url = Postgres.freshDatabaseUrl();
        botsConfig("2s");
        TestServer a = TestServer.start(dir.resolve("a"), Clock.systemUTC(), node(url, "node-a"));
        TestServer b = TestServer.start(dir.resolve("b"), Clock.systemUTC(), node(url, "node-b"));
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> owners(url).size() == 2);

            // every report reaches both nodes; the targets expire once their reports stop
            report(List.of(a, b), 6);
            await().atMost(Duration.ofSeconds(10)).until(() -> allExpired(url));
            Map<String, List<String>> chains = ClusterNodes.chains(url);
            assertThat(chains).hasSize(TARGETS);
            chains.forEach((id, chain) -> assertThat(chain).as(id).containsExactly("unknown>online", "online>unhealthy"));
            assertThat(owners(url).values()).as("both nodes own some of the targets").allMatch(n -> n > 0);

            // b stops: a takes b's targets over from the record and, once reports stop again, expires them itself
            report(List.of(a, b), 6);
            b.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> owners(url).equals(Map.of("node-a", TARGETS)));
            report(List.of(a), 4);
            await().atMost(Duration.ofSeconds(10)).until(() -> allExpired(url));
            chains = ClusterNodes.chains(url);
            chains.forEach((id, chain) -> assertThat(chain).as(id).containsExactly("unknown>online", "online>unhealthy",
                    "unhealthy>online", "online>unhealthy"));
            assertThat(Http.json(a.http().get("/api/v1/targets/bots/0")).get("target").get("state").asText())
                    .isEqualTo("unhealthy");
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void aReportSentToANodeThatDoesNotOwnItsTargetIsRecordedByTheOwner() throws Exception {
        String url = Postgres.freshDatabaseUrl();
        botsConfig("1h");
        try (TestServer a = TestServer.start(dir.resolve("a"), Clock.systemUTC(), node(url, "node-a"));
             TestServer b = TestServer.start(dir.resolve("b"), Clock.systemUTC(), node(url, "node-b"))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> owners(url).size() == 2);
            // everything goes to a: single heartbeats and a batch; b's targets travel to b
            int forwarded = 0;
            try (Connection db = DriverManager.getConnection(url);
                 PreparedStatement recorded = db.prepareStatement("SELECT count(*) FROM transition WHERE target_id = ?")) {
                for (int i = 0; i < TARGETS; i++) {
                    boolean toB = ownerOf(url, "bots/" + i).equals("node-b");
                    var r = a.http().postJson("/api/v1/heartbeat/bots/" + i, "{\"state\":\"degraded\",\"message\":\"first\"}",
                            TestServer.INGEST);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
                    if (toB) {
                        // b said yes to a only once the change was in the database: b dying now loses nothing
                        // (asked at once, on a connection already open)
                        recorded.setString(1, "bots/" + i);
                        try (ResultSet rs = recorded.executeQuery()) {
                            rs.next();
                            assertThat(rs.getInt(1)).as("bots/" + i + " recorded when a answered").isEqualTo(1);
                        }
                        forwarded++;
                    }
                }
            }
            assertThat(forwarded).as("some reports travelled to b").isPositive();
            StringBuilder batch = new StringBuilder("[");
            for (int i = 0; i < TARGETS; i++) {
                batch.append(i == 0 ? "" : ",").append("{\"target\":\"bots/").append(i)
                        .append("\",\"state\":\"online\",\"message\":\"second\",\"latency_ms\":7}");
            }
            var res = a.http().postJson("/api/v1/heartbeats", batch.append(']').toString(), TestServer.INGEST);
            assertThat(Http.json(res).get("accepted").asInt()).as(res.body()).isEqualTo(TARGETS);
            a.app().live().flush();
            b.app().live().flush();
            // acknowledged means recorded by the owner: one chain per target, in the order sent
            Map<String, List<String>> chains = ClusterNodes.chains(url);
            assertThat(chains).hasSize(TARGETS);
            chains.forEach((id, chain) -> assertThat(chain).as(id).containsExactly("unknown>degraded", "degraded>online"));
            // the owner has the last values; an unknown target is still an unknown target
            for (int i = 0; i < TARGETS; i++) {
                TestServer owner = ownerOf(url, "bots/" + i).equals("node-a") ? a : b;
                var t = Http.json(owner.http().get("/api/v1/targets/bots/" + i)).get("target");
                assertThat(t.get("message").asText()).isEqualTo("second");
                assertThat(t.get("latency_ms").asDouble()).isEqualTo(7.0);
            }
            assertThat(a.http().postJson("/api/v1/heartbeat/bots/nope", "{}", TestServer.INGEST).statusCode()).isEqualTo(404);
            // the node-to-node route takes the cluster secret only
            assertThat(b.http().postJson("/internal/cluster/observations", "[]", TestServer.ADMIN).statusCode()).isEqualTo(401);
            var direct = b.http().send(b.http().request("/internal/cluster/observations")
                    .header("Authorization", "Bearer cluster-secret-0123456789").header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("[]")).build());
            assertThat(direct.statusCode()).isEqualTo(200);
            var notAList = b.http().send(b.http().request("/internal/cluster/observations")
                    .header("Authorization", "Bearer cluster-secret-0123456789").header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build());
            Http.assertError(notAList, 400, "expected a JSON array of reports");
        }
    }

    @Test
    void onlyTheOwnerCountsATargetsDownTimeAlsoAfterARestart() throws Exception {
        String url = Postgres.freshDatabaseUrl();
        botsConfig("1s");
        TestServer a = TestServer.start(dir.resolve("a"), Clock.systemUTC(), node(url, "node-a"));
        Map<String, String> bEnv = node(url, "node-b");
        TestServer b = TestServer.start(dir.resolve("b"), Clock.systemUTC(), bEnv);
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> owners(url).size() == 2);
            long first = System.currentTimeMillis();
            report(List.of(a), 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> allExpired(url));
            // b restarts while every target is down: it must not count the time of a's targets too
            b.close();
            b = TestServer.start(dir.resolve("b"), Clock.systemUTC(), bEnv);
            await().atMost(Duration.ofSeconds(15)).until(() -> owners(url).size() == 2);
            Thread.sleep(3_000);
            a.app().history().flush();
            b.app().history().flush();
            long elapsed = System.currentTimeMillis() - first;
            try (Connection c = DriverManager.getConnection(url);
                 PreparedStatement ps = c.prepareStatement(
                         "SELECT target_id, sum(down_ms) FROM history_bucket WHERE period_s = 60 GROUP BY target_id");
                 ResultSet rs = ps.executeQuery()) {
                int n = 0;
                while (rs.next()) {
                    n++;
                    assertThat(rs.getLong(2)).as(rs.getString(1) + ": down time counted once").isBetween(1_000L, elapsed);
                }
                assertThat(n).isEqualTo(TARGETS);
            }
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void everyNodeShowsEveryTargetsChangesInItsLiveFeedAndReads() throws Exception {
        String url = Postgres.freshDatabaseUrl();
        botsConfig("1h");
        try (TestServer a = TestServer.start(dir.resolve("a"), Clock.systemUTC(), node(url, "node-a"));
             TestServer b = TestServer.start(dir.resolve("b"), Clock.systemUTC(), node(url, "node-b"))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> owners(url).size() == 2);
            java.util.Set<String> seenOnB = java.util.concurrent.ConcurrentHashMap.newKeySet();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    var res = java.net.http.HttpClient.newHttpClient().send(
                            b.http().request("/api/v1/stream").build(), java.net.http.HttpResponse.BodyHandlers.ofLines());
                    boolean transition = false;
                    for (var it = res.body().iterator(); it.hasNext(); ) {
                        String line = it.next();
                        if (line.startsWith("event:")) {
                            transition = line.equals("event:transition");
                        } else if (transition && line.startsWith("data:")) {
                            var t = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line.substring(5));
                            seenOnB.add(t.path("target").asText() + " " + t.path("to").asText());
                        }
                    }
                } catch (Exception e) {
                    // the server stopped
                }
            });
            Thread.sleep(500); // the stream is open
            long sent = System.nanoTime();
            for (int i = 0; i < TARGETS; i++) {
                var r = a.http().postJson("/api/v1/heartbeat/bots/" + i, "{\"state\":\"offline\"}", TestServer.INGEST);
                assertThat(r.statusCode()).isEqualTo(204);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> seenOnB.size() == TARGETS);
            long tookMs = (System.nanoTime() - sent) / 1_000_000;
            assertThat(seenOnB).allMatch(s -> s.endsWith(" offline"));
            assertThat(tookMs).as("every change on b's feed soon after it was made").isLessThan(3_000);
            for (TestServer n : List.of(a, b)) {
                await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
                    var targets = Http.json(n.http().get("/api/v1/targets")).get("targets");
                    assertThat(targets).hasSize(TARGETS);
                    targets.forEach(t -> assertThat(t.get("state").asText()).as(t.get("id").asText()).isEqualTo("offline"));
                });
            }
            reader.interrupt();
        }
    }

    @Test
    void whatIsMadeThroughOneNodesApiAndTheOwnersLastValuesReachTheOtherNode() throws Exception {
        String url = Postgres.freshDatabaseUrl();
        botsConfig("1h");
        try (TestServer a = TestServer.start(dir.resolve("a"), Clock.systemUTC(), node(url, "node-a"));
             TestServer b = TestServer.start(dir.resolve("b"), Clock.systemUTC(), node(url, "node-b"))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> owners(url).size() == 2);
            Duration soon = Duration.ofSeconds(2);

            // a group and a target in it, made through a: b knows them and takes their reports
            assertThat(a.http().postJson("/api/v1/groups", "{\"id\":\"jobs\",\"name\":\"Jobs\"}", TestServer.ADMIN)
                    .statusCode()).isEqualTo(201);
            var made = a.http().postJson("/api/v1/targets", "{\"id\":\"jobs/backup\",\"group\":\"jobs\",\"push\":{\"every\":\"1h\"}}",
                    TestServer.ADMIN);
            assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
            await().atMost(soon).untilAsserted(() -> {
                assertThat(b.http().get("/api/v1/groups/jobs").statusCode()).isEqualTo(200);
                assertThat(b.http().get("/api/v1/targets/jobs/backup").statusCode()).isEqualTo(200);
            });
            assertThat(b.http().postJson("/api/v1/heartbeat/jobs/backup", "{\"state\":\"online\"}", TestServer.INGEST)
                    .statusCode()).isEqualTo(204);

            // a channel, a notice and a token made through a are b's at once too
            assertThat(a.http().postJson("/api/v1/channels", "{\"id\":\"ops\",\"webhook\":{\"url\":\"http://127.0.0.1:9/h\"}}",
                    TestServer.ADMIN).statusCode()).isEqualTo(201);
            assertThat(a.http().postJson("/api/v1/notices", "{\"kind\":\"incident\",\"title\":\"Backups slow\","
                    + "\"message\":\"Looking into it\"}", TestServer.ADMIN).statusCode()).isEqualTo(201);
            String token = Http.json(a.http().postJson("/api/v1/tokens", "{\"scope\":\"read\",\"name\":\"viewer\"}",
                    TestServer.ADMIN)).get("token").asText();
            // well inside the 5 s in which every node reads the tokens again anyway
            await().atMost(Duration.ofMillis(1_500)).untilAsserted(() -> {
                assertThat(Http.json(b.http().get("/api/v1/channels", TestServer.ADMIN)).toString()).contains("\"ops\"");
                assertThat(Http.json(b.http().get("/api/v1/notices")).toString()).contains("Backups slow");
                assertThat(b.http().get("/api/v1/tokens", token).statusCode()).as("a known read token lacks admin")
                        .isEqualTo(403);
            });

            // an Argus Fleet member registered with a is known to b: its heartbeats count there too
            var registered = a.http().postJson("/fleet/register", "{\"identity\":\"host-1\",\"fleet\":\"main\"}",
                    TestServer.INGEST);
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
            String lease = Http.json(registered).get("lease").asText();
            await().atMost(soon).untilAsserted(() -> assertThat(b.http().postJson("/fleet/heartbeat",
                    "{\"identity\":\"host-1\",\"lease\":\"" + lease + "\"}", TestServer.INGEST).statusCode()).isEqualTo(204));

            // removed through a: gone from b
            assertThat(a.http().send(a.http().request("/api/v1/targets/jobs/backup")
                    .header("Authorization", "Bearer " + TestServer.ADMIN).DELETE().build()).statusCode()).isEqualTo(204);
            await().atMost(soon).untilAsserted(() ->
                    assertThat(b.http().get("/api/v1/targets/jobs/backup").statusCode()).isEqualTo(404));

            // the owner's last values show on the other node: reported straight to each target's owner
            for (int i = 0; i < TARGETS; i++) {
                TestServer owner = ownerOf(url, "bots/" + i).equals("node-a") ? a : b;
                assertThat(owner.http().postJson("/api/v1/heartbeat/bots/" + i,
                        "{\"state\":\"online\",\"message\":\"fine " + i + "\",\"latency_ms\":" + (10 + i) + "}",
                        TestServer.INGEST).statusCode()).isEqualTo(204);
            }
            for (TestServer n : List.of(a, b)) {
                await().atMost(Duration.ofSeconds(6)).untilAsserted(() -> {
                    for (var t : Http.json(n.http().get("/api/v1/targets")).get("targets")) {
                        if (!t.get("id").asText().startsWith("bots/")) {
                            continue;
                        }
                        int i = Integer.parseInt(t.get("id").asText().substring("bots/".length()));
                        assertThat(t.path("message").asText()).as(t.get("id").asText()).isEqualTo("fine " + i);
                        assertThat(t.path("latency_ms").asDouble()).isEqualTo(10.0 + i);
                        assertThat(t.path("last_seen").isMissingNode() || t.path("last_seen").isNull()).isFalse();
                    }
                });
            }
        }
    }

    /** The config file every node reads: {@link #TARGETS} shards of one group with {@code lease}. */
    private void botsConfig(String lease) throws Exception {
        Files.writeString(dir.resolve("watchpost.yml"), """
                groups:
                  - { id: bots, shards: %d, lease: %s }
                """.formatted(TARGETS, lease));
    }

    private static String ownerOf(String url, String targetId) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("SELECT owner FROM cluster_partition WHERE partition_no = ?")) {
            ps.setInt(1, Partitions.of(targetId));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** Reports every target online to each of {@code nodes}, {@code rounds} times 400 ms apart. */
    private static void report(List<TestServer> nodes, int rounds) throws InterruptedException {
        for (int r = 0; r < rounds; r++) {
            for (TestServer n : nodes) {
                StringBuilder batch = new StringBuilder("[");
                for (int i = 0; i < TARGETS; i++) {
                    batch.append(i == 0 ? "" : ",").append("{\"target\":\"bots/").append(i).append("\",\"state\":\"online\"}");
                }
                var res = n.http().postJson("/api/v1/heartbeats", batch.append(']').toString(), TestServer.INGEST);
                assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
                assertThat(Http.json(res).get("accepted").asInt()).as(res.body()).isEqualTo(TARGETS);
            }
            Thread.sleep(400);
        }
    }

    /** Targets per owner, as the database has it. */
    private static Map<String, Integer> owners(String url) throws Exception {
        Map<String, Integer> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("SELECT partition_no, owner FROM cluster_partition WHERE owner IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            Map<Integer, String> byPartition = new HashMap<>();
            while (rs.next()) {
                byPartition.put(rs.getInt(1), rs.getString(2));
            }
            for (int i = 0; i < TARGETS; i++) {
                String owner = byPartition.get(Partitions.of("bots/" + i));
                if (owner != null) {
                    out.merge(owner, 1, Integer::sum);
                }
            }
        }
        return out;
    }

    private static boolean allExpired(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM target_state WHERE state = 'unhealthy'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1) == TARGETS;
        }
    }

    /** A node in this JVM on {@code url}, reading this test's config file. */
    private Map<String, String> node(String url, String id) {
        return ClusterNodes.inProcessEnv(url, id, dir.resolve("watchpost.yml"));
    }
}
