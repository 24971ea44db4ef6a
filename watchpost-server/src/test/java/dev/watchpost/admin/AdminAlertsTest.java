package dev.watchpost.admin;

import com.sun.net.httpserver.HttpServer;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's alerts page over real HTTP: channels, "Send test" against a real receiver, delivery history. */
@Tag("integration")
class AdminAlertsTest {

    @TempDir
    Path dir;
    TestServer server;
    HttpServer receiver;
    final List<String> received = new CopyOnWriteArrayList<>();
    final AtomicInteger answer = new AtomicInteger(204);
    AdminClient admin;

    @BeforeEach
    void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            ex.sendResponseHeaders(answer.get(), -1);
            ex.close();
        });
        receiver.start();
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                channels:
                  - id: hook
                    webhook: { url: "http://127.0.0.1:%d/hook" }
                rules:
                  - notify: [hook]
                targets:
                  - id: web/api
                    name: Public <API>
                    push: { every: 1h }
                """.formatted(receiver.getAddress().getPort()));
        server = TestServer.start(dir.resolve("data"), Clock.systemUTC(), Map.of("WATCHPOST_CONFIG", config.toString()));
        admin = new AdminClient(server.app().port());
        admin.signInWithToken(TestServer.ADMIN);
    }

    @AfterEach
    void stop() {
        server.close();
        receiver.stop(0);
    }

    @Test
    void channelsCanBeTestedAndDeliveriesAreListed() {
        HttpResponse<String> page = admin.get("/admin/alerts");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<td>hook</td><td>webhook</td><td>config file</td><td>working</td>");

        HttpResponse<String> tested = admin.submit("/admin/alerts", "/admin/alerts/test", Map.of("channel", "hook"));
        assertThat(tested.statusCode()).isEqualTo(200);
        assertThat(tested.body()).contains("Test to hook: delivered (status 204)");
        assertThat(received).hasSize(1);

        answer.set(500);
        assertThat(admin.submit("/admin/alerts", "/admin/alerts/test", Map.of("channel", "hook")).body())
                .contains("Test to hook: status 500");
        assertThat(admin.submit("/admin/alerts", "/admin/alerts/test", Map.of("channel", "nope")).statusCode()).isEqualTo(404);

        // Without the form's CSRF token nothing is sent.
        assertThat(admin.post("/admin/alerts/test", Map.of("channel", "hook")).statusCode()).isEqualTo(403);
        assertThat(received).hasSize(2);

        // A target going down writes an alert with its transition; the history shows it (held by the start-up grace).
        assertThat(server.http().postJson("/api/v1/heartbeat/web/api", "{\"state\":\"online\"}", TestServer.INGEST).statusCode())
                .isEqualTo(204);
        assertThat(server.http().postJson("/api/v1/heartbeat/web/api", "{\"state\":\"offline\"}", TestServer.INGEST).statusCode())
                .isEqualTo(204);
        server.app().live().flush();
        assertThat(admin.get("/admin/alerts").body()).contains("<td>web/api</td><td>down</td><td>hook</td><td>pending</td><td>0</td>");
    }
}
