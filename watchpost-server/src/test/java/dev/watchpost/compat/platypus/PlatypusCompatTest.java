package dev.watchpost.compat.platypus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.config.ConfigException;
import dev.watchpost.config.ConfigLoader;
import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.testing.WsClient;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.MutableClock;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Platypus's Go agents and page against the real server, over real WebSockets, sending exactly the
 * bytes the Go agent sends (CONTRACTS §5).
 */
@Tag("integration")
class PlatypusCompatTest {

    /** What Platypus generates into {@code .secret}: 32 random bytes in hex. */
    static final String SECRET = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    final MutableClock clock = MutableClock.at("2026-06-01T12:00:00Z");
    TestServer server;
    Http http;

    private void start(Map<String, String> env) {
        server = TestServer.start(dir, clock, env);
        http = server.http();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The Go agent's {@code json.Marshal(UsageStats)}: fields in struct order, rounded figures, no spaces. */
    static String goAgent(String hostname, int cpu, int memory, int disk, String secret) {
        return "{\"hostname\":\"" + hostname + "\",\"cpu\":" + cpu + ",\"memory\":" + memory + ",\"disk\":" + disk
                + ",\"secret\":\"" + secret + "\"}";
    }

    private WsClient connect(String path) throws Exception {
        return new WsClient(server.app().port(), path);
    }

    private JsonNode target(String id) {
        HttpResponse<String> r = http.get("/api/v1/targets/" + id);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(SECRET);
        return Http.json(r).get("target");
    }

    @Test
    void anAgentsPushesMakeItsHostAnOnlineTargetWithItsFiguresAndItsCloseMakesItOffline() throws Exception {
        start(Map.of("PLATYPUS_SECRET", SECRET));
        try (WsClient agent = connect("/stats"); WsClient page = connect("/getstats")) {
            assertThat(page.next(WITHIN)).as("the map on connect, no host yet").isEqualTo("{}");

            agent.send(goAgent("Web-1", 6, 38, 8, SECRET));
            assertThat(agent.next(WITHIN)).as("the original answers each good message with an empty frame").isEmpty();
            JsonNode t = target("servers/web-1");
            assertThat(t.get("name").asText()).isEqualTo("Web-1");
            assertThat(t.get("group").asText()).isEqualTo("servers");
            assertThat(t.get("state").asText()).isEqualTo("online");
            assertThat(t.get("message").asText()).isEqualTo("cpu 6 %, memory 38 %, disk 8 %");
            assertThat(t.get("metrics").toString()).isEqualTo("{\"cpu\":6.0,\"memory\":38.0,\"disk\":8.0}");

            agent.send(goAgent("Web-1", 7, 40, 8, SECRET));
            assertThat(agent.next(WITHIN)).isEmpty();
            assertThat(target("servers/web-1").get("message").asText()).isEqualTo("cpu 7 %, memory 40 %, disk 8 %");

            // the status page shows the host with its figures
            await().atMost(WITHIN).untilAsserted(() -> assertThat(http.get("/").body())
                    .contains("Web-1").contains("cpu 7 %, memory 40 %, disk 8 %"));

            // Platypus's page: hostname → stats and online, as the original shapes it, every interval
            String online = "{\"Web-1\":{\"stats\":{\"hostname\":\"Web-1\",\"cpu\":7,\"memory\":40,\"disk\":8,\"secret\":\"\"},"
                    + "\"online\":true}}";
            await().atMost(WITHIN).until(() -> page.next(WITHIN).equals(online));

            agent.stop(); // what the Go agent does when it exits
            await().atMost(WITHIN).untilAsserted(() -> {
                JsonNode gone = target("servers/web-1");
                assertThat(gone.get("state").asText()).isEqualTo("offline");
                assertThat(gone.get("message").asText()).isEqualTo("agent disconnected");
            });
            String offline = online.replace("\"online\":true", "\"online\":false");
            await().atMost(WITHIN).until(() -> page.next(WITHIN).equals(offline));
        }
    }

    @Test
    void aWrongSecretIsAnsweredInvalidSecretKeyAndTheSocketClosedWithoutATarget() throws Exception {
        start(Map.of("PLATYPUS_SECRET", SECRET));
        try (WsClient agent = connect("/stats")) {
            agent.send(goAgent("intruder", 1, 2, 3, "not-the-secret"));
            assertThat(agent.next(WITHIN)).isEqualTo("invalid secret key");
            assertThat(agent.close(WITHIN)).isEqualTo(new WsClient.Close(1008, "invalid secret key"));
        }
        // the original kept the stats of a wrong secret; Watchpost records nothing
        assertThat(http.get("/api/v1/targets/servers/intruder").statusCode()).isEqualTo(404);
    }

    @Test
    void withoutASecretEveryAgentIsRefusedWithACloseReasonThatSaysWhy() throws Exception {
        start(Map.of());
        try (WsClient agent = connect("/stats")) {
            WsClient.Close close = agent.close(WITHIN);
            assertThat(close.code()).isEqualTo(1008);
            assertThat(close.reason()).isEqualTo("no Platypus secret is set on this server (platypus.secret, PLATYPUS_SECRET)");
        }
        assertThat(http.get("/api/v1/targets/servers/web-1").statusCode()).isEqualTo(404);
    }

    @Test
    void aMessageThatIsNotTheAgentsIsRefusedWithItsReason() throws Exception {
        start(Map.of("PLATYPUS_SECRET", SECRET));
        try (WsClient agent = connect("/stats")) {
            agent.send("hello");
            assertThat(agent.close(WITHIN)).isEqualTo(new WsClient.Close(1007, "message is not JSON"));
        }
        try (WsClient agent = connect("/stats")) {
            agent.send("{\"cpu\":1,\"memory\":2,\"disk\":3,\"secret\":\"" + SECRET + "\"}");
            assertThat(agent.close(WITHIN)).isEqualTo(new WsClient.Close(1007, "'hostname' is missing"));
        }
    }

    @Test
    void aHostWhoseSocketStaysOpenButSilentBecomesUnhealthyWhenItsLeaseRunsOut() throws Exception {
        start(Map.of("PLATYPUS_SECRET", SECRET, "PLATYPUS_TIMEOUT", "5"));
        try (WsClient agent = connect("/stats")) {
            agent.send(goAgent("db-1", 10, 20, 30, SECRET));
            assertThat(agent.next(WITHIN)).isEmpty();
            assertThat(target("servers/db-1").get("lease").asText()).isEqualTo("5s");
            clock.advance(Duration.ofSeconds(6));
            await().atMost(WITHIN).untilAsserted(() -> assertThat(target("servers/db-1").get("state").asText())
                    .isEqualTo("unhealthy"));
            agent.send(goAgent("db-1", 10, 20, 30, SECRET));
            assertThat(agent.next(WITHIN)).isEmpty();
            assertThat(target("servers/db-1").get("state").asText()).isEqualTo("online");
        }
    }

    @Test
    void aHostIsOfflineOnlyWhenItsLastSocketCloses() throws Exception {
        start(Map.of("PLATYPUS_SECRET", SECRET, "PLATYPUS_GROUP", "infra/hosts"));
        try (WsClient old = connect("/stats"); WsClient fresh = connect("/stats")) {
            old.send(goAgent("app-1", 1, 2, 3, SECRET));
            assertThat(old.next(WITHIN)).isEmpty();
            fresh.send(goAgent("app-1", 4, 5, 6, SECRET));
            assertThat(fresh.next(WITHIN)).isEmpty();
            old.stop(); // an agent restarted: its old socket closes after the new one opened
            assertThat(old.close(WITHIN).code()).isEqualTo(1000);
            fresh.send(goAgent("app-1", 4, 5, 6, SECRET));
            assertThat(fresh.next(WITHIN)).isEmpty();
            JsonNode t = target("infra/hosts/app-1");
            assertThat(t.get("state").asText()).isEqualTo("online");
            assertThat(t.get("group").asText()).isEqualTo("infra/hosts");
        }
    }

    @Test
    void theHostsMapFollowsTheServersReadAccess() throws Exception {
        start(Map.of("PLATYPUS_SECRET", SECRET, "WATCHPOST_PUBLIC_READ", "false"));
        try (WsClient anonymous = connect("/getstats")) {
            assertThat(anonymous.close(WITHIN)).isEqualTo(new WsClient.Close(1008,
                    "reads need an API token with scope 'read' (?token=...)"));
            assertThat(anonymous.texts).isEmpty();
        }
        try (WsClient reader = connect("/getstats?token=" + TestServer.READ)) {
            assertThat(reader.next(WITHIN)).isEqualTo("{}");
        }
        try (WsClient agent = connect("/stats")) {
            agent.send(goAgent("web-1", 1, 2, 3, SECRET));
            assertThat(agent.next(WITHIN)).as("agents need the secret, not a read token").isEmpty();
        }
    }

    @Test
    void settingsTakePlatypusNamesAndNeverShowTheSecret() {
        Map<String, String> env = new HashMap<>();
        env.put("PLATYPUS_SECRET", SECRET);
        env.put("PLATYPUS_INTERVAL", "1"); // Platypus's config.yml: whole seconds
        WatchpostConfig.Platypus p = ConfigLoader.load(Optional.empty(), env, false).platypus();
        assertThat(p.secret()).contains(SECRET);
        assertThat(p.group()).isEqualTo("servers");
        assertThat(p.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.toString()).doesNotContain(SECRET);

        assertThat(ConfigLoader.load(Optional.empty(), Map.of(), false).platypus().secret()).isEmpty();
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("PLATYPUS_SECRET", "hunter2"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("platypus.secret = \"(hidden)\" (from PLATYPUS_SECRET)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("PLATYPUS_GROUP", "Servers!"), false))
                .hasMessageContaining("platypus.group");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("PLATYPUS_INTERVAL", "0"), false))
                .hasMessageContaining("platypus.interval");
    }
}
