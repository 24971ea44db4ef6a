package dev.watchpost.cluster;

import dev.watchpost.testing.ClusterNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three real Watchpost processes on one real PostgreSQL that is stopped for longer than a partition
 * lease while a round-robin client reports into them, then started again: the nodes answer every
 * report throughout, keep their partitions, and once the database is back every change they
 * acknowledged is recorded, once, in order; nothing that kept reporting flips.
 */
@Tag("postgres")
class ClusterDatabaseOutageTest {

    private static final int STEADY = 30;
    private static final int FLAPPING = 8;

    @TempDir
    Path dir;

    private ClusterNodes cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void nodesRideOutAPostgresRestartAndLoseNothingTheyAcknowledged() throws Exception {
        cluster = ClusterNodes.builder(dir).nodes(3).config("""
                groups:
                  - { id: steady, shards: %d, lease: 4s }
                  - { id: flapping, shards: %d, lease: 1h }
                """.formatted(STEADY, FLAPPING)).start();
        // balanced, not only owned: nodes that started later take their share from the first over a few rounds
        await().atMost(Duration.ofSeconds(60)).until(() -> cluster.liveNodes(0) == 3 && cluster.unowned(0) == 0
                && java.util.stream.StreamSupport.stream(cluster.view(0).path("nodes").spliterator(), false)
                        .allMatch(n -> n.path("partitions").asInt() >= 85));
        Map<String, Integer> partitionsBefore = partitionsByNode();

        AtomicBoolean running = new AtomicBoolean(true);
        List<String> refused = new CopyOnWriteArrayList<>();
        Map<String, List<String>> acknowledged = new ConcurrentHashMap<>(); // target -> states sent and answered 2xx
        AtomicInteger answered = new AtomicInteger();
        List<Thread> load = new ArrayList<>();
        for (int i = 0; i < STEADY; i++) {
            load.add(reporter("steady/" + i, i, 500, n -> "online", running, refused, acknowledged, answered));
        }
        for (int i = 0; i < FLAPPING; i++) {
            load.add(reporter("flapping/" + i, i, 700, n -> n % 2 == 0 ? "online" : "degraded", running, refused,
                    acknowledged, answered));
        }
        Thread.sleep(4_000);

        cluster.postgres().stop();
        Thread.sleep(8_000); // longer than a lease: every lease in the database has run out when it is back
        int duringOutage = answered.get();
        cluster.postgres().start();
        Thread.sleep(8_000);
        running.set(false);
        for (Thread t : load) {
            t.join();
        }
        assertThat(refused).as("every report answered 2xx, also while the database was away").isEmpty();
        assertThat(duringOutage).as("reports went on during the outage").isGreaterThan(100);

        // everything acknowledged is recorded once the backlogs drain
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, List<String>> chains = cluster.chains();
            for (int i = 0; i < STEADY; i++) {
                assertThat(chains.get("steady/" + i)).as("steady/%d kept reporting: it never flips", i)
                        .containsExactly("unknown>online");
            }
            for (int i = 0; i < FLAPPING; i++) {
                String id = "flapping/" + i;
                List<String> expected = new ArrayList<>();
                String from = "unknown";
                for (String to : acknowledged.get(id)) {
                    expected.add(from + ">" + to);
                    from = to;
                }
                assertThat(chains.get(id)).as(id + ": each acknowledged change recorded once, in order").isEqualTo(expected);
            }
        });
        assertThat(partitionsByNode()).as("each node kept its partitions through the outage").isEqualTo(partitionsBefore);
        for (int n = 0; n < 3; n++) {
            assertThat(cluster.node(n).log()).as("node %d never dropped a partition", n).doesNotContain("partitions_taken");
        }
    }

    /** One target's reporter: every {@code everyMs} a report to the next node in turn; the n-th report's state from {@code state}. */
    private Thread reporter(String id, int offset, long everyMs, java.util.function.IntFunction<String> state,
                            AtomicBoolean running, List<String> refused, Map<String, List<String>> acknowledged,
                            AtomicInteger answered) {
        List<String> sent = new CopyOnWriteArrayList<>();
        acknowledged.put(id, sent);
        return Thread.ofVirtual().start(() -> {
            int n = 0;
            while (running.get()) {
                ClusterNodes.Node node = cluster.node((offset + n) % 3);
                String s = state.apply(n);
                try {
                    HttpResponse<String> res = node.http().send(node.http().request("/api/v1/heartbeat/" + id)
                            .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + ClusterNodes.INGEST)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"state\":\"" + s + "\"}")).build());
                    if (res.statusCode() / 100 == 2) {
                        answered.incrementAndGet();
                        if (sent.isEmpty() || !sent.get(sent.size() - 1).equals(s)) {
                            sent.add(s);
                        }
                    } else {
                        refused.add(id + " via node " + node.id() + ": " + res.statusCode() + " " + res.body());
                    }
                } catch (RuntimeException e) {
                    refused.add(id + " via node " + node.id() + ": " + e);
                }
                n++;
                try {
                    Thread.sleep(everyMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** "partition:owner" → epoch, as the database has it. */
    private Map<String, Integer> partitionsByNode() throws Exception {
        Map<String, Integer> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(cluster.postgres().url());
             PreparedStatement ps = c.prepareStatement(
                     "SELECT partition_no, owner, epoch FROM cluster_partition ORDER BY partition_no");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getInt(1) + ":" + rs.getString(2), rs.getInt(3));
            }
        }
        return out;
    }
}
