package dev.watchpost.jda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchpost.client.State;
import dev.watchpost.client.Target;
import dev.watchpost.client.Watchpost;
import dev.watchpost.testing.TestServer;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.events.session.SessionResumeEvent;
import net.dv8tion.jda.api.events.session.ShutdownEvent;
import net.dv8tion.jda.api.sharding.ShardManager;
import net.dv8tion.jda.internal.JDAImpl;
import net.dv8tion.jda.internal.entities.GuildImpl;
import net.dv8tion.jda.internal.utils.UnlockHook;
import net.dv8tion.jda.internal.utils.config.AuthorizationConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The JDA hook fed JDA's real events, fired by JDA's own shard object (JDAImpl, never logged in: no
 * Discord connection) through JDA's own event manager, reporting to a real server.
 */
@Tag("integration")
class WatchpostShardsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** JDA's real shard object, not logged in; the shard info is what {@code login} would set. */
    static final class Shard extends JDAImpl {
        Shard(int id, int total) {
            super(new AuthorizationConfig("not-a-real-token"));
            this.shardInfo = new JDA.ShardInfo(id, total);
        }

        void guilds(int n) {
            // as JDA fills its cache on GUILD_CREATE
            UnlockHook lock = getGuildsView().writeLock();
            try {
                for (long g = 1; g <= n; g++) {
                    getGuildsView().getMap().put(g, new GuildImpl(this, g));
                }
            } finally {
                lock.close();
            }
        }
    }

    private static Watchpost client(TestServer server) {
        return Watchpost.builder().url("http://127.0.0.1:" + server.app().port()).token(TestServer.INGEST).adminToken(TestServer.ADMIN)
                .batchDelay(Duration.ZERO).build();
    }

    private static JsonNode group(TestServer server) throws Exception {
        return JSON.readTree(server.http().get("/api/v1/groups/bots/main", TestServer.ADMIN).body()).path("group");
    }

    private static State state(Watchpost client, String id) {
        return client.target(id).map(Target::state).orElse(null);
    }

    @Test
    void aConnectedShardIsOnlineWithItsPingAsLatencyAndItsGuildsAsAMetricAndTheGroupIsDeclaredWithTheShardTotal() throws Exception {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of());
             Watchpost client = client(server);
             WatchpostShards hook = WatchpostShards.builder(client, "bots/main").name("Main bot").build()) {
            Shard shard = new Shard(1, 3);
            shard.addEventListener(hook);

            shard.setStatus(JDA.Status.LOGGING_IN);
            shard.setStatus(JDA.Status.CONNECTING_TO_WEBSOCKET);
            await().atMost(Duration.ofSeconds(5)).until(() -> state(client, "bots/main/1") == State.STARTING);

            await().atMost(Duration.ofSeconds(5)).until(() -> group(server).path("shards").asInt() == 3);
            JsonNode group = group(server);
            assertThat(group.path("name").asText()).isEqualTo("Main bot");
            assertThat(client.target("bots/main/0")).as("every shard of the group exists").isPresent();
            assertThat(client.target("bots/main/2")).isPresent();

            shard.guilds(5);
            shard.setGatewayPing(42);
            shard.setStatus(JDA.Status.AWAITING_LOGIN_CONFIRMATION);
            shard.setStatus(JDA.Status.LOADING_SUBSYSTEMS);
            shard.setStatus(JDA.Status.CONNECTED);
            shard.handleEvent(new ReadyEvent(shard));
            await().atMost(Duration.ofSeconds(5)).until(() -> state(client, "bots/main/1") == State.ONLINE);
            Target t = client.target("bots/main/1").orElseThrow();
            assertThat(t.latencyMs()).isEqualTo(42.0);
            assertThat(((Number) t.metrics().get("guilds")).longValue()).isEqualTo(5);
            assertThat(((Number) t.metrics().get("unavailable_guilds")).longValue()).isZero();
            assertThat(t.message()).isEqualTo("JDA status CONNECTED");

            // a new gateway ping is reported as it comes
            shard.setGatewayPing(87);
            await().atMost(Duration.ofSeconds(5)).until(() -> client.target("bots/main/1").orElseThrow().latencyMs() == 87.0);
            assertThat(client.rejected()).isZero();
        }
    }

    @Test
    void aReconnectingShardIsResumingUntilItIsConnectedAgainAndAFailedLoginIsDown() throws Exception {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of());
             Watchpost client = client(server);
             WatchpostShards hook = new WatchpostShards(client, "bots/main")) {
            Shard shard = new Shard(0, 2);
            shard.addEventListener(hook);
            shard.setStatus(JDA.Status.CONNECTED);
            await().atMost(Duration.ofSeconds(5)).until(() -> state(client, "bots/main/0") == State.ONLINE);

            shard.setStatus(JDA.Status.DISCONNECTED);
            shard.setStatus(JDA.Status.WAITING_TO_RECONNECT);
            shard.setStatus(JDA.Status.ATTEMPTING_TO_RECONNECT);
            await().atMost(Duration.ofSeconds(5)).until(() -> state(client, "bots/main/0") == State.RESUMING);
            // reconnecting goes through the connecting statuses again: still resuming, not starting
            shard.setStatus(JDA.Status.CONNECTING_TO_WEBSOCKET);
            shard.setStatus(JDA.Status.IDENTIFYING_SESSION);
            // the hook hands events to its own thread before the client's queue: wait for the last one to land
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    client.target("bots/main/0").orElseThrow().message().equals("JDA status IDENTIFYING_SESSION"));
            assertThat(state(client, "bots/main/0")).isEqualTo(State.RESUMING);
            shard.setStatus(JDA.Status.CONNECTED);
            shard.handleEvent(new SessionResumeEvent(shard));
            await().atMost(Duration.ofSeconds(5)).until(() -> state(client, "bots/main/0") == State.ONLINE);

            Shard other = new Shard(1, 2);
            other.addEventListener(hook);
            other.setStatus(JDA.Status.LOGGING_IN);
            other.setStatus(JDA.Status.FAILED_TO_LOGIN);
            await().atMost(Duration.ofSeconds(5)).until(() -> state(client, "bots/main/1") == State.DOWN);
            assertThat(client.rejected()).isZero();
        }
    }

    @Test
    void aShutDownShardIsStoppingAndIsNoLongerReportedUntilItIsRestarted() throws Exception {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of());
             Watchpost client = client(server);
             WatchpostShards hook = WatchpostShards.builder(client, "bots/main").every(Duration.ofMillis(200)).build()) {
            Shard shard = new Shard(0, 1);
            shard.addEventListener(hook);
            shard.setStatus(JDA.Status.CONNECTED);
            await().atMost(Duration.ofSeconds(5)).until(() -> state(client, "bots/main/0") == State.ONLINE);

            shard.setStatus(JDA.Status.SHUTTING_DOWN);
            await().atMost(Duration.ofSeconds(5)).until(() -> state(client, "bots/main/0") == State.STOPPING);
            shard.setStatus(JDA.Status.SHUTDOWN);
            shard.handleEvent(new ShutdownEvent(shard, OffsetDateTime.now(), 1000));
            await().atMost(Duration.ofSeconds(5)).until(() -> "shut down, close code 1000".equals(client.target("bots/main/0").orElseThrow().message()));
            assertThat(state(client, "bots/main/0")).isEqualTo(State.STOPPING);

            // the finished JDA instance is not reported any more (a restarted shard is a new instance)
            long sent = client.sent();
            Thread.sleep(1_000);
            assertThat(client.flush(Duration.ofSeconds(5))).isTrue();
            assertThat(client.sent()).isEqualTo(sent);

            // restarted by the ShardManager: a new JDA instance for shard 0, reported from the start
            Shard restarted = new Shard(0, 1);
            restarted.addEventListener(hook);
            restarted.setStatus(JDA.Status.LOGGING_IN);
            await().atMost(Duration.ofSeconds(5)).until(() -> state(client, "bots/main/0") == State.STARTING);
            restarted.setStatus(JDA.Status.CONNECTED);
            await().atMost(Duration.ofSeconds(5)).until(() -> state(client, "bots/main/0") == State.ONLINE);
            // a late event of the old instance does not take the shard back
            shard.handleEvent(new ShutdownEvent(shard, OffsetDateTime.now(), 1000));
            Thread.sleep(500);
            assertThat(client.flush(Duration.ofSeconds(5))).isTrue();
            assertThat(state(client, "bots/main/0")).isEqualTo(State.ONLINE);
        }
    }

    @Test
    void thePeriodicHeartbeatKeepsAQuietShardOnlinePastItsLeaseAndClosingTheHookLetsTheLeaseRunOut() throws Exception {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of());
             Watchpost client = client(server)) {
            WatchpostShards hook = WatchpostShards.builder(client, "bots/main")
                    .every(Duration.ofMillis(500)).lease(Duration.ofSeconds(2)).build();
            Shard shard = new Shard(0, 1);
            shard.addEventListener(hook);
            shard.setStatus(JDA.Status.CONNECTED);
            await().atMost(Duration.ofSeconds(5)).until(() -> state(client, "bots/main/0") == State.ONLINE);
            String since = client.target("bots/main/0").orElseThrow().since();

            // no event for three leases: only the periodic heartbeat reports the shard
            for (int i = 0; i < 12; i++) {
                Thread.sleep(500);
                assertThat(state(client, "bots/main/0")).as("after %d ms", (i + 1) * 500).isEqualTo(State.ONLINE);
            }
            assertThat(client.target("bots/main/0").orElseThrow().since()).as("online all along").isEqualTo(since);

            hook.close();
            await().atMost(Duration.ofSeconds(6)).until(() -> state(client, "bots/main/0") == State.UNHEALTHY);
        }
    }

    @Test
    void withoutAnAdminTokenTheGroupIsNotDeclaredAndTheShardsAreStillReported() throws Exception {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of());
             Watchpost admin = client(server);
             Watchpost ingestOnly = Watchpost.builder().url("http://127.0.0.1:" + server.app().port()).token(TestServer.INGEST)
                     .batchDelay(Duration.ZERO).build();
             WatchpostShards hook = new WatchpostShards(ingestOnly, "bot")) {
            // declared by the operator, with a name the hook must not replace
            admin.declareShardedGroup("bot", "Operator's name", 2, Duration.ofSeconds(60));
            Shard shard = new Shard(1, 2);
            shard.addEventListener(hook);
            shard.setStatus(JDA.Status.CONNECTED);
            await().atMost(Duration.ofSeconds(5)).until(() -> state(admin, "bot/1") == State.ONLINE);
            JsonNode group = JSON.readTree(server.http().get("/api/v1/groups/bot", TestServer.ADMIN).body()).path("group");
            assertThat(group.path("name").asText()).isEqualTo("Operator's name");
            assertThat(ingestOnly.rejected()).isZero();
        }
    }

    /** The README's one line, compiled: a ShardManager takes the hook as an event listener. */
    static void readmeLine(ShardManager shardManager, Watchpost watchpost) {
        shardManager.addEventListener(new WatchpostShards(watchpost, "bots/main"));
    }

    @Test
    void theHookIsBuiltForJava17() throws Exception {
        try (var in = WatchpostShards.class.getResourceAsStream("WatchpostShards.class")) {
            byte[] head = in.readNBytes(8);
            int major = ((head[6] & 0xff) << 8) | (head[7] & 0xff);
            assertThat(major).as("class file version (61 is Java 17)").isEqualTo(61);
        }
    }
}
