package dev.watchpost.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.MutableClock;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.watchpost.testing.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A remote location that stops reporting raises a system alert ("Location eu lost: …"), listed with
 * the other alerts about Watchpost itself, until its prober is heard from again; and one "location
 * lost" alert, then one "location back", to each channel of the rules over targets checked from it.
 * A real server on a test clock, real webhook receivers; the tests play the probers over HTTP.
 */
@Tag("integration")
class LocationLostTest {

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2026-03-01T12:00:00Z");
    private TestServer server;

    private final Receiver receiver = new Receiver();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        receiver.close();
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

    @Test
    void aLostLocationIsOneAlertPerChannelOfTheRulesOverItsTargetsAndItsReturnOneMore() throws Exception {
        server = start("0s");
        String token = proberToken();
        AlertEngine alerts = server.app().alerts();
        report(token, "eu");
        report(token, "us", "db/main");
        rounds(Duration.ofSeconds(90), token); // us keeps reporting, eu has stopped
        assertThat(receiver.received).as("90 s: not lost yet").isEmpty();

        rounds(Duration.ofSeconds(40), token);
        delivered("/ops-a", 1);
        delivered("/ops-b", 1);
        JsonNode lost = at("/ops-a").get(0).json();
        assertThat(lost.path("event").asText()).isEqualTo("location_lost");
        assertThat(lost.path("title").asText()).isEqualTo("LOCATION LOST: eu");
        assertThat(lost.path("text").asText()).isEqualTo("Location eu lost: no results or polls since 2026-03-01 12:00:00 UTC; "
                + "its results are left out of every quorum (2 targets are checked from it)");
        assertThat(lost.path("target").isNull()).isTrue();
        assertThat(lost.path("location").path("name").asText()).isEqualTo("eu");
        assertThat(lost.path("location").path("url").asText()).isEqualTo("https://status.example.com");
        assertThat(at("/ops-b").get(0).json().path("title").asText()).isEqualTo("LOCATION LOST: eu");
        // the system alert line of batched e-mails stays
        assertThat(alerts.systemAlerts()).containsExactly("Location eu lost: no results or polls since 2026-03-01 12:00:00 UTC");

        rounds(Duration.ofSeconds(60), token);
        settle(alerts);
        assertThat(at("/ops-a")).as("once, not every round").hasSize(1);
        assertThat(at("/ops-b")).hasSize(1);
        assertThat(at("/db")).as("its rule selects no target checked from eu; us never went silent").isEmpty();

        report(token, "eu");
        delivered("/ops-a", 2);
        delivered("/ops-b", 2);
        JsonNode back = at("/ops-a").get(1).json();
        assertThat(back.path("event").asText()).isEqualTo("location_back");
        assertThat(back.path("title").asText()).isEqualTo("LOCATION BACK: eu");
        assertThat(back.path("text").asText()).isEqualTo("Location eu is back after 3 min");
        rounds(Duration.ofSeconds(30), token);
        settle(alerts);
        assertThat(at("/ops-a")).hasSize(2);
        assertThat(at("/ops-b")).hasSize(2);
        assertThat(at("/db")).isEmpty();

        // the history names the location, never as a target
        HttpResponse<String> history = server.http().get("/api/v1/alerts?target=location:eu", TestServer.ADMIN);
        assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
        List<String> events = new ArrayList<>();
        json(history).path("alerts").forEach(a -> events.add(a.path("event").asText() + " " + a.path("target").asText()
                + " " + a.path("channel").asText() + " " + a.path("status").asText()));
        assertThat(events).containsExactlyInAnyOrder("location_back location:eu ops-a delivered",
                "location_back location:eu ops-b delivered", "location_lost location:eu ops-a delivered",
                "location_lost location:eu ops-b delivered");
    }

    @Test
    void aLocationBackBeforeItsLossWasSentIsTakenBackQuietly() throws Exception {
        server = start("10m");
        String token = proberToken();
        AlertEngine alerts = server.app().alerts();
        report(token, "eu");
        report(token, "us", "db/main");
        rounds(Duration.ofSeconds(130), token);
        assertThat(alerts.systemAlerts()).hasSize(1);
        report(token, "eu");
        rounds(Duration.ofMinutes(10), token, "eu"); // past the start-up grace, eu reporting again
        settle(alerts);
        assertThat(receiver.received).isEmpty();
        HttpResponse<String> history = server.http().get("/api/v1/alerts?target=location:eu", TestServer.ADMIN);
        List<String> statuses = new ArrayList<>();
        json(history).path("alerts").forEach(a -> statuses.add(a.path("event").asText() + " " + a.path("status").asText()));
        assertThat(statuses).containsExactly("location_lost cancelled", "location_lost cancelled");
    }

    /**
     * A server whose rule {@code web} (on down) sends to two webhooks and is over targets checked
     * from eu and us, and whose rule {@code db} is over a target checked from us alone.
     */
    private TestServer start(String grace) throws Exception {
        Path file = dir.resolve("watchpost.yml");
        Files.writeString(file, """
                server:
                  public-url: https://status.example.com
                targets:
                  - id: web/shop
                    http: { url: "https://shop.example/", every: 60s, locations: [eu, us] }
                  - id: web/api
                    http: { url: "https://api.example/", every: 60s, locations: all }
                  - id: db/main
                    http: { url: "https://db.example/", every: 60s, locations: [us] }
                channels:
                  - id: ops-a
                    webhook: { url: "%s" }
                  - id: ops-b
                    webhook: { url: "%s" }
                  - id: db
                    webhook: { url: "%s" }
                rules:
                  - id: web
                    targets: ["web/*"]
                    on: [down]
                    notify: [ops-a, ops-b]
                  - id: db
                    targets: ["db/*"]
                    on: [down]
                    notify: [db]
                """.formatted(receiver.url("/ops-a"), receiver.url("/ops-b"), receiver.url("/db")));
        return TestServer.start(dir, clock, Map.of("WATCHPOST_CONFIG", file.toString(), "WATCHPOST_ALERTS_STARTUP_GRACE", grace));
    }

    private String proberToken() {
        HttpResponse<String> t = server.http().postJson("/api/v1/tokens", "{\"scope\":\"prober\"}", TestServer.ADMIN);
        assertThat(t.statusCode()).as(t.body()).isEqualTo(201);
        return json(t).get("token").asText();
    }

    /**
     * Moves the clock by {@code d} in 10 s steps, us (and {@code also}) reporting and the alert engine
     * running a round at each.
     */
    private void rounds(Duration d, String token, String... also) {
        for (long s = 0; s < d.toSeconds(); s += 10) {
            clock.advance(Duration.ofSeconds(Math.min(10, d.toSeconds() - s)));
            report(token, "us", "db/main");
            for (String location : also) {
                report(token, location);
            }
            server.app().alerts().roundNow();
        }
    }

    private List<Receiver.Request> at(String path) {
        return receiver.accepted().stream().filter(r -> r.path().equals(path)).toList();
    }

    private void delivered(String path, int n) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            server.app().alerts().roundNow();
            assertThat(at(path)).hasSize(n);
        });
    }

    private static void settle(AlertEngine alerts) {
        alerts.roundNow();
        await().atMost(Duration.ofSeconds(10)).until(() -> !alerts.busy());
    }

    private void report(String token, String location) {
        report(token, location, "web/shop");
    }

    private void report(String token, String location, String target) {
        HttpResponse<String> r = server.http().postJson("/api/v1/prober/results", "{\"location\":\"" + location
                + "\",\"results\":[{\"target\":\"" + target + "\",\"checked_at\":\"" + clock.instant()
                + "\",\"outcome\":\"up\",\"latency_ms\":12,\"reason\":\"status 200\"}]}", token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
