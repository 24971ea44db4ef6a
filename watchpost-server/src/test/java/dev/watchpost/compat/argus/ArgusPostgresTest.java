package dev.watchpost.compat.argus;

import dev.watchpost.testing.MutableClock;
import dev.watchpost.testing.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The fleet's storage (numbers, sequence, leases, restore) on a real PostgreSQL. */
@Tag("postgres")
class ArgusPostgresTest {

    MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    FleetServer s;

    @AfterEach
    void stop() {
        if (s != null) {
            s.close();
        }
    }

    @Test
    void numbersAreKeptAndNeverReusedAcrossPruneAndRestart() {
        s = FleetServer.start(Postgres.freshDatabaseUrl(), clock, FleetServer.settings());
        assertThat(s.number("a", "asia")).isEqualTo(1);
        assertThat(s.number("b", "asia")).isEqualTo(2);
        assertThat(s.number("c", "eu")).isEqualTo(1);
        assertThat(s.number("a", "asia")).isEqualTo(1);
        assertThat(s.http.send(s.http.request("/api/fleet/cluster?fleet=asia&number=2")
                .header("Authorization", "Bearer " + FleetServer.ADMIN).DELETE().build()).statusCode()).isEqualTo(204);
        String lease = s.register("{\"identity\": \"d\", \"fleet\": \"asia\"}").get("lease").asText();

        clock.advance(Duration.ofSeconds(1));
        s.restart();

        assertThat(s.cluster("asia", 3).get("identity").asText()).isEqualTo("d");
        assertThat(s.cluster("asia", 3).get("status").asText()).isEqualTo("up");
        assertThat(s.post("/fleet/heartbeat", "{\"identity\": \"d\", \"lease\": \"" + lease + "\"}").statusCode())
                .isEqualTo(204);
        assertThat(s.number("b", "asia")).isEqualTo(4);
        assertThat(s.number("a", "eu")).isEqualTo(2);
        assertThat(s.number("e", "asia")).isEqualTo(5);
    }
}
