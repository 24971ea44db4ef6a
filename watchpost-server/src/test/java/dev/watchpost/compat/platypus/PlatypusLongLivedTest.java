package dev.watchpost.compat.platypus;

import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.live.LiveState;
import dev.watchpost.store.Database;
import dev.watchpost.targets.Topology;
import dev.watchpost.targets.TopologyStore;
import dev.watchpost.testing.WsClient;
import dev.watchpost.testing.MutableClock;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Long-lived sockets: a page that only listens to {@code /getstats} sends nothing, so to the server
 * its connection looks idle. Helidon closes connections idle longer than its idle timeout (5 min by
 * default); here a real Helidon server with a 4 s timeout shows that the pings keep the page's
 * connection alive and its maps coming.
 */
@Tag("integration")
class PlatypusLongLivedTest {

    /** Helidon measures idleness in whole seconds (its cached date), so a second or two is too tight to mean anything. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(4);

    @TempDir
    Path dir;
    Database db;
    LiveState live;
    Platypus platypus;
    WebServer server;

    private int start(Duration keepAlive) {
        MutableClock clock = MutableClock.at("2026-06-01T12:00:00Z");
        db = Database.open(new Database.Settings("jdbc:sqlite:" + dir.resolve("w.db"), Optional.empty(), Optional.empty(), 2),
                new SimpleMeterRegistry());
        live = new LiveState(db, clock, Duration.ofMinutes(1), new SimpleMeterRegistry());
        Topology topology = new Topology(live, new TopologyStore(db, dev.watchpost.store.SecretBox.of(dev.watchpost.store.SecretBox.newKey())), clock);
        topology.load(new WatchpostConfig.Declarations(List.of(), List.of()));
        live.start();
        platypus = new Platypus(live, topology, new WatchpostConfig.Platypus(Optional.of(PlatypusCompatTest.SECRET), "servers",
                Duration.ofSeconds(1), Duration.ofSeconds(10)), token -> true, keepAlive);
        server = WebServer.builder().host("127.0.0.1").port(0)
                .idleConnectionTimeout(IDLE_TIMEOUT).idleConnectionPeriod(Duration.ofMillis(200))
                .addRouting(platypus.routing(WsRouting.builder()))
                .build().start();
        return server.port();
    }

    @AfterEach
    void stop() {
        if (platypus != null) {
            platypus.close();
        }
        if (server != null) {
            server.stop();
        }
        if (live != null) {
            live.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void aPageThatOnlyListensOutlivesTheIdleTimeoutAndKeepsGettingTheMap() throws Exception {
        // as in production, maps come more often (1 s) than pings (here 1.5 s, by default 30 s)
        int port = start(Duration.ofMillis(1500));
        try (WsClient page = new WsClient(port, "/getstats")) {
            assertThat(page.next(Duration.ofSeconds(5))).isEqualTo("{}");
            long end = System.nanoTime() + IDLE_TIMEOUT.multipliedBy(2).toNanos();
            while (System.nanoTime() < end) {
                assertThat(page.closed).as("closed while listening").isNotDone();
                Thread.sleep(100);
            }
            page.texts.clear();
            assertThat(page.next(Duration.ofSeconds(5))).as("the map still comes every interval").isEqualTo("{}");
            assertThat(page.pings.get()).as("pinged while quiet").isPositive();
        }
    }
}
