package dev.watchpost.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.watchpost.testing.ClusterNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three real Watchpost processes on one real PostgreSQL, a round-robin client reporting into them
 * and a real webhook receiver: a node killed or paused under load is replaced within the lease, no
 * target that kept reporting flips, a quiet one flips once, and each alert arrives once.
 */
@Tag("postgres")
class ClusterFailoverTest {

    private static final int BOTS = 60;
    private static final int QUIET = 6;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private ClusterNodes cluster;
    private HttpServer receiver;
    private final List<JsonNode> alerts = new CopyOnWriteArrayList<>();
    private final List<String> deliveries = new CopyOnWriteArrayList<>();

    @BeforeEach
    void receive() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            JsonNode alert = JSON.readTree(new String(body, StandardCharsets.UTF_8));
            // The cluster forms in more than the 4 s lease before the reporters start, so their shards may be
            // told "never reported" first, while the cluster is still forming; this test is about the changes
            // that follow, and the failover of their alerts.
            if (!alert.path("event").asText().equals("never_reported")) {
                alerts.add(alert);
                deliveries.add(exchange.getRequestHeaders().getFirst("X-Watchpost-Delivery"));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
        receiver.stop(0);
    }

    private void startCluster() {
        cluster = ClusterNodes.builder(dir).nodes(3).config("""
                groups:
                  - { id: bots, shards: %d, lease: 4s }
                  - { id: quiet, shards: %d, lease: 4s }
                channels:
                  - id: hook
                    webhook: { url: "${HOOK_URL}" }
                rules:
                  - { id: all, notify: [hook], per: target }   # each shard's own alert: the one whose owner died is sent once too
                """.formatted(BOTS, QUIET))
                .env(Map.of("HOOK_URL", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                        "WATCHPOST_ALERTS_STARTUP_GRACE", "0s"))
                .start();
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.liveNodes(0) == 3 && cluster.unowned(0) == 0);
    }

    @Test
    void aNodeKilledUnderLoadIsReplacedWithinTheLeaseAndNothingFlipsFalselyOrAlertsTwice() throws Exception {
        startCluster();
        ClusterNodes.RoundRobin client = cluster.roundRobin();
        AtomicBoolean quietToo = new AtomicBoolean(true);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> load = reporters(client, "bots", BOTS, running);
        load.addAll(reporters(client, "quiet", QUIET, quietToo));
        sleep(3_000);
        // the quiet targets stop reporting as the node dies: they must become unhealthy once, whoever owns them
        quietToo.set(false);
        long killed = System.nanoTime();
        cluster.node(1).kill9();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> cluster.liveNodes(0) == 2 && cluster.unowned(0) == 0 && cluster.unowned(2) == 0);
        long takeoverMs = (System.nanoTime() - killed) / 1_000_000;
        System.out.println("failover: kill -> every partition owned by a live node in " + takeoverMs + " ms");
        assertThat(takeoverMs).as("expiry checks run again within 10 s of the kill").isLessThan(10_000);
        sleep(10_000); // load goes on through the survivors
        running.set(false);
        for (Thread t : load) {
            t.join();
        }

        Map<String, List<String>> chains = cluster.chains();
        for (int i = 0; i < BOTS; i++) {
            assertThat(chains.get("bots/" + i)).as("bots/%d kept reporting: it never flips", i).containsExactly("unknown>online");
        }
        for (int i = 0; i < QUIET; i++) {
            assertThat(chains.get("quiet/" + i)).as("quiet/%d flips once", i).containsExactly("unknown>online", "online>unhealthy");
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> alerts.size() >= QUIET);
        sleep(2_000); // a duplicate would come now
        assertThat(alerts).extracting(a -> a.path("target").path("id").asText())
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, QUIET).mapToObj(i -> "quiet/" + i).toList());
        assertThat(deliveries).doesNotHaveDuplicates();
        assertThat(acknowledged.get()).as("reports were answered throughout").isGreaterThan(500);
    }

    @Test
    void aNodePausedPastItsLeaseWritesNothingForWhatItLostAndRejoins() throws Exception {
        startCluster();
        ClusterNodes.RoundRobin client = cluster.roundRobin();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> load = reporters(client, "bots", BOTS, running);
        load.addAll(reporters(client, "quiet", QUIET, running));
        sleep(2_000);
        ClusterNodes.Node two = cluster.node(2);
        two.pause(); // a long GC pause, a frozen VM: its leases run out while it cannot notice
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> cluster.liveNodes(0) == 2 && cluster.unowned(0) == 0);
        sleep(3_000); // past every lease the paused node held: its wheel finds all its targets overdue on waking
        two.resume();
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.liveNodes(0) == 3 && cluster.unowned(0) == 0 && owned(0, "node-2") > 0);
        sleep(3_000);
        running.set(false);
        for (Thread t : load) {
            t.join();
        }

        Map<String, List<String>> chains = cluster.chains();
        for (String group : List.of("bots", "quiet")) {
            for (int i = 0; i < (group.equals("bots") ? BOTS : QUIET); i++) {
                assertThat(chains.get(group + "/" + i)).as("%s/%d: reported throughout, recorded once, never flipped", group, i)
                        .containsExactly("unknown>online");
            }
        }
        assertThat(alerts).as("nothing went down, so nothing was sent").isEmpty();
        assertThat(owned(0, "node-0") + owned(0, "node-1") + owned(0, "node-2")).isEqualTo(Partitions.COUNT);
    }

    /**
     * One reporter per target, as each bot shard reports for itself: a heartbeat every 500 ms while
     * {@code on}, to the next node that runs, giving up on an answer after 2 s and going on, as a
     * client with a timeout does. (Without one, a reporter whose request reached a node just before
     * it froze would wait out the pause and rightly miss its lease; that is the client's outage, not
     * the cluster's.) A report whose owner just died waits for the next owner on the node it reached.
     */
    private List<Thread> reporters(ClusterNodes.RoundRobin client, String group, int n, AtomicBoolean on) {
        List<Thread> out = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < n; i++) {
            String id = group + "/" + i;
            out.add(Thread.ofVirtual().start(() -> {
                while (on.get()) {
                    ClusterNodes.Node node = null;
                    for (int tries = 0; tries < 3 && node == null; tries++) {
                        ClusterNodes.Node c = cluster.node(Math.floorMod(next.getAndIncrement(), 3));
                        node = c.alive() && !c.paused() ? c : null;
                    }
                    if (node != null) {
                        try {
                            node.http().send(node.http().request("/api/v1/heartbeat/" + id)
                                    .timeout(Duration.ofSeconds(2)).header("Content-Type", "application/json")
                                    .header("Authorization", "Bearer " + ClusterNodes.INGEST)
                                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"state\":\"online\"}")).build());
                            acknowledged.incrementAndGet();
                        } catch (RuntimeException e) {
                            // timed out or refused: the next round goes to the next node
                        }
                    }
                    sleep(500);
                }
            }));
        }
        return out;
    }

    private final java.util.concurrent.atomic.AtomicInteger acknowledged = new java.util.concurrent.atomic.AtomicInteger();

    private int owned(int node, String id) {
        for (JsonNode x : cluster.view(node).path("nodes")) {
            if (x.path("id").asText().equals(id) && x.path("live").asBoolean()) {
                return x.path("partitions").asInt();
            }
        }
        return 0;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
