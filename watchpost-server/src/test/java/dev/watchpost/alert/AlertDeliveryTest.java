package dev.watchpost.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.live.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox and its delivery over a real live state and SQLite, against a real receiver on
 * 127.0.0.1, with a clock moved by hand: damping, failures and retries, reminders, maintenance,
 * digests, start-up grace and rate limits.
 */
@Tag("integration")
class AlertDeliveryTest {

    @TempDir
    Path dir;

    final Receiver receiver = new Receiver();
    Rig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
        receiver.close();
    }

    private String hook() {
        return "[{\"id\":\"hook\",\"webhook\":{\"url\":\"" + receiver.url("/hook") + "\"}}]";
    }

    private List<String> events() {
        return receiver.accepted().stream().map(r -> r.json().path("event").asText() + " " + r.json().path("target").path("id").asText())
                .toList();
    }

    /** Rounds (moving the clock a little) until {@code n} requests were accepted. */
    private void deliveredCount(int n) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            rig.after(Duration.ofSeconds(1));
            assertThat(receiver.accepted()).hasSize(n);
        });
    }

    @Test
    void aProblemShorterThanItsDampingSendsNothing() {
        rig = new Rig(dir, hook(), "[{\"targets\":[\"web/**\"],\"for\":\"2m\",\"notify\":[\"hook\"]}]");
        rig.target("web/api", "Public API");
        rig.report("web/api", State.ONLINE);
        rig.report("web/api", State.DOWN, "HTTP 500");
        rig.after(Duration.ofSeconds(90));
        rig.report("web/api", State.ONLINE);
        rig.after(Duration.ofMinutes(5));
        assertThat(receiver.received).isEmpty();
        assertThat(rig.alerts()).extracting(Alert::event, Alert::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Event.DOWN, "cancelled"));

        // this time it lasts: sent once 2 m are up, and its recovery after it
        rig.report("web/api", State.DOWN, "HTTP 503");
        rig.after(Duration.ofSeconds(119));
        assertThat(receiver.received).isEmpty();
        deliveredCount(1);
        rig.report("web/api", State.ONLINE);
        deliveredCount(2);
        assertThat(events()).containsExactly("down web/api", "recovered web/api");
        JsonNode down = receiver.accepted().get(0).json();
        assertThat(down.path("reason").asText()).isEqualTo("reported down: HTTP 503");
        assertThat(down.path("since").asText()).isEqualTo("2026-06-01T12:06:30Z");
    }

    @Test
    void aRuleNamingTagsTakesOnlyTargetsCarryingOneOfThem() {
        rig = new Rig(dir, hook(), "[{\"tags\":[\"prod\"],\"notify\":[\"hook\"],\"on\":[\"down\"]},"
                + "{\"targets\":[\"web/*\"],\"tags\":[\"payments\"],\"notify\":[\"hook\"],\"on\":[\"down\"]}]");
        rig.target("db/main", "Database", "[\"prod\", \"storage\"]");
        rig.target("db/test", "Test database", "[\"staging\"]");
        rig.target("web/pay", "Payments API", "[\"payments\"]");
        rig.target("jobs/pay", "Payments job", "[\"payments\"]");
        for (String id : new String[] {"db/main", "db/test", "web/pay", "jobs/pay"}) {
            rig.report(id, State.ONLINE);
            rig.report(id, State.DOWN);
        }
        rig.round();
        rig.settle();
        // prod → db/main; web/* with payments → web/pay; not the staging one, not payments outside web/
        assertThat(rig.alerts()).extracting(Alert::targetId).map(java.util.Optional::orElseThrow)
                .containsExactlyInAnyOrder("db/main", "web/pay");
    }

    @Test
    void aReceiverFailingForAWhileGetsEveryAlertOnceInOrder() {
        rig = new Rig(dir, hook(), "[{\"notify\":[\"hook\"]}]");
        rig.target("a", "A");
        rig.target("b", "B");
        receiver.answer(500);
        rig.report("a", State.DOWN);
        rig.report("b", State.OFFLINE);
        rig.report("a", State.ONLINE);
        // failing: only the first alert is tried, again and again; the others wait behind it
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            rig.after(Duration.ofSeconds(40));
            assertThat(receiver.received).hasSizeGreaterThanOrEqualTo(3);
        });
        rig.settle();
        assertThat(receiver.received).extracting(Receiver.Request::delivery).containsOnly(receiver.received.get(0).delivery());
        Alert first = rig.alerts().get(0);
        assertThat(first.attempts()).isGreaterThanOrEqualTo(3);
        assertThat(rig.alerts()).extracting(Alert::status).containsOnly("pending");

        receiver.answer(200);
        deliveredCount(3);
        rig.after(Duration.ofMinutes(5));
        assertThat(receiver.accepted()).hasSize(3);
        assertThat(events()).containsExactly("down a", "down b", "recovered a");
        assertThat(receiver.accepted()).extracting(Receiver.Request::delivery).doesNotHaveDuplicates();
        assertThat(rig.alerts()).extracting(Alert::status).containsOnly("delivered");
        List<Alert> history = rig.engine.history(new Outbox.Filter(java.util.Optional.of("a"), java.util.Optional.empty(),
                java.util.Optional.empty()), 10);
        Alert down = history.get(history.size() - 1);
        assertThat(down.log()).last().satisfies(t -> assertThat(t.delivered()).isTrue());
        assertThat(down.log().get(0).error()).hasValueSatisfying(e -> assertThat(e).startsWith("HTTP 500 from 127.0.0.1"));
        // /metrics counts each request by its result, per channel
        assertThat(deliveries("delivered")).isEqualTo(receiver.accepted().size());
        assertThat(deliveries("failed")).isEqualTo(receiver.received.size() - receiver.accepted().size()).isGreaterThanOrEqualTo(3);
    }

    private double deliveries(String result) {
        return rig.meters.get("watchpost.alert.deliveries").tags("channel", "hook", "kind", "webhook", "result", result)
                .counter().count();
    }

    @Test
    void remindersWhileDownQuietDuringMaintenance() {
        rig = new Rig(dir, hook(), "[{\"notify\":[\"hook\"],\"remind-every\":\"1h\"}]");
        rig.target("jobs/backup", "Backup");
        rig.report("jobs/backup", State.DOWN);
        deliveredCount(1);
        rig.after(Duration.ofMinutes(59));
        rig.after(Duration.ofMinutes(1));
        deliveredCount(2);
        rig.report("jobs/backup", State.MAINTENANCE);
        rig.after(Duration.ofHours(1));
        rig.after(Duration.ofHours(1));
        assertThat(receiver.received).hasSize(2);
        // back from maintenance and still down: the problem was never recovered, so no new "down"; reminders go on
        rig.report("jobs/backup", State.DOWN);
        rig.after(Duration.ofHours(1));
        deliveredCount(3);
        rig.report("jobs/backup", State.ONLINE);
        deliveredCount(4);
        assertThat(events()).containsExactly("down jobs/backup", "reminder jobs/backup", "reminder jobs/backup",
                "recovered jobs/backup");
        assertThat(receiver.accepted().get(1).json().path("text").asText())
                .isEqualTo("Backup (jobs/backup) is still down since 2026-06-01 12:00:00 UTC: reported down");
    }

    @Test
    void aDigestGoesOutWhenEvenOneTargetIsDown() {
        rig = new Rig(dir, hook(), "[{\"id\":\"panels\",\"targets\":[\"panels/**\"],\"digest\":{\"every\":\"1h\",\"notify\":[\"hook\"]}}]");
        rig.target("panels/eu-1", "EU 1");
        rig.target("panels/eu-2", "EU 2");
        rig.report("panels/eu-1", State.ONLINE);
        rig.report("panels/eu-2", State.ONLINE);
        rig.round();
        rig.after(Duration.ofHours(1));
        assertThat(receiver.received).as("nothing down: silent").isEmpty();
        rig.report("panels/eu-2", State.OFFLINE, "connection refused");
        rig.after(Duration.ofHours(1));
        deliveredCount(1);
        JsonNode digest = receiver.accepted().get(0).json();
        assertThat(digest.path("event").asText()).isEqualTo("digest");
        assertThat(digest.path("title").asText()).isEqualTo("DIGEST: 1 target down");
        assertThat(digest.path("down")).hasSize(1);
        assertThat(digest.path("down").get(0).path("id").asText()).isEqualTo("panels/eu-2");
        assertThat(digest.path("down").get(0).path("reason").asText()).isEqualTo("connection refused");
        assertThat(digest.path("since").asText()).isEqualTo("2026-06-01T14:00:00Z");
    }

    @Test
    void nothingIsSentDuringTheStartupGraceAndFlapsWithinItCancel() {
        rig = new Rig(dir, hook(), "[{\"notify\":[\"hook\"]}]", Duration.ofMinutes(1));
        rig.target("a", "A");
        rig.target("b", "B");
        rig.report("a", State.UNHEALTHY);
        rig.report("b", State.UNHEALTHY);
        rig.after(Duration.ofSeconds(20));
        rig.report("a", State.ONLINE); // reconnected after the restart: never heard of
        rig.after(Duration.ofSeconds(30));
        assertThat(receiver.received).isEmpty();
        rig.after(Duration.ofSeconds(10));
        deliveredCount(1);
        assertThat(events()).containsExactly("down b");
    }

    @Test
    void overItsRateLimitAChannelSendsTheRestAsOneSummary() {
        rig = new Rig(dir, "[{\"id\":\"hook\",\"rate-limit\":\"2/m\",\"webhook\":{\"url\":\"" + receiver.url("/hook") + "\"}}]",
                "[{\"notify\":[\"hook\"]}]");
        for (int i = 1; i <= 5; i++) {
            rig.target("s/" + i, "Shard " + i);
            rig.report("s/" + i, State.DOWN);
        }
        deliveredCount(2);
        assertThat(receiver.accepted().get(0).json().path("event").asText()).isEqualTo("down");
        JsonNode summary = receiver.accepted().get(1).json();
        assertThat(summary.path("event").asText()).isEqualTo("summary");
        assertThat(summary.path("alerts")).hasSize(4);
        assertThat(receiver.accepted().get(1).header("X-Watchpost-Event")).isEqualTo("summary");
        assertThat(summary.path("delivery").asText()).isEqualTo(receiver.accepted().get(1).delivery()).contains("-");
        // the limit is spent: the next alert waits for a token, then goes out (never dropped)
        rig.target("s/6", "Shard 6");
        rig.report("s/6", State.DOWN);
        rig.round();
        assertThat(receiver.received).hasSize(2);
        assertThat(rig.engine.systemAlerts()).containsExactly("1 alert to channel hook held back by its rate limit");
        rig.after(Duration.ofSeconds(30));
        deliveredCount(3);
        assertThat(events().get(2)).isEqualTo("down s/6");
    }

    @Test
    void aHeldProblemSurvivesARestartAndIsSentWhenDue() {
        rig = new Rig(dir, hook(), "[{\"for\":\"2m\",\"notify\":[\"hook\"]}]");
        rig.target("a", "A");
        rig.target("b", "B");
        rig.report("a", State.DOWN);
        rig.report("b", State.DOWN);
        rig.after(Duration.ofMinutes(1));
        rig.restart();
        rig.report("b", State.ONLINE); // recovered after the restart, within its damping: taken back
        rig.after(Duration.ofSeconds(59));
        assertThat(receiver.received).isEmpty();
        deliveredCount(1);
        rig.after(Duration.ofMinutes(5));
        assertThat(events()).containsExactly("down a");
    }
}
