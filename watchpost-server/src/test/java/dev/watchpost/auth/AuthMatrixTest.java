package dev.watchpost.auth;

import dev.watchpost.testing.TestServer;
import dev.watchpost.web.RouteTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route that can change something, taken from the server's own route table, is sent without
 * a token, with a token that does not exist, and with each token too weak for it: none is
 * accepted. A route added without a case here fails this test, so no one adds an open door by
 * forgetting a guard.
 */
@Tag("integration")
class AuthMatrixTest {

    static final String WRONG = "wp_notatokenthatexists000000000000";
    static final String GLANCE_PASSPHRASE = "glance-passphrase-for-tests";

    /** What guards a route, and so what each caller must get. */
    enum Guard {
        /** Admin token: nothing without one (401), weaker tokens 403. */
        ADMIN,
        /** Ingest (or admin) token: nothing without one (401), a read token 403. */
        INGEST,
        /** A prober token, and no other: nothing without one (401), every other scope 403, admin included. */
        PROBER,
        /** Glance's passphrase (or an ingest token): 401 for anything else, as Glance answered. */
        GLANCE,
        /** The dashboard: a session cookie, same origin and its CSRF token; a bearer token of any scope is refused. */
        SESSION,
        /** The secret is in the path (a ping key): an unknown one finds nothing, whatever token comes with it. */
        KEY_IN_PATH,
        /** Read-only namespaces (Stashboard's public /api/v1): writes answer 405 whatever the token. */
        READ_ONLY,
        /** Catch-alls that only answer "no such route". */
        NOTHING_THERE,
        /** Node-to-node routes: only the cluster secret, never an API token (and nothing at all on a single node). */
        CLUSTER
    }

    /** A case: the routes it covers (method and pattern as the table lists them), their guard, and a path to try. */
    record Case(Pattern route, Guard guard, Optional<String> samplePath) {
        static Case of(String routeRegex, Guard guard) {
            return new Case(Pattern.compile(routeRegex), guard, Optional.empty());
        }

        static Case of(String routeRegex, Guard guard, String samplePath) {
            return new Case(Pattern.compile(routeRegex), guard, Optional.of(samplePath));
        }
    }

    static final List<Case> CASES = List.of(
            Case.of("POST /api/v1/tokens", Guard.ADMIN),
            Case.of("DELETE /api/v1/tokens/\\{id}", Guard.ADMIN),
            Case.of("POST /api/v1/targets/\\{\\+id}/check", Guard.ADMIN),
            Case.of("POST /api/v1/targets/\\{\\+id}/status", Guard.ADMIN),
            Case.of("(POST|PUT|DELETE) /api/v1/channels.*", Guard.ADMIN),
            Case.of("(POST|PUT|DELETE) /api/v1/rules.*", Guard.ADMIN),
            Case.of("(POST|PUT|DELETE) /api/v1/groups.*", Guard.ADMIN),
            Case.of("(POST|PUT|DELETE) /api/v1/targets(/\\{\\+id})?", Guard.ADMIN),
            Case.of("(POST|PUT|DELETE) /api/v1/notices.*", Guard.ADMIN),
            Case.of("DELETE /api/fleet/cluster", Guard.ADMIN),
            Case.of("POST /api/v1/heartbeat/\\{\\+id}", Guard.INGEST),
            Case.of("POST /api/v1/heartbeats", Guard.INGEST),
            Case.of("POST /fleet/(register|heartbeat)", Guard.INGEST),
            Case.of("POST /api/v1/prober/results", Guard.PROBER),
            Case.of("(POST|PUT|DELETE|\\*) /api/status/\\{cluster}/\\{id}/\\{state}", Guard.GLANCE, "/api/status/main/0/3"),
            Case.of("(POST|PUT|DELETE|\\*) /api/health/\\{cluster}/\\{id}", Guard.GLANCE, "/api/health/main/0"),
            Case.of("(POST|PUT|DELETE) /admin/.*", Guard.SESSION),
            Case.of("\\* /admin/api", Guard.NOTHING_THERE),
            Case.of("\\* /admin/api/\\{\\+rest}", Guard.ADMIN, "/admin/api/v1/services"),
            Case.of("(POST|HEAD) /ping/.*", Guard.KEY_IN_PATH),
            Case.of("POST /internal/cluster/(observations|prober-results)", Guard.CLUSTER),
            Case.of("POST /api/v1/config/(reload|check)", Guard.ADMIN),
            Case.of("\\* /api/v1/(services|statuses|service-lists|levels|status-images)(/\\{\\+rest})?", Guard.READ_ONLY),
            Case.of("\\* /api/(\\{\\+rest})?", Guard.NOTHING_THERE));

    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, Clock.systemUTC(), Map.of("GLANCE_BOTS", "main:2", "GLANCE_PASSPHRASE", GLANCE_PASSPHRASE));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyMutatingRouteRefusesCallersWithoutTheRightCredential() {
        List<String> uncovered = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (RouteTable.Route route : server.app().routes().routes()) {
            if (!route.mutating()) {
                continue;
            }
            Optional<Case> c = CASES.stream().filter(k -> k.route().matcher(route.toString()).matches()).findFirst();
            if (c.isEmpty()) {
                uncovered.add(route.toString());
                continue;
            }
            String path = c.get().samplePath().orElseGet(() -> concrete(route.path()));
            for (String method : route.method().equals("*") ? List.of("POST", "PUT", "DELETE", "PATCH") : List.of(route.method())) {
                checked++;
                for (Map.Entry<String, Integer> expect : expectations(c.get().guard()).entrySet()) {
                    String token = expect.getKey().equals("none") ? null : expect.getKey();
                    int status = send(method, path, token).statusCode();
                    // a route that takes every method refuses the ones it does not serve with 405: refused too
                    boolean notServed = route.method().equals("*") && status == 405;
                    if (status != expect.getValue() && !notServed) {
                        failures.add(method + " " + path + " (" + route + ", " + c.get().guard() + ") with "
                                + label(token) + ": " + status + ", expected " + expect.getValue());
                    }
                }
            }
        }
        assertThat(uncovered).as("mutating routes without a case in AuthMatrixTest.CASES: say what guards them").isEmpty();
        assertThat(failures).as("routes that did not refuse as their guard should").isEmpty();
        assertThat(checked).as("the table was walked").isGreaterThan(60);
    }

    @Test
    void theAdminTokenGetsPastEveryAdminGuard() {
        // the other half of the matrix: the guard is not simply shut (a 401/403 for everyone would pass the test above)
        assertThat(send("POST", "/api/v1/groups", TestServer.ADMIN, "{\"id\":\"matrix\"}").statusCode()).isEqualTo(201);
        assertThat(send("DELETE", "/api/v1/groups/matrix", TestServer.ADMIN, null).statusCode()).isEqualTo(204);
        assertThat(send("POST", "/api/v1/heartbeat/main/0", TestServer.INGEST, "{\"state\":\"online\"}").statusCode()).isEqualTo(204);
        assertThat(send("POST", "/api/status/main/1/3", GLANCE_PASSPHRASE, "").statusCode()).isEqualTo(204);
    }

    private static Map<String, Integer> expectations(Guard g) {
        return switch (g) {
            case ADMIN -> Map.of("none", 401, WRONG, 401, TestServer.READ, 403, TestServer.INGEST, 403);
            case INGEST -> Map.of("none", 401, WRONG, 401, TestServer.READ, 403);
            case PROBER -> Map.of("none", 401, WRONG, 401, TestServer.READ, 403, TestServer.INGEST, 403, TestServer.ADMIN, 403);
            case GLANCE -> Map.of("none", 401, WRONG, 401, TestServer.READ, 401);
            case SESSION -> Map.of("none", 403, WRONG, 403, TestServer.READ, 403, TestServer.INGEST, 403, TestServer.ADMIN, 403);
            case KEY_IN_PATH -> Map.of("none", 404, TestServer.ADMIN, 404);
            case READ_ONLY -> Map.of("none", 405, TestServer.READ, 405, TestServer.ADMIN, 405);
            case NOTHING_THERE -> Map.of("none", 404, TestServer.ADMIN, 404);
            case CLUSTER -> Map.of("none", 401, WRONG, 401, TestServer.READ, 401, TestServer.INGEST, 401, TestServer.ADMIN, 401);
        };
    }

    /** The pattern with every parameter filled: ids that exist nowhere, so nothing is found even when let in. */
    static String concrete(String pattern) {
        return pattern.replace("{+id}", "matrix/none").replace("{+rest}", "matrix/none")
                .replaceAll("\\{[a-z+]+}", "matrix-none");
    }

    private static String label(String token) {
        if (token == null) {
            return "no token";
        }
        return token.equals(WRONG) ? "an unknown token" : token.equals(TestServer.READ) ? "a read token"
                : token.equals(TestServer.INGEST) ? "an ingest token" : "the admin token";
    }

    private static HttpResponse<String> send(String method, String path, String token) {
        return send(method, path, token, "{}");
    }

    private static HttpResponse<String> send(String method, String path, String token, String body) {
        HttpRequest.Builder b = server.http().request(path)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return server.http().send(b.build());
    }
}
