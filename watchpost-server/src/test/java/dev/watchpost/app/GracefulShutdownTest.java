package dev.watchpost.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.ChildServer;
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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real process, stopped the way service managers stop it: SIGTERM. */
@Tag("integration")
class GracefulShutdownTest {

    @TempDir
    Path dir;

    @Test
    void sigtermFlushesPendingWritesBeforeExit() throws Exception {
        Path log = dir.resolve("server.log");
        ChildServer server = ChildServer.start(log, Map.of("WATCHPOST_DATA", dir.toString(),
                "WATCHPOST_ADMIN_TOKEN", "admin-token-for-sigterm-test",
                "WATCHPOST_FLUSH_INTERVAL", "1m")); // nothing reaches the disk unless shutdown flushes
        Process p = server.process();
        try {
            Http http = server.http();
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
