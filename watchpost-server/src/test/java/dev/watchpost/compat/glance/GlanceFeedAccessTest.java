package dev.watchpost.compat.glance;

import dev.watchpost.testing.TestServer;
import dev.watchpost.testing.WsClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Glance's live feed follows the server's read access like every other read. */
@Tag("integration")
class GlanceFeedAccessTest {

    @TempDir
    Path dir;

    @Test
    void withPrivateReadsTheFeedNeedsAReadToken() throws Exception {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of("GLANCE_BOTS", "main:2",
                "WATCHPOST_PUBLIC_READ", "false"))) {
            int port = server.app().port();
            try (WsClient anonymous = new WsClient(port, "/api/feed")) {
                assertThat(anonymous.close(Duration.ofSeconds(10))).isEqualTo(new WsClient.Close(1008,
                        "reads need an API token with scope 'read' (?token=...)"));
                assertThat(anonymous.texts).as("no state reached an anonymous client").isEmpty();
            }
            try (WsClient ingest = new WsClient(port, "/api/feed?token=" + TestServer.INGEST)) {
                assertThat(ingest.close(Duration.ofSeconds(10)).code()).as("an ingest token cannot read").isEqualTo(1008);
            }
            try (WsClient reader = new WsClient(port, "/api/feed?token=" + TestServer.READ)) {
                assertThat(reader.texts.poll(10, TimeUnit.SECONDS)).startsWith("{\"op\":\"hello\"");
            }
        }
    }
}
