package dev.watchpost.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.cluster.ClusterView;
import dev.watchpost.cluster.Partitions;
import dev.watchpost.testing.ClusterNodes;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.Postgres;
import dev.watchpost.testing.TestServer;
import dev.watchpost.web.Times;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
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
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The dashboard's Cluster page: a single node over real HTTP, two nodes on one PostgreSQL, and its rendering. */
@Tag("postgres")
class AdminClusterTest {

    private static final int TARGETS = 24;

    @TempDir
    Path dir;

    @Test
    void aSingleNodeSaysItIsOneAndHowClusterModeIsTurnedOn() {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of())) {
            AdminClient admin = new AdminClient(server.app().port());
            HttpResponse<String> anonymous = admin.get("/admin/cluster");
            assertThat(anonymous.statusCode()).isEqualTo(303);
            assertThat(anonymous.headers().firstValue("location")).contains("/admin/login?next=%2Fadmin%2Fcluster");
            assertThat(anonymous.body()).doesNotContain("single node");

            admin.signInWithToken(TestServer.ADMIN);
            assertThat(admin.get("/admin/targets").body()).as("in the navigation of every page")
                    .contains("<a href=\"/admin/cluster\">Cluster</a>");
            HttpResponse<String> page = admin.get("/admin/cluster");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("cache-control")).contains("no-store");
            assertThat(page.headers().firstValue("content-security-policy").orElseThrow()).contains("script-src 'self'");
            assertThat(page.body()).contains("<title>Cluster · Watchpost admin</title>")
                    .contains("<a href=\"/admin/cluster\" aria-current=\"page\">Cluster</a>")
                    .contains("<h1>Cluster</h1>")
                    .contains("This Watchpost runs as a single node.")
                    .contains("<code>cluster.secret</code>").contains("<code>WATCHPOST_CLUSTER_SECRET</code>")
                    .contains("<code>storage.url</code>")
                    .contains("See \"Running several nodes\" in docs/scaling.md.")
                    .doesNotContain("<table").doesNotContain("Reports forwarded")
                    .doesNotContain("<script>").doesNotContain(" style=").doesNotContainPattern("\\son[a-z]+=");
            // the sign-in page sends an operator back to it
            AdminClient later = new AdminClient(server.app().port());
            String token = later.openLogin();
            HttpResponse<String> signedIn = later.post("/admin/login?next=%2Fadmin%2Fcluster",
                    Map.of("method", "token", "token", TestServer.ADMIN, "login_csrf", token));
            assertThat(signedIn.statusCode()).isEqualTo(303);
            assertThat(signedIn.headers().firstValue("location")).contains("/admin/cluster");
        }
    }

    @Test
    void twoNodesOnOneDatabaseAreListedWithTheirPartitionsAndTheReportsForwarded() throws Exception {
        String url = Postgres.freshDatabaseUrl();
        Files.writeString(dir.resolve("watchpost.yml"), """
                groups:
                  - { id: bots, shards: %d, lease: 1h }
                """.formatted(TARGETS));
        Map<String, String> envA = node(url, "node-a");
        Map<String, String> envB = node(url, "node-b");
        try (TestServer a = TestServer.start(dir.resolve("a"), Clock.systemUTC(), envA);
             TestServer b = TestServer.start(dir.resolve("b"), Clock.systemUTC(), envB)) {
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                JsonNode body = Http.json(a.http().get("/api/v1/cluster", TestServer.READ));
                assertThat(body.get("partitions_unowned").asInt()).isZero();
                assertThat(body.get("nodes")).hasSize(2).allMatch(n -> n.get("partitions").asInt() == 128);
            });
            // every report goes to a: those for b's targets are forwarded to b
            for (int i = 0; i < TARGETS; i++) {
                var r = a.http().postJson("/api/v1/heartbeat/bots/" + i, "{\"state\":\"online\"}", TestServer.INGEST);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
            }
            int ownedByB = ownedBy(url, "node-b");
            assertThat(ownedByB).as("b owns some of the targets").isBetween(1, TARGETS - 1);

            AdminClient admin = new AdminClient(a.app().port());
            assertThat(admin.get("/admin/cluster").statusCode()).isEqualTo(303);
            admin.signInWithToken(TestServer.ADMIN);
            String html = admin.get("/admin/cluster").body();
            assertThat(html).doesNotContain("single node")
                    .contains("<dd id=\"self\"><code>node-a</code></dd>")
                    .contains("<dd id=\"nodes-live\">2 live of 2 known</dd>")
                    .contains("<dd id=\"partitions\">256 in all: 128 owned by this node, 0 without a live owner</dd>")
                    .containsPattern("<dd id=\"renewal\">\\d+\\.\\d s ago \\(this node&#39;s leases\\)</dd>")
                    .contains("<dd id=\"forwarded\">" + ownedByB + " <span")
                    .doesNotContain("unowned-warning").doesNotContain("config-warning");
            assertThat(metric(a, "watchpost_cluster_forwarded_total")).as("the page shows the counter")
                    .isEqualTo(ownedByB);

            List<List<String>> rows = rows(html);
            assertThat(rows).hasSize(2);
            List<String> self = rows.stream().filter(r -> r.get(0).startsWith("node-a")).findFirst().orElseThrow();
            List<String> other = rows.stream().filter(r -> r.get(0).startsWith("node-b")).findFirst().orElseThrow();
            assertThat(self.get(0)).isEqualTo("node-a this node");
            assertThat(other.get(0)).isEqualTo("node-b");
            assertThat(self.get(1)).isEqualTo(envA.get("WATCHPOST_ADVERTISE_URL"));
            assertThat(other.get(1)).isEqualTo(envB.get("WATCHPOST_ADVERTISE_URL"));
            for (List<String> r : rows) {
                assertThat(r.get(2)).as("version").isNotBlank();
                assertThat(r.get(3)).isEqualTo("✓ live");
                assertThat(r.get(4)).matches("\\d+\\.\\d s ago");
                assertThat(r.get(5)).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC");
                assertThat(r.get(6)).isEqualTo("128");
                assertThat(r.get(7)).isEqualTo("yes");
            }

            // the session opened on a is good on b (behind a balancer without sticky sessions), with the
            // same CSRF token: both live in the database, not in a node's memory
            AdminClient onB = new AdminClient(b.app().port());
            onB.session = admin.session;
            HttpResponse<String> targetsOnB = onB.get("/admin/targets");
            assertThat(targetsOnB.statusCode()).isEqualTo(200);
            java.util.regex.Matcher csrfA = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"")
                    .matcher(admin.get("/admin/targets").body());
            java.util.regex.Matcher csrfB = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"")
                    .matcher(targetsOnB.body());
            assertThat(csrfA.find() && csrfB.find()).as("both pages carry the session's CSRF token").isTrue();
            assertThat(csrfB.group(1)).isEqualTo(csrfA.group(1));

            // b stops and hands its partitions over: a lists it as left, owning nothing, and owns all 256
            b.close();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String after = admin.get("/admin/cluster").body();
                assertThat(after).contains("<dd id=\"nodes-live\">1 live of 2 known</dd>")
                        .contains("256 in all: 256 owned by this node, 0 without a live owner");
                List<String> gone = rows(after).stream().filter(r -> r.get(0).equals("node-b")).findFirst().orElseThrow();
                assertThat(gone.subList(3, 8)).containsExactly("? left", "—", gone.get(5), "0", "yes");
            });
        }
    }

    @Test
    void theNodesTableEscapesWhatNodesWroteAndMarksLostNodesAndOtherConfigurations() {
        String evil = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>";
        long now = System.currentTimeMillis();
        ClusterView v = new ClusterView("node-a", List.of(
                new ClusterView.Node("node-a", "http://10.0.0.5:8080", "1.0.0", true, true, now - 60_000, now, 412, 250, true),
                new ClusterView.Node("node-b", "http://10.0.0.6:8080/" + evil, evil, false, false, now - 120_000,
                        now - 9_000, 9_000, 3, false),
                new ClusterView.Node("node-c" + evil, "http://10.0.0.7:8080", "0.9.0", true, false, now - 30_000, now,
                        700, 3, false),
                new ClusterView.Node("node-d", "http://10.0.0.8:8080", "1.0.0", false, false, now - 3_600_000, 0,
                        now, 0, true)),
                Partitions.COUNT, 3, 412);
        String html = ClusterPages.render(Optional.of(v), OptionalLong.of(42), Times.UTC);
        assertThat(html).doesNotContain("<script>alert").doesNotContain("<img src=x")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;")
                .contains("<dd id=\"nodes-live\">2 live of 4 known</dd>")
                .contains("256 in all: 250 owned by this node, 3 without a live owner")
                .contains("<dd id=\"renewal\">0.4 s ago (this node&#39;s leases)</dd>")
                .contains("<dd id=\"forwarded\">42 <span")
                .contains("id=\"unowned-warning\">3 partitions have no live owner")
                .contains("id=\"config-warning\">A live node runs with another configuration")
                .contains("<th scope=\"col\">Node</th>").contains("<table id=\"nodes\" aria-labelledby=\"nodes-heading\">")
                .contains("<h2 id=\"nodes-heading\">Nodes</h2>");
        List<List<String>> rows = rows(html);
        assertThat(rows).extracting(r -> r.get(3)).containsExactly("✓ live", "✕ lost", "✓ live", "? left");
        assertThat(rows).extracting(r -> r.get(4)).containsExactly("0.4 s ago", "9.0 s ago", "0.7 s ago", "—");
        assertThat(rows).extracting(r -> r.get(7)).containsExactly("yes", "✕ no", "✕ no", "yes");
        assertThat(rows.get(0).get(0)).isEqualTo("node-a this node");
        assertThat(rows.subList(1, rows.size())).allMatch(r -> !r.get(0).contains("this node"));
        assertThat(html).as("the shapes are decoration; the words say it").contains("<span class=\"shape\" aria-hidden=\"true\">✕</span> lost");

        String none = ClusterPages.render(Optional.of(new ClusterView("node-a", List.of(), Partitions.COUNT, Partitions.COUNT, -1)),
                OptionalLong.empty(), Times.UTC);
        assertThat(none).contains("<dd id=\"renewal\">not yet</dd>").contains("No nodes read yet")
                .doesNotContain("Reports forwarded").doesNotContain("<table");
    }

    @Test
    void agesReadAsPeopleSayThem() {
        assertThat(ClusterPages.ago(-5)).isEqualTo("0.0 s ago");
        assertThat(ClusterPages.ago(412)).isEqualTo("0.4 s ago");
        assertThat(ClusterPages.ago(9_960)).isEqualTo("10.0 s ago");
        assertThat(ClusterPages.ago(35_000)).isEqualTo("35 s ago");
        assertThat(ClusterPages.ago(12 * 60_000)).isEqualTo("12 min ago");
        assertThat(ClusterPages.ago(3 * 3_600_000)).isEqualTo("3 h ago");
        assertThat(ClusterPages.ago(49 * 3_600_000L)).isEqualTo("2 days ago");
    }

    /** The nodes table's rows as the text of their cells (tags removed, entities of the shapes kept). */
    private static List<List<String>> rows(String html) {
        Matcher body = Pattern.compile("<table id=\"nodes\".*?<tbody>(.*?)</tbody>", Pattern.DOTALL).matcher(html);
        assertThat(body.find()).as("a nodes table").isTrue();
        List<List<String>> out = new java.util.ArrayList<>();
        Matcher row = Pattern.compile("<tr[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(body.group(1));
        while (row.find()) {
            List<String> cells = new java.util.ArrayList<>();
            Matcher cell = Pattern.compile("<td[^>]*>(.*?)</td>", Pattern.DOTALL).matcher(row.group(1));
            while (cell.find()) {
                cells.add(cell.group(1).replaceAll("<[^>]+>", "").strip());
            }
            out.add(cells);
        }
        return out;
    }

    private static int ownedBy(String url, String node) throws Exception {
        Map<Integer, String> owners = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("SELECT partition_no, owner FROM cluster_partition");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                owners.put(rs.getInt(1), rs.getString(2));
            }
        }
        int n = 0;
        for (int i = 0; i < TARGETS; i++) {
            if (node.equals(owners.get(Partitions.of("bots/" + i)))) {
                n++;
            }
        }
        return n;
    }

    private static long metric(TestServer server, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.]+)$")
                .matcher(server.http().get("/metrics", TestServer.READ).body());
        assertThat(m.find()).as(name).isTrue();
        return (long) Double.parseDouble(m.group(1));
    }

    /** A node in this JVM on {@code url}, reading this test's config file. */
    private Map<String, String> node(String url, String id) {
        return ClusterNodes.inProcessEnv(url, id, dir.resolve("watchpost.yml"));
    }
}
