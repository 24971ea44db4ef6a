package dev.watchpost.app;

import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("integration")
class ReadinessTest {

    @TempDir
    Path dir;

    @Test
    void readyOnlyWhileTheStoreAnswersButAliveRegardless() {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of())) {
            assertThat(server.http().get("/readyz").statusCode()).isEqualTo(200);
            server.app().database().close(); // the database goes away under a running server
            HttpResponse<String> r = server.http().get("/readyz");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(Http.json(r).get("error").asText()).isEqualTo("the database does not answer");
            assertThat(server.http().get("/healthz").body()).isEqualTo("ok");
        }
    }
}
