package dev.watchpost.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.app.Main;
import dev.watchpost.testing.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real process killed with SIGKILL while alerts wait for a failing receiver: after a restart
 * they are delivered, in order, and nothing delivered before is delivered again.
 */
@Tag("integration")
class AlertCrashTest {

    static final String ADMIN = "admin-token-for-crash-test-01";
    static final String INGEST = "ingest-token-for-crash-test-1";

    @TempDir
    Path dir;

    final Receiver receiver = new Receiver();
    Process process;
    /** storage.flush-interval of the next start (null: the default). */
    String flushInterval;

    @AfterEach
    void close() {
        if (process != null) {
            process.destroyForcibly();
        }
        receiver.close();
    }

    private int start(String name) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName());
        pb.environment().put("WATCHPOST_PORT", "0");
        pb.environment().put("WATCHPOST_DATA", dir.toString());
        pb.environment().put("WATCHPOST_ADMIN_TOKEN", ADMIN);
        pb.environment().put("WATCHPOST_INGEST_TOKEN", INGEST);
        pb.environment().put("WATCHPOST_CONFIG", dir.resolve("watchpost.yml").toString());
        pb.environment().put("WATCHPOST_ALERTS_STARTUP_GRACE", "0s");
        pb.environment().put("HOOK_URL", receiver.url("/hook"));
        if (flushInterval != null) {
            pb.environment().put("WATCHPOST_FLUSH_INTERVAL", flushInterval);
        }
        Path log = dir.resolve(name + ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        process = pb.start();
        Process p = process;
        Pattern started = Pattern.compile("event=server.started address=http://127.0.0.1:(\\d+)");
        return await().atMost(Duration.ofSeconds(60)).until(() -> {
            assertThat(p.isAlive()).as("server exited early:\n%s", Files.readString(log)).isTrue();
            Matcher m = started.matcher(Files.readString(log));
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        }, n -> n > 0);
    }

    private static void report(Http http, String id, String state) {
        assertThat(http.postJson("/api/v1/heartbeat/" + id, "{\"state\":\"" + state + "\"}", INGEST).statusCode()).isEqualTo(204);
    }

    private List<String> accepted() {
        return receiver.accepted().stream().map(r -> r.json().path("event").asText() + " " + r.json().path("target").path("id").asText())
                .toList();
    }

    /**
     * A kill after a recovery was recorded and sent but before the next checkpoint: the restart must
     * show the target up, so its next "online" report sends nothing. (The checkpoint then still said
     * offline, and the report sent the recovery a second time.)
     */
    @Test
    void aRecoverySentBeforeAKillIsNotSentAgainAfterTheRestart() throws Exception {
        Files.writeString(dir.resolve("watchpost.yml"), """
                targets:
                  - { id: w/1, push: { every: 1h } }
                channels:
                  - id: hook
                    webhook: { url: "${HOOK_URL}" }
                rules:
                  - notify: [hook]
                """);
        flushInterval = "1m"; // no checkpoint but the one a graceful stop writes
        Http http = new Http(start("first"));
        report(http, "w/1", "online");
        report(http, "w/1", "offline");
        awaitDelivered(http, 1);
        process.destroy(); // SIGTERM: the checkpoint says offline
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        http = new Http(start("second"));
        report(http, "w/1", "online");
        awaitDelivered(http, 2);
        process.destroyForcibly(); // SIGKILL: the recovery is recorded and sent, the checkpoint still says offline
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Http third = new Http(start("third"));
        assertThat(Http.json(third.get("/api/v1/targets/w/1", ADMIN)).path("target").path("state").asText()).isEqualTo("online");
        report(third, "w/1", "online");
        report(third, "w/1", "offline"); // a new problem: its alert shows the one before was the last
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.accepted().size() >= 3);
        assertThat(accepted()).containsExactly("down w/1", "recovered w/1", "down w/1");
    }

    /** Waits until {@code n} alerts are marked delivered: a stop then cuts no delivery off (that one would be re-sent, rightly). */
    private static void awaitDelivered(Http http, int n) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(Http.json(http.get("/api/v1/alerts?status=delivered", ADMIN)).path("alerts")).hasSize(n));
    }

    @Test
    void alertsPendingAtAKillAreDeliveredOnceAfterTheRestart() throws Exception {
        Files.writeString(dir.resolve("watchpost.yml"), """
                targets:
                  - { id: w/1, push: { every: 1h } }
                  - { id: w/2, push: { every: 1h } }
                channels:
                  - id: hook
                    webhook: { url: "${HOOK_URL}" }
                rules:
                  - notify: [hook]
                """);
        Http http = new Http(start("first"));
        report(http, "w/1", "online");
        report(http, "w/2", "online");
        report(http, "w/1", "offline");
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.accepted().size() == 1);

        receiver.answer(500);
        report(http, "w/1", "online");
        report(http, "w/2", "offline");
        // both are in the outbox, and the first has failed at least twice
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode pending = Http.json(http.get("/api/v1/alerts?status=pending", ADMIN)).path("alerts");
            assertThat(pending).hasSize(2);
            assertThat(receiver.received.stream().filter(r -> r.answered() == 500).count()).isGreaterThanOrEqualTo(2);
        });

        process.destroyForcibly(); // SIGKILL: no shutdown hook, nothing flushed
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(137);

        receiver.answer(200);
        Http again = new Http(start("second"));
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.accepted().size() >= 3);
        // what was delivered before the kill is not sent again; what was pending arrives once, in order
        assertThat(accepted()).containsExactly("down w/1", "recovered w/1", "down w/2");
        assertThat(receiver.accepted()).extracting(Receiver.Request::delivery).doesNotHaveDuplicates();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Http.json(again.get("/api/v1/alerts?status=delivered", ADMIN)).path("alerts")).hasSize(3));
        assertThat(Http.json(again.get("/api/v1/alerts?status=pending", ADMIN)).path("alerts")).isEmpty();
        assertThat(receiver.accepted()).hasSize(3);
    }
}
