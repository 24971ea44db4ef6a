package dev.watchpost.compat.argus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.auth.Access;
import dev.watchpost.auth.TokenStore;
import dev.watchpost.auth.Tokens;
import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.live.LiveState;
import dev.watchpost.store.Database;
import dev.watchpost.store.WriteBehind;
import dev.watchpost.testing.Http;
import dev.watchpost.web.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Argus adapter as the composition root wires it: a real database, token service, live state,
 * fleet registry and Helidon server on port 0, with a clock the test moves (or the system clock,
 * when the test talks to something that keeps wall-clock time). {@link #restart} closes
 * everything and builds it again on the same database, as a process restart would.
 */
final class FleetServer implements AutoCloseable {

    static final String ADMIN = "argus-admin-token-000000001";
    static final String INGEST = "argus-ingest-token-00000001";
    static final String READ = "argus-read-token-0000000001";

    /** Limits no test reaches unless it means to: the clock stands still, so buckets never refill. */
    static final ArgusSettings.RateLimit GENEROUS = new ArgusSettings.RateLimit(1_000, 1_000_000);

    static ArgusSettings settings() {
        return new ArgusSettings(Duration.ofSeconds(15), 3, "discord", 240, GENEROUS, GENEROUS, "fleet");
    }

    final String dbUrl;
    final Clock clock;
    final ArgusSettings settings;
    final Optional<PrometheusSource> prometheus;

    Database db;
    WriteBehind writer;
    Tokens tokens;
    LiveState live;
    ArgusFleet fleet;
    HttpServer server;
    Http http;

    private FleetServer(String dbUrl, Clock clock, ArgusSettings settings, Optional<PrometheusSource> prometheus) {
        this.dbUrl = dbUrl;
        this.clock = clock;
        this.settings = settings;
        this.prometheus = prometheus;
    }

    static FleetServer start(String dbUrl, Clock clock, ArgusSettings settings) {
        return start(dbUrl, clock, settings, Optional.empty());
    }

    /** With a Prometheus source the test made (and closes). */
    static FleetServer start(String dbUrl, Clock clock, ArgusSettings settings,
                             Optional<PrometheusSource> prometheus) {
        FleetServer s = new FleetServer(dbUrl, clock, settings, prometheus);
        s.open();
        return s;
    }

    private void open() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        db = Database.open(new Database.Settings(dbUrl, Optional.empty(), Optional.empty(), 2), meters);
        writer = new WriteBehind(db, Duration.ofMinutes(1), meters);
        tokens = new Tokens(new TokenStore(db), writer, clock,
                new WatchpostConfig.Auth(List.of(ADMIN), List.of(INGEST), List.of(READ), false, false));
        live = new LiveState(db, clock, Duration.ofMinutes(1), meters);
        // The order the composition root must use: the fleet defines its targets before the live
        // state starts, so they get their checkpointed state back.
        fleet = new ArgusFleet(db, live, clock, settings, meters);
        fleet.start();
        live.start();
        server = HttpServer.start(new HttpServer.Settings("127.0.0.1", 0, 256 * 1024, Duration.ZERO, Duration.ofMinutes(5)), meters,
                List.of(new ArgusRoutes(fleet, new Access(tokens, false), clock, settings, prometheus)));
        http = new Http(server.port());
    }

    void restart() {
        close();
        open();
    }

    @Override
    public void close() {
        server.close();
        live.close();
        tokens.close();
        writer.close();
        db.close();
    }

    // ---------------------------------------------------------------- requests

    HttpResponse<String> post(String path, String body) {
        return http.postJson(path, body, INGEST);
    }

    HttpResponse<String> get(String path) {
        return http.get(path, READ);
    }

    /** Registers and returns the answer, asserting 200. */
    JsonNode register(String body) {
        HttpResponse<String> r = post("/fleet/register", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r);
    }

    int number(String identity, String fleet) {
        return register("{\"identity\": \"" + identity + "\", \"fleet\": \"" + fleet + "\"}").get("number").intValue();
    }

    HttpResponse<String> heartbeat(String identity, String snapshot) {
        return post("/fleet/heartbeat", "{\"identity\": \"" + identity + "\""
                + (snapshot == null ? "" : ", \"snapshot\": " + snapshot) + "}");
    }

    JsonNode view() {
        HttpResponse<String> r = get("/api/fleet/view");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r);
    }

    /** The view's row of one cluster. */
    JsonNode cluster(String fleet, int number) {
        for (JsonNode f : view().get("fleets")) {
            if (f.get("name").asText().equals(fleet)) {
                for (JsonNode c : f.get("clusters")) {
                    if (c.get("number").intValue() == number) {
                        return c;
                    }
                }
            }
        }
        throw new AssertionError("no cluster " + fleet + "/" + number + " in " + view());
    }

    static void assertError(HttpResponse<String> r, int status, String fragment) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(Http.json(r).get("error").asText()).contains(fragment);
    }
}
