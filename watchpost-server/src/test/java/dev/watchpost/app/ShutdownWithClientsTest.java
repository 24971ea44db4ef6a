package dev.watchpost.app;

import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Live-feed clients must not hold a stopping server for its whole grace period. */
@Tag("integration")
class ShutdownWithClientsTest {

    @TempDir
    Path dir;

    @Test
    void aConnectedStreamClientDoesNotDelayShutdown() throws Exception {
        TestServer s = TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_SHUTDOWN_GRACE", "10s"));
        var response = HttpClient.newHttpClient().sendAsync(s.http().request("/api/v1/stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        response.get().body().limit(1).forEach(l -> { }); // connected and receiving
        long t0 = System.nanoTime();
        s.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }
}
