package dev.watchpost.app;

import dev.watchpost.testing.ChildServer;
import dev.watchpost.testing.Http;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real process's log: one line per state change, with target, from, to and the reason. */
@Tag("integration")
class StateChangeLogTest {

    @TempDir
    Path dir;

    @Test
    void everyStateChangeIsOneLineAndNoReasonCanForgeAnother() throws Exception {
        Files.writeString(dir.resolve("watchpost.yml"), """
                targets:
                  - { id: jobs/backup, name: Backup, push: { every: 1h } }
                  - { id: db, name: Database, manual: {} }
                """);
        Path log = dir.resolve("server.log");
        try (ChildServer server = ChildServer.start(log, Map.of("WATCHPOST_DATA", dir.resolve("data").toString(),
                "WATCHPOST_CONFIG", dir.resolve("watchpost.yml").toString(),
                "WATCHPOST_ADMIN_TOKEN", "admin-token-for-state-log-test",
                "WATCHPOST_INGEST_TOKEN", "ingest-token-for-state-log-test"))) {
            Http http = server.http();
            String ingest = "ingest-token-for-state-log-test";
            assertThat(http.postJson("/api/v1/heartbeat/jobs/backup", "{\"state\":\"online\"}", ingest).statusCode()).isEqualTo(204);
            assertThat(http.postJson("/api/v1/heartbeat/jobs/backup", "{\"state\":\"online\"}", ingest).statusCode()).isEqualTo(204);
            assertThat(http.postJson("/api/v1/heartbeat/jobs/backup", "{\"state\":\"offline\"}", ingest).statusCode()).isEqualTo(204);
            assertThat(http.postJson("/api/v1/targets/db/status",
                    "{\"status\":\"down\",\"message\":\"primary \\\"eu-1\\\" lost\\nevent=state.changed target=forged\"}",
                    "admin-token-for-state-log-test").statusCode()).isLessThan(300);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(lines(log)).hasSize(3));
            List<String> lines = lines(log);
            assertThat(lines.get(0)).contains("event=state.changed target=jobs/backup kind=push from=unknown to=online",
                    "reason=\"reported online\"");
            assertThat(lines.get(1)).contains("target=jobs/backup kind=push from=online to=offline", "reason=\"reported offline\"");
            assertThat(lines.get(2)).contains("target=db kind=manual from=unknown to=down")
                    .contains("primary \\\"eu-1\\\" lost\\nevent=state.changed target=forged");
            assertThat(Files.readString(log)).as("secrets never in the log")
                    .doesNotContain("ingest-token-for-state-log-test", "admin-token-for-state-log-test");
        }
    }

    private static List<String> lines(Path log) throws Exception {
        return Files.readAllLines(log).stream().filter(l -> l.contains("event=state.changed")).toList();
    }
}
