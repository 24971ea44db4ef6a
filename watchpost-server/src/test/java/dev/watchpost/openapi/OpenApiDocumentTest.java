package dev.watchpost.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import dev.watchpost.web.RouteTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document against the server itself: every route the server registers (its own route
 * table, so a route added tomorrow counts) is in the document and the document names no route that
 * does not exist; then real answers from a real server, to real requests, are validated against the
 * schema the document gives for that operation and status, with a JSON Schema 2020-12 validator.
 */
@Tag("integration")
class OpenApiDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Routes that are not API, and why, so the document is not asked for them: the HTML pages of the
     * status page and the dashboard (their forms included), and the catch-alls that only answer "no
     * such route". A route matching none of these must be in the document.
     */
    static final List<Pattern> NOT_API = List.of(
            Pattern.compile("GET /"),                                         // the status page
            Pattern.compile("GET /(fleet|fleet/\\{fleet}|fleet/\\{fleet}/\\{cluster})"), // Argus's pages
            Pattern.compile("GET /targets/\\{\\+target}"),                    // a target's page
            Pattern.compile("GET /(assets/\\{name}|favicon\\.ico|robots\\.txt)"),
            Pattern.compile("(GET|POST) /admin(/(?!api).*)?"),                 // the dashboard (session and forms)
            Pattern.compile("\\* /admin/api"),                                // catch-all: 404
            Pattern.compile("\\* /api/(\\{\\+rest})?"));                      // catch-all: 404 in the right shape

    @TempDir
    static Path dir;
    static TestServer server;
    static JsonNode doc;
    static SchemaRegistry schemas;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, Clock.systemUTC(), Map.of("GLANCE_BOTS", "main:2", "GLANCE_PASSPHRASE", "glance-passphrase-for-tests"));
        doc = ApiDocument.load().tree();
        schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Op(String method, String path) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    @Test
    void everyRouteIsInTheDocumentAndTheDocumentNamesNoOtherRoute() {
        List<RouteTable.Route> routes = server.app().routes().routes().stream()
                .filter(r -> NOT_API.stream().noneMatch(p -> p.matcher(r.toString()).matches())).toList();
        List<Op> ops = operations();

        List<String> missing = routes.stream().filter(r -> ops.stream().noneMatch(o -> serves(r, o))).map(Object::toString).distinct().toList();
        List<String> invented = ops.stream().filter(o -> routes.stream().noneMatch(r -> serves(r, o))).map(Object::toString).toList();

        List<String> wrong = new ArrayList<>();
        missing.forEach(r -> wrong.add("not in the document (describe it, or add it to NOT_API saying why): " + r));
        invented.forEach(o -> wrong.add("in the document, but no route serves it: " + o));
        assertThat(wrong).as("the document and the server's routes differ").isEmpty();
        assertThat(ops).as("the document was read").hasSizeGreaterThan(80);
    }

    /**
     * Whether {@code route} serves the document's operation: same method ({@code *} takes any) and the
     * same path, parameters compared by place, not name ({@code {+id}} is the document's {@code {id}},
     * which may hold slashes). A Stashboard dispatch route ({@code {+rest}}) serves the paths under it.
     */
    static boolean serves(RouteTable.Route route, Op op) {
        if (!route.method().equals("*") && !route.method().equalsIgnoreCase(op.method())) {
            return false;
        }
        String r = shape(route.path());
        String o = shape(op.path());
        if (r.equals(o)) {
            return true;
        }
        int rest = route.path().indexOf("{+rest}");
        return rest >= 0 && op.path().startsWith(route.path().substring(0, rest)) && op.path().length() > rest;
    }

    private static String shape(String path) {
        return path.replaceAll("\\{\\+?[A-Za-z_]+}", "{}");
    }

    private static List<Op> operations() {
        List<Op> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> p = doc.path("paths").fields(); p.hasNext(); ) {
            Map.Entry<String, JsonNode> path = p.next();
            path.getValue().fieldNames().forEachRemaining(m -> {
                if (ApiDocument.METHODS.contains(m)) {
                    out.add(new Op(m.toUpperCase(), path.getKey()));
                }
            });
        }
        return out;
    }

    @Test
    void everyReferenceResolvesAndEverySchemaCompiles() {
        List<String> broken = new ArrayList<>();
        walk(doc, "", broken);
        assertThat(broken).as("$refs that point nowhere").isEmpty();
        doc.path("components").path("schemas").fieldNames().forEachRemaining(name ->
                assertThat(schema(JSON.createObjectNode().put("$ref", "#/components/schemas/" + name)).validate("{}", InputFormat.JSON))
                        .as(name).isNotNull());
        // every operation says who may call it, and with which token scope
        for (Op op : operations()) {
            JsonNode o = doc.path("paths").path(op.path()).path(op.method().toLowerCase());
            assertThat(o.path("tags").size()).as(op + " has a tag").isPositive();
            assertThat(o.path("responses").size()).as(op + " has answers").isPositive();
        }
    }

    private static void walk(JsonNode node, String at, List<String> broken) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual() && doc.at(ref.asText().substring(1)).isMissingNode()) {
                broken.add(at + ": " + ref.asText());
            }
            node.fields().forEachRemaining(e -> walk(e.getValue(), at + "/" + e.getKey(), broken));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), at + "/" + i, broken);
            }
        }
    }

    @Test
    void theValidatorCatchesAnAnswerThatDoesNotFit() {
        // the control: were the schemas too loose to fail, the test below would prove nothing
        Schema snapshot = schema(JSON.createObjectNode().put("$ref", "#/components/schemas/Snapshot"));
        assertThat(snapshot.validate("{\"version\":\"seven\",\"generated_at\":\"x\",\"groups\":[],\"targets\":[]}", InputFormat.JSON)).isNotEmpty();
        assertThat(snapshot.validate("{\"version\":7,\"generated_at\":\"2026-01-01T00:00:00Z\",\"groups\":[],\"targets\":[{\"id\":\"a\"}]}",
                InputFormat.JSON)).isNotEmpty();
        Schema error = schema(JSON.createObjectNode().put("$ref", "#/components/schemas/Error"));
        assertThat(error.validate("{\"message\":\"no\"}", InputFormat.JSON)).isNotEmpty();
    }

    @Test
    void realAnswersFitTheDocument() {
        List<String> misfits = new ArrayList<>();
        String admin = TestServer.ADMIN;
        // make things to read: a group, a push target in it, a manual target, a heartbeat
        check(misfits, "POST", "/api/v1/groups", "/api/v1/groups", admin, "{\"id\":\"bots\",\"name\":\"Bots\"}", 201);
        check(misfits, "POST", "/api/v1/targets", "/api/v1/targets", admin,
                "{\"id\":\"bots/mailer\",\"name\":\"Mailer\",\"push\":{\"every\":\"30s\",\"grace\":\"15s\"}}", 201);
        check(misfits, "PUT", "/api/v1/targets/{id}", "/api/v1/targets/bots/mailer", admin,
                "{\"id\":\"bots/mailer\",\"name\":\"Mailer\",\"push\":{\"every\":\"1m\"}}", 200);
        check(misfits, "POST", "/api/v1/targets", "/api/v1/targets", admin, "{\"id\":\"web\",\"name\":\"Website\",\"manual\":{}}", 201);
        check(misfits, "POST", "/api/v1/heartbeat/{id}", "/api/v1/heartbeat/bots/mailer", TestServer.INGEST,
                "{\"state\":\"online\",\"latency_ms\":12.5,\"metrics\":{\"queue\":3}}", 204);
        check(misfits, "POST", "/api/v1/heartbeats", "/api/v1/heartbeats", TestServer.INGEST,
                "[{\"target\":\"bots/mailer\",\"state\":3},{\"target\":\"bots/nobody\"}]", 200);
        check(misfits, "POST", "/api/v1/targets/{id}/status", "/api/v1/targets/web/status", admin,
                "{\"status\":\"down\",\"message\":\"looking into it\"}", 201);

        // read it back, once the snapshot (rebuilt at most every 250 ms) holds what was made
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> server.http().get("/api/v1/groups/bots").statusCode() == 200);
        check(misfits, "GET", "/api/v1/snapshot", "/api/v1/snapshot", null, null, 200);
        check(misfits, "GET", "/api/v1/targets", "/api/v1/targets", null, null, 200);
        check(misfits, "GET", "/api/v1/targets/{id}", "/api/v1/targets/bots/mailer", null, null, 200);
        check(misfits, "GET", "/api/v1/targets/{id}", "/api/v1/targets/web", admin, null, 200);
        check(misfits, "GET", "/api/v1/groups", "/api/v1/groups", null, null, 200);
        check(misfits, "GET", "/api/v1/groups/{id}", "/api/v1/groups/bots", null, null, 200);
        check(misfits, "GET", "/api/v1/targets/{id}/history", "/api/v1/targets/bots/mailer/history?days=7", null, null, 200);
        check(misfits, "GET", "/api/v1/targets/{id}/events", "/api/v1/targets/web/events", null, null, 200);
        check(misfits, "GET", "/api/v1/guilds/{guild}", "/api/v1/guilds/81384788765712384", null, null, 200);
        check(misfits, "GET", "/badge/{id}/shields.json", "/badge/bots/mailer/shields.json", null, null, 200);
        check(misfits, "GET", "/readyz", "/readyz", null, null, 200);
        check(misfits, "GET", "/api/v1/openapi.json", "/api/v1/openapi.json", null, null, 200);

        // tokens
        check(misfits, "POST", "/api/v1/tokens", "/api/v1/tokens", admin, "{\"scope\":\"ingest\",\"name\":\"bots\"}", 201);
        check(misfits, "GET", "/api/v1/tokens", "/api/v1/tokens", admin, null, 200);

        // compatibility routes
        check(misfits, "POST", "/api/status/{cluster}/{id}/{state}", "/api/status/main/0/3", "glance-passphrase-for-tests", "", 204);
        check(misfits, "GET", "/api/fleet/targets", "/api/fleet/targets", null, null, 200);
        check(misfits, "GET", "/api/v1/services", "/api/v1/services", null, null, 200);
        check(misfits, "GET", "/api/v1/services/{service}", "/api/v1/services/nothing-here", null, null, 404);
        check(misfits, "POST", "/admin/api/v1/services", "/admin/api/v1/services", TestServer.READ, "{\"name\":\"x\"}", 403);

        // errors, each in the shape the document gives
        check(misfits, "GET", "/api/v1/tokens", "/api/v1/tokens", null, null, 401);
        check(misfits, "GET", "/api/v1/tokens", "/api/v1/tokens", TestServer.READ, null, 403);
        check(misfits, "GET", "/api/v1/targets/{id}", "/api/v1/targets/no/such/target", null, null, 404);
        check(misfits, "POST", "/api/v1/heartbeat/{id}", "/api/v1/heartbeat/bots/mailer", TestServer.INGEST, "{\"state\":99}", 400);
        check(misfits, "POST", "/api/v1/heartbeats", "/api/v1/heartbeats", TestServer.INGEST, "{not json", 400);
        check(misfits, "POST", "/api/v1/groups", "/api/v1/groups", admin, "{\"id\":\"bots\"}", 409);
        check(misfits, "GET", "/api/v1/guilds/{guild}", "/api/v1/guilds/-4", null, null, 400);
        check(misfits, "POST", "/api/v1/tokens", "/api/v1/tokens", admin, "{\"scope\":\"everything\"}", 400);

        check(misfits, "DELETE", "/api/v1/targets/{id}", "/api/v1/targets/bots/mailer", admin, null, 204);

        assertThat(misfits).as("answers that do not fit the document").isEmpty();
    }

    /**
     * Sends a real request and checks the answer: the status is {@code status}, the document lists
     * that status for the operation, and the body validates against the schema given there.
     */
    private static void check(List<String> misfits, String method, String template, String path, String token, String body,
                              int status) {
        HttpRequest.Builder b = server.http().request(path).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = server.http().send(b.build());
        String what = method + " " + path + " -> " + r.statusCode();
        if (r.statusCode() != status) {
            misfits.add(what + ", expected " + status + ": " + r.body());
            return;
        }
        JsonNode op = doc.path("paths").path(template).path(method.toLowerCase());
        if (op.isMissingNode()) {
            misfits.add(what + ": the document has no operation " + method + " " + template);
            return;
        }
        JsonNode answer = resolve(op.path("responses").path(String.valueOf(status)));
        if (answer.isMissingNode()) {
            misfits.add(what + ": the document does not list " + status + " for " + method + " " + template);
            return;
        }
        if (status == 204 || status == 304) {
            return;
        }
        String type = r.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
        JsonNode media = answer.path("content").path(type);
        if (media.isMissingNode()) {
            misfits.add(what + ": answered " + type + ", the document gives " + answer.path("content").properties().stream().map(Map.Entry::getKey).toList());
            return;
        }
        if (!type.endsWith("json")) {
            return;
        }
        List<Error> errors = schema(media.path("schema")).validate(r.body(), InputFormat.JSON);
        if (!errors.isEmpty()) {
            misfits.add(what + ": " + errors.stream().map(Error::toString).toList() + " in " + abbreviate(r.body()));
        }
    }

    /** The schema of one operation, with the document's components beside it so its $refs resolve. */
    private static Schema schema(JsonNode schema) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("allOf", JSON.createArrayNode().add(schema));
        root.set("components", doc.path("components"));
        try {
            return schemas.getSchema(JSON.writeValueAsString(root), InputFormat.JSON);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode resolve(JsonNode node) {
        String ref = node.path("$ref").asText("");
        return ref.startsWith("#/") ? doc.at(ref.substring(1)) : node;
    }

    private static String abbreviate(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "…" : s;
    }

    @Test
    void theDocumentAndItsPageAreServedWithoutAToken() {
        HttpResponse<String> json = server.http().get("/api/v1/openapi.json");
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(Http.json(json).path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(Http.json(json).path("paths").has("/api/v1/heartbeats")).isTrue();

        HttpResponse<String> page = server.http().get("/api/v1/openapi.html");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("<code>POST /api/v1/heartbeats</code>", "id=\"schema-Snapshot\"", "href=\"/admin/assets/admin.css\"")
                .doesNotContain("<script", "https://");
    }

    @Test
    void theDocumentIsOpenEvenWhereReadingNeedsAToken(@TempDir Path other) {
        // it describes routes, not data: a client needs it before it has a token
        try (TestServer closed = TestServer.start(other, Clock.systemUTC(), Map.of("WATCHPOST_PUBLIC_READ", "false"))) {
            assertThat(closed.http().get("/api/v1/snapshot").statusCode()).isEqualTo(401);
            assertThat(closed.http().get("/api/v1/openapi.json").statusCode()).isEqualTo(200);
            assertThat(closed.http().get("/api/v1/openapi.html").statusCode()).isEqualTo(200);
        }
    }
}
