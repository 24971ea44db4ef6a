package dev.watchpost.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.live.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every webhook-style channel against a real HTTP server on 127.0.0.1 standing in for its API:
 * method, path, headers, JSON body, signature and idempotency key.
 */
@Tag("integration")
class AlertChannelsTest {

    @TempDir
    Path dir;

    final Receiver receiver = new Receiver();
    Rig rig;

    @BeforeEach
    void start() {
        String channels = """
                [{"id": "slack", "slack": {"webhook": "%s"}},
                 {"id": "discord", "discord": {"webhook": "%s"}},
                 {"id": "teams", "teams": {"webhook": "%s"}},
                 {"id": "telegram", "telegram": {"api-url": "%s", "token": "123456:ABC-def", "chat-id": "-1001234"}},
                 {"id": "ntfy", "ntfy": {"url": "%s", "topic": "watchpost-ops", "token": "tk_secret"}},
                 {"id": "pd", "pagerduty": {"events-url": "%s", "routing-key": "R0UTINGKEY"}},
                 {"id": "hook", "webhook": {"url": "%s", "secret": "a-shared-secret-1234", "headers": {"X-Team": "ops"}}}]
                """.formatted(receiver.url("/slack/T0/B0/xyz"), receiver.url("/discord/api/webhooks/1/abc"),
                receiver.url("/teams/workflows/abc"), receiver.url("/tg"), receiver.url("/ntfy"), receiver.url("/pd/v2/enqueue"),
                receiver.url("/hook"));
        rig = new Rig(dir, channels, """
                [{"targets": ["web/*"], "notify": ["slack", "discord", "teams", "telegram", "ntfy", "pd", "hook"]}]""");
        rig.target("web/api", "API <b> & co");
        rig.report("web/api", State.ONLINE);
        rig.report("web/api", State.DOWN, "HTTP 500 *boom* @everyone");
        untilAccepted(7);
    }

    /**
     * Rounds until {@code n} requests were accepted, moving the clock a second after a round that
     * left some to send: chat channels batch for 5 s by default, PagerDuty and the webhook do not.
     */
    private void untilAccepted(int n) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            rig.round();
            rig.settle();
            if (receiver.accepted().size() < n) {
                rig.clock.advance(Duration.ofSeconds(1));
            }
            assertThat(receiver.accepted()).hasSize(n);
        });
    }

    @AfterEach
    void close() {
        rig.close();
        receiver.close();
    }

    private Receiver.Request at(String pathPrefix) {
        List<Receiver.Request> r = receiver.received.stream().filter(x -> x.path().startsWith(pathPrefix)).toList();
        assertThat(r).as(pathPrefix).hasSize(1);
        return r.get(0);
    }

    private static void common(Receiver.Request r) {
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(r.header("User-Agent")).isEqualTo("Watchpost");
        assertThat(r.delivery()).matches("\\d+");
    }

    @Test
    void slackGetsMrkdwnWithEscapedValues() {
        Receiver.Request r = at("/slack/");
        common(r);
        assertThat(r.path()).isEqualTo("/slack/T0/B0/xyz");
        assertThat(r.json().path("text").asText()).isEqualTo("*DOWN: API &lt;b&gt; &amp; co*\n"
                + "API &lt;b&gt; &amp; co (web/api) is down since 2026-06-01 12:00:00 UTC: reported down: HTTP 500 *boom* @everyone\n"
                + "<https://status.example.com/targets/web/api|Open on the status page>");
    }

    @Test
    void discordEscapesMarkdownAndPingsNobody() {
        Receiver.Request r = at("/discord/");
        common(r);
        JsonNode j = r.json();
        assertThat(j.path("content").asText()).startsWith("**DOWN: API <b\\> & co**\n").contains("HTTP 500 \\*boom\\* @everyone")
                .endsWith("\nhttps://status.example.com/targets/web/api");
        assertThat(j.path("allowed_mentions").path("parse")).isEmpty();
    }

    @Test
    void teamsGetsAnAdaptiveCard() {
        Receiver.Request r = at("/teams/");
        common(r);
        JsonNode j = r.json();
        assertThat(j.path("type").asText()).isEqualTo("message");
        JsonNode a = j.path("attachments").get(0);
        assertThat(a.path("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        JsonNode card = a.path("content");
        assertThat(card.path("type").asText()).isEqualTo("AdaptiveCard");
        assertThat(card.path("body").get(0).path("text").asText()).isEqualTo("DOWN: API <b> & co");
        assertThat(card.path("body").get(0).path("color").asText()).isEqualTo("Attention");
        assertThat(card.path("body").get(1).path("text").asText()).startsWith("API <b> & co (web/api) is down since");
        assertThat(card.path("actions").get(0).path("url").asText()).isEqualTo("https://status.example.com/targets/web/api");
    }

    @Test
    void telegramCallsSendMessageOfItsBot() {
        Receiver.Request r = at("/tg/");
        common(r);
        assertThat(r.path()).isEqualTo("/tg/bot123456:ABC-def/sendMessage");
        JsonNode j = r.json();
        assertThat(j.path("chat_id").asText()).isEqualTo("-1001234");
        assertThat(j.path("text").asText()).startsWith("DOWN: API <b> & co\nAPI <b> & co (web/api) is down");
        assertThat(j.path("disable_web_page_preview").asBoolean()).isTrue();
        assertThat(j.has("parse_mode")).as("plain text: nothing is markup").isFalse();
    }

    @Test
    void ntfyPublishesJsonWithItsToken() {
        Receiver.Request r = at("/ntfy");
        common(r);
        assertThat(r.header("Authorization")).isEqualTo("Bearer tk_secret");
        JsonNode j = r.json();
        assertThat(j.path("topic").asText()).isEqualTo("watchpost-ops");
        assertThat(j.path("title").asText()).isEqualTo("DOWN: API <b> & co");
        assertThat(j.path("priority").asInt()).isEqualTo(4);
        assertThat(j.path("click").asText()).isEqualTo("https://status.example.com/targets/web/api");
    }

    @Test
    void pagerDutyTriggersAndResolvesWithAStableDedupKey() {
        Receiver.Request r = at("/pd/");
        common(r);
        JsonNode j = r.json();
        assertThat(j.path("routing_key").asText()).isEqualTo("R0UTINGKEY");
        assertThat(j.path("event_action").asText()).isEqualTo("trigger");
        assertThat(j.path("dedup_key").asText()).isEqualTo("watchpost/web/api");
        assertThat(j.path("payload").path("severity").asText()).isEqualTo("critical");
        assertThat(j.path("payload").path("source").asText()).isEqualTo("web/api");
        assertThat(j.path("payload").path("summary").asText()).startsWith("DOWN: API <b> & co: ");
        assertThat(j.path("links").get(0).path("href").asText()).isEqualTo("https://status.example.com/targets/web/api");

        rig.report("web/api", State.ONLINE);
        untilAccepted(14);
        JsonNode resolve = receiver.received.stream().filter(x -> x.path().startsWith("/pd/")).toList().get(1).json();
        assertThat(resolve.path("event_action").asText()).isEqualTo("resolve");
        assertThat(resolve.path("dedup_key").asText()).isEqualTo("watchpost/web/api");
    }

    @Test
    void theGenericWebhookIsSignedAndCarriesItsDeliveryId() {
        Receiver.Request r = at("/hook");
        common(r);
        assertThat(r.header("X-Team")).isEqualTo("ops");
        assertThat(r.header("X-Watchpost-Event")).isEqualTo("down");
        // what a receiver does: HMAC-SHA256 over the raw body with the shared secret
        assertThat(r.header("X-Watchpost-Signature")).isEqualTo("sha256="
                + HttpSender.hmacSha256("a-shared-secret-1234", r.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(r.header("X-Watchpost-Signature")).matches("sha256=[0-9a-f]{64}");
        JsonNode j = r.json();
        assertThat(j.path("delivery").asText()).isEqualTo(r.delivery());
        assertThat(j.path("id").asLong()).isEqualTo(Long.parseLong(r.delivery()));
        assertThat(j.path("event").asText()).isEqualTo("down");
        assertThat(j.path("rule").asText()).isEqualTo("rule-1");
        assertThat(j.path("channel").asText()).isEqualTo("hook");
        assertThat(j.path("target").path("id").asText()).isEqualTo("web/api");
        assertThat(j.path("target").path("name").asText()).isEqualTo("API <b> & co");
        assertThat(j.path("target").path("url").asText()).isEqualTo("https://status.example.com/targets/web/api");
        assertThat(j.path("state").asText()).isEqualTo("down");
        assertThat(j.path("previous_state").asText()).isEqualTo("online");
        assertThat(j.path("since").asText()).isEqualTo("2026-06-01T12:00:00Z");
        assertThat(j.path("reason").asText()).isEqualTo("reported down: HTTP 500 *boom* @everyone");
        assertThat(j.path("title").asText()).isEqualTo("DOWN: API <b> & co");
        assertThat(j.path("sent_at").asText()).isEqualTo("2026-06-01T12:00:00Z");
    }

    @Test
    void sendTestReachesTheReceiverAndReportsItsAnswer() throws Exception {
        Alert.Attempt ok = rig.engine.test("slack");
        assertThat(ok.delivered()).isTrue();
        assertThat(ok.statusCode()).contains(200);
        Receiver.Request r = receiver.received.get(receiver.received.size() - 1);
        assertThat(r.delivery()).startsWith("test-");
        assertThat(r.json().path("text").asText()).startsWith("*TEST: Watchpost channel slack*\nTest message from Watchpost");

        receiver.answer(404);
        Alert.Attempt failed = rig.engine.test("hook");
        assertThat(failed.delivered()).isFalse();
        assertThat(failed.statusCode()).contains(404);
        assertThat(failed.error()).hasValueSatisfying(e -> assertThat(e).startsWith("HTTP 404 from 127.0.0.1"));
        assertThat(rig.alerts()).extracting(Alert::event).doesNotContain(Event.TEST);
    }
}
