package dev.watchpost.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard over real HTTP, no browser: sign-in, sessions, CSRF and origin checks, throttling, pages' writes. */
@Tag("integration")
class AdminHttpTest {

    static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path dir;
    TestServer server;
    AdminClient admin;
    Http api;

    @BeforeEach
    void start() {
        server = TestServer.start(dir, Clock.systemUTC(), Map.of());
        admin = new AdminClient(server.app().port());
        api = server.http();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void setPassword() {
        new AdminStore(server.app().database()).setPassword(Passwords.hash(PASSWORD.toCharArray()), Instant.now());
    }

    private boolean exists(String target) {
        return api.get("/api/v1/targets/" + target).statusCode() == 200;
    }

    private static Map<String, String> manualTarget(String id) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("mode", "form");
        f.put("kind", "manual");
        f.put("id", id);
        f.put("name", "Web site");
        return f;
    }

    @Test
    void signingInWithAnAdminTokenSetsAHardenedSessionCookie() {
        HttpResponse<String> r = admin.signIn("token", TestServer.ADMIN);
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("location")).contains("/admin/targets");
        String cookie = AdminClient.setCookie(r, AdminRoutes.COOKIE).orElseThrow();
        assertThat(cookie).matches("wp_admin=[A-Za-z0-9_-]{43}; Path=/admin; Max-Age=604800; HttpOnly; SameSite=Strict");
        assertThat(admin.get("/admin/targets").statusCode()).isEqualTo(200);
        HttpResponse<String> page = admin.get("/admin/targets");
        assertThat(page.headers().firstValue("cache-control")).contains("no-store");
        assertThat(page.headers().allValues("referrer-policy")).as("browsers then send the real Origin on posts")
                .containsExactly("same-origin");
        assertThat(page.headers().firstValue("content-security-policy").orElseThrow()).contains("script-src 'self'");
    }

    @Test
    void readAndIngestTokensCannotSignIn() {
        assertThat(admin.signIn("token", TestServer.READ).statusCode()).isEqualTo(401);
        assertThat(admin.signIn("token", TestServer.INGEST).body()).contains("not an admin token");
        assertThat(admin.session).isNull();
    }

    @Test
    void signingInWithThePassword() {
        assertThat(admin.signIn("password", PASSWORD).statusCode()).as("no password set yet").isEqualTo(401);
        setPassword();
        HttpResponse<String> r = admin.signIn("password", PASSWORD);
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(admin.get("/admin/notices").statusCode()).isEqualTo(200);
    }

    @Test
    void failedSignInsAreThrottledPerAddress() {
        setPassword();
        for (int i = 0; i < AdminRoutes.MAX_FAILURES; i++) {
            HttpResponse<String> r = admin.signIn("password", "wrong password " + i);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("Wrong password.");
        }
        HttpResponse<String> blocked = admin.signIn("password", PASSWORD);
        assertThat(blocked.statusCode()).as("even the right one, while throttled").isEqualTo(429);
        assertThat(blocked.body()).contains("Too many failed sign-ins");
        assertThat(Long.parseLong(blocked.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 60L);
        assertThat(admin.session).isNull();
    }

    @Test
    void pagesNeedASessionAndPostsWithoutOneChangeNothing() {
        HttpResponse<String> r = admin.get("/admin/targets?q=web");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("location")).contains("/admin/login?next=%2Fadmin%2Ftargets%3Fq%3Dweb");
        assertThat(admin.post("/admin/targets/new", manualTarget("web")).statusCode()).isEqualTo(403);
        assertThat(exists("web")).isFalse();
    }

    @Test
    void aPostWithoutTheCsrfTokenIsRefusedAndChangesNothing() {
        admin.signInWithToken(TestServer.ADMIN);
        HttpResponse<String> none = admin.post("/admin/targets/new", manualTarget("web"));
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.body()).contains("nothing was changed");
        Map<String, String> wrong = manualTarget("web");
        wrong.put("csrf", "x".repeat(43));
        assertThat(admin.post("/admin/targets/new", wrong).statusCode()).isEqualTo(403);
        assertThat(exists("web")).isFalse();

        HttpResponse<String> ok = admin.submit("/admin/targets/new?kind=manual", "/admin/targets/new", manualTarget("web"));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(303);
        assertThat(ok.headers().firstValue("location")).contains("/admin/target?id=web&ok=created");
        assertThat(exists("web")).isTrue();
    }

    @Test
    void aPostFromAnotherOriginIsRefusedEvenWithTheToken() {
        admin.signInWithToken(TestServer.ADMIN);
        Map<String, String> f = manualTarget("web");
        f.put("csrf", admin.csrf("/admin/targets"));
        assertThat(admin.post("/admin/targets/new", f, Map.of("Origin", "https://evil.example")).statusCode()).isEqualTo(403);
        assertThat(admin.post("/admin/targets/new", f, Map.of("Origin", "null")).statusCode()).isEqualTo(403);
        assertThat(admin.post("/admin/targets/new", f, Map.of("Origin", "http://127.0.0.1:1")).statusCode()).isEqualTo(403);
        Map<String, String> refererOnly = new LinkedHashMap<>();
        refererOnly.put("Origin", null);
        refererOnly.put("Referer", "https://evil.example/admin/targets");
        assertThat(admin.post("/admin/targets/new", f, refererOnly).statusCode()).isEqualTo(403);
        assertThat(exists("web")).isFalse();
        assertThat(admin.post("/admin/targets/new", f).statusCode()).isEqualTo(303);
    }

    @Test
    void theSignInFormNeedsItsPairedToken() {
        setPassword();
        admin.openLogin();
        HttpResponse<String> r = admin.post("/admin/login", Map.of("method", "password", "password", PASSWORD,
                "login_csrf", "forged"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(AdminClient.setCookie(r, AdminRoutes.COOKIE)).isEmpty();
    }

    @Test
    void signingOutEndsTheSession() {
        admin.signInWithToken(TestServer.ADMIN);
        String old = admin.session;
        HttpResponse<String> r = admin.submit("/admin/targets", "/admin/logout", Map.of());
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(AdminClient.setCookie(r, AdminRoutes.COOKIE).orElseThrow()).startsWith("wp_admin=; Path=/admin; Max-Age=0");
        admin.session = old; // a copy of the cookie kept by someone
        assertThat(admin.get("/admin/targets").statusCode()).isEqualTo(303);
    }

    @Test
    void revokingTheTokenThatSignedInEndsItsSessions() {
        JsonNode created = Http.json(api.postJson("/api/v1/tokens", "{\"scope\":\"admin\",\"name\":\"ops\"}", TestServer.ADMIN));
        admin.signInWithToken(created.get("token").asText());
        assertThat(admin.get("/admin/targets").statusCode()).isEqualTo(200);
        api.send(api.request("/api/v1/tokens/" + created.get("id").asLong())
                .header("Authorization", "Bearer " + TestServer.ADMIN).DELETE().build());
        assertThat(admin.get("/admin/targets").statusCode()).isEqualTo(303);
    }

    @Test
    void afterSignInOnlyDashboardPathsAreFollowed() {
        assertThat(AdminRoutes.next("/admin/notice?id=3")).isEqualTo("/admin/notice?id=3");
        assertThat(AdminRoutes.next("//evil.example/admin/")).isEqualTo("/admin/targets");
        assertThat(AdminRoutes.next("/admin//evil.example")).isEqualTo("/admin/targets");
        assertThat(AdminRoutes.next("https://evil.example")).isEqualTo("/admin/targets");
        assertThat(AdminRoutes.next("/admin/\\evil")).isEqualTo("/admin/targets");
    }

    @Test
    void userTextIsEscapedOnEveryPage() {
        String payload = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>";
        String body = "{\"id\":\"xss\",\"name\":" + quote(payload) + ",\"manual\":{}}";
        assertThat(api.postJson("/api/v1/targets", body, TestServer.ADMIN).statusCode()).isEqualTo(201);
        api.postJson("/api/v1/targets/xss/status", "{\"status\":\"down\",\"message\":" + quote(payload) + "}", TestServer.ADMIN);
        admin.signInWithToken(TestServer.ADMIN);
        for (String page : new String[] {"/admin/targets", "/admin/target?id=xss", "/admin/target/edit?id=xss"}) {
            String html = admin.get(page).body();
            assertThat(html).as(page).doesNotContain("<script>alert").doesNotContain("<img src=x")
                    .contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void formErrorsComeBackBesideTheFormWithWhatWasTyped() {
        admin.signInWithToken(TestServer.ADMIN);
        Map<String, String> f = new LinkedHashMap<>();
        f.put("mode", "form");
        f.put("kind", "http");
        f.put("id", "web/api");
        f.put("name", "Public API");
        f.put("http.url", "https://example.com/health");
        f.put("http.every", "5 fortnights");
        HttpResponse<String> r = admin.submit("/admin/targets/new?kind=http", "/admin/targets/new", f);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("body.http.every: &#39;5 fortnights&#39; is not")
                .contains("value=\"5 fortnights\"").contains("value=\"Public API\"").contains("aria-invalid=\"true\"");

        Map<String, String> json = Map.of("mode", "json", "json", "{\"id\": \"web\", \"manual\": {}, \"colour\": 1");
        HttpResponse<String> bad = admin.submit("/admin/targets/new?kind=json", "/admin/targets/new", json);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("not valid JSON").contains("&quot;colour&quot;: 1</textarea>");
        assertThat(exists("web/api")).isFalse();
    }

    @Test
    void groupsAndTargetsAreMadePrivateFromTheDashboardAndStaySoWhenEdited() {
        admin.signInWithToken(TestServer.ADMIN);
        HttpResponse<String> g = admin.submit("/admin/groups", "/admin/groups/new",
                Map.of("id", "internal", "name", "Internal tools", "private", "on"));
        assertThat(g.statusCode()).as(g.body()).isEqualTo(303);
        assertThat(api.get("/api/v1/groups/internal").statusCode()).as("hidden without a token").isEqualTo(404);
        assertThat(admin.get("/admin/group?id=internal").body()).contains("name=\"private\" checked");
        // Renaming it keeps it private.
        HttpResponse<String> renamed = admin.submit("/admin/group?id=internal", "/admin/group/edit?id=internal",
                Map.of("name", "Internal", "private", "on"));
        assertThat(renamed.statusCode()).as(renamed.body()).isEqualTo(303);
        assertThat(api.get("/api/v1/groups/internal").statusCode()).isEqualTo(404);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(2)).until(() ->
                Http.json(api.get("/api/v1/groups/internal", TestServer.READ)).get("group").get("name").asText().equals("Internal"));

        Map<String, String> f = new LinkedHashMap<>();
        f.put("mode", "form");
        f.put("kind", "manual");
        f.put("id", "payroll");
        f.put("name", "Payroll export");
        f.put("private", "on");
        HttpResponse<String> t = admin.submit("/admin/targets/new?kind=manual", "/admin/targets/new", f);
        assertThat(t.statusCode()).as(t.body()).isEqualTo(303);
        assertThat(api.get("/api/v1/targets/payroll").statusCode()).isEqualTo(404);
        assertThat(api.get("/").body()).doesNotContain("Payroll export");
        assertThat(Http.json(api.get("/api/v1/targets/payroll", TestServer.READ)).get("spec").get("public").asBoolean(true))
                .isFalse();
        // Unticked: public again.
        f.remove("private");
        f.remove("id");
        HttpResponse<String> edited = admin.submit("/admin/target/edit?id=payroll", "/admin/target/edit?id=payroll", f);
        assertThat(edited.statusCode()).as(edited.body()).isEqualTo(303);
        assertThat(api.get("/api/v1/targets/payroll").statusCode()).isEqualTo(200);
    }

    @Test
    void pausingShowsMaintenanceAndStopsProbesAndResumingUndoes() {
        api.postJson("/api/v1/targets", "{\"id\":\"db\",\"tcp\":{\"host\":\"127.0.0.1\",\"port\":1,\"every\":\"1h\"}}",
                TestServer.ADMIN);
        assertThat(server.app().probes().isScheduled("db")).isTrue();
        admin.signInWithToken(TestServer.ADMIN);
        HttpResponse<String> r = admin.submit("/admin/target?id=db", "/admin/target/pause?id=db", Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        JsonNode t = Http.json(api.get("/api/v1/targets/db"));
        assertThat(t.get("target").get("state").asText()).isEqualTo("maintenance");
        assertThat(t.get("target").get("message").asText()).isEqualTo("paused");
        assertThat(t.get("spec").get("paused").asBoolean()).isTrue();
        assertThat(server.app().probes().isScheduled("db")).isFalse();

        admin.submit("/admin/target?id=db", "/admin/target/resume?id=db", Map.of());
        t = Http.json(api.get("/api/v1/targets/db"));
        assertThat(t.get("spec").has("paused")).isFalse();
        assertThat(t.get("target").get("state").asText()).isNotEqualTo("maintenance");
        assertThat(server.app().probes().isScheduled("db")).isTrue();
    }

    @Test
    void aPausedTargetStaysPausedAcrossARestartAndResumesToWhatItReported() {
        api.postJson("/api/v1/targets", "{\"id\":\"w\",\"push\":{\"every\":\"30s\"}}", TestServer.ADMIN);
        api.postJson("/api/v1/heartbeat/w", "{\"state\":\"online\"}", TestServer.INGEST);
        HttpResponse<String> put = api.send(api.request("/api/v1/targets/w").header("Authorization", "Bearer " + TestServer.ADMIN)
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"push\":{\"every\":\"30s\"},\"paused\":true}")).build());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        api.postJson("/api/v1/heartbeat/w", "{\"state\":\"degraded\",\"message\":\"slow disk\"}", TestServer.INGEST);
        assertThat(Http.json(api.get("/api/v1/targets/w")).get("target").get("state").asText()).isEqualTo("maintenance");

        server.close();
        server = TestServer.start(dir, Clock.systemUTC(), Map.of());
        api = server.http();
        admin = new AdminClient(server.app().port());
        JsonNode t = Http.json(api.get("/api/v1/targets/w")).get("target");
        assertThat(t.get("state").asText()).isEqualTo("maintenance");
        assertThat(t.get("message").asText()).isEqualTo("paused");

        admin.signInWithToken(TestServer.ADMIN);
        admin.submit("/admin/target?id=w", "/admin/target/resume?id=w", Map.of());
        t = Http.json(api.get("/api/v1/targets/w")).get("target");
        assertThat(t.get("state").asText()).as("what it reported while paused").isEqualTo("degraded");
        assertThat(t.get("message").asText()).isEqualTo("slow disk");
    }

    @Test
    void aManualStatusAndANoticeFromTheDashboard() {
        api.postJson("/api/v1/targets", "{\"id\":\"web\",\"manual\":{}}", TestServer.ADMIN);
        admin.signInWithToken(TestServer.ADMIN);
        HttpResponse<String> r = admin.submit("/admin/target?id=web", "/admin/target/status?id=web",
                Map.of("status", "down", "message", "Servers on fire"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        JsonNode t = Http.json(api.get("/api/v1/targets/web")).get("target");
        assertThat(t.get("state").asText()).isEqualTo("down");
        assertThat(t.get("message").asText()).isEqualTo("Servers on fire");

        HttpResponse<String> n = admin.submit("/admin/notices/new?kind=incident", "/admin/notices/new",
                Map.of("kind", "incident", "title", "Site down", "status", "identified", "message", "Power cut", "targets", "web"));
        assertThat(n.statusCode()).as(n.body()).isEqualTo(303);
        JsonNode board = Http.json(api.get("/api/v1/notices"));
        assertThat(board.get("current").get(0).get("title").asText()).isEqualTo("Site down");
        assertThat(board.get("current").get(0).get("status").asText()).isEqualTo("identified");
    }

    @Test
    void aNewTokenIsShownOnceOnly() {
        admin.signInWithToken(TestServer.ADMIN);
        HttpResponse<String> r = admin.submit("/admin/tokens", "/admin/tokens/new", Map.of("name", "bots", "scope", "ingest"));
        assertThat(r.statusCode()).isEqualTo(201);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("token-once\">(wp_[A-Za-z0-9]{32})<").matcher(r.body());
        assertThat(m.find()).isTrue();
        String token = m.group(1);
        assertThat(api.postJson("/api/v1/heartbeat/nothing", "{}", token).statusCode()).as("a working ingest token").isEqualTo(404);
        assertThat(admin.get("/admin/tokens").body()).doesNotContain(token).contains(token.substring(0, 7));
    }
}
