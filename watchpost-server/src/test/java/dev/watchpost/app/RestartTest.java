package dev.watchpost.app;

import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** What was acknowledged before a graceful restart is there after it. */
@Tag("integration")
class RestartTest {

    @TempDir
    Path dir;

    @Test
    void heartbeatsAcknowledgedWhileTheServerStopsAreNotLost() throws Exception {
        // A long flush interval: only the shutdown flush can have written the last values.
        Map<String, String> env = Map.of("WATCHPOST_FLUSH_INTERVAL", "1m", "GLANCE_BOTS", "main:2");
        TestServer server = TestServer.start(dir, Clock.systemUTC(), env);
        Http http = server.http();
        http.postJson("/api/v1/groups", "{\"id\":\"jobs\"}", TestServer.ADMIN);
        http.postJson("/api/v1/targets", "{\"id\":\"jobs/a\",\"push\":{\"every\":\"1h\"}}", TestServer.ADMIN);
        AtomicInteger lastAcked = new AtomicInteger(-1);
        Thread sender = Thread.ofVirtual().start(() -> {
            for (int i = 0; ; i++) {
                try {
                    int status = http.postJson("/api/v1/heartbeat/jobs/a", "{\"message\":\"n" + i + "\",\"metrics\":{\"n\":" + i + "}}",
                            TestServer.INGEST).statusCode();
                    if (status != 204) {
                        return;
                    }
                    lastAcked.set(i);
                } catch (UncheckedIOException e) {
                    return; // the server is gone: nothing more was acknowledged
                }
            }
        });
        while (lastAcked.get() < 50) {
            Thread.onSpinWait();
        }
        server.close();
        sender.join();
        int acked = lastAcked.get();
        assertThat(acked).isGreaterThanOrEqualTo(50);

        try (TestServer again = TestServer.start(dir, Clock.systemUTC(), env)) {
            var t = Http.json(again.http().get("/api/v1/targets/jobs/a")).get("target");
            assertThat(t.get("message").asText()).isEqualTo("n" + acked);
            assertThat(t.get("metrics").get("n").asInt()).isEqualTo(acked);
            assertThat(t.get("state").asText()).isEqualTo("online");
        }
    }
}
