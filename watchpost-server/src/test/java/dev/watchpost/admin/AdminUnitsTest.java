package dev.watchpost.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchpost.auth.TokenStore;
import dev.watchpost.auth.Tokens;
import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.store.Database;
import dev.watchpost.store.WriteBehind;
import dev.watchpost.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's pure parts and its session store, with a clock: no server, no sleeping. */
@Tag("integration")
class AdminUnitsTest {

    @TempDir
    Path dir;

    /** The database of the session store test; {@link AdminPostgresTest} runs it on PostgreSQL. */
    String url() {
        return "jdbc:sqlite:" + dir.resolve("w.db");
    }

    @Test
    void passwordsAreSaltedSlowPbkdf2AndCheckedExactly() {
        String a = Passwords.hash("correct horse battery".toCharArray());
        String b = Passwords.hash("correct horse battery".toCharArray());
        assertThat(a).matches("pbkdf2-sha256\\$210000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(a).as("a fresh salt each time").isNotEqualTo(b);
        assertThat(Passwords.ITERATIONS).isGreaterThanOrEqualTo(210_000);
        assertThat(Passwords.verify("correct horse battery".toCharArray(), a)).isTrue();
        assertThat(Passwords.verify("correct horse batterY".toCharArray(), a)).isFalse();
        assertThat(Passwords.verify("x".toCharArray(), "not a hash")).isFalse();
        // a hash written with another iteration count (a later version's) still checks
        String old = Passwords.hash("pw".toCharArray(), new byte[16], 1000);
        assertThat(Passwords.verify("pw".toCharArray(), old)).isTrue();
        assertThat(Passwords.problem("short".toCharArray())).contains("the password must be at least 12 characters");
        assertThat(Passwords.problem("twelve chars".toCharArray())).isEmpty();
    }

    @Test
    void fiveFailuresAMinuteThenWaitUntilTheOldestLeavesTheWindow() {
        LoginThrottle t = new LoginThrottle(5, Duration.ofMinutes(1));
        Instant t0 = Instant.parse("2026-06-01T12:00:00Z");
        for (int i = 0; i < 5; i++) {
            assertThat(t.wait("10.0.0.1", t0.plusSeconds(i))).isEmpty();
            t.failed("10.0.0.1", t0.plusSeconds(i));
        }
        assertThat(t.wait("10.0.0.1", t0.plusSeconds(10))).contains(Duration.ofSeconds(50));
        assertThat(t.wait("10.0.0.2", t0.plusSeconds(10))).as("per address").isEmpty();
        assertThat(t.wait("10.0.0.1", t0.plusSeconds(60))).as("the first failure left the window").isEmpty();
        t.failed("10.0.0.1", t0.plusSeconds(60));
        assertThat(t.wait("10.0.0.1", t0.plusSeconds(60))).contains(Duration.ofSeconds(1));
        t.succeeded("10.0.0.1");
        assertThat(t.wait("10.0.0.1", t0.plusSeconds(60))).isEmpty();
    }

    @Test
    void sessionsEndWhenIdleTwelveHoursOrSevenDaysAfterSignIn() {
        SessionPolicy p = SessionPolicy.DEFAULT;
        Instant t0 = Instant.parse("2026-06-01T12:00:00Z");
        Session fresh = new Session("h", "c", "password", Optional.empty(), t0, t0);
        assertThat(p.valid(fresh, t0.plus(Duration.ofHours(12)).minusMillis(1))).isTrue();
        assertThat(p.valid(fresh, t0.plus(Duration.ofHours(12)))).isFalse();
        Session busy = new Session("h", "c", "password", Optional.empty(), t0, t0.plus(Duration.ofDays(7)).minusSeconds(60));
        assertThat(p.expiresAt(busy)).isEqualTo(t0.plus(Duration.ofDays(7)));
        assertThat(p.touchDue(fresh, t0.plusSeconds(59))).isFalse();
        assertThat(p.touchDue(fresh, t0.plusSeconds(60))).isTrue();
    }

    @Test
    void storedSessionsFollowTheClockAndKeepOnlyAHash() {
        MutableClock clock = MutableClock.at("2026-06-01T12:00:00Z");
        var meters = new SimpleMeterRegistry();
        try (Database db = Database.open(new Database.Settings(url(), Optional.empty(), Optional.empty(), 2), meters);
             WriteBehind writer = new WriteBehind(db, Duration.ofSeconds(1), meters);
             Tokens tokens = new Tokens(new TokenStore(db), writer, clock,
                     new WatchpostConfig.Auth(List.of(), List.of(), List.of(), false, true))) {
            AdminStore store = new AdminStore(db);
            Sessions sessions = new Sessions(store, tokens, clock, SessionPolicy.DEFAULT);
            Sessions.Opened o = sessions.open("password", Optional.empty());
            assertThat(o.cookie()).hasSize(43);
            assertThat(o.session().idHash()).isEqualTo(Sessions.hash(o.cookie())).isNotEqualTo(o.cookie());
            assertThat(sessions.find(o.cookie())).isPresent();
            // used every 11 hours: alive for a week, then gone however busy
            for (int i = 0; i < 15; i++) {
                clock.advance(Duration.ofHours(11));
                assertThat(sessions.find(o.cookie())).as("after " + (i + 1) * 11 + " h").isPresent();
            }
            clock.advance(Duration.ofHours(3)); // 168 h
            assertThat(sessions.find(o.cookie())).isEmpty();

            Sessions.Opened idle = sessions.open("password", Optional.empty());
            clock.advance(Duration.ofHours(12));
            assertThat(sessions.find(idle.cookie())).isEmpty();
            assertThat(store.session(idle.session().idHash())).as("an expired session is deleted").isEmpty();

            Sessions.Opened other = sessions.open("password", Optional.empty());
            assertThat(store.setPassword(Passwords.hash("a new long password".toCharArray()), clock.instant()))
                    .as("setting the password signs everyone out").isEqualTo(1);
            assertThat(sessions.find(other.cookie())).isEmpty();
            assertThat(sessions.find("not-a-session")).isEmpty();
        }
    }

    @Test
    void theTargetFormWritesTheDeclarationAndKeepsWhatItHasNoFieldFor() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode stored = json.readTree("{\"id\":\"web/api\",\"name\":\"API\",\"http\":{\"url\":\"https://a\","
                + "\"headers\":{\"X\":\"1\"},\"expect\":{\"status\":\"200\",\"json\":\"$.ok == true\"}}}");
        Form form = Form.parse(AdminClient.encode(Map.of("name", "Public API", "http.url", "https://b",
                "http.expect.status", "", "http.failure-threshold", "5", "http.every", "30s", "paused", "on")));
        JsonNode spec = TargetForm.toSpec("http", form, Optional.of(stored));
        assertThat(spec.toString()).isEqualTo("{\"id\":\"web/api\",\"name\":\"Public API\",\"http\":{\"url\":\"https://b\","
                + "\"headers\":{\"X\":\"1\"},\"expect\":{\"json\":\"$.ok == true\"},\"every\":\"30s\",\"failure-threshold\":5},"
                + "\"paused\":true}");
        assertThat(TargetForm.values(stored, "http")).containsEntry("http.url", "https://a")
                .containsEntry("http.expect.status", "200").containsEntry("name", "API");
        assertThat(TargetForm.fieldOf("body.http.every: '5x' is not a duration", "http")).contains("http.every");
        assertThat(TargetForm.fieldOf("body.http.expect.status: bad", "http")).contains("http.expect.status");
        assertThat(TargetForm.fieldOf("body: 'id' is required", "http")).contains("id");
        assertThat(TargetForm.fieldOf("ping key is already used by another target", "push")).isEmpty();
    }

    @Test
    void targetsAreListedInTheOrderPeopleCount() {
        List<String> ids = new java.util.ArrayList<>(List.of("bots/main/10", "bots/main/2", "bots/b", "bots/main/1", "a", "bots/main/02x"));
        ids.sort(TargetPages::natural);
        assertThat(ids).containsExactly("a", "bots/b", "bots/main/1", "bots/main/2", "bots/main/02x", "bots/main/10");
    }
}
