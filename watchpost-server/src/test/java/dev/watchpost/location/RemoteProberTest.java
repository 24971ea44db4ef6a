package dev.watchpost.location;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.app.Main;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.OkSite;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.watchpost.testing.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code watchpost prober} as its own process (this JVM's class path) against a real server in this
 * one, checking a local HTTP server: it picks up its location's targets and follows their changes,
 * its results reach the target's view for its location, it keeps checking while the server is away
 * and delivers what it buffered with the original times (history, not state), and it says so when
 * the server refuses its token.
 */
@Tag("integration")
class RemoteProberTest {

    @TempDir
    Path dir;

    private final List<Process> probers = new ArrayList<>();
    private OkSite web;
    private TestServer server;
    private Http http;

    @BeforeEach
    void start() throws Exception {
        web = OkSite.start();
        server = TestServer.start(dir.resolve("server"), Clock.systemUTC(), Map.of());
        http = server.http();
    }

    @AfterEach
    void stop() {
        probers.forEach(Process::destroyForcibly);
        if (server != null) {
            server.close();
        }
        web.close();
    }

    @Test
    void aProberChecksItsTargetsFollowsTheirChangesAndDeliversWhatItBufferedWhileTheServerWasAway() throws Exception {
        create("a");
        String token = proberToken("eu");
        Path log = dir.resolve("prober.log");
        int serverPort = server.app().port();
        prober(log, serverPort, token, "eu");

        // Its assigned target is checked from eu, and the result shows for eu within seconds.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode eu = euView("a");
            assertThat(eu.path("outcome").asText()).isEqualTo("up");
            assertThat(eu.path("live").asBoolean()).isTrue();
        });
        assertThat(Files.readString(log)).contains("event=prober.started server=http://127.0.0.1:" + serverPort
                + " location=eu targets=1").doesNotContain(token);

        // A new target reaches it within seconds (the long poll answers at once); a removed one stops.
        create("b");
        await().atMost(Duration.ofSeconds(10)).until(() -> count("/b") > 0);
        assertThat(Files.readString(log)).contains("event=prober.assignments location=eu targets=2 added=[web/b]");
        HttpResponse<String> deleted = http.send(http.request("/api/v1/targets/web/a")
                .header("Authorization", "Bearer " + TestServer.ADMIN).DELETE().build());
        assertThat(deleted.statusCode()).as(deleted.body()).isIn(200, 204);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("removed=[web/a]"));
        Thread.sleep(1_500); // a run already in flight may still land
        int aChecks = count("/a");
        Thread.sleep(2_500);
        assertThat(count("/a")).as("checks of a removed target").isEqualTo(aChecks);

        // The server goes away for longer than a result stays fresh (2 x every + 5 s): the prober
        // keeps checking and keeps the results on disk.
        server.close();
        server = null;
        Instant down = Instant.now();
        int bBefore = count("/b");
        Thread.sleep(9_000);
        assertThat(count("/b") - bBefore).as("checks while the server was away").isGreaterThanOrEqualTo(6);
        assertThat(Files.readString(log)).contains("event=prober.server_unreachable");
        try (var files = Files.list(dir.resolve("buffer"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".jsonl")).count()).isPositive();
        }

        // Back on the same port and data: the buffered results arrive, the old ones as history only.
        server = TestServer.start(dir.resolve("server"), Clock.systemUTC(), Map.of("WATCHPOST_PORT", Integer.toString(serverPort)));
        http = server.http();
        Pattern delivered = Pattern.compile("event=prober.backlog_delivered location=eu results=(\\d+) current=(\\d+) "
                + "history_only=(\\d+)");
        Matcher m = await().atMost(Duration.ofSeconds(20)).until(() -> delivered.matcher(Files.readString(log)),
                Matcher::find);
        assertThat(Integer.parseInt(m.group(1))).isGreaterThanOrEqualTo(6);
        assertThat(Integer.parseInt(m.group(3))).as("buffered results older than fresh: history only").isPositive();
        // Its current result is a fresh one; the outage's checks are in the location's history
        // (written every minute and at shutdown: read after one more restart).
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Instant.parse(euView("b").get("checked_at").asText())).isAfter(down.plusSeconds(8)));
        server.close();
        server = TestServer.start(dir.resolve("server"), Clock.systemUTC(), Map.of("WATCHPOST_PORT", Integer.toString(serverPort)));
        http = server.http();
        long samples = 0;
        for (JsonNode d : json(http.get("/api/v1/targets/web/b/history?location=eu")).get("days")) {
            samples += d.get("samples").asLong();
        }
        assertThat(samples).as("checks in the location's history").isGreaterThanOrEqualTo(Integer.parseInt(m.group(1)));
        // Emptied: what it buffered while this last restart held the server away goes too.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            try (var files = Files.list(dir.resolve("buffer"))) {
                assertThat(files.filter(p -> p.toString().endsWith(".jsonl")).count()).as("buffer emptied").isZero();
            }
        });
        assertThat(Files.readString(log)).contains("event=prober.server_back");
    }

    @Test
    void aProberWithARevokedTokenSaysSoInItsLog() throws Exception {
        create("a");
        HttpResponse<String> made = http.postJson("/api/v1/tokens", "{\"scope\":\"prober\",\"location\":\"eu\"}", TestServer.ADMIN);
        String token = json(made).get("token").asText();
        long id = json(made).get("id").asLong();
        assertThat(http.send(http.request("/api/v1/tokens/" + id).header("Authorization", "Bearer " + TestServer.ADMIN)
                .DELETE().build()).statusCode()).isEqualTo(204);

        Path log = dir.resolve("revoked.log");
        Process p = prober(log, server.app().port(), token, "eu");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(log)
                .contains("the server refused the prober's token (401): revoked or wrong"));
        Thread.sleep(1_500);
        String text = Files.readString(log);
        assertThat(text.split("token \\(401\\)", -1)).as("logged once").hasSize(2);
        assertThat(text).doesNotContain(token);
        assertThat(p.isAlive()).as("keeps running, asking again slowly").isTrue();
        assertThat(count("/a")).as("checks nothing it was never given").isZero();
    }

    // ------------------------------------------------------------------ helpers

    private Process prober(Path log, int serverPort, String token, String location) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "prober", "--server", "http://127.0.0.1:" + serverPort, "--location", location,
                "--buffer", dir.resolve("buffer").toString());
        pb.environment().put("WATCHPOST_PROBER_TOKEN", token); // not on the command line, as the docs advise
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        probers.add(p);
        return p;
    }

    private void create(String name) {
        HttpResponse<String> r = http.postJson("/api/v1/targets", "{\"id\":\"web/" + name + "\",\"http\":{\"url\":"
                + "\"" + web.base() + "/" + name + "\",\"every\":\"1s\",\"timeout\":\"1s\",\"locations\":[\"eu\"]}}",
                TestServer.ADMIN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private String proberToken(String location) {
        HttpResponse<String> r = http.postJson("/api/v1/tokens", "{\"scope\":\"prober\",\"location\":\"" + location + "\"}",
                TestServer.ADMIN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).get("token").asText();
    }

    private JsonNode euView(String name) {
        JsonNode view = json(http.get("/api/v1/targets/web/" + name + "/probe"));
        for (JsonNode l : view.path("locations")) {
            if (l.path("location").asText().equals("eu")) {
                return l;
            }
        }
        throw new AssertionError("no location eu in " + view);
    }

    private int count(String path) {
        return web.hits(path);
    }
}
