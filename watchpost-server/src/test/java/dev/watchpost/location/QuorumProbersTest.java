package dev.watchpost.location;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.watchpost.app.Main;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.watchpost.testing.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three locations, each a {@code watchpost prober} process, check one site through a real server,
 * and the site answers each location differently (by the {@code User-Agent} a prober sends, which
 * names its location). The target's state follows the quorum (two of three): one location seeing
 * the site down changes nothing and alerts nobody; two do, with one alert that says who saw what.
 * A location cut off from the server and then killed is left out without a false down, raises one
 * "location lost" alert, and once restarted delivers what it checked meanwhile into the location's
 * history, not into the target's state.
 */
@Tag("integration")
class QuorumProbersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LOCATION = Pattern.compile("\\(location ([a-z0-9-]+)\\)");

    @TempDir
    Path dir;

    /** What the site answers each location; 200 unless set. */
    private final Map<String, Integer> answers = new ConcurrentHashMap<>();
    private final Map<String, Integer> checks = new ConcurrentHashMap<>();
    private final List<JsonNode> alerts = new CopyOnWriteArrayList<>();
    private final Map<String, Process> probers = new ConcurrentHashMap<>();
    private HttpServer web;
    private Relay relay;
    private TestServer server;
    private Http http;

    @BeforeEach
    void start() throws Exception {
        web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        web.createContext("/site", ex -> {
            Matcher m = LOCATION.matcher(String.valueOf(ex.getRequestHeaders().getFirst("User-Agent")));
            String location = m.find() ? m.group(1) : "local";
            checks.merge(location, 1, Integer::sum);
            int status = answers.getOrDefault(location, 200);
            byte[] body = ("seen from " + location).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        web.createContext("/hook", ex -> {
            alerts.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        web.start();
        String base = "http://127.0.0.1:" + web.getAddress().getPort();
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                targets:
                  - id: web/shop
                    name: Shop
                    http: { url: "%s/site", every: 1s, timeout: 1s, locations: [eu, us, asia] }
                channels:
                  - id: ops
                    webhook: { url: "${HOOK_URL}" }
                rules:
                  - id: shop
                    targets: [web/shop]
                    notify: [ops]
                """.formatted(base));
        server = TestServer.start(dir.resolve("data"), Clock.systemUTC(), Map.of("WATCHPOST_CONFIG", config.toString(),
                "HOOK_URL", base + "/hook", "WATCHPOST_ALERTS_STARTUP_GRACE", "0s", "WATCHPOST_PROBES_LOCATION_LOST_AFTER", "20s"));
        http = server.http();
        relay = new Relay(server.app().port());
    }

    @AfterEach
    void stop() {
        probers.values().forEach(Process::destroyForcibly);
        if (relay != null) {
            relay.close();
        }
        if (server != null) {
            server.close();
        }
        web.stop(0);
    }

    @Test
    void theStateFollowsTwoOfThreeLocationsAndALostLocationIsLeftOutThenCatchesUp() throws Exception {
        String eu = token("eu");
        String us = token("us");
        String asia = token("asia");
        prober("eu", server.app().port(), eu);
        prober("us", server.app().port(), us);
        prober("asia", relay.port(), asia); // asia reaches the server through a link the test can cut

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(state()).isEqualTo("online");
            for (String l : List.of("eu", "us", "asia")) {
                assertThat(location(l).path("outcome").asText()).as(l).isEqualTo("up");
            }
        });
        assertThat(checks.keySet()).as("the server itself does not check: local is not among the locations")
                .containsExactlyInAnyOrder("eu", "us", "asia");

        // One of three sees the site down: no state change, no alert.
        answers.put("eu", 503);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(location("eu").path("outcome").asText()).isEqualTo("down"));
        Thread.sleep(5_000); // five more rounds
        assertThat(state()).isEqualTo("online");
        assertThat(alerts).as("alerts while one location of three sees it down").isEmpty();

        // Two of three: down, with one alert saying who saw what.
        answers.put("us", 503);
        await().atMost(Duration.ofSeconds(20)).until(() -> state().equals("down"));
        await().atMost(Duration.ofSeconds(15)).until(() -> !alerts.isEmpty());
        Thread.sleep(3_000); // a second alert, were there one, would come by now
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.path("event").asText()).isEqualTo("down");
            assertThat(a.path("target").path("id").asText()).isEqualTo("web/shop");
            assertThat(a.path("text").asText()).contains("down from eu and us").contains("asia sees status 200");
        });

        // Back: one recovery.
        answers.clear();
        await().atMost(Duration.ofSeconds(20)).until(() -> state().equals("online"));
        await().atMost(Duration.ofSeconds(15)).until(() -> alerts.size() == 2);
        assertThat(alerts.get(1).path("event").asText()).isEqualTo("recovered");

        // asia's link to the server is cut: it keeps checking into its buffer. Then it is killed.
        relay.cut();
        Thread.sleep(9_000); // longer than a result stays fresh (2 x 1 s + 5 s): what it buffers is history
        Instant killedAt = Instant.now();
        probers.remove("asia").destroyForcibly().waitFor();
        try (var files = Files.list(dir.resolve("buffer-asia"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".jsonl")).count()).as("asia's buffer on disk").isPositive();
        }

        // Left out, never counted as down: eu alone seeing it down is one of two live locations.
        answers.put("eu", 503);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(location("asia").path("live").asBoolean()).isFalse());
        Thread.sleep(3_000);
        assertThat(state()).isEqualTo("online");
        answers.clear();

        // One "location lost" alert once it has been silent for the lost-after (20 s here).
        await().atMost(Duration.ofSeconds(40)).until(() -> alerts.size() >= 3);
        Thread.sleep(3_000);
        assertThat(alerts).hasSize(3);
        assertThat(alerts.get(2).path("event").asText()).isEqualTo("location_lost");
        assertThat(alerts.get(2).path("text").asText()).contains("asia");
        assertThat(state()).isEqualTo("online");

        // Restarted with its buffer and its link back: what it checked while cut off arrives with the
        // original times, into the location's history, while the state follows its fresh checks.
        relay.restore();
        Path log = prober("asia", relay.port(), asia);
        Pattern delivered = Pattern.compile("event=prober.backlog_delivered location=asia results=(\\d+) current=(\\d+) "
                + "history_only=(\\d+)");
        Matcher m = await().atMost(Duration.ofSeconds(30)).until(() -> delivered.matcher(Files.readString(log)), Matcher::find);
        assertThat(Integer.parseInt(m.group(3))).as("buffered results older than fresh: history only")
                .isGreaterThanOrEqualTo(5);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode a = location("asia");
            assertThat(a.path("live").asBoolean()).isTrue();
            assertThat(Instant.parse(a.path("checked_at").asText())).isAfter(killedAt);
        });
        await().atMost(Duration.ofSeconds(15)).until(() -> alerts.size() >= 4);
        assertThat(alerts.get(3).path("event").asText()).isEqualTo("location_back");
        assertThat(state()).isEqualTo("online");

        // The location's history holds the checks made while it was cut off (written at shutdown:
        // read after a restart of the server).
        int port = server.app().port();
        server.close();
        server = TestServer.start(dir.resolve("data"), Clock.systemUTC(), Map.of("WATCHPOST_CONFIG",
                dir.resolve("watchpost.yml").toString(), "HOOK_URL", "http://127.0.0.1:" + web.getAddress().getPort() + "/hook",
                "WATCHPOST_PORT", Integer.toString(port)));
        http = server.http();
        long samples = 0;
        for (JsonNode d : json(http.get("/api/v1/targets/web/shop/history?location=asia")).get("days")) {
            samples += d.get("samples").asLong();
        }
        assertThat(samples).as("asia's checks in its history, the buffered ones included")
                .isGreaterThanOrEqualTo(Integer.parseInt(m.group(1)));
        assertThat(alerts).as("alerts in all").hasSize(4);
    }

    // ------------------------------------------------------------------ helpers

    private Path prober(String location, int serverPort, String token) throws IOException {
        Path log = dir.resolve("prober-" + location + "-" + System.nanoTime() + ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx96m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "prober", "--server", "http://127.0.0.1:" + serverPort, "--location", location,
                "--buffer", dir.resolve("buffer-" + location).toString());
        pb.environment().put("WATCHPOST_PROBER_TOKEN", token);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        probers.put(location, pb.start());
        return log;
    }

    private String token(String location) {
        HttpResponse<String> r = http.postJson("/api/v1/tokens", "{\"scope\":\"prober\",\"location\":\"" + location + "\"}",
                TestServer.ADMIN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).get("token").asText();
    }

    private String state() {
        return json(http.get("/api/v1/targets/web/shop")).path("target").path("state").asText();
    }

    private JsonNode location(String name) {
        JsonNode view = json(http.get("/api/v1/targets/web/shop/probe"));
        for (JsonNode l : view.path("locations")) {
            if (l.path("location").asText().equals(name)) {
                return l;
            }
        }
        return JSON.createObjectNode();
    }

    /**
     * A TCP relay on 127.0.0.1 in front of the server, standing for one location's network: cut, it
     * refuses connections and drops those open; restored, it listens on the same port again.
     */
    private static final class Relay implements AutoCloseable {
        private final int target;
        private final int port;
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();
        private volatile ServerSocket listening;

        Relay(int target) throws IOException {
            this.target = target;
            this.listening = listen(0);
            this.port = listening.getLocalPort();
        }

        int port() {
            return port;
        }

        private ServerSocket listen(int on) throws IOException {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), on));
            Thread.ofVirtual().start(() -> accept(s));
            return s;
        }

        private void accept(ServerSocket s) {
            while (!s.isClosed()) {
                try {
                    Socket in = s.accept();
                    Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                    open.add(in);
                    open.add(out);
                    Thread.ofVirtual().start(() -> pipe(in, out));
                    Thread.ofVirtual().start(() -> pipe(out, in));
                } catch (IOException e) {
                    return; // closed: cut
                }
            }
        }

        private void pipe(Socket from, Socket to) {
            try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
                i.transferTo(o);
            } catch (IOException e) {
                // cut, or the other side closed
            } finally {
                quietly(from);
                quietly(to);
            }
        }

        void cut() {
            quietly(listening);
            List<Socket> all = new ArrayList<>(open);
            open.clear();
            all.forEach(Relay::quietly);
        }

        void restore() throws IOException {
            listening = listen(port);
        }

        @Override
        public void close() {
            cut();
        }

        private static void quietly(AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
    }
}
