package dev.watchpost.admin;

import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Behind TLS ({@code server.public-url} is https): the cookie is Secure and the public origin is accepted. */
@Tag("integration")
class AdminPublicUrlTest {

    @TempDir
    Path dir;

    @Test
    void secureCookieAndThePublicOrigin() {
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_PUBLIC_URL", "https://status.example.com"))) {
            AdminClient admin = new AdminClient(server.app().port());
            HttpResponse<String> r = admin.signIn("token", TestServer.ADMIN);
            assertThat(AdminClient.setCookie(r, AdminRoutes.COOKIE).orElseThrow()).endsWith("; HttpOnly; SameSite=Strict; Secure");
            Map<String, String> f = new LinkedHashMap<>(Map.of("mode", "form", "kind", "manual", "id", "web"));
            f.put("csrf", admin.csrf("/admin/targets"));
            assertThat(admin.post("/admin/targets/new", f, Map.of("Origin", "https://status.example.com")).statusCode())
                    .isEqualTo(303);
            assertThat(admin.post("/admin/targets/new", f, Map.of("Origin", "http://status.example.com")).statusCode())
                    .as("the same host without TLS is another origin").isEqualTo(403);
        }
    }
}
