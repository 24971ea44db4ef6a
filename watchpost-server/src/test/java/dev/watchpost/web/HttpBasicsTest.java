package dev.watchpost.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.MutableClock;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What any HTTP client notices about every route: health, metrics, error shape, limits, headers. */
@Tag("integration")
class HttpBasicsTest {

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, MutableClock.at("2026-01-01T00:00:00Z"), Map.of("WATCHPOST_MAX_BODY", "4KiB"));
        http = server.http();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void healthzAnswersOkWithoutToken() {
        HttpResponse<String> r = http.get("/healthz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
    }

    @Test
    void readyzReportsTheStore() {
        HttpResponse<String> r = http.get("/readyz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.json(r).get("store").asText()).isEqualTo("ok");
    }

    @Test
    void metricsArePrometheusTextWithJvmHttpAndStoreMeters() {
        http.get("/healthz");
        HttpResponse<String> r = http.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(r.body())
                .contains("jvm_memory_used_bytes")
                .contains("http_server_requests_seconds_count{application=\"watchpost\",method=\"GET\",status=\"200\",uri=\"/healthz\"}")
                .contains("hikaricp_connections")
                .contains("watchpost_store_pending_writes");
    }

    @Test
    void unknownRouteIsJson404() {
        HttpResponse<String> r = http.get("/no/such/thing");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(Http.json(r).get("error").asText()).isEqualTo("no route for GET /no/such/thing");
    }

    @Test
    void hardeningHeadersOnEveryResponseIncludingErrors() {
        for (HttpResponse<String> r : new HttpResponse[] {http.get("/healthz"), http.get("/nope"),
                http.get("/api/v1/tokens"), http.postJson("/api/v1/tokens", "x".repeat(5000), TestServer.ADMIN)}) {
            assertThat(r.headers().firstValue("X-Frame-Options")).as("%s", r.uri()).contains("DENY");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(r.headers().firstValue("Referrer-Policy")).contains("no-referrer");
            assertThat(r.headers().firstValue("Content-Security-Policy"))
                    .hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'").contains("frame-ancestors 'none'"));
        }
    }

    @Test
    void bodyOverTheLimitIs413WithJsonError() {
        HttpResponse<String> r = http.postJson("/api/v1/tokens", "{\"name\":\"" + "x".repeat(5000) + "\"}", TestServer.ADMIN);
        assertThat(r.statusCode()).isEqualTo(413);
        JsonNode body = Http.json(r);
        assertThat(body.get("error").asText()).isEqualTo("request body is larger than the limit of 4096 bytes");
        assertThat(body.get("limit").asLong()).isEqualTo(4096);
    }

    @Test
    void chunkedBodyOverTheLimitIs413Too() throws IOException {
        // No Content-Length: the limit must hold while the body streams in.
        try (Socket s = new Socket("127.0.0.1", server.app().port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v1/tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.ADMIN
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String chunk = "x".repeat(1000);
            for (int i = 0; i < 6; i++) {
                out.write((Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.setSoTimeout(10_000);
            String response = readHead(s.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 413");
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            sb.append((char) c);
            if (sb.toString().endsWith("\r\n\r\n")) {
                break;
            }
        }
        return sb.toString();
    }

    @Test
    void malformedJsonIs400SayingWhy() {
        HttpResponse<String> r = http.postJson("/api/v1/tokens", "{\"scope\": ", TestServer.ADMIN);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r).get("error").asText()).startsWith("request body is not valid JSON");
    }

    @Test
    void malformedHttpGetsJsonError() throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.app().port())) {
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(10_000);
            String head = readHead(s.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 400").containsIgnoringCase("content-type: application/json");
        }
    }

    @Test
    void emptyBodyIs400() {
        HttpResponse<String> r = http.send(http.request("/api/v1/tokens")
                .header("Authorization", "Bearer " + TestServer.ADMIN)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r).get("error").asText()).isEqualTo("request body is empty; expected JSON");
    }
}
