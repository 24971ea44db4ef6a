package dev.watchpost.alert;

import dev.watchpost.live.State;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The first user's outage, for real: a server with a 48-shard bot whose shards are reported by a
 * child process, two chat channels (Slack and Discord stand-ins on 127.0.0.1) and a webhook. The
 * bot process is killed: each chat channel gets exactly one "48 of 48 shards down", not 48 messages;
 * the bot comes back: exactly one recovery each. A rule with {@code per: target} still gets one
 * alert per shard on its webhook, and a burst of unrelated changes is one message per chat channel.
 */
@Tag("integration")
class BotOutageTest {

    private static final int SHARDS = 48;

    @TempDir
    Path dir;

    final Receiver receiver = new Receiver();
    TestServer server;
    Process bot;

    @AfterEach
    void close() throws Exception {
        if (bot != null) {
            bot.destroyForcibly().waitFor();
        }
        if (server != null) {
            server.close();
        }
        receiver.close();
    }

    private Process startBot(String name) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ShardBot.class.getName(),
                "http://127.0.0.1:" + server.app().port(), TestServer.INGEST, "bots/main", Integer.toString(SHARDS), "500");
        pb.redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        return pb.start();
    }

    private List<Receiver.Request> at(String path) {
        return receiver.accepted().stream().filter(r -> r.path().equals(path)).toList();
    }

    private List<String> chat(String path) {
        return at(path).stream().map(r -> path.equals("/slack") ? r.json().path("text").asText() : r.json().path("content").asText())
                .toList();
    }

    private long shardsIn(State state) {
        return IntStream.range(0, SHARDS).filter(i -> server.app().live().target("bots/main/" + i).orElseThrow().state() == state)
                .count();
    }

    @Test
    void aKilledBotIsOneAlertPerChatChannelAndItsReturnOneRecovery() throws Exception {
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                server:
                  public-url: https://status.example.com
                groups:
                  - id: bots
                    groups:
                      - { id: main, name: Main bot, shards: %d, lease: 5s }
                targets:
                  - { id: web/a, name: Site A, push: { every: 1h } }
                  - { id: web/b, name: Site B, push: { every: 1h } }
                  - { id: web/c, name: Site C, push: { every: 1h } }
                  - { id: web/d, name: Site D, push: { every: 1h } }
                channels:
                  - id: slack
                    slack: { webhook: "${SLACK_URL}" }
                  - id: discord
                    discord: { webhook: "${DISCORD_URL}" }
                  - id: each
                    webhook: { url: "${HOOK_URL}" }
                rules:
                  - id: ops
                    notify: [slack, discord]
                    settle: 3s
                  - id: every-shard
                    targets: [bots/main]
                    per: target
                    notify: [each]
                """.formatted(SHARDS));
        server = TestServer.start(dir.resolve("data"), Clock.systemUTC(), Map.of("WATCHPOST_CONFIG", config.toString(),
                "SLACK_URL", receiver.url("/slack"), "DISCORD_URL", receiver.url("/discord"), "HOOK_URL", receiver.url("/each"),
                "WATCHPOST_ALERTS_STARTUP_GRACE", "0s"));
        bot = startBot("bot-1");
        await().atMost(Duration.ofSeconds(30)).until(() -> shardsIn(State.ONLINE) == SHARDS);

        // the bot process is killed: every shard stops reporting at once
        bot.destroyForcibly().waitFor();
        await().atMost(Duration.ofSeconds(30)).until(() -> at("/slack").size() >= 1 && at("/discord").size() >= 1);
        assertThat(shardsIn(State.UNHEALTHY)).isEqualTo(SHARDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> at("/each").size() >= SHARDS);
        Thread.sleep(8_000); // a second message, were there one, would come within the settle and batch windows
        assertThat(chat("/slack")).singleElement().asString()
                .startsWith("*DOWN: Main bot: 48 of 48 shards down*\nMain bot (bots/main): 48 of 48 shards down since ")
                .contains(": shards 0-47\n<https://status.example.com/#group:bots/main|Open on the status page>");
        assertThat(chat("/discord")).singleElement().asString()
                .startsWith("**DOWN: Main bot: 48 of 48 shards down**\nMain bot (bots/main): 48 of 48 shards down since ");
        // per: target still alerts each shard
        assertThat(at("/each")).hasSize(SHARDS).allSatisfy(r -> assertThat(r.json().path("event").asText()).isEqualTo("down"));
        assertThat(at("/each").stream().map(r -> r.json().path("target").path("id").asText()))
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, SHARDS).mapToObj(i -> "bots/main/" + i).toList());

        // it is started again: one recovery per chat channel
        bot = startBot("bot-2");
        await().atMost(Duration.ofSeconds(30)).until(() -> at("/slack").size() >= 2 && at("/discord").size() >= 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> at("/each").size() >= 2 * SHARDS);
        Thread.sleep(8_000);
        assertThat(chat("/slack")).hasSize(2);
        assertThat(chat("/discord")).hasSize(2);
        assertThat(chat("/slack").get(1)).startsWith("*RECOVERED: Main bot*\nMain bot (bots/main) is up again since ")
                .contains(": 48 of 48 shards online\n");
        assertThat(chat("/discord").get(1)).startsWith("**RECOVERED: Main bot**\n");
        assertThat(at("/each")).hasSize(2 * SHARDS);

        // a burst of unrelated changes: one message per chat channel
        Http http = server.http();
        for (String site : List.of("a", "b", "c", "d")) {
            assertThat(http.postJson("/api/v1/heartbeat/web/" + site, "{\"state\":\"down\",\"message\":\"HTTP 503\"}",
                    TestServer.INGEST).statusCode()).isEqualTo(204);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> at("/slack").size() >= 3 && at("/discord").size() >= 3);
        Thread.sleep(7_000);
        assertThat(chat("/slack")).hasSize(3);
        assertThat(chat("/discord")).hasSize(3);
        assertThat(chat("/slack").get(2)).startsWith("*Watchpost: 4 new events at ")
                .contains("\n- DOWN: Site A (web/a) is down since ", "\n- DOWN: Site D (web/d) is down since ");
        assertThat(chat("/discord").get(2)).startsWith("**Watchpost: 4 new events at ");
        assertThat(receiver.accepted()).as("nothing else: no 'never reported', no follow-up")
                .hasSize(3 + 3 + 2 * SHARDS);
    }
}
