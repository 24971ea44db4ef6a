package dev.watchpost.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.watchpost.testing.ClusterNodes;
import dev.watchpost.testing.Http;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three real Watchpost processes on one real PostgreSQL, as an operator runs them: a rolling
 * restart under load answers every report, flips nothing and loses no report (and a restarted node
 * owns no partition before it accepts connections), probes run once per slot across the cluster
 * before and after a node dies, and a live feed on a surviving node shows the failed node's targets'
 * changes.
 */
@Tag("postgres")
class ClusterOperationsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Kept when a test fails: the nodes' logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private ClusterNodes cluster;
    private HttpServer probed;
    private final List<Stream> streams = new ArrayList<>();

    @AfterEach
    void close() {
        streams.forEach(Stream::close);
        if (cluster != null) {
            cluster.close();
        }
        if (probed != null) {
            probed.stop(0);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 1. Rolling restart under load
    // ---------------------------------------------------------------------------------------------

    private static final int BOTS = 30;
    private static final int QUIET = 4;

    @Test
    void aRollingRestartUnderLoadAnswersEveryReportFlipsNothingAndKeepsEveryReport() throws Exception {
        cluster = ClusterNodes.builder(dir).nodes(3).config("""
                groups:
                  - { id: bots, shards: %d, lease: 4s }
                  - { id: quiet, shards: %d, lease: 4s }
                """.formatted(BOTS, QUIET)).start();
        awaitBalanced(3, Duration.ofSeconds(30));

        Reporters client = new Reporters();
        // the quiet targets report once, then never again: they go unhealthy once, whoever owns them then
        Map<String, Report> quietReports = new LinkedHashMap<>();
        for (int i = 0; i < QUIET; i++) {
            Report r = client.send("quiet/" + i);
            assertThat(r.acknowledged()).as("quiet/%d's one report: %s", i, r).isTrue();
            quietReports.put("quiet/" + i, r);
        }
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> load = new ArrayList<>();
        for (int i = 0; i < BOTS; i++) {
            load.add(client.every500ms("bots/" + i, running));
        }
        sleep(3_000);

        // Every finding is collected before the test fails, so one run shows all of them.
        SoftAssertions softly = new SoftAssertions();
        List<String> phases = new ArrayList<>();
        List<OwnershipWatch> watches = new ArrayList<>();
        System.out.println("rolling restart: the nodes' logs are in " + dir);
        for (ClusterNodes.Node node : cluster.nodes()) {
            long stopAt = System.currentTimeMillis();
            long t0 = System.nanoTime();
            long ready;
            long balanced;
            try (OwnershipWatch watch = new OwnershipWatch(node)) {
                watches.add(watch);
                client.outOfRotation.add(node.index()); // as a balancer stops sending to a node being restarted
                node.restart(); // SIGTERM, wait for the exit, start again, wait for /readyz
                ready = System.nanoTime();
                client.outOfRotation.remove(node.index());
                awaitBalanced(3, Duration.ofSeconds(30));
                balanced = System.nanoTime();
            }
            assertThat(owned(node.index(), node.id())).as("%s holds partitions again", node.id()).isPositive();
            phases.add("%s: SIGTERM at %s, stop+start+ready %d ms, balanced %d ms later".formatted(node.id(),
                    Instant.ofEpochMilli(stopAt), (ready - t0) / 1_000_000, (balanced - ready) / 1_000_000));
            // the quiet targets' one report is still their last seen, on whichever node owns them now
            for (Map.Entry<String, Report> q : quietReports.entrySet()) {
                softly.assertThat(lastSeenOnOwner(q.getKey())).as("%s's last seen after %s restarted", q.getKey(), node.id())
                        .isBetween(Instant.ofEpochMilli(q.getValue().sentMs() - 10), Instant.ofEpochMilli(q.getValue().answeredMs()));
            }
        }
        sleep(2_000); // load goes on over the restarted cluster
        running.set(false);
        for (Thread t : load) {
            t.join();
        }
        phases.forEach(p -> System.out.println("rolling restart: " + p));
        watches.forEach(w -> System.out.println("rolling restart: " + w.summary()));

        List<Report> all = client.reports();
        List<Report> failed = all.stream().filter(r -> !r.acknowledged()).toList();
        List<Report> slow = all.stream().filter(r -> r.answeredMs() - r.sentMs() > 2_000).toList();
        long[] waits = all.stream().mapToLong(r -> r.answeredMs() - r.sentMs()).sorted().toArray();
        System.out.println("rolling restart: " + all.size() + " reports, " + failed.size() + " not acknowledged, "
                + client.refused.get() + " connections refused and sent to the next node; answer times: median "
                + waits[waits.length / 2] + " ms, 99th percentile " + waits[waits.length * 99 / 100] + " ms, longest "
                + waits[waits.length - 1] + " ms; " + slow.size() + " over 2 s");
        Map<String, Long> slowBySecond = new TreeMap<>();
        slow.forEach(r -> slowBySecond.merge("sent " + Instant.ofEpochSecond(r.sentMs() / 1000) + ", answered "
                + Instant.ofEpochSecond(r.answeredMs() / 1000) + ", status " + r.status(), 1L, Long::sum));
        slowBySecond.forEach((k, n) -> System.out.println("rolling restart: over 2 s: " + n + " x " + k));
        Map<String, Long> failedByAnswer = new TreeMap<>();
        failed.forEach(r -> failedByAnswer.merge(r.status() + " " + r.answer(), 1L, Long::sum));
        failedByAnswer.forEach((k, n) -> System.out.println("rolling restart: not acknowledged: " + n + " x " + k));
        failed.stream().limit(10).forEach(r -> System.out.println("rolling restart: not acknowledged, e.g.: " + r
                + " sent at " + Instant.ofEpochMilli(r.sentMs())));
        softly.assertThat(all.size()).as("reports were sent throughout").isGreaterThan(BOTS * 2 * 20);
        softly.assertThat(failed).as("every report answered 2xx (a 503 after the node's 10 s of patience is a failure)").isEmpty();

        // every target's changes as anyone reads them through the API
        for (int i = 0; i < BOTS; i++) {
            String id = "bots/" + i;
            List<String> chain = transitions(id);
            if (!chain.equals(List.of("unknown>online"))) {
                System.out.println("rolling restart: " + id + " (partition " + Partitions.of(id) + ", owned by " + ownerOf(id)
                        + " now) changed: " + transitionsAsListed(id) + "; its reports (sent+wait@node): " + all.stream()
                        .filter(r -> r.target().equals(id)).map(r -> Instant.ofEpochMilli(r.sentMs()) + "+"
                                + (r.answeredMs() - r.sentMs()) + "ms@" + r.node() + (r.acknowledged() ? "" : "!" + r.status()))
                        .toList());
            }
            softly.assertThat(chain).as("%s reported throughout: it never left online", id).containsExactly("unknown>online");
        }
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                for (int i = 0; i < QUIET; i++) {
                    assertThat(transitions("quiet/" + i)).as("quiet/%d flips once", i)
                            .containsExactly("unknown>online", "online>unhealthy");
                }
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            softly.fail(e.getMessage());
        }

        // every acknowledged report is reflected: the owner's last seen is at or after the last one
        Map<String, Report> lastAcked = new HashMap<>();
        for (Report r : all) {
            if (r.acknowledged()) {
                lastAcked.merge(r.target(), r, (x, y) -> x.sentMs() >= y.sentMs() ? x : y);
            }
        }
        long now = System.currentTimeMillis();
        for (int i = 0; i < BOTS; i++) {
            String id = "bots/" + i;
            Report last = lastAcked.get(id);
            softly.assertThat(lastSeenOnOwner(id)).as("%s: the owner's last seen, against its last acknowledged report %s", id, last)
                    .isBetween(Instant.ofEpochMilli(last == null ? 0 : last.sentMs() - 10), Instant.ofEpochMilli(now));
        }

        // A node takes partitions only once it takes reports: until then every report for their
        // targets waits on the other nodes for it to listen (answered late, or 503 after 10 s when
        // its start takes longer than that), and the targets' leases run out meanwhile.
        for (OwnershipWatch w : watches) {
            softly.assertThat(w.ownedBeforeListening().size()).as("%s, restarted: samples in which it owned partitions while "
                    + "not yet accepting connections (%s)", w.node.id(), w.summary()).isZero();
        }
        softly.assertAll();
    }

    /**
     * Samples, every 50 ms, how many partitions a node owns (the partition table, leases on the
     * database's clock) and whether it accepts connections on its port, across its restart.
     */
    private final class OwnershipWatch implements AutoCloseable {
        record Sample(long atMs, int owned, boolean listening) {
        }

        final ClusterNodes.Node node;
        final List<Sample> samples = new CopyOnWriteArrayList<>();
        final AtomicBoolean on = new AtomicBoolean(true);
        final Thread thread;

        OwnershipWatch(ClusterNodes.Node node) {
            this.node = node;
            this.thread = Thread.ofVirtual().start(() -> {
                try (Connection c = DriverManager.getConnection(cluster.postgres().url());
                     PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM cluster_partition WHERE owner = ? "
                             + "AND lease_until >= (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT")) {
                    ps.setString(1, node.id());
                    while (on.get()) {
                        int owned;
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            owned = rs.getInt(1);
                        }
                        boolean listening;
                        try (java.net.Socket socket = new java.net.Socket()) {
                            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), node.port()), 200);
                            listening = true;
                        } catch (IOException e) {
                            listening = false;
                        }
                        samples.add(new Sample(System.currentTimeMillis(), owned, listening));
                        sleep(50);
                    }
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        /** The samples after the old process released everything in which the new one owned partitions but did not listen. */
        List<Sample> ownedBeforeListening() {
            List<Sample> all = List.copyOf(samples);
            int released = 0;
            while (released < all.size() && all.get(released).owned() > 0) {
                released++;
            }
            return all.subList(released, all.size()).stream().filter(x -> x.owned() > 0 && !x.listening()).toList();
        }

        /** Samples before the old process released everything in which it still owned partitions but no longer listened. */
        List<Sample> ownedAfterListening() {
            List<Sample> out = new ArrayList<>();
            for (Sample x : samples) {
                if (x.owned() == 0) {
                    break;
                }
                if (!x.listening()) {
                    out.add(x);
                }
            }
            return out;
        }

        String summary() {
            List<Sample> before = ownedBeforeListening();
            List<Sample> after = ownedAfterListening();
            return node.id() + ": stopping, owned partitions without listening " + span(after) + "; starting, owned partitions "
                    + "before listening " + span(before);
        }

        private String span(List<Sample> xs) {
            if (xs.isEmpty()) {
                return "never";
            }
            return "from " + Instant.ofEpochMilli(xs.getFirst().atMs()) + " to " + Instant.ofEpochMilli(xs.getLast().atMs())
                    + " (" + (xs.getLast().atMs() - xs.getFirst().atMs()) + " ms, " + xs.size() + " samples, up to "
                    + xs.stream().mapToInt(Sample::owned).max().orElse(0) + " partitions)";
        }

        @Override
        public void close() throws InterruptedException {
            on.set(false);
            thread.join();
        }
    }

    /** One heartbeat as the client saw it: sent and answered (test clock, ms), the node that answered, the status. */
    record Report(String target, int node, long sentMs, long answeredMs, int status, String answer) {
        boolean acknowledged() {
            return status / 100 == 2;
        }
    }

    /**
     * Heartbeats over the nodes in turn, as behind a load balancer: a node the test took out of
     * rotation gets nothing, and a connection refused (nothing was sent) goes to the next node at
     * once, as a balancer retries a failed connect. Every other outcome is recorded as it came. The
     * client waits {@link #PATIENCE}, longer than a node waits for a target's owner (10 s, then 503),
     * so what is recorded is the node's own answer, never the client giving up first.
     */
    private final class Reporters {
        static final Duration PATIENCE = Duration.ofSeconds(20);

        final Set<Integer> outOfRotation = ConcurrentHashMap.newKeySet();
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final List<Report> reports = new CopyOnWriteArrayList<>();

        Report send(String target) {
            long sent = System.currentTimeMillis();
            for (int tries = 0; tries < 6; tries++) {
                ClusterNodes.Node node = cluster.node(Math.floorMod(next.getAndIncrement(), 3));
                if (outOfRotation.contains(node.index()) || !node.alive()) {
                    continue;
                }
                Report r;
                try {
                    HttpResponse<String> res = node.http().send(node.http().request("/api/v1/heartbeat/" + target)
                            .timeout(PATIENCE).header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + ClusterNodes.INGEST)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"state\":\"online\"}")).build());
                    r = new Report(target, node.index(), sent, System.currentTimeMillis(), res.statusCode(), res.body());
                } catch (RuntimeException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    if (cause instanceof ConnectException) {
                        refused.incrementAndGet();
                        continue; // nothing was sent: the next node
                    }
                    r = new Report(target, node.index(), sent, System.currentTimeMillis(), 0, cause.toString());
                }
                reports.add(r);
                return r;
            }
            Report r = new Report(target, -1, sent, System.currentTimeMillis(), 0, "no node took the connection");
            reports.add(r);
            return r;
        }

        /**
         * A target's reporter, as a bot shard reports for itself: a heartbeat every 500 ms while
         * {@code on}, the next one once the last is answered (so a report held up delays its
         * target's next, as it would in the client, and at most one request per target is open).
         */
        Thread every500ms(String target, AtomicBoolean on) {
            return Thread.ofVirtual().start(() -> {
                while (on.get()) {
                    long started = System.nanoTime();
                    send(target);
                    sleep(Math.max(0, 500 - (System.nanoTime() - started) / 1_000_000));
                }
            });
        }

        List<Report> reports() {
            return List.copyOf(reports);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 2. Probes once per slot
    // ---------------------------------------------------------------------------------------------

    private static final int PROBES = 12;
    private static final Duration EVERY = Duration.ofSeconds(2);
    private static final Duration WINDOW = Duration.ofSeconds(12);

    @Test
    void probesRunOncePerSlotAcrossTheClusterBeforeAndAfterANodeDies() throws Exception {
        Map<String, List<Long>> hits = new ConcurrentHashMap<>();
        probed = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        probed.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        probed.createContext("/", exchange -> {
            hits.computeIfAbsent(exchange.getRequestURI().getPath(), k -> new CopyOnWriteArrayList<>())
                    .add(System.currentTimeMillis());
            exchange.getRequestBody().readAllBytes();
            byte[] ok = "ok".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        probed.start();
        StringBuilder config = new StringBuilder("targets:\n");
        for (int i = 0; i < PROBES; i++) {
            config.append("  - id: probes/p%d\n    http: { url: \"http://127.0.0.1:%d/p%d\", every: %ds, timeout: 1s }\n"
                    .formatted(i, probed.getAddress().getPort(), i, EVERY.toSeconds()));
        }
        long t0 = System.nanoTime();
        cluster = ClusterNodes.builder(dir).nodes(3).config(config.toString()).start();
        awaitBalanced(3, Duration.ofSeconds(30));
        System.out.println("probes: cluster up and balanced after " + (System.nanoTime() - t0) / 1_000_000 + " ms");

        Map<String, String> owners = new TreeMap<>();
        for (int i = 0; i < PROBES; i++) {
            owners.put("/p" + i, ownerOf("probes/p" + i));
        }
        Map<String, Long> byNode = new TreeMap<>();
        owners.values().forEach(o -> byNode.merge(o, 1L, Long::sum));
        System.out.println("probes: owners " + owners + " (" + byNode + ")");
        // the node to kill: the one running the most probes
        String victimId = byNode.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        ClusterNodes.Node victim = cluster.nodes().stream().filter(n -> n.id().equals(victimId)).findFirst().orElseThrow();
        List<String> victims = owners.entrySet().stream().filter(e -> e.getValue().equals(victimId)).map(Map.Entry::getKey).toList();

        // past the first runs (within 10 s of the start), every probe is on its grid
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (int i = 0; i < PROBES; i++) {
                if (hits.getOrDefault("/p" + i, List.of()).size() < 2) {
                    return false;
                }
            }
            return true;
        });
        System.out.println("probes: every probe on its grid after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        Map<String, Integer> before = window(hits);
        System.out.println("probes: hits per probe in " + WINDOW.toSeconds() + " s with all three nodes: " + before);
        assertOncePerSlot(before, "three nodes");

        long killedMs = System.currentTimeMillis();
        victim.kill9();
        int survivor = victim.index() == 0 ? 1 : 0;
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.liveNodes(survivor) == 2 && cluster.unowned(survivor) == 0 && cluster.unowned(3 - survivor - victim.index()) == 0);
        long takenOverMs = System.currentTimeMillis();
        for (String path : victims) {
            assertThat(ownerOf("probes" + path)).as("probes%s moved off the dead node", path).isNotEqualTo(victimId);
        }
        Map<String, Integer> after = window(hits);
        System.out.println("probes: every partition owned again " + (takenOverMs - killedMs) + " ms after the kill; hits per probe in "
                + WINDOW.toSeconds() + " s with two nodes: " + after);
        assertOncePerSlot(after, "two nodes, after " + victimId + " died");

        // the dead node's probes resumed soon after the kill: their longest pause is about the takeover, not more
        // (the slot the node may still have run as it was killed counts as before)
        for (String path : victims) {
            List<Long> h = hits.get(path).stream().filter(t -> t >= killedMs - EVERY.toMillis()).sorted().toList();
            long pause = 0;
            for (int i = 1; i < h.size(); i++) {
                pause = Math.max(pause, h.get(i) - h.get(i - 1));
            }
            System.out.println("probes: " + path + " (was " + victimId + "'s) paused at most " + pause + " ms over the kill");
            assertThat(pause).as("%s resumes within the takeover and a slot", path)
                    .isLessThan(takenOverMs - killedMs + EVERY.toMillis() + 3_000);
        }
        // and never two runs for one slot, at the takeover either: runs of one probe are about a slot apart
        // (a run can start late on a busy machine, so half a slot would be too strict; two nodes running
        // one slot hit within moments of each other)
        for (int i = 0; i < PROBES; i++) {
            List<Long> h = hits.get("/p" + i).stream().sorted().toList();
            long closest = Long.MAX_VALUE;
            for (int j = 2; j < h.size(); j++) { // after the first run, which is off the grid
                closest = Math.min(closest, h.get(j) - h.get(j - 1));
            }
            assertThat(closest).as("/p%d: the closest two runs, of %d in all", i, h.size()).isGreaterThan(250);
        }
    }

    /** Counts each probe's hits over the next {@link #WINDOW}. */
    private Map<String, Integer> window(Map<String, List<Long>> hits) {
        long from = System.currentTimeMillis();
        sleep(WINDOW.toMillis());
        long to = from + WINDOW.toMillis();
        Map<String, Integer> out = new TreeMap<>(java.util.Comparator.comparingInt(p -> Integer.parseInt(p.substring(2))));
        for (int i = 0; i < PROBES; i++) {
            out.put("/p" + i, (int) hits.getOrDefault("/p" + i, List.of()).stream().filter(t -> t >= from && t < to).count());
        }
        return out;
    }

    /** One run per slot: the window holds {@code window / every} slots, give or take the one at each edge. */
    private static void assertOncePerSlot(Map<String, Integer> counts, String when) {
        long slots = WINDOW.toMillis() / EVERY.toMillis();
        counts.forEach((path, n) -> assertThat(n).as("%s with %s: one run per %d s slot, not one per node", path, when,
                EVERY.toSeconds()).isBetween((int) slots - 1, (int) slots + 1));
    }

    // ---------------------------------------------------------------------------------------------
    // 3. A live feed on a surviving node
    // ---------------------------------------------------------------------------------------------

    private static final int SHORT = 30;
    private static final int FLIPS = 40;

    @Test
    void aLiveFeedOnASurvivingNodeShowsTheFailedNodesTargetsChanges() throws Exception {
        cluster = ClusterNodes.builder(dir).nodes(3).config("""
                groups:
                  - { id: short, shards: %d, lease: 4s }
                  - { id: flip, shards: %d, lease: 1h }
                """.formatted(SHORT, FLIPS)).start();
        awaitBalanced(3, Duration.ofSeconds(30));
        ClusterNodes.Node a = cluster.node(0);
        ClusterNodes.Node b = cluster.node(1);
        Stream feed = open(b);

        Map<String, String> owners = new TreeMap<>();
        for (int i = 0; i < SHORT; i++) {
            owners.put("short/" + i, ownerOf("short/" + i));
        }
        for (int i = 0; i < FLIPS; i++) {
            owners.put("flip/" + i, ownerOf("flip/" + i));
        }
        List<String> shortOfA = owners.keySet().stream().filter(id -> id.startsWith("short/") && owners.get(id).equals(a.id())).toList();
        List<String> flipsOfA = owners.keySet().stream().filter(id -> id.startsWith("flip/") && owners.get(id).equals(a.id()))
                .limit(3).toList();
        System.out.println("feed: " + a.id() + " owns " + shortOfA + " and " + flipsOfA);
        assertThat(shortOfA).as("some short-lease targets are %s's", a.id()).isNotEmpty();
        assertThat(flipsOfA).as("some flip targets are %s's", a.id()).isNotEmpty();

        // the short-lease targets report until the kill
        Reporters client = new Reporters();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> load = new ArrayList<>();
        for (int i = 0; i < SHORT; i++) {
            load.add(client.every500ms("short/" + i, running));
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            for (int i = 0; i < SHORT; i++) {
                assertThat(feed.seen("short/" + i, "online")).as("short/%d online on %s's feed", i, b.id()).isPositive();
            }
        });

        // a change a's target makes before the kill, sent to a, is on b's feed within a second
        for (String id : flipsOfA) {
            assertThat(report(a, id, "online")).isEqualTo(204);
            await().atMost(Duration.ofSeconds(5)).until(() -> feed.seen(id, "online") == 1);
            long sent = System.nanoTime();
            assertThat(report(a, id, "offline")).isEqualTo(204);
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> feed.seen(id, "offline") == 1);
            long tookMs = (feed.first(id, "offline").receivedNanos() - sent) / 1_000_000;
            System.out.println("feed: " + id + " offline (sent to " + a.id() + ") on " + b.id() + "'s feed after " + tookMs + " ms");
            assertThat(tookMs).as("%s's change on %s's feed", id, b.id()).isLessThan(1_000);
        }

        // a dies while its short-lease targets go quiet: after the takeover they expire, and b shows it
        running.set(false);
        long killed = System.nanoTime();
        a.kill9();
        for (Thread t : load) {
            t.join();
        }
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> owners.keySet().stream().filter(id -> id.startsWith("short/")).allMatch(id -> feed.seen(id, "unhealthy") > 0));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder missing = new StringBuilder();
            for (String id : owners.keySet()) {
                if (id.startsWith("short/") && feed.seen(id, "unhealthy") == 0) {
                    missing.append("\n").append(id).append(" (owner before the kill: ").append(owners.get(id)).append(", now: ")
                            .append(ownerOf(id)).append("): ").append(explain(id, feed, client));
                }
            }
            throw new AssertionError("not shown unhealthy on " + b.id() + "'s feed within 30 s of the kill:" + missing, e);
        }
        for (String id : shortOfA) {
            System.out.println("feed: " + id + " unhealthy on " + b.id() + "'s feed "
                    + (feed.first(id, "unhealthy").receivedNanos() - killed) / 1_000_000 + " ms after the kill; recorded by "
                    + ownerOf(id));
        }
        sleep(2_000); // a repeated event would come now
        for (int i = 0; i < SHORT; i++) {
            String id = "short/" + i;
            assertThat(feed.changes(id)).as(() -> id + "'s changes on " + b.id() + "'s feed, each once; "
                            + explain(id, feed, client)).containsExactly("unknown>online", "online>unhealthy");
        }
        for (String id : flipsOfA) {
            assertThat(feed.changes(id)).as("%s: nothing after its own change", id).containsExactly("unknown>online", "online>offline");
        }
        assertThat(feed.ended).as("%s's feed stayed open", b.id()).isNull();
    }

    /** What a failed assertion about a target needs: what the feed showed when, what is recorded, what its reports met. */
    private String explain(String id, Stream feed, Reporters client) {
        return "on the feed: " + feed.events.stream().filter(e -> e.target().equals(id))
                .map(e -> e.from() + ">" + e.to() + " at " + Instant.ofEpochMilli(e.receivedMs())).toList()
                + "; recorded: " + transitionsAsListed(id) + "; its reports (sent+wait@node): " + client.reports().stream()
                .filter(r -> r.target().equals(id)).map(r -> Instant.ofEpochMilli(r.sentMs()) + "+" + (r.answeredMs() - r.sentMs())
                        + "ms@" + r.node() + (r.acknowledged() ? "" : "!" + r.status())).toList();
    }

    private static int report(ClusterNodes.Node node, String target, String state) {
        return node.http().postJson("/api/v1/heartbeat/" + target, "{\"state\":\"" + state + "\"}", ClusterNodes.INGEST)
                .statusCode();
    }

    /** {@code GET /api/v1/stream} on a node, read line by line on a thread of its own. */
    private Stream open(ClusterNodes.Node node) throws InterruptedException {
        Stream s = new Stream(node);
        streams.add(s);
        assertThat(s.snapshot.await(20, TimeUnit.SECONDS)).as("the feed's first snapshot").isTrue();
        return s;
    }

    private static final class Stream implements AutoCloseable {
        record Event(String target, String from, String to, long receivedNanos, long receivedMs) {
        }

        final List<Event> events = new CopyOnWriteArrayList<>();
        final CountDownLatch snapshot = new CountDownLatch(1);
        final HttpClient client = HttpClient.newHttpClient();
        final Thread reader;
        volatile boolean closing;
        volatile String ended;

        Stream(ClusterNodes.Node node) {
            HttpRequest request = node.http().request("/api/v1/stream").header("Accept", "text/event-stream").GET().build();
            reader = Thread.ofVirtual().start(() -> {
                try {
                    HttpResponse<java.util.stream.Stream<String>> res = client.send(request, HttpResponse.BodyHandlers.ofLines());
                    String event = "";
                    for (var it = res.body().iterator(); it.hasNext(); ) {
                        String line = it.next();
                        if (line.startsWith("event:")) {
                            event = line.substring(6).strip();
                        } else if (line.startsWith("data:")) {
                            if (event.equals("snapshot")) {
                                snapshot.countDown();
                            } else if (event.equals("transition")) {
                                JsonNode t = JSON.readTree(line.substring(5));
                                events.add(new Event(t.path("target").asText(), t.path("from").asText(), t.path("to").asText(),
                                        System.nanoTime(), System.currentTimeMillis()));
                            }
                        }
                    }
                    if (!closing) {
                        ended = "the server ended the stream";
                    }
                } catch (Exception e) {
                    if (!closing) {
                        ended = e.toString();
                    }
                }
            });
        }

        long seen(String target, String to) {
            return events.stream().filter(e -> e.target().equals(target) && e.to().equals(to)).count();
        }

        Event first(String target, String to) {
            return events.stream().filter(e -> e.target().equals(target) && e.to().equals(to)).findFirst().orElseThrow();
        }

        List<String> changes(String target) {
            return events.stream().filter(e -> e.target().equals(target)).map(e -> e.from() + ">" + e.to()).toList();
        }

        @Override
        public void close() {
            closing = true;
            client.shutdownNow();
            reader.interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Reading the cluster
    // ---------------------------------------------------------------------------------------------

    /** Until {@code n} nodes are live, every partition is owned and each node holds its even share, as every live node sees it. */
    private void awaitBalanced(int n, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            for (ClusterNodes.Node node : cluster.nodes()) {
                if (!node.alive()) {
                    continue;
                }
                JsonNode v = cluster.view(node.index());
                if (v.path("partitions_unowned").asInt(-1) != 0) {
                    return false;
                }
                int live = 0;
                for (JsonNode x : v.path("nodes")) {
                    if (x.path("live").asBoolean()) {
                        live++;
                        int share = x.path("partitions").asInt();
                        if (share < Partitions.COUNT / n || share > Partitions.COUNT / n + 1) {
                            return false;
                        }
                    }
                }
                if (live != n) {
                    return false;
                }
            }
            return true;
        });
    }

    private int owned(int node, String id) {
        for (JsonNode x : cluster.view(node).path("nodes")) {
            if (x.path("id").asText().equals(id) && x.path("live").asBoolean()) {
                return x.path("partitions").asInt();
            }
        }
        return 0;
    }

    /** The node that owns a target's partition now, from the partition table. */
    private String ownerOf(String targetId) throws Exception {
        try (Connection c = DriverManager.getConnection(cluster.postgres().url());
             PreparedStatement ps = c.prepareStatement("SELECT owner FROM cluster_partition WHERE partition_no = ?")) {
            ps.setInt(1, Partitions.of(targetId));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** The target's {@code last_seen} as its owner shows it (other nodes show theirs as of the last takeover). */
    private Instant lastSeenOnOwner(String targetId) throws Exception {
        String owner = ownerOf(targetId);
        ClusterNodes.Node node = cluster.nodes().stream().filter(n -> n.id().equals(owner)).findFirst().orElseThrow();
        JsonNode t = Http.json(node.http().get("/api/v1/targets/" + targetId)).path("target");
        assertThat(t.path("last_seen").isTextual()).as("%s's last seen on %s: %s", targetId, owner, t).isTrue();
        return Instant.parse(t.path("last_seen").asText());
    }

    /** A target's recorded changes, oldest first, as {@code GET /api/v1/targets/{id}} lists them. */
    private List<String> transitions(String targetId) {
        ClusterNodes.Node node = cluster.nodes().stream().filter(ClusterNodes.Node::alive).findFirst().orElseThrow();
        JsonNode body = Http.json(node.http().get("/api/v1/targets/" + targetId));
        assertThat(body.has("transitions_unavailable")).as("%s: %s", targetId, body).isFalse();
        List<String> out = new ArrayList<>();
        for (JsonNode t : body.path("transitions")) {
            out.addFirst(t.path("from").asText() + ">" + t.path("to").asText()); // the answer lists the newest first
        }
        return out;
    }

    /** A target's recorded changes as {@code GET /api/v1/targets/{id}} lists them, newest first, with their times and reasons. */
    private String transitionsAsListed(String targetId) {
        ClusterNodes.Node node = cluster.nodes().stream().filter(ClusterNodes.Node::alive).findFirst().orElseThrow();
        return Http.json(node.http().get("/api/v1/targets/" + targetId)).path("transitions").toString();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
