package dev.watchpost.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.watchpost.agent.StatsAgent;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;
import dev.watchpost.testing.MutableClock;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static dev.watchpost.testing.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Platypus' behaviour end to end: a real stats agent, a server without one (404), a server that
 * answers something else, and one that does not answer, each declared as a {@code stats:} target.
 */
@Tag("integration")
class StatsTargetTest {

    @TempDir
    Path dir;

    private final TestServers servers = new TestServers();
    private StatsAgent agent;
    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (agent != null) {
            agent.close();
        }
        servers.close();
    }

    @Test
    void statsTargetsFollowPlatypusRules() throws Exception {
        agent = StatsAgent.start(new StatsAgent.Settings("127.0.0.1", 0, "/platy", Path.of("/")));
        HttpServer other = servers.http();
        other.createContext("/platy", ex -> {
            if (ex.getRequestURI().getPath().equals("/platy")) {
                TestServers.send(ex, 404, "text/plain", "not found");
            }
        });
        HttpServer panel = servers.http();
        panel.createContext("/platy", TestServers.text(200, "<html>login</html>"));
        HttpServer dead = servers.http();
        dead.createContext("/platy", servers.hang());
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                targets:
                  - { id: hosts/agent, stats: { url: "http://127.0.0.1:%d/platy", every: 5m } }
                  - { id: hosts/no-agent, stats: { host: "127.0.0.1:%d" } }
                  - { id: hosts/panel, stats: { url: "http://127.0.0.1:%d/platy" } }
                  - { id: hosts/dead, stats: { url: "http://127.0.0.1:%d/platy", timeout: 1s, failure-threshold: 1 } }
                """.formatted(agent.port(), other.getAddress().getPort(), panel.getAddress().getPort(),
                dead.getAddress().getPort()));
        MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
        server = TestServer.start(dir.resolve("data"), clock, Map.of("WATCHPOST_CONFIG", config.toString()));
        clock.advance(Duration.ofSeconds(10)); // every first run is due within 10 s

        await().atMost(Duration.ofSeconds(10)).until(() -> server.app().live().snapshot().targets().stream()
                .filter(t -> t.id().startsWith("hosts/")).noneMatch(t -> t.state() == State.UNKNOWN));

        TargetView withAgent = view("hosts/agent");
        assertThat(withAgent.state()).isEqualTo(State.ONLINE);
        for (String key : new String[] {"cpu", "memory", "disk"}) {
            assertThat(withAgent.metrics().get(key).asDouble()).isBetween(0.0, 100.0);
        }
        assertThat(view("hosts/no-agent").state()).isEqualTo(State.ONLINE);
        assertThat(view("hosts/no-agent").message()).isEqualTo("no stats agent");
        assertThat(view("hosts/panel").state()).isEqualTo(State.DEGRADED);
        assertThat(view("hosts/panel").message()).isEqualTo("answer is not JSON (text/plain)");
        assertThat(view("hosts/dead").state()).isEqualTo(State.DOWN);
        assertThat(view("hosts/dead").message()).isEqualTo("timeout after 1 s");

        // The stats are part of the API's view of the target.
        JsonNode target = json(server.http().get("/api/v1/targets/hosts/agent")).get("target");
        assertThat(target.get("kind").asText()).isEqualTo("stats");
        assertThat(target.at("/metrics/cpu").isNumber()).isTrue();
    }

    private TargetView view(String id) {
        return server.app().live().target(id).orElseThrow();
    }
}
