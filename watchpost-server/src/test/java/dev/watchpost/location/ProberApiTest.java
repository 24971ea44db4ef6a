package dev.watchpost.location;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.MutableClock;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.watchpost.testing.Http.assertError;
import static dev.watchpost.testing.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server's side of probing from several locations, over real HTTP: tests play the probers with
 * a plain HTTP client (prober tokens, assignments by long poll, result batches), a local HTTP
 * server is the target of this server's own checks, and the clock is a test clock, so rounds are
 * stepped exactly.
 */
@Tag("integration")
class ProberApiTest {

    /** A round is a minute; its deadline (slot + timeout + 5 s) lies at least 25 s after any check dated now. */
    private static final String EVERY = "\"every\":\"60s\",\"timeout\":\"50s\"";

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2026-03-01T12:00:00Z");
    private final AtomicInteger localChecks = new AtomicInteger();
    private HttpServer web;
    private TestServer server;
    private Http http;
    private int port;

    @BeforeEach
    void start() throws Exception {
        web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        web.createContext("/ok", ex -> {
            localChecks.incrementAndGet();
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        web.start();
        port = web.getAddress().getPort();
        server = TestServer.start(dir, clock, Map.of());
        http = server.http();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        web.stop(0);
    }

    // ------------------------------------------------------------------ tokens and assignments

    @Test
    void aProberFetchesItsAssignmentsSecretsIncludedWhileAnonymousReadsSeeThemRedacted() {
        create("{\"id\":\"web/shop\",\"http\":{\"url\":\"https://user:pw@shop.example/health\",\"method\":\"POST\","
                + "\"headers\":{\"Authorization\":\"Bearer s3cret\"},\"body\":\"{\\\"ping\\\":1}\",\"expect\":{\"status\":200},"
                + EVERY + ",\"locations\":[\"eu\",\"us\",\"asia\"],\"quorum\":2}}");
        create("{\"id\":\"web/everywhere\",\"tcp\":{\"host\":\"db.example\",\"port\":5432,\"every\":\"30s\",\"locations\":\"all\"}}");
        create("{\"id\":\"web/here\",\"http\":{\"url\":\"http://127.0.0.1:" + port + "/ok\"}}");
        create("{\"id\":\"web/asia\",\"http\":{\"url\":\"https://asia.example/\",\"locations\":[\"asia\"]}}");
        create("{\"id\":\"web/paused\",\"paused\":true,\"http\":{\"url\":\"https://p.example/\",\"locations\":[\"eu\"]}}");
        String eu = proberToken("eu");

        HttpResponse<String> r = assignments(eu, "eu", null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("ETag")).hasValueSatisfying(e -> assertThat(e).matches("\"[0-9a-f]{32}\""));
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = json(r);
        assertThat(body.get("location").asText()).isEqualTo("eu");
        // The server's probe limits, which its probers run under too (the defaults here).
        assertThat(body.at("/limits/max_concurrent").asInt()).isEqualTo(256);
        assertThat(body.at("/limits/max_per_host").asInt()).isEqualTo(16);
        assertThat(body.get("targets").findValuesAsText("id")).containsExactly("web/everywhere", "web/shop");
        JsonNode shop = body.get("targets").get(1);
        assertThat(shop.get("kind").asText()).isEqualTo("http");
        assertThat(shop.get("every").asText()).isEqualTo("1m");
        assertThat(shop.get("timeout").asText()).isEqualTo("50s");
        // Everything the check needs, as declared: the one place secrets go out, to a prober.
        assertThat(shop.at("/http/url").asText()).isEqualTo("https://user:pw@shop.example/health");
        assertThat(shop.at("/http/headers/Authorization").asText()).isEqualTo("Bearer s3cret");
        assertThat(shop.at("/http/body").asText()).isEqualTo("{\"ping\":1}");
        assertThat(shop.at("/http/method").asText()).isEqualTo("POST");
        assertThat(shop.at("/http/expect/status").asInt()).isEqualTo(200);
        assertThat(body.get("targets").get(0).at("/tcp/port").asInt()).isEqualTo(5432);

        // Nobody else sees them: not an anonymous reader, not a read token, not the prober's page.
        for (String token : new String[] {null, TestServer.READ}) {
            HttpResponse<String> read = token == null ? http.get("/api/v1/targets/web/shop") : http.get("/api/v1/targets/web/shop", token);
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.body()).doesNotContain("s3cret").doesNotContain("user:pw");
            assertThat(json(read).at("/spec/http/headers/Authorization").asText()).isEqualTo("***");
            assertThat(json(read).at("/spec/http/body").asText()).isEqualTo("***");
        }
        assertThat(http.get("/api/v1/targets/web/shop/probe").body()).doesNotContain("s3cret");

        // An unbound prober token may fetch any location's; a bound one its own only.
        String any = proberToken(null);
        assertThat(json(assignments(any, "asia", null, null)).get("targets").findValuesAsText("id"))
                .containsExactly("web/asia", "web/everywhere", "web/shop");
        assertError(assignments(eu, "us", null, null), 403, "this token speaks for location 'eu' only, not 'us'");
        assertError(assignments(eu, null, null, null), 400,
                "query parameter 'location' is required: the prober's location, e.g. ?location=eu");
        assertError(assignments(any, "local", null, null), 400,
                "location: 'local' is this server's own location; a prober runs elsewhere under a name of its own");
        assertError(assignments(any, "EU", null, null), 400,
                "location: 'EU' is not a location name (lower-case letters, digits and '-', at most 32; not 'all')");
        assertError(assignments(eu, "eu", null, "2m"), 400, "wait: expected a duration from 0s to 1m, such as 30s (got '2m')");
    }

    @Test
    void proberTokensAreBoundToTheirLocationAndOpenNothingElse() {
        HttpResponse<String> made = http.postJson("/api/v1/tokens", "{\"scope\":\"prober\",\"location\":\"eu\",\"name\":\"eu-1\"}",
                TestServer.ADMIN);
        assertThat(made.statusCode()).isEqualTo(201);
        assertThat(json(made).get("scope").asText()).isEqualTo("prober");
        assertThat(json(made).get("location").asText()).isEqualTo("eu");
        String eu = json(made).get("token").asText();
        long id = json(made).get("id").asLong();
        assertThat(json(http.get("/api/v1/tokens", TestServer.ADMIN)).findValuesAsText("location")).containsExactly("eu");

        assertError(http.postJson("/api/v1/tokens", "{\"scope\":\"read\",\"location\":\"eu\"}", TestServer.ADMIN), 400,
                "field 'location' binds a prober token to its location; a read token has none");
        assertError(http.postJson("/api/v1/tokens", "{\"scope\":\"prober\",\"location\":\"local\"}", TestServer.ADMIN), 400,
                "field 'location': 'local' is this server's own location; a prober runs elsewhere under a name of its own");
        assertError(http.postJson("/api/v1/tokens", "{\"scope\":\"probe\"}", TestServer.ADMIN), 400,
                "field 'scope' must be one of ingest, read, admin, prober (got 'probe')");

        // A prober token opens the prober's routes and nothing that needs another scope.
        assertThat(assignments(eu, "eu", null, null).statusCode()).isEqualTo(200);
        assertThat(http.get("/api/v1/tokens", eu).statusCode()).isEqualTo(403);
        assertThat(http.postJson("/api/v1/targets", "{\"id\":\"x\",\"push\":{\"every\":\"1m\"}}", eu).statusCode()).isEqualTo(403);
        assertThat(http.postJson("/api/v1/heartbeats", "{\"heartbeats\":[]}", eu).statusCode()).isEqualTo(403);
        // ... and no other token opens the prober's: not even admin (see auth.Scope for why).
        for (String other : new String[] {TestServer.ADMIN, TestServer.READ, TestServer.INGEST}) {
            HttpResponse<String> refused = assignments(other, "eu", null, null);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(json(refused).get("error").asText()).startsWith("this route needs a token with scope 'prober'");
            assertThat(results(other, "{\"location\":\"eu\",\"results\":[]}").statusCode()).isEqualTo(403);
        }
        assertError(assignments(null, "eu", null, null), 401,
                "this route needs an API token with scope 'prober': send Authorization: Bearer <token>");

        // Revoked: refused at once (401), on both routes.
        assertThat(http.send(http.request("/api/v1/tokens/" + id).header("Authorization", "Bearer " + TestServer.ADMIN)
                .DELETE().build()).statusCode()).isEqualTo(204);
        assertError(assignments(eu, "eu", null, null), 401, "the API token is not valid (unknown or revoked)");
        assertError(results(eu, "{\"location\":\"eu\",\"results\":[]}"), 401, "the API token is not valid (unknown or revoked)");
    }

    @Test
    void aLongPollAnswersAsSoonAsATargetOfItsLocationIsAddedOrRemovedAndOtherwise304() throws Exception {
        String eu = proberToken("eu");
        HttpResponse<String> first = assignments(eu, "eu", null, null);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(json(first).get("targets")).isEmpty();

        // Nothing changes: held for the wait, then 304 with the same ETag.
        long t0 = System.nanoTime();
        HttpResponse<String> same = assignments(eu, "eu", etag, "1s");
        assertThat(same.statusCode()).isEqualTo(304);
        assertThat(same.headers().firstValue("ETag")).hasValue(etag);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(900));

        // Added: the held poll answers at once, with the new target.
        CompletableFuture<HttpResponse<String>> held = poll(eu, "eu", etag, "20s");
        Thread.sleep(300);
        assertThat(held).isNotDone();
        long added = System.nanoTime();
        create("{\"id\":\"web/new\",\"http\":{\"url\":\"https://n.example/\",\"locations\":[\"eu\",\"us\"]}}");
        HttpResponse<String> changed = held.get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - added)).isLessThan(Duration.ofSeconds(2));
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(json(changed).get("targets").findValuesAsText("id")).containsExactly("web/new");
        String etag2 = changed.headers().firstValue("ETag").orElseThrow();
        assertThat(etag2).isNotEqualTo(etag);

        // Another location's target wakes the poll, which sees nothing of its own changed and holds on.
        held = poll(eu, "eu", etag2, "20s");
        create("{\"id\":\"web/us-only\",\"http\":{\"url\":\"https://u.example/\",\"locations\":[\"us\"]}}");
        Thread.sleep(500);
        assertThat(held).isNotDone();
        // Removed: answered at once, without it.
        long removed = System.nanoTime();
        assertThat(http.send(http.request("/api/v1/targets/web/new").header("Authorization", "Bearer " + TestServer.ADMIN)
                .DELETE().build()).statusCode()).isEqualTo(204);
        HttpResponse<String> gone = held.get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - removed)).isLessThan(Duration.ofSeconds(2));
        assertThat(gone.statusCode()).isEqualTo(200);
        assertThat(json(gone).get("targets")).isEmpty();
        assertThat(gone.headers().firstValue("ETag")).hasValue(etag);
    }

    @Test
    void aHeldPollIsAnsweredWhenTheServerStopsRatherThanHoldingTheStopUp() throws Exception {
        String eu = proberToken("eu");
        String etag = assignments(eu, "eu", null, null).headers().firstValue("ETag").orElseThrow();
        CompletableFuture<HttpResponse<String>> held = poll(eu, "eu", etag, "60s");
        Thread.sleep(300);
        long t0 = System.nanoTime();
        server.close();
        server = null;
        assertThat(held.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(304);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }

    // ------------------------------------------------------------------ the quorum

    @Test
    void twoOfThreeLocationsDecideOneDownChangesNothingAndDampingCountsRounds() {
        create("{\"id\":\"web/shop\",\"http\":{\"url\":\"https://shop.example/\"," + EVERY
                + ",\"locations\":[\"eu\",\"us\",\"asia\"],\"quorum\":2,\"failure-threshold\":2}}");
        String eu = proberToken("eu");
        String us = proberToken("us");
        String asia = proberToken("asia");
        assertThat(view("web/shop").state()).isEqualTo(State.UNKNOWN);

        // Round 1: two of three decide at once; the third arrives within the round and is kept.
        send(eu, "eu", "web/shop", "up", "status 200");
        assertThat(view("web/shop").state()).isEqualTo(State.UNKNOWN); // one is not a quorum: waits for the others
        send(us, "us", "web/shop", "up", "status 200");
        assertThat(view("web/shop").state()).isEqualTo(State.ONLINE);
        assertThat(view("web/shop").message()).isEqualTo("up from eu and us: status 200; asia silent");
        send(asia, "asia", "web/shop", "up", "status 200");

        // Round 2: one location sees it down: no change.
        clock.advance(Duration.ofSeconds(60));
        send(eu, "eu", "web/shop", "down", "status 503");
        send(us, "us", "web/shop", "up", "status 200");
        assertThat(view("web/shop").message()).isEqualTo("up from eu and us: status 200; asia silent"); // waits for asia
        send(asia, "asia", "web/shop", "up", "status 200");
        assertThat(view("web/shop").state()).isEqualTo(State.ONLINE);
        assertThat(view("web/shop").message()).isEqualTo("up from us and asia: status 200; eu sees status 503");

        // Rounds 3 and 4: two see it down. One round is one damping step, whatever the results in it.
        clock.advance(Duration.ofSeconds(60));
        send(eu, "eu", "web/shop", "down", "status 503");
        send(us, "us", "web/shop", "down", "status 503");
        send(asia, "asia", "web/shop", "up", "status 200");
        assertThat(view("web/shop").state()).isEqualTo(State.ONLINE);
        assertThat(view("web/shop").message())
                .isEqualTo("down from eu and us: status 503; asia sees status 200 (failure 1 of 2, not down yet)");
        clock.advance(Duration.ofSeconds(60));
        send(eu, "eu", "web/shop", "down", "status 503");
        send(us, "us", "web/shop", "down", "status 503");
        send(asia, "asia", "web/shop", "up", "status 200");
        assertThat(view("web/shop").state()).isEqualTo(State.DOWN);
        assertThat(view("web/shop").message()).isEqualTo("down from eu and us: status 503; asia sees status 200");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(json(http.get("/api/v1/targets/web/shop"))
                .get("transitions").findValuesAsText("to")).containsExactly("down", "online"));

        // The API shows each location's latest result and the round's verdict.
        JsonNode probe = json(http.get("/api/v1/targets/web/shop/probe"));
        assertThat(probe.at("/quorum/needs").asInt()).isEqualTo(2);
        assertThat(probe.at("/quorum/of").asInt()).isEqualTo(3);
        assertThat(probe.at("/quorum/decision").asText()).isEqualTo("agreed");
        assertThat(probe.at("/quorum/outcome").asText()).isEqualTo("down");
        assertThat(probe.at("/quorum/summary").asText()).isEqualTo("down from eu and us: status 503; asia sees status 200");
        assertThat(probe.get("locations").findValuesAsText("location")).containsExactly("eu", "us", "asia");
        JsonNode asiaSeen = probe.get("locations").get(2);
        assertThat(asiaSeen.get("outcome").asText()).isEqualTo("up");
        assertThat(asiaSeen.get("reason").asText()).isEqualTo("status 200");
        assertThat(asiaSeen.get("latency_ms").asDouble()).isEqualTo(42.0);
        assertThat(asiaSeen.get("status_code").asInt()).isEqualTo(200);
        assertThat(asiaSeen.get("live").asBoolean()).isTrue();
        assertThat(Instant.parse(asiaSeen.get("checked_at").asText())).isEqualTo(clock.instant());
        assertThat(probe.at("/last/outcome").asText()).isEqualTo("down");
        assertThat(probe.at("/last/state").asText()).isEqualTo("down");
    }

    @Test
    void maintenanceHoldsAndCompositesActOnWhatTheLocationsAgree() {
        create("{\"id\":\"web/shop\",\"http\":{\"url\":\"https://shop.example/\"," + EVERY
                + ",\"locations\":[\"eu\",\"us\"],\"failure-threshold\":1}}");
        create("{\"id\":\"web/all\",\"composite\":{\"parts\":[\"web/shop\"],\"startup-grace\":0}}");
        String eu = proberToken("eu");
        String us = proberToken("us");
        send(eu, "eu", "web/shop", "up", "status 200");
        send(us, "us", "web/shop", "up", "status 200");
        assertThat(view("web/shop").state()).isEqualTo(State.ONLINE);
        await().atMost(Duration.ofSeconds(10)).until(() -> view("web/all").state() == State.ONLINE);

        // In maintenance, the locations agreeing on down change what it shows after, not now.
        Instant now = clock.instant();
        HttpResponse<String> made = http.postJson("/api/v1/notices", "{\"kind\":\"maintenance\",\"title\":\"Move\","
                + "\"message\":\"New rack\",\"targets\":[\"web/shop\"],\"starts_at\":\"" + now.minusSeconds(60)
                + "\",\"ends_at\":\"" + now.plusSeconds(3600) + "\"}", TestServer.ADMIN);
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        assertThat(view("web/shop").state()).isEqualTo(State.MAINTENANCE);
        clock.advance(Duration.ofSeconds(60));
        send(eu, "eu", "web/shop", "down", "status 503");
        send(us, "us", "web/shop", "down", "status 503");
        assertThat(view("web/shop").state()).isEqualTo(State.MAINTENANCE);

        // Released: the agreed state shows, and the composite follows its part.
        long id = json(made).get("id").asLong();
        HttpResponse<String> ended = http.send(http.request("/api/v1/notices/" + id)
                .header("Authorization", "Bearer " + TestServer.ADMIN).header("Content-Type", "application/json")
                .method("PUT", HttpRequest.BodyPublishers.ofString("{\"ends_at\":\"" + clock.instant() + "\"}")).build());
        assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
        assertThat(view("web/shop").state()).isEqualTo(State.DOWN);
        assertThat(view("web/shop").message()).isEqualTo("down from eu and us: status 503");
        await().atMost(Duration.ofSeconds(10)).until(() -> view("web/all").state().severity()
                == dev.watchpost.live.Severity.BAD);

        // One location back is not a quorum of two: still down; both, and the composite is back too.
        clock.advance(Duration.ofSeconds(60));
        send(eu, "eu", "web/shop", "up", "status 200");
        send(us, "us", "web/shop", "down", "status 503");
        assertThat(view("web/shop").state()).isEqualTo(State.DOWN);
        clock.advance(Duration.ofSeconds(60));
        send(eu, "eu", "web/shop", "up", "status 200");
        send(us, "us", "web/shop", "up", "status 200");
        clock.advance(Duration.ofSeconds(60));
        send(eu, "eu", "web/shop", "up", "status 200");
        send(us, "us", "web/shop", "up", "status 200");
        assertThat(view("web/shop").state()).isEqualTo(State.ONLINE);
        await().atMost(Duration.ofSeconds(10)).until(() -> view("web/all").state() == State.ONLINE);
    }

    @Test
    void aSilentLocationIsLeftOutNeverCountedDownAndTooFewLiveKeepTheStateAndSaySo() {
        create("{\"id\":\"web/shop\",\"http\":{\"url\":\"https://shop.example/\"," + EVERY
                + ",\"locations\":[\"eu\",\"us\",\"asia\"],\"quorum\":2,\"failure-threshold\":1}}");
        String eu = proberToken("eu");
        String us = proberToken("us");
        String asia = proberToken("asia");
        send(eu, "eu", "web/shop", "up", "status 200");
        send(us, "us", "web/shop", "up", "status 200");
        send(asia, "asia", "web/shop", "up", "status 200");
        assertThat(view("web/shop").state()).isEqualTo(State.ONLINE);

        // asia falls silent (nothing for 2 × every + 5 s): left out. One of the two live seeing it
        // down is no quorum: the state stays.
        clock.advance(Duration.ofSeconds(130));
        send(eu, "eu", "web/shop", "down", "timeout after 50 s");
        send(us, "us", "web/shop", "up", "status 200");
        assertThat(view("web/shop").state()).isEqualTo(State.ONLINE);
        assertThat(view("web/shop").message())
                .isEqualTo("quorum of 2 not reached: down from eu: timeout after 50 s; up from us: status 200; asia silent");
        JsonNode probe = json(http.get("/api/v1/targets/web/shop/probe"));
        assertThat(probe.at("/locations/2/live").asBoolean()).isFalse();
        assertThat(probe.at("/quorum/decision").asText()).isEqualTo("split");

        // Only eu reports: fewer live than the quorum. At the round's deadline the reason says so,
        // and the target keeps its state.
        clock.advance(Duration.ofSeconds(70));
        send(eu, "eu", "web/shop", "down", "timeout after 50 s");
        clock.advance(Duration.ofSeconds(90)); // past the round's deadline (slot + timeout + 5 s); us silent by then
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(view("web/shop").message())
                .isEqualTo("only 1 of 3 locations reporting (us and asia silent); quorum needs 2"));
        assertThat(view("web/shop").state()).isEqualTo(State.ONLINE);

        // Two live again and both see it down: down, the silent one named, never counted.
        clock.advance(Duration.ofSeconds(30));
        send(eu, "eu", "web/shop", "down", "status 503");
        send(us, "us", "web/shop", "down", "status 503");
        assertThat(view("web/shop").state()).isEqualTo(State.DOWN);
        assertThat(view("web/shop").message()).isEqualTo("down from eu and us: status 503; asia silent");
    }

    @Test
    void resultsOlderThanTheLiveWindowGoToTheLocationsHistoryNotToTheState() {
        create("{\"id\":\"web/shop\",\"http\":{\"url\":\"https://shop.example/\"," + EVERY
                + ",\"locations\":[\"eu\",\"us\"],\"failure-threshold\":1}}");
        String eu = proberToken("eu");
        String us = proberToken("us");
        send(eu, "eu", "web/shop", "up", "status 200");
        send(us, "us", "web/shop", "up", "status 200");
        assertThat(view("web/shop").state()).isEqualTo(State.ONLINE);

        // Buffered while the server was out of reach: checked 10 and 9 minutes ago, both down.
        clock.advance(Duration.ofSeconds(60));
        String old = "{\"location\":\"us\",\"results\":[" + result("web/shop", clock.instant().minusSeconds(600), "down",
                "connection refused", 12) + "," + result("web/shop", clock.instant().minusSeconds(540), "down",
                "connection refused", 14) + "]}";
        JsonNode answer = json(results(us, old));
        assertThat(answer.get("history_only").asInt()).isEqualTo(2);
        assertThat(answer.get("current").asInt()).isZero();
        assertThat(answer.get("refused")).isEmpty();
        send(eu, "eu", "web/shop", "down", "status 503");
        // Only eu's fresh result counts with us's latest; nothing of the old ones reached the state.
        assertThat(view("web/shop").state()).isEqualTo(State.ONLINE);
        JsonNode probe = json(http.get("/api/v1/targets/web/shop/probe"));
        assertThat(probe.at("/locations/1/reason").asText()).isEqualTo("status 200");

        // History keeps each location's checks, latency included, the old ones at their own times.
        server.app().history().flush();
        JsonNode usDays = json(http.get("/api/v1/targets/web/shop/history?days=1&location=us"));
        assertThat(usDays.get("location").asText()).isEqualTo("us");
        assertThat(usDays.at("/days/0/samples").asInt()).isEqualTo(3);
        assertThat(usDays.at("/days/0/failures").asInt()).isEqualTo(2);
        assertThat(usDays.at("/days/0/latency_max_ms").asDouble()).isEqualTo(42.0);
        JsonNode euDays = json(http.get("/api/v1/targets/web/shop/history?days=1&location=eu"));
        assertThat(euDays.at("/days/0/samples").asInt()).isEqualTo(2);
        assertError(http.get("/api/v1/targets/web/shop/history?location=E%20U"), 400,
                "location 'E U' is not a location name (lower-case letters, digits and '-', at most 32)");
    }

    @Test
    void thisServerIsOneLocationAmongOthersAndChecksOnlyTargetsThatListIt() {
        create("{\"id\":\"web/both\",\"http\":{\"url\":\"http://127.0.0.1:" + port + "/ok\",\"every\":\"60s\",\"timeout\":\"5s\","
                + "\"locations\":[\"local\",\"eu\"],\"quorum\":2}}");
        create("{\"id\":\"web/remote\",\"http\":{\"url\":\"http://127.0.0.1:" + port + "/ok\"," + EVERY
                + ",\"locations\":[\"eu\"]}}");
        String eu = proberToken("eu");
        clock.advance(Duration.ofSeconds(10)); // a new target's first check comes within 10 s
        await().atMost(Duration.ofSeconds(5)).until(() -> !json(http.get("/api/v1/targets/web/both/probe"))
                .at("/locations/0/checked_at").isNull());
        assertThat(localChecks.get()).isEqualTo(1); // web/remote is not checked from here
        JsonNode local = json(http.get("/api/v1/targets/web/both/probe")).at("/locations/0");
        assertThat(local.get("location").asText()).isEqualTo("local");
        assertThat(local.get("reason").asText()).isEqualTo("status 200");
        assertThat(view("web/both").state()).isEqualTo(State.UNKNOWN); // one of two: waits for eu

        // eu's check of the same round: the two agree.
        Instant at = Instant.parse(local.get("checked_at").asText());
        HttpResponse<String> r = results(eu, "{\"location\":\"eu\",\"results\":[" + result("web/both", at, "up", "status 200", 80)
                + "]}");
        assertThat(json(r).get("current").asInt()).as(r.body()).isEqualTo(1);
        assertThat(view("web/both").state()).isEqualTo(State.ONLINE);
        assertThat(view("web/both").message()).isEqualTo("up from local and eu: status 200");

        // A target checked from elsewhere only: never by this server, not even on request.
        assertError(http.postJson("/api/v1/targets/web/remote/check", "", TestServer.ADMIN), 409,
                "'web/remote' is checked only from other locations, not by this server (its locations do not include local)");
        clock.advance(Duration.ofSeconds(120));
        await().atMost(Duration.ofSeconds(5)).until(() -> localChecks.get() >= 2); // web/both again, on its grid
        assertThat(localChecks.get()).isEqualTo(2);
        send(eu, "eu", "web/remote", "down", "status 500");
        assertThat(view("web/remote").state()).isEqualTo(State.DOWN);
        assertThat(view("web/remote").message()).isEqualTo("status 500");
    }

    @Test
    void theTargetPageListsEachLocationsLatestResultAndASilentOneAsSilent() {
        create("{\"id\":\"web/shop\",\"http\":{\"url\":\"http://127.0.0.1:" + port + "/ok\",\"every\":\"60s\",\"timeout\":\"5s\","
                + "\"locations\":[\"local\",\"eu\",\"us\"]}}");
        create("{\"id\":\"web/here\",\"http\":{\"url\":\"http://127.0.0.1:" + port + "/ok\",\"every\":\"60s\"}}");
        String eu = proberToken("eu");
        String us = proberToken("us");
        clock.advance(Duration.ofSeconds(10)); // a new target's first check comes within 10 s
        await().atMost(Duration.ofSeconds(5)).until(() -> !json(http.get("/api/v1/targets/web/shop/probe"))
                .at("/locations/0/checked_at").isNull());
        Instant at = Instant.parse(json(http.get("/api/v1/targets/web/shop/probe")).at("/locations/0/checked_at").asText());
        HttpResponse<String> r = results(eu, "{\"location\":\"eu\",\"results\":[" + result("web/shop", at, "up", "status 200", 80)
                + "]}");
        assertThat(json(r).get("current").asInt()).as(r.body()).isEqualTo(1);
        r = results(us, "{\"location\":\"us\",\"results\":[" + result("web/shop", at, "down", "status 503", 250) + "]}");
        assertThat(json(r).get("current").asInt()).as(r.body()).isEqualTo(1);

        String page = http.get("/targets/web/shop").body();
        assertThat(page).contains("<h2 id=\"locations-title\">By location</h2>");
        assertThat(locationRow(page, "local")).contains("data-state=\"online\"").contains("status 200");
        assertThat(locationRow(page, "eu")).contains("data-state=\"online\"").contains("<td>80 ms</td>")
                .contains("<td class=\"message\">status 200</td>").contains("<time datetime=\"" + at + "\"");
        assertThat(locationRow(page, "us")).contains("data-state=\"down\"").contains("<td>250 ms</td>")
                .contains("<td class=\"message\">status 503</td>");
        // A target checked from here alone: its state says it all, no list.
        assertThat(http.get("/targets/web/here").body()).doesNotContain("By location");

        // us falls silent (nothing for 2 × every + 5 s) while eu keeps reporting: shown as silent,
        // with how long and what it last said, never as down.
        clock.advance(Duration.ofSeconds(130));
        send(eu, "eu", "web/shop", "up", "status 200");
        String later = http.get("/targets/web/shop").body();
        assertThat(locationRow(later, "eu")).contains("data-state=\"online\"");
        assertThat(locationRow(later, "us")).contains("data-state=\"silent\"").contains(">Silent<")
                .contains("<td class=\"message\">No result for 2 min; the last said: status 503</td>")
                .contains("<time datetime=\"" + at + "\"");
    }

    /** The "By location" row of {@code location} on a target page. */
    private static String locationRow(String page, String location) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<tr><th scope=\"row\">" + location + "</th>.*?</tr>").matcher(page);
        assertThat(m.find()).as("a row for %s", location).isTrue();
        return m.group();
    }

    @Test
    void aBatchSentAgainWithItsIdIsAnsweredAsBeforeAndCountedOnceInHistory() {
        create("{\"id\":\"web/shop\",\"http\":{\"url\":\"https://shop.example/\"," + EVERY + ",\"locations\":[\"eu\",\"us\"]}}");
        String us = proberToken("us");
        send(us, "us", "web/shop", "up", "status 200");
        // Buffered while the server was out of reach, then sent; the answer was lost, so the prober sends it again.
        String old = "{\"location\":\"us\",\"batch_id\":\"3f2a9c0e5b7d41e8a6c2f0b9d8e7a1c4\",\"results\":["
                + result("web/shop", clock.instant().minusSeconds(600), "down", "connection refused", 12) + ","
                + result("web/shop", clock.instant().minusSeconds(540), "down", "connection refused", 14) + ","
                + result("nowhere", clock.instant().minusSeconds(540), "down", "connection refused", 14) + "]}";
        JsonNode first = json(results(us, old));
        assertThat(first.get("batch_id").asText()).isEqualTo("3f2a9c0e5b7d41e8a6c2f0b9d8e7a1c4");
        assertThat(first.get("repeated").asBoolean()).isFalse();
        assertThat(first.get("history_only").asInt()).isEqualTo(2);
        assertThat(first.get("duplicates").asInt()).isZero();
        JsonNode again = json(results(us, old));
        assertThat(again.get("repeated").asBoolean()).isTrue();
        assertThat(again.get("received").asInt()).isEqualTo(3);
        assertThat(again.get("history_only").asInt()).isEqualTo(2); // what the first sending did
        assertThat(again.get("duplicates").asInt()).isEqualTo(2); // nothing applied this time
        assertThat(again.get("refused")).isEqualTo(first.get("refused"));

        server.app().history().flush();
        JsonNode usDays = json(http.get("/api/v1/targets/web/shop/history?days=1&location=us"));
        assertThat(usDays.at("/days/0/samples").asInt()).isEqualTo(3);
        assertThat(usDays.at("/days/0/failures").asInt()).isEqualTo(2);

        // Another id is another batch; an id is letters, digits, '-' and '_', 8 to 64 of them, as text.
        assertThat(json(results(us, old.replace("3f2a9c0e", "00000000"))).get("repeated").asBoolean()).isFalse();
        String bad = "body.batch_id: expected 8 to 64 letters, digits, '-' or '_', such as "
                + "3f2a9c0e5b7d41e8a6c2f0b9d8e7a1c4 (the same for every sending of one batch)";
        assertError(results(us, "{\"location\":\"us\",\"batch_id\":\"short\",\"results\":[]}"), 400, bad);
        assertError(results(us, "{\"location\":\"us\",\"batch_id\":\"a b c d e f g h\",\"results\":[]}"), 400, bad);
        assertError(results(us, "{\"location\":\"us\",\"batch_id\":123456789,\"results\":[]}"), 400, bad);
    }

    // ------------------------------------------------------------------ bad batches

    @Test
    void badBatchesAreRefusedWithClearMessagesAndBadResultsOneByOne() {
        create("{\"id\":\"web/shop\",\"http\":{\"url\":\"https://shop.example/\"," + EVERY + ",\"locations\":[\"eu\",\"us\"]}}");
        create("{\"id\":\"web/us\",\"http\":{\"url\":\"https://us.example/\"," + EVERY + ",\"locations\":[\"us\"]}}");
        String eu = proberToken("eu");
        assertThat(results(eu, "{oops").statusCode()).isEqualTo(400);
        assertThat(json(results(eu, "{oops")).get("error").asText()).startsWith("request body is not valid JSON");
        assertThat(json(results(eu, "[]")).get("error").asText()).startsWith("body: expected an object such as {\"location\"");
        assertError(results(eu, "{\"results\":[]}"), 400, "body: 'location' is required");
        assertError(results(eu, "{\"location\":\"eu\"}"), 400, "body.results: expected a list of results (it may be empty)");
        assertError(results(eu, "{\"location\":\"eu\",\"results\":[],\"colour\":1}"), 400,
                "body: unknown key 'colour' (allowed: batch_id, location, results, sent_at)");
        assertError(results(eu, "{\"location\":\"local\",\"results\":[]}"), 400,
                "body.location: 'local' is this server's own location; a prober runs elsewhere under a name of its own");
        assertError(results(eu, "{\"location\":\"us\",\"results\":[]}"), 403, "this token speaks for location 'eu' only, not 'us'");
        // Where other nodes pass results on in cluster mode: nobody's on a single node.
        assertError(http.postJson("/internal/cluster/prober-results", "{\"batches\":[]}", eu), 401,
                "node-to-node route: it needs the cluster secret, and cluster mode on");
        assertError(results(eu, "{\"location\":\"eu\",\"sent_at\":\"yesterday\",\"results\":[]}"), 400,
                "body.sent_at: expected a time such as 2026-03-01T12:00:00Z (the prober's clock when it sent the batch)");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            many.add(result("web/shop", clock.instant(), "up", "status 200", 1));
        }
        HttpResponse<String> big = results(eu, "{\"location\":\"eu\",\"results\":[" + String.join(",", many) + "]}");
        assertError(big, 413, "body.results: at most 500 results a batch (got 501); send the rest in another");
        assertThat(json(big).get("limit").asInt()).isEqualTo(500);

        // One batch, each result judged on its own: the good one counts, the others say why not.
        Instant now = clock.instant();
        String batch = "{\"location\":\"eu\",\"results\":["
                + result("web/shop", now, "up", "status 200", 30) + ","
                + result("web/us", now, "up", "status 200", 30) + ","
                + result("nowhere", now, "up", "status 200", 30) + ","
                + result("web/shop", now, "sideways", "status 200", 30) + ","
                + result("web/shop", now.plusSeconds(60), "up", "status 200", 30) + ","
                + "{\"target\":\"web/shop\",\"checked_at\":\"" + now + "\",\"outcome\":\"up\"},"
                + "{\"target\":\"web/shop\",\"checked_at\":\"" + now + "\",\"outcome\":\"up\",\"reason\":\"ok\",\"latency_ms\":-1},"
                + "17]}";
        HttpResponse<String> r = results(eu, batch);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = json(r);
        assertThat(answer.get("received").asInt()).isEqualTo(8);
        assertThat(answer.get("current").asInt()).isEqualTo(1);
        JsonNode refused = answer.get("refused");
        assertThat(refused.findValuesAsText("error")).containsExactly(
                "results[1].target: 'web/us' is not checked from location 'eu'",
                "results[2].target: 'nowhere' is not checked from location 'eu'",
                "results[3].outcome: expected up, degraded or down (got 'sideways')",
                "results[4].checked_at: 60 s ahead of the server's clock; send sent_at so the server can correct the "
                        + "prober's clock; not counted",
                "results[5]: 'reason' is required",
                "results[6].latency_ms: expected milliseconds from 0 to 86400000, or null when nothing was measured",
                "results[7]: expected an object");
        assertThat(refused.get(0).get("index").asInt()).isEqualTo(1);
        assertThat(refused.get(0).get("target").asText()).isEqualTo("web/us");
        assertThat(refused.get(6).has("target")).isFalse();

        // A prober whose clock is an hour behind: corrected by sent_at, counted as checked now.
        Instant proberNow = now.minus(Duration.ofHours(1));
        HttpResponse<String> skewed = results(eu, "{\"location\":\"eu\",\"sent_at\":\"" + proberNow + "\",\"results\":["
                + result("web/shop", proberNow.plusMillis(500), "down", "status 503", 30) + "]}");
        assertThat(json(skewed).get("clock_offset_ms").asLong()).isEqualTo(3_600_000);
        assertThat(json(skewed).get("current").asInt()).as(skewed.body()).isEqualTo(1);
        // The same batch again (its answer lost): counted once.
        HttpResponse<String> again = results(eu, "{\"location\":\"eu\",\"sent_at\":\"" + proberNow + "\",\"results\":["
                + result("web/shop", proberNow.plusMillis(500), "down", "status 503", 30) + "]}");
        assertThat(json(again).get("duplicates").asInt()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ helpers

    private void create(String json) {
        HttpResponse<String> r = http.postJson("/api/v1/targets", json, TestServer.ADMIN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** A prober token, bound to {@code location} unless it is null. */
    private String proberToken(String location) {
        String body = location == null ? "{\"scope\":\"prober\"}" : "{\"scope\":\"prober\",\"location\":\"" + location + "\"}";
        HttpResponse<String> r = http.postJson("/api/v1/tokens", body, TestServer.ADMIN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).get("token").asText();
    }

    private HttpRequest assignmentsRequest(String token, String location, String etag, String wait) {
        StringBuilder path = new StringBuilder("/api/v1/prober/assignments");
        String sep = "?";
        if (location != null) {
            path.append(sep).append("location=").append(location);
            sep = "&";
        }
        if (wait != null) {
            path.append(sep).append("wait=").append(wait);
        }
        HttpRequest.Builder b = http.request(path.toString()).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (etag != null) {
            b.header("If-None-Match", etag);
        }
        return b.build();
    }

    private HttpResponse<String> assignments(String token, String location, String etag, String wait) {
        return http.send(assignmentsRequest(token, location, etag, wait));
    }

    /** A long poll in the background. */
    private CompletableFuture<HttpResponse<String>> poll(String token, String location, String etag, String wait) {
        return HttpClient.newHttpClient().sendAsync(assignmentsRequest(token, location, etag, wait),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> results(String token, String body) {
        return http.postJson("/api/v1/prober/results", body, token);
    }

    private static String result(String target, Instant at, String outcome, String reason, double latencyMs) {
        return "{\"target\":\"" + target + "\",\"checked_at\":\"" + at + "\",\"outcome\":\"" + outcome + "\",\"latency_ms\":"
                + latencyMs + ",\"reason\":\"" + reason + "\"" + (reason.startsWith("status ")
                ? ",\"status_code\":" + reason.substring(7) : "") + "}";
    }

    /** One result from {@code location}, checked now, taken as the location's latest. */
    private void send(String token, String location, String target, String outcome, String reason) {
        HttpResponse<String> r = results(token, "{\"location\":\"" + location + "\",\"results\":["
                + result(target, clock.instant(), outcome, reason, 42) + "]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).get("current").asInt()).as(r.body()).isEqualTo(1);
    }

    private TargetView view(String id) {
        return server.app().live().target(id).orElseThrow();
    }
}
