package dev.watchpost.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.Postgres;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL stopped under a running server: the page, the live reads and readiness answer at once
 * from memory, heartbeats keep being accepted, and every transition made meanwhile is in the
 * database, and alerted, once it is back.
 */
@Tag("postgres")
class DatabaseOutageTest {

    /** Generous: a database wait is 10 s (the pool's timeout); an answer from memory takes milliseconds. */
    static final Duration QUICK = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    Postgres.Standalone pg;
    HttpServer hook;
    final List<JsonNode> alerts = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (hook != null) {
            hook.stop(0);
        }
        if (pg != null) {
            pg.close();
        }
    }

    private String startHook() throws IOException {
        ObjectMapper json = new ObjectMapper();
        hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hook.createContext("/", exchange -> {
            alerts.add(json.readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        hook.start();
        return "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook";
    }

    private static <T> T quickly(String what, Supplier<T> call) {
        long t0 = System.nanoTime();
        T result = call.get();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(took).as("%s took %d ms", what, took.toMillis()).isLessThan(QUICK);
        return result;
    }

    private static void report(Http http, String id, String state) {
        HttpResponse<String> r = quickly("heartbeat " + id, () ->
                http.postJson("/api/v1/heartbeat/" + id, "{\"state\":\"" + state + "\"}", TestServer.INGEST));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    }

    private static double metric(Http http, String name) {
        for (String line : http.get("/metrics").body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no metric " + name);
    }

    /** Every transition row of a target, oldest first, as "from>to". */
    private List<String> rows(String target) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url());
             PreparedStatement ps = c.prepareStatement(
                     "SELECT from_state, to_state FROM transition WHERE target_id = ? ORDER BY at, id")) {
            ps.setString(1, target);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + ">" + rs.getString(2));
                }
            }
            return out;
        }
    }

    @Test
    void pageAndLiveReadsStayUpAndNothingIsLostWhilePostgresIsStopped() throws Exception {
        pg = Postgres.standalone(dir.resolve("pg"));
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                targets:
                  - { id: shop/api, name: Shop API, push: { every: 1h } }
                  - { id: shop/db, name: Shop database, push: { every: 1h } }
                channels:
                  - id: hook
                    webhook: { url: "%s" }
                rules:
                  - notify: [hook]
                """.formatted(startHook()), StandardCharsets.UTF_8);
        Map<String, String> env = Map.of("WATCHPOST_DB_URL", pg.url(), "WATCHPOST_CONFIG", config.toString(),
                "WATCHPOST_ALERTS_STARTUP_GRACE", "0s");
        try (TestServer server = TestServer.start(dir.resolve("data"), Clock.systemUTC(), env)) {
            Http http = server.http();
            report(http, "shop/api", "online");
            report(http, "shop/db", "online");
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    Http.json(http.get("/api/v1/targets/shop/db")).path("transitions").size() == 1);
            assertThat(http.get("/readyz").statusCode()).isEqualTo(200);

            pg.stop();
            long stopped = System.nanoTime();
            // Asked before the outage is noticed: the read finds out itself, within a second or so.
            HttpResponse<String> first = quickly("GET target at once", () -> http.get("/api/v1/targets/shop/api"));
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);

            // Readiness says so within about a second, and never makes its caller wait.
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
                HttpResponse<String> r = quickly("/readyz", () -> http.get("/readyz"));
                return r.statusCode() == 503;
            });
            assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(3));
            HttpResponse<String> ready = quickly("/readyz", () -> http.get("/readyz"));
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(Http.json(ready).path("store").asText()).isEqualTo("unavailable");

            // Heartbeats are accepted: a down, a flap, changes the live state shows at once.
            report(http, "shop/api", "offline");
            report(http, "shop/db", "offline");
            report(http, "shop/db", "online");
            report(http, "shop/db", "offline");

            // The page: live states, and a visible mark that history could not be read.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                HttpResponse<String> page = quickly("GET /", () -> http.get("/"));
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.body()).contains("History unavailable", "Shop API", "Shop database");
                assertThat(page.body()).contains("outage").doesNotContain("All systems operational");
            });
            assertThat(quickly("GET / again", () -> http.get("/")).statusCode()).isEqualTo(200);
            // A target's page: its live state at once; history and changes said to be unavailable.
            HttpResponse<String> targetPage = quickly("GET /targets/shop/api", () -> http.get("/targets/shop/api"));
            assertThat(targetPage.statusCode()).isEqualTo(200);
            assertThat(targetPage.body()).contains("<span class=\"label\">Offline</span>", "History unavailable",
                    "Changes cannot be read now").doesNotContain("id=\"uptime-title\"");

            // The target's live state; its recent transitions are left out, and it says so.
            HttpResponse<String> target = quickly("GET target", () -> http.get("/api/v1/targets/shop/api"));
            assertThat(target.statusCode()).as(target.body()).isEqualTo(200);
            assertThat(Http.json(target).path("target").path("state").asText()).isEqualTo("offline");
            assertThat(Http.json(target).path("transitions_unavailable").asText()).contains("database");

            // History lives in the database only: a quick, clear 503.
            HttpResponse<String> history = quickly("GET history", () -> http.get("/api/v1/targets/shop/api/history"));
            assertThat(history.statusCode()).isEqualTo(503);
            assertThat(Http.json(history).path("error").asText()).contains("database");
            assertThat(history.headers().firstValue("Retry-After")).isPresent();

            // The waiting transitions are visible, and their bound.
            assertThat(metric(http, "watchpost_transitions_pending")).isGreaterThanOrEqualTo(4);
            assertThat(metric(http, "watchpost_transitions_pending_limit")).isPositive();
            assertThat(metric(http, "watchpost_store_available")).isZero();
            assertThat(alerts).as("nothing is alerted before it is recorded").isEmpty();

            pg.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> http.get("/readyz").statusCode() == 200);
            await().atMost(Duration.ofSeconds(30)).until(() -> metric(http, "watchpost_transitions_pending") == 0);

            // Nothing lost: every change made during the outage is in the database, chain intact.
            assertThat(rows("shop/api")).containsExactly("unknown>online", "online>offline");
            assertThat(rows("shop/db")).containsExactly("unknown>online", "online>offline", "offline>online",
                    "online>offline");
            assertThat(metric(http, "watchpost_transitions_coalesced_total")).isZero();
            // ... and alerted.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(alerts)
                    .extracting(a -> a.path("event").asText() + " " + a.path("target").path("id").asText())
                    .contains("down shop/api", "down shop/db"));
            HttpResponse<String> after = http.get("/");
            assertThat(after.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> !http.get("/").body().contains("History unavailable"));
            assertThat(http.get("/api/v1/targets/shop/api/history").statusCode()).isEqualTo(200);
        }
    }
}
