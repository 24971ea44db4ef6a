package dev.watchpost.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.Http;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real process, stopped the way service managers stop it: SIGTERM. */
@Tag("integration")
class GracefulShutdownTest {

    @TempDir
    Path dir;

    @Test
    void sigtermFlushesPendingWritesBeforeExit() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName());
        pb.environment().put("WATCHPOST_PORT", "0");
        pb.environment().put("WATCHPOST_DATA", dir.toString());
        pb.environment().put("WATCHPOST_ADMIN_TOKEN", "admin-token-for-sigterm-test");
        pb.environment().put("WATCHPOST_FLUSH_INTERVAL", "1m"); // nothing reaches the disk unless shutdown flushes
        Path log = dir.resolve("server.log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        try {
            Pattern started = Pattern.compile("event=server.started address=http://127.0.0.1:(\\d+)");
            int port = await().atMost(Duration.ofSeconds(60)).until(() -> {
                assertThat(p.isAlive()).as("server exited early:\n%s", Files.readString(log)).isTrue();
                Matcher m = started.matcher(Files.readString(log));
                return m.find() ? Integer.parseInt(m.group(1)) : -1;
            }, n -> n > 0);
            Http http = new Http(port);
            JsonNode created = Http.json(http.postJson("/api/v1/tokens", "{\"scope\":\"admin\"}",
                    "admin-token-for-sigterm-test"));
            assertThat(http.get("/api/v1/tokens", created.get("token").asText()).statusCode()).isEqualTo(200);

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("terminated by SIGTERM").isEqualTo(143);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Files.readString(log)).contains("event=server.stopped"));
        } finally {
            p.destroyForcibly();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("watchpost.db"));
             ResultSet rs = c.createStatement().executeQuery("SELECT last_used_at FROM api_token")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).as("last use flushed on SIGTERM").isPositive();
        }
    }
}
