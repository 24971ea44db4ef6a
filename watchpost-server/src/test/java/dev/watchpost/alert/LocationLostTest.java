package dev.watchpost.alert;

import dev.watchpost.testing.MutableClock;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static dev.watchpost.testing.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A remote location that stops reporting raises a system alert ("Location eu lost: …"), listed with
 * the other alerts about Watchpost itself, until its prober is heard from again. A real server on a
 * test clock; the tests play the probers over HTTP.
 */
@Tag("integration")
class LocationLostTest {

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2026-03-01T12:00:00Z");
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aLocationSilentForTwoMinutesIsLostAndClearedWhenItReportsAgain() {
        server = TestServer.start(dir, clock, Map.of());
        HttpResponse<String> made = server.http().postJson("/api/v1/targets",
                "{\"id\":\"web/shop\",\"http\":{\"url\":\"https://shop.example/\",\"every\":\"60s\",\"locations\":[\"eu\",\"us\"]}}",
                TestServer.ADMIN);
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        HttpResponse<String> t = server.http().postJson("/api/v1/tokens", "{\"scope\":\"prober\"}", TestServer.ADMIN);
        String token = json(t).get("token").asText();
        AlertEngine alerts = server.app().alerts();

        report(token, "eu");
        report(token, "us");
        assertThat(alerts.systemAlerts()).isEmpty();

        clock.advance(Duration.ofSeconds(90));
        report(token, "us"); // us keeps reporting, eu has stopped
        assertThat(alerts.systemAlerts()).as("90 s: not lost yet").isEmpty();

        clock.advance(Duration.ofSeconds(40));
        assertThat(alerts.systemAlerts()).containsExactly("Location eu lost: no results or polls since 2026-03-01 12:00:00 UTC");

        report(token, "eu");
        assertThat(alerts.systemAlerts()).as("back").isEmpty();
    }

    private void report(String token, String location) {
        HttpResponse<String> r = server.http().postJson("/api/v1/prober/results", "{\"location\":\"" + location
                + "\",\"results\":[{\"target\":\"web/shop\",\"checked_at\":\"" + clock.instant()
                + "\",\"outcome\":\"up\",\"latency_ms\":12,\"reason\":\"status 200\"}]}", token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
