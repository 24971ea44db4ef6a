package dev.watchpost.compat.stashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.MutableClock;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Stashboard's API over real HTTP (CONTRACTS.md §3): shapes, status codes, and the live state it drives. */
@Tag("integration")
class StashboardApiTest {

    static final String ADMIN_API = "/admin/api/v1";

    @TempDir
    Path dir;
    MutableClock clock = MutableClock.at("2025-03-10T12:00:00Z");
    TestServer server;
    Http http;
    String base;
    String adminBase;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("watchpost.yml"), """
                targets:
                  - id: ops/db
                    name: Database
                    description: The primary database
                    manual: {}
                  - id: workers/mailer
                    push: { every: 30s }
                """);
        startServer();
    }

    private void startServer() {
        server = TestServer.start(dir, clock, Map.of("WATCHPOST_CONFIG", dir.resolve("watchpost.yml").toString(),
                "WATCHPOST_FLUSH_INTERVAL", "1m"));
        http = server.http();
        base = "http://127.0.0.1:" + server.app().port() + "/api/v1";
        adminBase = "http://127.0.0.1:" + server.app().port() + ADMIN_API;
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ---------------------------------------------------------------- helpers

    private HttpResponse<String> form(String method, String path, String body, String token) {
        HttpRequest.Builder b = http.request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build());
    }

    private HttpResponse<String> post(String path, String formBody) {
        return form("POST", ADMIN_API + path, formBody, TestServer.ADMIN);
    }

    private HttpResponse<String> postJson(String path, String json) {
        return http.postJson(ADMIN_API + path, json, TestServer.ADMIN);
    }

    private HttpResponse<String> delete(String path) {
        return http.send(http.request(ADMIN_API + path).header("Authorization", "Bearer " + TestServer.ADMIN).DELETE().build());
    }

    private JsonNode get(String path) {
        HttpResponse<String> r = http.get(path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return Http.json(r);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Stashboard's error shape, exactly. */
    private static void assertStashError(HttpResponse<String> r, int code, String message) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(code);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode body = Http.json(r);
        assertThat(fields(body)).containsExactly("error", "code", "message");
        assertThat(body.get("error").asBoolean()).isTrue();
        assertThat(body.get("code").asInt()).isEqualTo(code);
        assertThat(body.get("message").asText()).isEqualTo(message);
    }

    /** The JSON without its url fields, which name the server's port. */
    private static JsonNode withoutUrls(JsonNode o) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = ((com.fasterxml.jackson.databind.node.ObjectNode) o).deepCopy();
        copy.remove("url");
        if (copy.get("status") instanceof com.fasterxml.jackson.databind.node.ObjectNode status) {
            status.remove("url");
        }
        return copy;
    }

    private static List<String> fields(JsonNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private JsonNode target(String id) {
        return get("/api/v1/targets/" + id).get("target");
    }

    private JsonNode createService(String name) {
        HttpResponse<String> r = post("/services", "name=" + enc(name) + "&description=" + enc(name + " service"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Http.json(r);
    }

    private JsonNode event(String service, String formBody) {
        HttpResponse<String> r = post("/services/" + service + "/events", formBody);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Http.json(r);
    }

    // ---------------------------------------------------------------- services

    @Test
    void createReadUpdateDeleteAServiceWithFormEncodedWrites() {
        HttpResponse<String> created = post("/services", "name=Web+Front&description=" + enc("The public site"));
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode web = Http.json(created);
        assertThat(fields(web)).containsExactly("name", "id", "description", "url", "current-event", "list");
        assertThat(web.get("name").asText()).isEqualTo("Web Front");
        assertThat(web.get("id").asText()).isEqualTo("web-front");
        assertThat(web.get("description").asText()).isEqualTo("The public site");
        assertThat(web.get("url").asText()).isEqualTo(adminBase + "/services/web-front");
        assertThat(web.get("current-event").isNull()).isTrue();

        assertThat(withoutUrls(get("/api/v1/services/web-front"))).isEqualTo(withoutUrls(web));
        assertThat(get("/api/v1/services/web-front").get("url").asText()).isEqualTo(base + "/services/web-front");
        assertThat(get(ADMIN_API + "/services/web-front")).as("the admin prefix reads too").isEqualTo(web);
        assertThat(get(ADMIN_API + "/services").get("services")).contains(web);

        HttpResponse<String> updated = post("/services/web-front", "description=" + enc("Now with more site"));
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        assertThat(Http.json(updated).get("description").asText()).isEqualTo("Now with more site");
        assertThat(Http.json(updated).get("name").asText()).isEqualTo("Web Front");
        HttpResponse<String> renamed = post("/services/web-front", "name=Website");
        assertThat(Http.json(renamed).get("name").asText()).isEqualTo("Website");
        assertThat(Http.json(renamed).get("id").asText()).as("the id never changes").isEqualTo("web-front");

        HttpResponse<String> deleted = delete("/services/web-front");
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(Http.json(deleted).get("name").asText()).as("answers the deleted service").isEqualTo("Website");
        assertStashError(http.get("/api/v1/services/web-front"), 404, "Service web-front not found");
        assertStashError(delete("/services/web-front"), 404, "Service web-front not found");
        assertThat(http.get("/api/v1/targets/web-front").statusCode()).as("its target is gone").isEqualTo(404);
    }

    @Test
    void jsonWritesWorkLikeForms() {
        HttpResponse<String> created = postJson("/services", "{\"name\":\"Billing API\",\"description\":\"Invoices\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(Http.json(created).get("id").asText()).isEqualTo("billing-api");
        HttpResponse<String> e = postJson("/services/billing-api/events",
                "{\"status\":\"down\",\"message\":\"Payments failing\",\"informational\":false}");
        assertThat(e.statusCode()).as(e.body()).isEqualTo(201);
        assertThat(Http.json(e).get("status").get("id").asText()).isEqualTo("down");
        HttpResponse<String> note = postJson("/services/billing-api/events", "{\"message\":\"Looking into it\",\"informational\":true}");
        assertThat(Http.json(note).get("informational").asBoolean()).isTrue();
        assertThat(Http.json(postJson("/services/billing-api", "{\"description\":\"Invoices and refunds\"}"))
                .get("description").asText()).isEqualTo("Invoices and refunds");
    }

    @Test
    void fieldsMayComeFromTheQueryStringAsStashboardsFrameworkAllowed() {
        createService("Queue");
        HttpResponse<String> r = http.send(http.request(ADMIN_API + "/services/queue/events?status=warning&message=" + enc("Slow consumers"))
                .header("Authorization", "Bearer " + TestServer.ADMIN).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(Http.json(r).get("message").asText()).isEqualTo("Slow consumers");
        assertThat(Http.json(r).get("status").get("id").asText()).isEqualTo("warning");
    }

    @Test
    void servicesAreExactlyTheManualTargets() {
        createService("Web");
        http.postJson("/api/v1/targets", "{\"id\":\"native-manual\",\"name\":\"Made natively\",\"manual\":{}}", TestServer.ADMIN);
        JsonNode services = get("/api/v1/services").get("services");
        assertThat(services).extracting(s -> s.get("id").asText()).containsExactly("ops/db", "native-manual", "web");
        JsonNode db = services.get(0);
        assertThat(db.get("name").asText()).isEqualTo("Database");
        assertThat(db.get("description").asText()).isEqualTo("The primary database");
        assertThat(db.get("url").asText()).isEqualTo(base + "/services/ops/db");
        assertStashError(http.get("/api/v1/services/workers/mailer"), 404, "Service workers/mailer not found");
        assertThat(target("web").get("kind").asText()).isEqualTo("manual");
        assertThat(target("web").get("state").asText()).as("no event yet").isEqualTo("unknown");
    }

    @Test
    void duplicatesAre409NotStashboards404() {
        createService("Web Front");
        assertStashError(post("/services", "name=web-front&description=again"), 409, "service 'web-front' already exists");
        assertStashError(post("/services", "name=" + enc("Web.Front") + "&description=x"), 409,
                "service 'web-front' already exists");
        assertThat(post("/services", "name=Workers&description=x").statusCode()).isEqualTo(201);
        assertStashError(post("/services", "name=WORKERS&description=x"), 409, "service 'workers' already exists");
        http.postJson("/api/v1/targets", "{\"id\":\"cron\",\"push\":{\"every\":\"1h\"}}", TestServer.ADMIN);
        assertStashError(post("/services", "name=Cron&description=x"), 409, "'cron' is already a target of kind push");
        assertStashError(post("/statuses", "name=Down&description=again"), 409, "status 'down' already exists");
    }

    @Test
    void configDeclaredServicesAreListedAndTakeEventsButCannotBeChanged() {
        JsonNode e = event("ops/db", "status=down&message=" + enc("Disk full"));
        assertThat(e.get("url").asText()).startsWith(adminBase + "/services/ops/db/events/");
        assertThat(get("/api/v1/services/ops/db/events/current").get("message").asText()).isEqualTo("Disk full");
        assertThat(target("ops/db").get("state").asText()).isEqualTo("down");
        assertStashError(post("/services/ops/db", "description=changed"), 409,
                "'ops/db' is declared in the configuration; change it there");
        assertStashError(delete("/services/ops/db"), 409, "'ops/db' is declared in the configuration; change it there");
        assertThat(get("/api/v1/services/ops/db").get("description").asText()).isEqualTo("The primary database");
    }

    // ---------------------------------------------------------------- access and methods

    @Test
    void theReadOnlyPrefixRefusesEveryWriteWith405() {
        createService("Web");
        String[] paths = {"/api/v1/services", "/api/v1/services/web", "/api/v1/services/web/events",
                "/api/v1/services/web/events/current", "/api/v1/services/web/events/1", "/api/v1/statuses",
                "/api/v1/statuses/up"};
        for (String path : paths) {
            for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH"}) {
                for (String token : new String[] {null, TestServer.ADMIN}) {
                    HttpResponse<String> r = form(method, path, "name=x&message=y", token);
                    assertThat(r.statusCode()).as("%s %s", method, path).isEqualTo(405);
                    assertThat(r.body()).isEqualTo("{\"error\":true,\"code\":405,\"message\":\"Method not supported\"}");
                    assertThat(r.headers().firstValue("Allow")).contains("GET, HEAD");
                }
            }
        }
        assertThat(get("/api/v1/services").get("services")).hasSize(2);
        assertThat(get("/api/v1/services/web/events").get("events")).isEmpty();
    }

    @Test
    void headIsARead() {
        createService("Web");
        HttpResponse<String> head = http.send(http.request("/api/v1/services/web").method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(get("/api/v1/services/web").get("id").asText()).as("the connection is still usable").isEqualTo("web");
    }

    @Test
    void unsupportedMethodsOnTheAdminPrefixAre405Too() {
        createService("Web");
        HttpResponse<String> put = http.send(http.request(ADMIN_API + "/services/web").header("Authorization", "Bearer " + TestServer.ADMIN)
                .PUT(HttpRequest.BodyPublishers.ofString("name=x")).build());
        assertStashError(put, 405, "Method not supported");
        assertThat(put.headers().firstValue("Allow")).contains("GET, HEAD, POST, DELETE");
        assertStashError(delete("/services/web/events"), 405, "Method not supported");
        assertStashError(delete("/services"), 405, "Method not supported");
    }

    @Test
    void writesNeedAnAdminTokenAndRefusalsKeepStashboardsShape() {
        createService("Web");
        String[][] writes = {
                {"POST", ADMIN_API + "/services", "name=New&description=x"},
                {"POST", ADMIN_API + "/services/web", "description=x"},
                {"DELETE", ADMIN_API + "/services/web", ""},
                {"POST", ADMIN_API + "/services/web/events", "status=down&message=x"},
                {"DELETE", ADMIN_API + "/services/web/events/1", ""},
                {"POST", ADMIN_API + "/statuses", "name=New&description=x"},
                {"POST", ADMIN_API + "/statuses/up", "description=x"},
                {"DELETE", ADMIN_API + "/statuses/warning", ""}};
        for (String[] w : writes) {
            for (String token : new String[] {null, "wrong-token-0000000000", TestServer.INGEST, TestServer.READ}) {
                HttpResponse<String> r = form(w[0], w[1], w[2], token);
                int expected = token == null || token.startsWith("wrong") ? 401 : 403;
                assertThat(r.statusCode()).as("%s %s with %s", w[0], w[1], token).isEqualTo(expected);
                JsonNode body = Http.json(r);
                assertThat(body.get("error").asBoolean()).isTrue();
                assertThat(body.get("code").asInt()).isEqualTo(expected);
                assertThat(body.get("message").asText()).isNotBlank();
            }
        }
        assertThat(get("/api/v1/services").get("services")).hasSize(2);
        assertThat(get("/api/v1/services/web/events").get("events")).isEmpty();
        assertThat(get("/api/v1/statuses").get("statuses")).hasSize(3);
        assertThat(target("web").get("state").asText()).isEqualTo("unknown");
    }

    @Test
    void unknownPathsUnderTheAdminPrefixAnswerInStashboardsShape() {
        assertStashError(http.get(ADMIN_API + "/nothing"), 404, "no route for GET /admin/api/v1/nothing");
        assertStashError(http.get("/admin/api"), 404, "no route for GET /admin/api (the Stashboard API is /admin/api/v1/...)");
    }

    // ---------------------------------------------------------------- events

    @Test
    void anEventSetsTheTargetsLiveStateAndMessage() {
        createService("Web");
        JsonNode e = event("web", "status=down&message=" + enc("Servers on fire"));
        assertThat(fields(e)).containsExactly("sid", "timestamp", "status", "message", "url", "informational");
        assertThat(e.get("sid").isTextual()).isTrue();
        assertThat(e.get("timestamp").asText()).isEqualTo("Mon, 10 Mar 2025 12:00:00 GMT");
        assertThat(e.get("message").asText()).isEqualTo("Servers on fire");
        assertThat(e.get("url").asText()).isEqualTo(adminBase + "/services/web/events/" + e.get("sid").asText());
        assertThat(e.get("informational").asBoolean()).isFalse();
        assertThat(e.get("status").get("id").asText()).isEqualTo("down");
        assertThat(e.get("status").get("level").asText()).isEqualTo("ERROR");

        JsonNode t = target("web");
        assertThat(t.get("state").asText()).isEqualTo("down");
        assertThat(t.get("message").asText()).isEqualTo("Servers on fire");
        event("web", "status=warning&message=Recovering");
        assertThat(target("web").get("state").asText()).isEqualTo("degraded");
        event("web", "status=up&message=Fixed");
        assertThat(target("web").get("state").asText()).isEqualTo("online");
        assertThat(target("web").get("message").asText()).isEqualTo("Fixed");
        assertThat(post("/statuses", "name=Maintenance&description=Planned&severity=maintenance").statusCode()).isEqualTo(201);
        event("web", "status=maintenance&message=" + enc("Planned upgrade"));
        assertThat(target("web").get("state").asText()).isEqualTo("maintenance");
    }

    @Test
    void theTransitionIsRecordedWithTheMessageAsReason() {
        createService("Web");
        event("web", "status=down&message=" + enc("Database unreachable"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get("/api/v1/targets/web").get("transitions")).extracting(t -> t.get("reason").asText())
                        .contains("reported down: Database unreachable"));
    }

    @Test
    void withoutAStatusAnEventKeepsTheCurrentOneOrTakesTheDefault() {
        createService("Web");
        assertThat(event("web", "message=" + enc("All good")).get("status").get("id").asText()).isEqualTo("up");
        event("web", "status=down&message=Broken");
        assertThat(event("web", "status=&message=" + enc("Still broken")).get("status").get("id").asText()).isEqualTo("down");
        assertThat(target("web").get("message").asText()).isEqualTo("Still broken");
    }

    @Test
    void informationalEventsAreListedButChangeNothing() {
        createService("Web");
        JsonNode down = event("web", "status=down&message=Broken");
        clock.advance(Duration.ofMinutes(1));
        JsonNode note = event("web", "status=up&message=" + enc("We are on it") + "&informational=true");
        assertThat(note.get("informational").asBoolean()).isTrue();
        assertThat(note.get("status").get("id").asText()).isEqualTo("up");

        JsonNode t = target("web");
        assertThat(t.get("state").asText()).isEqualTo("down");
        assertThat(t.get("message").asText()).isEqualTo("Broken");
        assertThat(get(ADMIN_API + "/services/web/events/current")).isEqualTo(down);
        assertThat(get(ADMIN_API + "/services/web").get("current-event")).isEqualTo(down);
        assertThat(get(ADMIN_API + "/services/web/events").get("events")).containsExactly(note, down);
    }

    @Test
    void theCurrentEventIs404UntilThereIsOne() {
        createService("Web");
        assertStashError(http.get(ADMIN_API + "/services/web/events/current"), 404, "No current event for Service web");
        event("web", "status=warning&message=" + enc("Only a note") + "&informational=true");
        assertStashError(http.get(ADMIN_API + "/services/web/events/current"), 404, "No current event for Service web");
        JsonNode e = event("web", "status=warning&message=Slow");
        assertThat(get(ADMIN_API + "/services/web/events/current")).isEqualTo(e);
        assertThat(get(ADMIN_API + "/services").get("services").get(1).get("current-event")).isEqualTo(e);
    }

    @Test
    void eventsAreListedNewestFirstAndFilteredByStartAndEnd() {
        createService("Web");
        JsonNode a = event("web", "status=down&message=a");                 // 2025-03-10T12:00:00Z
        clock.advance(Duration.ofHours(1));
        JsonNode b = event("web", "status=warning&message=b");              // 13:00
        clock.advance(Duration.ofDays(2));
        JsonNode c = event("web", "status=up&message=c");                   // 2025-03-12T13:00:00Z
        String events = ADMIN_API + "/services/web/events";
        assertThat(get(events).get("events")).containsExactly(c, b, a);
        assertThat(get(events + "?start=" + enc("Mon, 10 Mar 2025 13:00:00 GMT")).get("events")).as("start inclusive")
                .containsExactly(c, b);
        assertThat(get(events + "?end=" + enc("2025-03-10T13:00:00Z")).get("events")).as("end inclusive").containsExactly(b, a);
        assertThat(get(events + "?start=2025-03-10&end=2025-03-10").get("events")).as("a whole day").containsExactly(b, a);
        long at = Instant.parse("2025-03-10T12:30:00Z").getEpochSecond();
        assertThat(get(events + "?start=" + at + "&end=" + (at + 3600)).get("events")).containsExactly(b);
        assertThat(get(events + "?start=2025-03-11").get("events")).containsExactly(c);
        assertStashError(http.get(events + "?start=yesterday"), 400, "start: 'yesterday' is not a date; use RFC 1123 "
                + "(Mon, 28 Jun 2010 22:17:06 GMT), ISO-8601 (2010-06-28T22:17:06Z or 2010-06-28) or epoch seconds");
        assertStashError(http.get(events + "?start=2025-03-12&end=2025-03-10"), 400,
                "start (Wed, 12 Mar 2025 00:00:00 GMT) is after end (Mon, 10 Mar 2025 23:59:59 GMT)");
    }

    @Test
    void oneEventCanBeReadAndDeleted() {
        createService("Web");
        createService("Api");
        JsonNode first = event("web", "status=warning&message=first");
        clock.advance(Duration.ofMinutes(1));
        JsonNode second = event("web", "status=down&message=second");
        String sid = second.get("sid").asText();
        assertThat(get(ADMIN_API + "/services/web/events/" + sid)).isEqualTo(second);
        assertStashError(http.get(ADMIN_API + "/services/api/events/" + sid), 404, "No event for Service api with sid = " + sid);
        assertStashError(http.get(ADMIN_API + "/services/web/events/ahJpc215d2Vic2"), 404,
                "No event for Service web with sid = ahJpc215d2Vic2");

        HttpResponse<String> deleted = delete("/services/web/events/" + sid);
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(Http.json(deleted)).isEqualTo(second);
        assertStashError(http.get(ADMIN_API + "/services/web/events/" + sid), 404, "No event for Service web with sid = " + sid);
        assertStashError(delete("/services/web/events/" + sid), 404, "No event for Service web with sid = " + sid);
        assertThat(get(ADMIN_API + "/services/web/events/current")).as("the previous event is current again").isEqualTo(first);
        assertThat(target("web").get("state").asText()).isEqualTo("degraded");
        assertThat(target("web").get("message").asText()).isEqualTo("first");

        delete("/services/web/events/" + first.get("sid").asText());
        assertThat(target("web").get("state").asText()).as("no event left: as before the first").isEqualTo("unknown");
    }

    @Test
    void aScriptInAMessageIsStoredAndReturnedVerbatim() {
        createService("Web");
        String message = "<script>alert('x')</script> & \"quotes\"";
        HttpResponse<String> r = post("/services/web/events", "status=down&message=" + enc(message));
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(r.body()).contains("<script>alert('x')</script> & \\\"quotes\\\"");
        assertThat(Http.json(r).get("message").asText()).isEqualTo(message);
        assertThat(get("/api/v1/services/web/events").get("events").get(0).get("message").asText()).isEqualTo(message);
        assertThat(target("web").get("message").asText()).isEqualTo(message);
    }

    @Test
    void deletingAServiceDeletesItsEventsSoANewOneStartsClean() {
        createService("Web");
        event("web", "status=down&message=old");
        delete("/services/web");
        createService("Web");
        assertThat(get("/api/v1/services/web/events").get("events")).isEmpty();
        assertThat(get("/api/v1/services/web").get("current-event").isNull()).isTrue();
        // The same through the native API.
        event("web", "status=down&message=old again");
        assertThat(http.send(http.request("/api/v1/targets/web").header("Authorization", "Bearer " + TestServer.ADMIN)
                .DELETE().build()).statusCode()).isEqualTo(204);
        createService("Web");
        assertThat(get("/api/v1/services/web/events").get("events")).isEmpty();
    }

    // ---------------------------------------------------------------- statuses

    @Test
    void theDefaultStatusesAreUpDownAndWarningListedBySeverity() {
        JsonNode statuses = get("/api/v1/statuses").get("statuses");
        assertThat(statuses).extracting(s -> s.get("id").asText()).containsExactly("up", "warning", "down");
        JsonNode up = statuses.get(0);
        assertThat(fields(up)).containsExactly("name", "id", "description", "level", "severity", "image", "url", "default");
        assertThat(up.get("name").asText()).isEqualTo("Up");
        assertThat(up.get("description").asText()).isEqualTo("The service is up");
        assertThat(up.get("level").asText()).isEqualTo("NORMAL");
        assertThat(up.get("severity").asText()).isEqualTo("ok");
        assertThat(up.get("image").asText()).isEqualTo("tick-circle");
        assertThat(up.get("url").asText()).isEqualTo(base + "/statuses/up");
        assertThat(up.get("default").asBoolean()).isTrue();
        assertThat(statuses.get(1).get("description").asText()).isEqualTo("The service is experiencing intermittent problems");
        assertThat(statuses.get(1).get("default").asBoolean()).isFalse();
        assertThat(get("/api/v1/statuses/warning")).isEqualTo(statuses.get(1));
        assertStashError(http.get("/api/v1/statuses/nope"), 404, "Status nope not found");
    }

    @Test
    void customStatusesTakeASeverityOrALevelAndAreNormalByDefault() {
        HttpResponse<String> planned = post("/statuses", "name=" + enc("Planned Work") + "&description=" + enc("Scheduled")
                + "&image=calendar&severity=maintenance");
        assertThat(planned.statusCode()).as(planned.body()).isEqualTo(201);
        JsonNode p = Http.json(planned);
        assertThat(p.get("id").asText()).isEqualTo("planned-work");
        assertThat(p.get("severity").asText()).isEqualTo("maintenance");
        assertThat(p.get("level").asText()).isEqualTo("MAINTENANCE");
        assertThat(p.get("image").asText()).isEqualTo("calendar");
        JsonNode slow = Http.json(post("/statuses", "name=Slow&description=Slow&severity=warn"));
        assertThat(slow.get("severity").asText()).isEqualTo("warn");
        assertThat(slow.get("image").isNull()).as("no image is needed").isTrue();
        JsonNode fine = Http.json(post("/statuses", "name=Fine&description=Fine"));
        assertThat(fine.get("severity").asText()).as("Stashboard's new statuses were NORMAL").isEqualTo("ok");
        assertThat(fine.get("level").asText()).isEqualTo("NORMAL");
        JsonNode outage = Http.json(postJson("/statuses", "{\"name\":\"Outage\",\"description\":\"Out\",\"level\":\"CRITICAL\"}"));
        assertThat(outage.get("severity").asText()).as("Stashboard's level is understood").isEqualTo("bad");
        assertThat(get("/api/v1/statuses").get("statuses")).extracting(s -> s.get("id").asText())
                .containsExactly("up", "fine", "planned-work", "warning", "slow", "down", "outage");

        HttpResponse<String> updated = post("/statuses/slow", "description=" + enc("Slower than usual") + "&severity=bad");
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        assertThat(Http.json(updated).get("severity").asText()).isEqualTo("bad");
        assertThat(Http.json(updated).get("name").asText()).isEqualTo("Slow");
        assertStashError(post("/statuses/nope", "description=x"), 404, "Status nope not found");
    }

    @Test
    void aNewDefaultStatusTakesOverFromTheOldOne() {
        JsonNode fine = Http.json(post("/statuses", "name=Fine&description=Fine&severity=ok&default=true"));
        assertThat(fine.get("default").asBoolean()).isTrue();
        assertThat(get("/api/v1/statuses/up").get("default").asBoolean()).isFalse();
        createService("Web");
        assertThat(event("web", "message=hello").get("status").get("id").asText()).isEqualTo("fine");
        assertStashError(post("/statuses/fine", "default=false"), 400,
                "status 'fine' is the default; make another status the default instead");
        assertStashError(delete("/statuses/fine"), 409,
                "status 'fine' is the default status; make another status the default before deleting it");
    }

    @Test
    void aStatusInUseIsNotDeletedUntilItsEventsAreGone() {
        post("/statuses", "name=Outage&description=Out&severity=bad");
        createService("Web");
        createService("Api");
        JsonNode e1 = event("web", "status=outage&message=a");
        JsonNode e2 = event("api", "status=outage&message=b&informational=true");
        assertStashError(delete("/statuses/outage"), 409,
                "status 'outage' is used by 2 events; delete those events (or their services) first");
        assertStashError(post("/statuses/outage", "severity=warn"), 409,
                "status 'outage' is used by 2 events; its severity cannot change (create another status instead)");
        assertThat(get("/api/v1/services/web/events").get("events")).as("nothing was deleted").hasSize(1);
        delete("/services/web/events/" + e1.get("sid").asText());
        assertStashError(delete("/statuses/outage"), 409,
                "status 'outage' is used by 1 event; delete those events (or their services) first");
        delete("/services/api/events/" + e2.get("sid").asText());
        HttpResponse<String> deleted = delete("/statuses/outage");
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertThat(Http.json(deleted).get("id").asText()).isEqualTo("outage");
        assertStashError(http.get("/api/v1/statuses/outage"), 404, "Status outage not found");
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void badInputIs400SayingWhatIsWrong() {
        createService("Web");
        assertStashError(post("/services", "description=no+name"), 400, "name is required");
        assertStashError(post("/services", "name=+++&description=x"), 400, "name is required");
        assertStashError(post("/services", "name=" + enc("!!!") + "&description=x"), 400, "name '!!!' has no letter or digit to make an id from");
        assertStashError(post("/services/web", "name="), 400, "name must not be empty");
        assertStashError(post("/services/web/events", "status=down"), 400, "message is required");
        assertStashError(post("/services/web/events", "status=down&message=+"), 400, "message is required");
        assertStashError(post("/services/web/events", "status=nope&message=x"), 400,
                "unknown status 'nope' (known: down, up, warning)");
        assertStashError(post("/services/web/events", "message=x&informational=maybe"), 400,
                "informational: expected true or false, got 'maybe'");
        assertStashError(post("/statuses", "description=x"), 400, "name is required");
        assertStashError(post("/statuses", "name=X&description=x&severity=awful"), 400,
                "severity: expected ok, warn, bad or maintenance, got 'awful'");
        assertStashError(post("/statuses", "name=X&description=x&level=SEVERE"), 400,
                "level: expected NORMAL, WARNING, ERROR, CRITICAL or MAINTENANCE, got 'SEVERE'");
        assertStashError(post("/statuses", "name=X&description=x&severity=ok&level=ERROR"), 400,
                "severity 'ok' and level 'ERROR' disagree; give one of them");
        assertStashError(post("/services/web/events", "message=%zz"), 400, "request body is not valid form encoding near 'message=%zz'");
        assertStashError(postJson("/services/web/events", "[1,2]"), 400, "request body: expected a JSON object of fields");
        assertStashError(postJson("/services/web/events", "{\"message\":{\"a\":1}}"), 400, "message: expected a string, got object");
        assertThat(postJson("/services/web/events", "{\"message\":").statusCode()).isEqualTo(400);
        HttpResponse<String> multipart = http.send(http.request(ADMIN_API + "/services").header("Authorization", "Bearer " + TestServer.ADMIN)
                .header("Content-Type", "multipart/form-data; boundary=x").POST(HttpRequest.BodyPublishers.ofString("--x--")).build());
        assertStashError(multipart, 415, "send the fields form-encoded (application/x-www-form-urlencoded) or as a JSON "
                + "object (application/json), not multipart/form-data");
        assertThat(get("/api/v1/services/web/events").get("events")).isEmpty();
    }

    @Test
    void unknownServicesAre404OnEveryRoute() {
        String msg = "Service ghost not found";
        assertStashError(http.get("/api/v1/services/ghost"), 404, msg);
        assertStashError(http.get("/api/v1/services/ghost/events"), 404, msg);
        assertStashError(http.get("/api/v1/services/ghost/events/current"), 404, msg);
        assertStashError(http.get("/api/v1/services/ghost/events/1"), 404, msg);
        assertStashError(post("/services/ghost", "description=x"), 404, msg);
        assertStashError(delete("/services/ghost"), 404, msg);
        assertStashError(post("/services/ghost/events", "status=down&message=x"), 404, msg);
        assertStashError(delete("/services/ghost/events/1"), 404, msg);
    }

    // ---------------------------------------------------------------- as Stashboard answered (issue: real clients)

    @Test
    void serviceIdsKeepRepeatedDashesAsStashboardsSlugsDid() {
        JsonNode web = Http.json(post("/services", "name=Web--Front&description=x"));
        assertThat(web.get("id").asText()).isEqualTo("web--front");
        assertThat(get("/api/v1/services/web--front").get("name").asText()).isEqualTo("Web--Front");
        assertThat(target("web--front").get("kind").asText()).isEqualTo("manual");
        assertThat(Http.json(post("/services", "name=" + enc("Web Front") + "&description=x")).get("id").asText())
                .as("a different service").isEqualTo("web-front");
    }

    @Test
    void answersUnderTheAdminPrefixPointAtTheAdminPrefix() {
        String admin = "http://127.0.0.1:" + server.app().port() + ADMIN_API;
        JsonNode web = createService("Web");
        assertThat(web.get("url").asText()).isEqualTo(admin + "/services/web");
        JsonNode e = event("web", "status=down&message=x");
        assertThat(e.get("url").asText()).isEqualTo(admin + "/services/web/events/" + e.get("sid").asText());
        assertThat(e.get("status").get("url").asText()).isEqualTo(admin + "/statuses/down");
        assertThat(get(ADMIN_API + "/statuses/up").get("url").asText()).isEqualTo(admin + "/statuses/up");
        assertThat(get(ADMIN_API + "/services").get("services").get(1).get("current-event").get("url").asText())
                .isEqualTo(admin + "/services/web/events/" + e.get("sid").asText());
        assertThat(get("/api/v1/statuses/up").get("url").asText()).as("the read-only prefix keeps its own")
                .isEqualTo(base + "/statuses/up");
        assertThat(get("/api/v1/services/web").get("current-event").get("url").asText())
                .isEqualTo(base + "/services/web/events/" + e.get("sid").asText());
    }

    @Test
    void servicesNeedADescriptionAndAKnownListAsInStashboard() {
        assertStashError(post("/services", "name=Workers"), 400, "description is required");
        assertStashError(post("/services", "name=Workers&description=+"), 400, "description is required");
        assertStashError(post("/services", "name=Workers&description=x&list=bar"), 400,
                "list: there is no service list 'bar'");
        assertThat(get("/api/v1/services").get("services")).as("nothing was created").hasSize(1);
        createService("Web");
        assertStashError(post("/services/web", "list=bar"), 400, "list: there is no service list 'bar'");
    }

    @Test
    void statusesNeedADescriptionAKnownImageAndAreNormalByDefault() {
        assertStashError(post("/statuses", "name=Slow&image=clock"), 400, "description is required");
        assertStashError(post("/statuses", "name=Slow&description=x&image=foobar"), 400,
                "image: 'foobar' is not one of the status images (GET /api/v1/status-images)");
        assertStashError(post("/statuses/up", "image=foobar"), 400,
                "image: 'foobar' is not one of the status images (GET /api/v1/status-images)");
        HttpResponse<String> created = post("/statuses", "name=Slow&description=" + enc("Slower than usual") + "&image=clock");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(Http.json(created).get("level").asText()).as("Stashboard's level for a new status").isEqualTo("NORMAL");
        assertThat(Http.json(created).get("severity").asText()).isEqualTo("ok");
        createService("Web");
        event("web", "status=slow&message=hm");
        assertThat(target("web").get("state").asText()).isEqualTo("online");
    }

    @Test
    void levelsListStashboardsLevelsOnBothPrefixes() {
        for (String prefix : new String[] {"/api/v1", ADMIN_API}) {
            HttpResponse<String> r = http.get(prefix + "/levels");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(r.body()).isEqualTo("{\"levels\":[\"NORMAL\",\"WARNING\",\"ERROR\",\"CRITICAL\"]}");
        }
        assertStashError(form("POST", "/api/v1/levels", "", TestServer.ADMIN), 405, "Method not supported");
        assertStashError(post("/levels", ""), 405, "Method not supported");
    }

    @Test
    void statusImagesListStashboardsIconsOnBothPrefixes() {
        for (String prefix : new String[] {"/api/v1", ADMIN_API}) {
            JsonNode images = get(prefix + "/status-images").get("images");
            assertThat(images).hasSize(112);
            assertThat(fields(images.get(0))).containsExactly("url", "icon_set", "name");
            assertThat(images).extracting(i -> i.get("name").asText())
                    .contains("tick-circle", "cross-circle", "exclamation", "calendar", "wrench", "x_alt");
            JsonNode tick = images.findParents("name").stream().filter(i -> i.get("name").asText().equals("tick-circle"))
                    .findFirst().orElseThrow();
            assertThat(tick.get("icon_set").asText()).isEqualTo("fugue");
            assertThat(tick.get("url").isNull()).as("Watchpost serves no icon files").isTrue();
        }
        assertStashError(post("/status-images", "name=x"), 405, "Method not supported");
    }

    @Test
    void serviceListsCanBeCreatedReadUpdatedAndDeletedAndServicesCarryTheirList() {
        String admin = "http://127.0.0.1:" + server.app().port() + ADMIN_API;
        assertThat(get("/api/v1/service-lists")).isEqualTo(Http.json(http.get(ADMIN_API + "/service-lists")));
        assertThat(get("/api/v1/service-lists").get("lists")).isEmpty();
        HttpResponse<String> created = post("/service-lists", "name=" + enc("Public Site") + "&description=" + enc("What customers see"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode list = Http.json(created);
        assertThat(fields(list)).containsExactly("name", "id", "description", "url");
        assertThat(list.get("id").asText()).isEqualTo("public-site");
        assertThat(list.get("url").asText()).isEqualTo(admin + "/service-lists/public-site");
        assertThat(get("/api/v1/service-lists/public-site").get("url").asText()).isEqualTo(base + "/service-lists/public-site");

        JsonNode web = Http.json(post("/services", "name=Web&description=x&list=public-site"));
        assertThat(fields(web)).containsExactly("name", "id", "description", "url", "current-event", "list");
        assertThat(web.get("list")).isEqualTo(list);
        assertThat(createService("Api").get("list").isNull()).isTrue();
        assertThat(get("/api/v1/services/ops/db").get("list").isNull()).isTrue();
        JsonNode api = Http.json(post("/services/api", "list=public-site"));
        assertThat(api.get("list").get("id").asText()).isEqualTo("public-site");

        JsonNode renamed = Http.json(post("/service-lists/public-site", "name=Website&description=" + enc("The site")));
        assertThat(renamed.get("name").asText()).isEqualTo("Website");
        assertThat(renamed.get("id").asText()).isEqualTo("public-site");
        assertThat(get("/api/v1/services/web").get("list").get("description").asText()).isEqualTo("The site");

        assertThat(Http.json(post("/services/api", "list=")).get("list").isNull()).as("an empty list removes it").isTrue();
        assertStashError(post("/service-lists", "name=" + enc("Public Site") + "&description=again"), 409, "service list 'public-site' already exists");
        post("/service-lists", "name=Internal&description=x");
        assertThat(get("/api/v1/service-lists").get("lists")).extracting(l -> l.get("id").asText())
                .containsExactly("internal", "public-site");

        HttpResponse<String> deleted = delete("/service-lists/public-site");
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertThat(Http.json(deleted).get("name").asText()).isEqualTo("Website");
        assertThat(get("/api/v1/services/web").get("list").isNull()).as("its services leave it").isTrue();
        assertStashError(http.get("/api/v1/service-lists/public-site"), 404, "List public-site not found");
        assertStashError(delete("/service-lists/public-site"), 404, "List public-site not found");
        assertStashError(post("/service-lists/public-site", "name=x"), 404, "List public-site not found");
    }

    @Test
    void serviceListsCheckTheirInputAndTheReadOnlyPrefix() {
        assertStashError(post("/service-lists", "description=x"), 400, "name is required");
        assertStashError(post("/service-lists", "name=Internal"), 400, "description is required");
        assertStashError(post("/service-lists", "name=" + enc("!!!") + "&description=x"), 400,
                "name '!!!' has no letter or digit to make an id from");
        for (String method : new String[] {"POST", "PUT", "DELETE"}) {
            assertStashError(form(method, "/api/v1/service-lists", "name=x&description=y", TestServer.ADMIN), 405,
                    "Method not supported");
        }
        assertStashError(form("PUT", ADMIN_API + "/service-lists", "name=x", TestServer.ADMIN), 405, "Method not supported");
        assertStashError(delete("/service-lists"), 405, "Method not supported");
        assertThat(form("POST", ADMIN_API + "/service-lists", "name=x&description=y", TestServer.READ).statusCode()).isEqualTo(403);
        assertThat(get("/api/v1/service-lists").get("lists")).isEmpty();
    }

    @Test
    void listsAndMembershipsSurviveARestartAndLeaveWithTheirService() {
        post("/service-lists", "name=Internal&description=x");
        post("/services", "name=Web&description=x&list=internal");
        post("/services", "name=Api&description=x&list=internal");
        delete("/services/api");
        post("/services", "name=Api&description=x");
        server.close();

        startServer();
        assertThat(get("/api/v1/services/web").get("list").get("id").asText()).isEqualTo("internal");
        assertThat(get("/api/v1/services/api").get("list").isNull()).as("a new service of the same name starts clean").isTrue();
        assertThat(get("/api/v1/service-lists").get("lists")).hasSize(1);
    }

    @Test
    void unknownPathsUnderApiAnswerInStashboardsShape() {
        assertStashError(http.get("/api/v1/nothing-here"), 404, "no route for GET /api/v1/nothing-here");
        assertStashError(http.get("/api/whatever"), 404, "no route for GET /api/whatever");
        assertStashError(http.get("/api/"), 404, "no route for GET /api/");
        assertStashError(http.get("/api/foo/services"), 404, "API version 'foo' is not supported; use v1");
        assertStashError(http.get("/api/foo/statuses/up"), 404, "API version 'foo' is not supported; use v1");
        assertStashError(http.get("/api/hey/levels"), 404, "API version 'hey' is not supported; use v1");
        assertStashError(http.get("/admin/api/v2/services"), 404, "API version 'v2' is not supported; use v1");
        assertStashError(post("/nothing-here", "x=1"), 404, "no route for POST /admin/api/v1/nothing-here");
        assertStashError(form("POST", "/api/foo/services", "name=x", TestServer.ADMIN), 405, "Method not supported");
    }

    @Test
    void unknownPathsOfWatchpostsOwnRoutesUnderApiKeepTheirOwnShape() {
        String[][] requests = {
                {"DELETE", "/api/v1/snapshot"}, {"GET", "/api/v1/targets/ghost"}, {"PUT", "/api/v1/stream"},
                {"GET", "/api/v1/tokens/x/y"}, {"GET", "/api/fleet/nothing"}, {"GET", "/api/status/main"},
                {"GET", "/api/health"}, {"GET", "/api/feed"}, {"PATCH", "/api/v1/groups"}, {"GET", "/api/v1/notices/1/x"},
                {"POST", "/api/v1/cluster"}, {"GET", "/api/v1/cluster/nodes"}};
        for (String[] r : requests) {
            HttpResponse<String> res = form(r[0], r[1], "", TestServer.ADMIN);
            assertThat(res.statusCode()).as("%s %s: %s", r[0], r[1], res.body()).isBetween(400, 499);
            assertThat(Http.json(res).get("error").isTextual()).as("%s %s: %s", r[0], r[1], res.body()).isTrue();
        }
    }

    // ---------------------------------------------------------------- Stashboard's own tests, replayed

    /**
     * The request/answer pairs of Stashboard's own test suite (tests/test_services.py,
     * test_service_lists.py, test_rest_events.py, test_rest_status.py, test_rest_levels.py,
     * test_rest_images.py), replayed against the same fixtures: a service list {@code foo}, a service
     * {@code foo} and a status {@code foo} with the image {@code cross-circle}. Where Watchpost answers
     * otherwise on purpose, the line says so.
     */
    @Test
    void stashboardsOwnTestsPassAgainstWatchpost() {
        assertThat(post("/service-lists", "name=Foo&description=Bar").statusCode()).isEqualTo(201);
        assertThat(post("/services", "name=Foo&description=foo").statusCode()).isEqualTo(201);
        assertThat(post("/statuses", "name=Foo&description=bar&image=cross-circle").statusCode()).isEqualTo(201);
        String sid = event("foo", "status=foo&message=Foo").get("sid").asText();
        createService("Bar");
        String otherSid = event("bar", "status=foo&message=foo").get("sid").asText();

        Object[][] pairs = {
                // test_services.py
                {"GET", "/api/v1/services", "", 200}, {"POST", "/api/v1/services", "", 405},
                {"DELETE", "/api/v1/services", "", 405}, {"PUT", "/api/v1/services", "", 405},
                {"DELETE", "/admin/api/v1/services/nope", "", 404}, {"DELETE", "/admin/api/foo/services/foo", "", 404},
                {"POST", "/admin/api/v1/services/nope", "", 404}, {"POST", "/admin/api/foo/services/foo", "", 404},
                {"POST", "/admin/api/v1/services/foo", "list=foo", 200},
                {"POST", "/admin/api/v1/services/foo", "description=hello", 200},
                {"POST", "/admin/api/v1/services/foo", "name=bar", 200},
                {"GET", "/admin/api/v1/services/nope", "", 404}, {"GET", "/admin/api/foo/services/foo", "", 404},
                {"GET", "/admin/api/v1/services/foo", "", 200},
                {"POST", "/admin/api/foo/services", "", 404}, {"GET", "/api/foo/services", "", 404},
                {"POST", "/admin/api/v1/services", "description=An+example+service+API&name=Random+One&list=nope", 400},
                {"POST", "/admin/api/v1/services", "description=An+example+service+API&name=Random+Two&list=foo", 201},
                {"POST", "/admin/api/v1/services", "description=An+example+service+API&name=Random+Three", 201},
                {"POST", "/admin/api/v1/services", "description=An+example+service+API", 400},
                {"POST", "/admin/api/v1/services", "name=Some+Random+Name", 400},
                {"POST", "/admin/api/v1/services", "", 400},
                {"DELETE", "/admin/api/v1/services", "", 405}, {"PUT", "/admin/api/v1/services", "", 405},
                {"PUT", "/admin/api/v1/services", "description=An+example+service+API", 405},
                // test_service_lists.py
                {"GET", "/api/v1/service-lists", "", 200}, {"POST", "/api/v1/service-lists", "", 405},
                {"DELETE", "/api/v1/service-lists", "", 405}, {"PUT", "/api/v1/service-lists", "", 405},
                {"DELETE", "/admin/api/v1/service-lists/nope", "", 404}, {"DELETE", "/admin/api/foo/service-lists/foo", "", 404},
                {"POST", "/admin/api/v1/service-lists/nope", "", 404}, {"POST", "/admin/api/foo/service-lists/foo", "", 404},
                {"POST", "/admin/api/v1/service-lists/foo", "description=hello", 200},
                {"POST", "/admin/api/v1/service-lists/foo", "name=bar", 200},
                {"GET", "/admin/api/v1/service-lists/nope", "", 404}, {"GET", "/admin/api/foo/service-lists/foo", "", 404},
                {"GET", "/admin/api/v1/service-lists/foo", "", 200},
                {"POST", "/admin/api/foo/service-lists", "", 404}, {"GET", "/api/foo/service-lists", "", 404},
                {"POST", "/admin/api/v1/service-lists", "description=An+example+service+API&name=Some+Random+Name", 201},
                {"POST", "/admin/api/v1/service-lists", "description=An+exmple+service+API", 400},
                {"POST", "/admin/api/v1/service-lists", "name=Some+Other+Name", 400},
                {"POST", "/admin/api/v1/service-lists", "", 400},
                {"DELETE", "/admin/api/v1/service-lists", "", 405}, {"PUT", "/admin/api/v1/service-lists", "", 405},
                {"PUT", "/admin/api/v1/service-lists", "description=An+example+service+API", 405},
                // test_rest_events.py
                {"GET", "/api/v1/services/foo/events", "", 200}, {"POST", "/api/v1/services/foo/events", "", 405},
                {"DELETE", "/api/v1/services/foo/events", "", 405}, {"PUT", "/api/v1/services/foo/events", "", 405},
                {"GET", "/admin/api/v1/services/nope/events/current", "", 404},
                {"GET", "/admin/api/foo/services/foo/events/current", "", 404},
                {"DELETE", "/admin/api/v1/services/nope/events/foo", "", 404},
                {"DELETE", "/admin/api/v1/services/foo/events/foo", "", 404},
                {"DELETE", "/admin/api/foo/services/foo/events/foo", "", 404},
                {"GET", "/admin/api/v1/services/nope/events/foo", "", 404},
                {"GET", "/admin/api/v1/services/foo/events/foo", "", 404},
                {"GET", "/admin/api/foo/services/foo/events/foo", "", 404},
                {"GET", "/admin/api/v1/services/foo/events/current", "", 200},
                {"DELETE", "/admin/api/v1/services/foo/events/" + otherSid, "", 404},
                {"GET", "/admin/api/v1/services/foo/events/" + otherSid, "", 404},
                {"GET", "/admin/api/v1/services/foo/events/" + sid, "", 200},
                {"PUT", "/admin/api/foo/services/foo/events/foo", "", 405},
                {"POST", "/admin/api/foo/services/foo/events/foo", "", 405},
                {"DELETE", "/admin/api/v1/services/foo/events/" + sid, "", 200},
                // Stashboard answered 200 to a new event; Watchpost answers 201 Created, as for every creation.
                {"POST", "/admin/api/v1/services/foo/events", "message=hello&status=up", 201},
                {"POST", "/admin/api/v1/services/foo/events", "message=hello", 201},
                {"POST", "/admin/api/v1/services/foo/events", "", 400},
                {"POST", "/admin/api/v1/services/foobar/events", "message=bat", 404},
                {"GET", "/api/v1/services/foobar/events", "", 404},
                {"POST", "/admin/api/foo/services/foo/events", "", 404},
                {"GET", "/api/foo/services/foo/events", "", 404},
                // test_rest_status.py
                {"GET", "/api/v1/statuses", "", 200}, {"POST", "/api/v1/statuses", "", 405},
                {"DELETE", "/api/v1/statuses", "", 405}, {"PUT", "/api/v1/statuses", "", 405},
                {"POST", "/admin/api/v1/statuses/foo", "image=foobar", 400},
                {"POST", "/admin/api/v1/statuses/foo", "default=false", 200},
                {"POST", "/admin/api/v1/statuses/foo", "image=cross-circle", 200},
                {"POST", "/admin/api/v1/statuses/foo", "description=blah", 200},
                {"POST", "/admin/api/v1/statuses/foo", "name=Foobar", 200},
                {"GET", "/api/v1/statuses/bat", "", 404}, {"GET", "/api/v1/statuses/foo", "", 200},
                {"DELETE", "/admin/api/v1/statuses/nope", "", 404}, {"DELETE", "/admin/api/hey/statuses/foo", "", 404},
                {"POST", "/admin/api/v1/statuses/nope", "", 404}, {"POST", "/admin/api/hey/statuses/foo", "", 404},
                {"GET", "/api/hey/statuses/foo", "", 404}, {"GET", "/api/hey/statuses", "", 404},
                {"POST", "/admin/api/v1/statuses", "default=foo", 400},
                {"POST", "/admin/api/hey/statuses", "description=An+example+service+API", 404},
                // Stashboard answered 400 to a duplicate; Watchpost answers 409 Conflict.
                {"POST", "/admin/api/v1/statuses", "description=An+example+service+API&name=Foo&image=cross-circle", 409},
                {"POST", "/admin/api/v1/statuses", "description=An+example+service+API&name=Foo&image=foobar", 400},
                {"POST", "/admin/api/v1/statuses", "description=An+example+service+API", 400},
                {"POST", "/admin/api/v1/statuses", "name=Some+Random+Name", 400},
                {"POST", "/admin/api/v1/statuses", "", 400},
                {"DELETE", "/admin/api/v1/statuses", "", 405}, {"PUT", "/admin/api/v1/statuses", "", 405},
                {"PUT", "/admin/api/v1/statuses", "description=An+example+service+API", 405},
                // test_rest_levels.py, test_rest_images.py
                {"GET", "/api/foo/levels", "", 404}, {"GET", "/api/v1/levels", "", 200},
                {"GET", "/api/foo/status-images", "", 404}, {"GET", "/api/v1/status-images", "", 200},
        };
        for (Object[] p : pairs) {
            HttpResponse<String> r = form((String) p[0], (String) p[1], (String) p[2], TestServer.ADMIN);
            assertThat(r.statusCode()).as("%s %s %s: %s", p[0], p[1], p[2], r.body()).isEqualTo((int) p[3]);
            assertThat(r.headers().firstValue("Content-Type")).as("%s %s", p[0], p[1]).contains("application/json");
            if ((int) p[3] >= 400) {
                JsonNode body = Http.json(r);
                assertThat(body.get("error").asBoolean()).as("%s %s: %s", p[0], p[1], r.body()).isTrue();
                assertThat(body.get("code").asInt()).isEqualTo((int) p[3]);
            }
        }

        // What those tests then read back.
        JsonNode foo = get("/api/v1/services/foo");
        assertThat(foo.get("name").asText()).isEqualTo("bar");
        assertThat(foo.get("description").asText()).isEqualTo("hello");
        assertThat(foo.get("list").get("name").asText()).isEqualTo("bar");
        assertThat(get("/api/v1/service-lists/foo").get("description").asText()).isEqualTo("hello");
        JsonNode status = get(ADMIN_API + "/statuses/foo");
        assertThat(status.get("name").asText()).isEqualTo("Foobar");
        assertThat(status.get("description").asText()).isEqualTo("blah");
        assertThat(status.get("image").asText()).isEqualTo("cross-circle");
        assertThat(status.get("default").asBoolean()).isFalse();
        String host = "http://127.0.0.1:" + server.app().port();
        assertThat(status.get("url").asText()).isEqualTo(host + "/admin/api/v1/statuses/foo");
        assertThat(get("/api/v1/statuses/foo").get("url").asText()).isEqualTo(host + "/api/v1/statuses/foo");
        JsonNode created = Http.json(post("/statuses", "description=An+example+status&name=Some+Random+Name"
                + "&image=cross-circle&default=true"));
        assertThat(created.get("name").asText()).isEqualTo("Some Random Name");
        assertThat(created.get("description").asText()).isEqualTo("An example status");
        assertThat(created.get("level").asText()).isEqualTo("NORMAL");
        assertThat(created.get("default").asBoolean()).isTrue();
        assertThat(post("/statuses/foo", "default=true").statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/statuses/foo").get("default").asBoolean()).isTrue();
        assertThat(get("/api/v1/statuses/some-random-name").get("default").asBoolean()).isFalse();
        // test_unicode.py: names, descriptions and messages in any script come back as sent.
        JsonNode unicode = Http.json(post("/services", "name=" + enc("µ service") + "&description=" + enc("À")));
        assertThat(unicode.get("description").asText()).isEqualTo("À");
        assertThat(event(unicode.get("id").asText(), "message=" + enc("¨¥¨œ∑´æ")).get("message").asText()).isEqualTo("¨¥¨œ∑´æ");
        // test_services.py: delete a service last, as its test does on a fresh one.
        assertThat(delete("/services/foo").statusCode()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- urls and restarts

    @Test
    void urlsComeFromTheHostHeaderOnlyWhenItIsAPlainHost() throws Exception {
        createService("Web");
        assertThat(rawGet("/api/v1/services/web", "status.example.com:8443").get("url").asText())
                .isEqualTo("http://status.example.com:8443/api/v1/services/web");
        assertThat(rawGet("/api/v1/services/web", "[::1]:8080").get("url").asText())
                .isEqualTo("http://[::1]:8080/api/v1/services/web");
        // Helidon itself refuses hosts with '/' or '<'; what it lets through but is no plain host is not echoed.
        assertThat(rawGet("/api/v1/services/web", "evil.example'+alert(1)+'").get("url").asText())
                .isEqualTo("/api/v1/services/web");
    }

    /** A GET with a chosen Host header (java.net.http does not let one set it); reads one response by its length. */
    private JsonNode rawGet(String path, String host) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.app().port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            java.io.InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                assertThat(c).as("response head so far: " + head).isNotNegative();
                head.append((char) c);
            }
            assertThat(head.toString()).as(host).startsWith("HTTP/1.1 200");
            int length = head.toString().lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
                    .map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).strip())).findFirst().orElseThrow();
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(in.readNBytes(length));
        }
    }

    @Test
    void eventsStatusesAndStateSurviveARestart() {
        post("/statuses", "name=" + enc("Planned Work") + "&description=Scheduled&severity=maintenance&image=calendar");
        createService("Web");
        JsonNode a = event("web", "status=down&message=Broken");
        clock.advance(Duration.ofMinutes(5));
        JsonNode b = event("web", "status=planned-work&message=Upgrading");
        clock.advance(Duration.ofMinutes(5));
        JsonNode note = event("web", "message=" + enc("Halfway there") + "&informational=true");
        JsonNode db = event("ops/db", "status=warning&message=Slow");
        server.close();

        startServer();
        assertThat(get("/api/v1/services/web/events").get("events")).map(StashboardApiTest::withoutUrls)
                .containsExactly(withoutUrls(note), withoutUrls(b), withoutUrls(a));
        assertThat(withoutUrls(get("/api/v1/services/web").get("current-event"))).isEqualTo(withoutUrls(b));
        assertThat(get("/api/v1/statuses/planned-work").get("image").asText()).isEqualTo("calendar");
        JsonNode t = target("web");
        assertThat(t.get("state").asText()).isEqualTo("maintenance");
        assertThat(t.get("message").asText()).isEqualTo("Upgrading");
        assertThat(target("ops/db").get("state").asText()).isEqualTo("degraded");
        assertThat(withoutUrls(get("/api/v1/services/ops/db/events/current"))).isEqualTo(withoutUrls(db));
        JsonNode next = event("web", "status=up&message=Done");
        assertThat(Long.parseLong(next.get("sid").asText())).as("sids keep growing")
                .isGreaterThan(Long.parseLong(db.get("sid").asText()));
        assertThat(target("web").get("state").asText()).isEqualTo("online");
    }
}
