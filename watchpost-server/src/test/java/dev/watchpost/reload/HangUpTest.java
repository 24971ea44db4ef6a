package dev.watchpost.reload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.ChildServer;
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

/** {@code kill -HUP} makes a running server (its own process) read its config file again at once. */
@Tag("integration")
class HangUpTest {

    private static final String ADMIN = "hangup-admin-token-000000001";

    @TempDir
    Path dir;

    @Test
    void aHangUpSignalReloadsTheConfigFile() throws Exception {
        Path file = dir.resolve("watchpost.yml");
        Files.writeString(file, "targets:\n  - { id: web/a, push: { every: 1h } }\n");
        try (ChildServer server = ChildServer.start(dir.resolve("server.log"), Map.of("WATCHPOST_CONFIG", file.toString(),
                "WATCHPOST_DATA", dir.resolve("data").toString(), "WATCHPOST_ADMIN_TOKEN", ADMIN))) {
            assertThat(json(server.http().get("/api/v1/config/status", ADMIN)).path("trigger").isNull()).isTrue();
            // The file is unchanged, so only the signal can start this reload.
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(server.process().pid())).start();
            assertThat(kill.waitFor()).isZero();
            JsonNode status = await().atMost(Duration.ofSeconds(10)).until(() ->
                    json(server.http().get("/api/v1/config/status", ADMIN)), s -> s.path("trigger").asText().equals("sighup"));
            assertThat(status.path("ok").asBoolean()).isTrue();
            assertThat(server.process().isAlive()).as("a hang-up does not stop it").isTrue();
            assertThat(Files.readString(server.log())).contains("event=config.reloaded trigger=sighup nothing");
        }
    }
}
