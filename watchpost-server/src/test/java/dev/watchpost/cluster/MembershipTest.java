package dev.watchpost.cluster;

import dev.watchpost.config.ConfigLoader;
import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.store.Database;
import dev.watchpost.testing.Postgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Several memberships on one real PostgreSQL database, each with its own connection pool as separate
 * nodes have; leases shortened to half a second so a run takes seconds. (The same with separate
 * processes killed for real is {@code ClusterFailoverTest}'s job.)
 */
@Tag("postgres")
class MembershipTest {

    private static final Membership.Timing FAST = new Membership.Timing(Duration.ofMillis(100), Duration.ofMillis(500));

    private final String url = Postgres.freshDatabaseUrl();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private static WatchpostConfig config(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("WATCHPOST_DB_URL", "jdbc:postgresql://127.0.0.1/x",
                "WATCHPOST_CLUSTER_SECRET", "cluster-secret-0123456789",
                "WATCHPOST_SECRETS_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                "WATCHPOST_ADVERTISE_URL", "http://127.0.0.1:1"));
        env.putAll(extra);
        return ConfigLoader.load(Optional.empty(), env, false);
    }

    /** A node: its own pool on the shared database, and the partitions its listeners were told about. */
    private final class Node implements AutoCloseable {
        final Database db;
        final Membership membership;
        final Set<Integer> told = ConcurrentHashMap.newKeySet();
        final java.util.concurrent.atomic.AtomicInteger lostCalls = new java.util.concurrent.atomic.AtomicInteger();

        Node(String id, String advertise, WatchpostConfig config) {
            this(id, advertise, config, url);
        }

        Node(String id, String advertise, WatchpostConfig config, String databaseUrl) {
            db = Database.open(new Database.Settings(databaseUrl, Optional.empty(), Optional.empty(), 2),
                    new SimpleMeterRegistry());
            membership = new Membership(db, id, URI.create(advertise), config, FAST, new SimpleMeterRegistry());
            membership.addListener(new Membership.Listener() {
                @Override
                public void gained(Set<Integer> partitions) {
                    for (int p : partitions) {
                        assertThat(told.add(p)).as("gained twice: %d", p).isTrue();
                        assertThat(membership.epoch(p)).as("its epoch is known when it is told").isPresent();
                    }
                }

                @Override
                public void lost(Set<Integer> partitions) {
                    lostCalls.incrementAndGet();
                    for (int p : partitions) {
                        assertThat(told.remove(p)).as("lost without holding: %d", p).isTrue();
                    }
                }
            });
            open.add(this);
        }

        Node start() {
            membership.start();
            return this;
        }

        @Override
        public void close() {
            membership.close();
            db.close();
        }
    }

    private Node node(String id) {
        return new Node(id, "http://127.0.0.1:" + (9000 + id.hashCode() % 100), config(Map.of()));
    }

    /** Every partition owned by exactly one of {@code nodes}, each as its listeners were told. */
    private static void assertPartitionedAmong(List<Node> nodes) {
        Set<Integer> all = new HashSet<>();
        for (Node n : nodes) {
            Set<Integer> owned = n.membership.owned().keySet();
            assertThat(n.told).as(n.membership.nodeId() + ": listeners told what it owns").isEqualTo(owned);
            for (int p : owned) {
                assertThat(all.add(p)).as("partition %d owned twice", p).isTrue();
            }
        }
        assertThat(all).hasSize(Partitions.COUNT);
    }

    private static List<Integer> sizes(List<Node> nodes) {
        return nodes.stream().map(n -> n.membership.owned().size()).toList();
    }

    @Test
    void threeNodesSplitThePartitionsEvenlyAndEachIsOwnedOnce() {
        Node a = node("a").start();
        assertThat(a.membership.owned()).as("a lone node holds everything after its first round").hasSize(256);
        Node b = node("b").start();
        Node c = node("c").start();
        List<Node> nodes = List.of(a, b, c);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(sizes(nodes)).containsExactly(86, 85, 85);
            assertPartitionedAmong(nodes);
            // what a read in its last round: the route's view
            assertThat(a.membership.view().nodes()).extracting(ClusterView.Node::id, ClusterView.Node::live,
                    ClusterView.Node::partitions).containsExactly(org.assertj.core.groups.Tuple.tuple("a", true, 86),
                    org.assertj.core.groups.Tuple.tuple("b", true, 85), org.assertj.core.groups.Tuple.tuple("c", true, 85));
        });
    }

    @Test
    void aNodeThatStopsRenewingLosesItsPartitionsToTheSurvivorsWithNewEpochs() throws Exception {
        Node a = node("a").start();
        Node b = node("b").start();
        Node c = node("c").start();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sizes(List.of(a, b, c))).containsExactly(86, 85, 85));
        Map<Integer, Long> cHeld = c.membership.owned();

        c.db.close(); // c's process is cut off from the database: it can neither renew nor write
        long cut = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(sizes(List.of(a, b))).containsExactly(128, 128);
            assertPartitionedAmong(List.of(a, b));
        });
        long tookMs = (System.nanoTime() - cut) / 1_000_000;
        assertThat(tookMs).as("taken over after the lease (500 ms) and a round or two").isLessThan(3_000);
        // c cannot tell its own cut from an outage everyone shares, so it goes on acting for what it
        // held; what it would write is refused, as the epochs show:
        // the new owners hold c's partitions with a later epoch: c's own epochs are refused
        Map<Integer, Long> now = new HashMap<>(a.membership.owned());
        now.putAll(b.membership.owned());
        for (var e : cHeld.entrySet()) {
            assertThat(now.get(e.getKey())).isGreaterThan(e.getValue());
        }
        boolean staleHeld = a.db.write(conn -> ClusterStore.holds(conn, "c", cHeld));
        assertThat(staleHeld).as("c's stale epochs").isFalse();
        Map<Integer, Long> aHeld = a.membership.owned();
        boolean currentHeld = a.db.write(conn -> ClusterStore.holds(conn, "a", aHeld));
        assertThat(currentHeld).isTrue();
    }

    @Test
    void everyNodeKeepsItsPartitionsThroughAPostgresRestart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Postgres.Standalone pg = Postgres.standalone(dir);
        open.add(0, pg); // closed last
        List<Node> nodes = new ArrayList<>();
        for (String id : List.of("a", "b", "c")) {
            nodes.add(new Node(id, "http://127.0.0.1:" + (9100 + nodes.size()), config(Map.of()), pg.url()).start());
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sizes(nodes)).containsExactly(86, 85, 85));
        List<Map<Integer, Long>> before = nodes.stream().map(n -> n.membership.owned()).toList();
        List<Integer> lostBefore = nodes.stream().map(n -> n.lostCalls.get()).toList(); // the first balancing's

        pg.stop();
        sleep(2_000); // four leases: every lease in the database has run out when it comes back
        for (int i = 0; i < nodes.size(); i++) {
            assertThat(nodes.get(i).membership.owned()).as("acting for its partitions through the outage").isEqualTo(before.get(i));
        }
        pg.start();
        await().atMost(Duration.ofSeconds(15)).until(() -> nodes.stream().allMatch(n -> n.membership.view().renewalAgeMs() < 300));
        sleep(1_500); // past the claim freeze (two leases): nobody takes another's partitions afterwards either

        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            assertThat(n.membership.owned()).as(n.membership.nodeId() + ": the same partitions at the same epochs")
                    .isEqualTo(before.get(i));
            assertThat(n.lostCalls).as(n.membership.nodeId() + ": its listeners never told of a loss")
                    .hasValue(lostBefore.get(i));
            Map<Integer, Long> held = n.membership.owned();
            boolean holds = n.db.write(conn -> ClusterStore.holds(conn, n.membership.nodeId(), held));
            assertThat(holds).as("its writes pass the fence").isTrue();
        }
        assertPartitionedAmong(nodes);
    }

    @Test
    void aNodeRestartedWithinItsLeaseHoldsItsShareAgainAtOnce() {
        Node a = node("a").start();
        Node b = node("b").start();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sizes(List.of(a, b))).containsExactly(128, 128));
        Map<Integer, Long> bBefore = b.membership.owned();
        // as kill -9: no release, its rows still name it and their leases still run
        b.db.close();
        Node b2 = new Node("b", "http://127.0.0.1:" + (9000 + "b".hashCode() % 100), config(Map.of())).start();
        assertThat(b2.membership.owned()).as("its previous run's rows freed and claimed in its first round").hasSize(128);
        for (var e : b2.membership.owned().entrySet()) {
            assertThat(e.getValue()).as("a new epoch: the previous run's writes are refused").isGreaterThan(bBefore.get(e.getKey()));
        }
        assertPartitionedAmong(List.of(a, b2));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aGracefulStopHandsThePartitionsOverAtOnce() {
        Node a = node("a").start();
        Node b = node("b").start();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sizes(List.of(a, b))).containsExactly(128, 128));
        b.close();
        long stopped = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a.membership.owned()).hasSize(256));
        assertThat((System.nanoTime() - stopped) / 1_000_000).as("no wait for b's leases to run out (500 ms)")
                .isLessThan(450);
        assertThat(a.membership.view().nodes()).filteredOn(n -> n.id().equals("b")).extracting(ClusterView.Node::live)
                .containsExactly(false);
    }

    @Test
    void aNodeWithAnotherConfigurationIsRefusedNamingTheSection() {
        node("a").start();
        Node other = new Node("b", "http://127.0.0.1:9002", config(Map.of("WATCHPOST_PUBLIC_READ", "false")));
        assertThatThrownBy(other::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("differs from running node 'a' in auth;")
                .hasMessageNotContaining("cluster-secret");
        // only what is a node's own may differ
        Node own = new Node("c", "http://127.0.0.1:9003", config(Map.of("WATCHPOST_PORT", "9003",
                "WATCHPOST_DATA", "/tmp/elsewhere", "WATCHPOST_LOG_LEVEL", "debug", "WATCHPOST_DB_POOL_SIZE", "3")));
        own.start();
        assertThat(own.membership.view().nodes()).allMatch(ClusterView.Node::sameConfig);
    }

    @Test
    void aSecondNodeWithTheSameIdFromAnotherAddressIsRefused() {
        node("a").start();
        Node twin = new Node("a", "http://10.0.0.9:8080", config(Map.of()));
        assertThatThrownBy(twin::start).isInstanceOf(IllegalStateException.class)
                .hasMessage("cluster: node id 'a' is in use by a running node at http://127.0.0.1:" + (9000 + "a".hashCode() % 100)
                        + "; give each node its own cluster.node-id (WATCHPOST_NODE_ID)");
    }
}
