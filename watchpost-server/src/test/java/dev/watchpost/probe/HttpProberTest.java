package dev.watchpost.probe;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("integration")
class HttpProberTest {

    private static final Duration SHORT = Duration.ofMillis(400);
    /** The JVM's first TLS handshake loads a lot of classes. */
    private static final Duration TLS = Duration.ofSeconds(1);

    @TempDir
    static Path dir;

    private static TestServers servers;
    private static HttpClients clients;
    private static String base;
    private static String tlsBase;
    private static TestCerts cert;

    @BeforeAll
    static void start() throws Exception {
        TestCerts.Pending pending = TestCerts.generate(dir, "self-signed", "-validity", "30");
        servers = new TestServers();
        clients = new HttpClients();
        HttpServer s = servers.http();
        s.createContext("/ok", TestServers.text(200, "all ok"));
        s.createContext("/down", TestServers.text(503, "maintenance"));
        s.createContext("/hang", servers.hang());
        s.createContext("/trickle", servers.trickle());
        s.createContext("/loop/a", TestServers.redirect(302, "/loop/b"));
        s.createContext("/loop/b", TestServers.redirect(302, "/loop/a"));
        s.createContext("/chain/", ex -> {
            int n = Integer.parseInt(ex.getRequestURI().getPath().substring("/chain/".length()));
            TestServers.redirect(302, "/chain/" + (n + 1)).handle(ex);
        });
        s.createContext("/moved", TestServers.redirect(301, "/ok"));
        s.createContext("/json", TestServers.json("{\"status\":\"ok\",\"items\":[{\"ready\":true},{\"ready\":false}],\"depth\":12}"));
        s.createContext("/slow", TestServers.slow(120));
        s.createContext("/echo", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            TestServers.send(ex, 200, "text/plain", ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("X-Probe") + " " + body);
        });
        s.createContext("/big", ex -> {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) 'a');
                for (int i = 0; i < 64; i++) { // 4 MiB, the keyword at the very end
                    out.write(chunk);
                }
                out.write("needle".getBytes(StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                // the prober stops reading after 1 MiB
            }
        });
        base = "http://127.0.0.1:" + s.getAddress().getPort();
        cert = pending.await();
        HttpsServer tls = servers.https(cert.configurator());
        tls.createContext("/ok", TestServers.text(200, "all ok"));
        tlsBase = "https://127.0.0.1:" + tls.getAddress().getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        clients.close();
        servers.close();
    }

    private static ProbeResult probe(HttpCheck.Builder b) throws InterruptedException {
        return new HttpProber(b.build(), clients).probe(Instant.now());
    }

    private static HttpCheck.Builder check(String path) {
        return HttpCheck.builder(base + path).connectTimeout(SHORT).totalTimeout(SHORT);
    }

    @Test
    void answer200IsUpWithStatusAndLatency() throws Exception {
        ProbeResult r = probe(check("/ok"));
        assertThat(r.outcome()).isEqualTo(Outcome.UP);
        assertThat(r.reason()).isEqualTo("status 200");
        assertThat(r.statusCode()).hasValue(200);
        assertThat(r.latencyMs()).isPositive().isLessThan(SHORT.toMillis());
        assertThat(r.stats()).isEmpty();
    }

    @Test
    void answer503IsDown() throws Exception {
        ProbeResult r = probe(check("/down"));
        assertThat(r.outcome()).isEqualTo(Outcome.DOWN);
        assertThat(r.reason()).isEqualTo("status 503");
        assertThat(r.statusCode()).hasValue(503);
        assertThat(r.latencyMs()).isPositive();
    }

    @Test
    void expectedStatusRangesReplaceTheDefault() throws Exception {
        ProbeResult r = probe(check("/down").expectedStatus(StatusRange.parse("5xx")));
        assertThat(r.outcome()).isEqualTo(Outcome.UP);
        assertThat(r.reason()).isEqualTo("status 503");
    }

    @Test
    void hangingServerTimesOutAtTheTotalTimeout() throws Exception {
        long start = System.nanoTime();
        ProbeResult r = probe(check("/hang").totalTimeout(Duration.ofMillis(300)));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.outcome()).isEqualTo(Outcome.DOWN);
        assertThat(r.reason()).isEqualTo("timeout after 300 ms");
        assertThat(r.latencyMs()).isNaN();
        assertThat(r.statusCode()).isEmpty();
        assertThat(tookMs).isBetween(290L, 800L);
    }

    @Test
    void tricklingBodyCannotStretchTheTotalTimeout() throws Exception {
        long start = System.nanoTime();
        ProbeResult r = probe(check("/trickle").totalTimeout(Duration.ofMillis(300)));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.reason()).isEqualTo("timeout after 300 ms");
        assertThat(r.outcome()).isEqualTo(Outcome.DOWN);
        assertThat(tookMs).isBetween(290L, 800L);
    }

    @Test
    void redirectLoopIsDetected() throws Exception {
        ProbeResult r = probe(check("/loop/a"));
        assertThat(r.outcome()).isEqualTo(Outcome.DOWN);
        assertThat(r.reason()).isEqualTo("redirect loop at " + base + "/loop/a");
        assertThat(r.statusCode()).hasValue(302);
    }

    @Test
    void endlessRedirectChainStopsAtTheLimit() throws Exception {
        ProbeResult r = probe(check("/chain/0"));
        assertThat(r.outcome()).isEqualTo(Outcome.DOWN);
        assertThat(r.reason()).isEqualTo("too many redirects (limit 5)");
        ProbeResult two = probe(check("/chain/0").maxRedirects(2));
        assertThat(two.reason()).isEqualTo("too many redirects (limit 2)");
    }

    @Test
    void redirectIsFollowedOrJudgedAsStatus() throws Exception {
        assertThat(probe(check("/moved")).reason()).isEqualTo("status 200");
        ProbeResult notFollowed = probe(check("/moved").followRedirects(false));
        assertThat(notFollowed.outcome()).isEqualTo(Outcome.DOWN);
        assertThat(notFollowed.reason()).isEqualTo("status 301");
    }

    @Test
    void connectionClosedWithoutAnswerIsDown() throws Exception {
        ServerSocket rude = servers.raw(true);
        ProbeResult r = probe(HttpCheck.builder("http://127.0.0.1:" + rude.getLocalPort() + "/")
                .connectTimeout(SHORT).totalTimeout(SHORT));
        assertThat(r.outcome()).isEqualTo(Outcome.DOWN);
        assertThat(r.reason()).isEqualTo("connection closed without a response");
    }

    @Test
    void closedPortIsConnectionRefused() throws Exception {
        ProbeResult r = probe(HttpCheck.builder("http://127.0.0.1:" + TestServers.closedPort() + "/")
                .connectTimeout(SHORT).totalTimeout(SHORT));
        assertThat(r.outcome()).isEqualTo(Outcome.DOWN);
        assertThat(r.reason()).isEqualTo("connection refused");
        assertThat(r.latencyMs()).isNaN();
    }

    @Test
    void keywordMustBeInTheBody() throws Exception {
        assertThat(probe(check("/ok").bodyContains("ok")).reason()).isEqualTo("status 200");
        ProbeResult r = probe(check("/ok").bodyContains("healthy"));
        assertThat(r.outcome()).isEqualTo(Outcome.DOWN);
        assertThat(r.reason()).isEqualTo("keyword 'healthy' not found");
        assertThat(r.statusCode()).hasValue(200);
    }

    @Test
    void onlyTheFirstMebibyteOfTheBodyIsRead() throws Exception {
        ProbeResult r = probe(check("/big").bodyContains("needle"));
        assertThat(r.reason()).isEqualTo("keyword 'needle' not found");
        assertThat(probe(check("/big").bodyContains("aaaa")).outcome()).isEqualTo(Outcome.UP);
    }

    @Test
    void jsonConditionsOnTheBody() throws Exception {
        assertThat(probe(check("/json").jsonCondition("$.status == \"ok\"")).outcome()).isEqualTo(Outcome.UP);
        assertThat(probe(check("/json").jsonCondition("$.items[0].ready == true")).outcome()).isEqualTo(Outcome.UP);
        assertThat(probe(check("/json").jsonCondition("$.depth < 100")).outcome()).isEqualTo(Outcome.UP);
        assertThat(probe(check("/json").jsonCondition("$.items[1].ready == true")).reason())
                .isEqualTo("$.items[1].ready is false, expected == true");
        assertThat(probe(check("/json").jsonCondition("$.items[5].ready")).reason())
                .isEqualTo("$.items[5].ready not found");
        ProbeResult notJson = probe(check("/ok").jsonCondition("$.status == 'ok'"));
        assertThat(notJson.outcome()).isEqualTo(Outcome.DOWN);
        assertThat(notJson.reason()).isEqualTo("body is not JSON");
    }

    @Test
    void slowerThanTheThresholdIsDegraded() throws Exception {
        ProbeResult r = probe(check("/slow").fasterThan(Duration.ofMillis(50)));
        assertThat(r.outcome()).isEqualTo(Outcome.DEGRADED);
        assertThat(r.reason()).isEqualTo("slower than 50 ms (" + Reasons.millis(r.latencyMs()) + " ms)");
        assertThat(r.latencyMs()).isGreaterThanOrEqualTo(120);
        assertThat(probe(check("/ok").fasterThan(Duration.ofMillis(300))).outcome()).isEqualTo(Outcome.UP);
    }

    @Test
    void methodHeadersAndBodyAreSent() throws Exception {
        ProbeResult r = probe(check("/echo").method("POST").header("X-Probe", "yes").body("hello")
                .bodyContains("POST yes hello"));
        assertThat(r.reason()).isEqualTo("status 200");
    }

    @Test
    void selfSignedCertificateFailsVerification() throws Exception {
        ProbeResult r = probe(HttpCheck.builder(tlsBase + "/ok").connectTimeout(TLS).totalTimeout(TLS));
        assertThat(r.outcome()).isEqualTo(Outcome.DOWN);
        assertThat(r.reason()).isEqualTo("TLS handshake failed: certificate not trusted");
    }

    @Test
    void selfSignedCertificateIsAcceptedWithTheOptOut() throws Exception {
        ProbeResult r = probe(HttpCheck.builder(tlsBase + "/ok").connectTimeout(TLS).totalTimeout(TLS).verifyTls(false));
        assertThat(r.reason()).isEqualTo("status 200");
        assertThat(r.outcome()).isEqualTo(Outcome.UP);
    }

    @Test
    void selfSignedCertificateIsAcceptedWhenTrusted() throws Exception {
        try (HttpClients trusting = new HttpClients(cert.trust())) {
            ProbeResult r = new HttpProber(HttpCheck.builder(tlsBase + "/ok").connectTimeout(TLS).totalTimeout(TLS).build(),
                    trusting).probe(Instant.now());
            assertThat(r.reason()).isEqualTo("status 200");
        }
    }

    @Test
    void invalidChecksAreRejectedNamingTheValue() {
        assertThatThrownBy(() -> HttpCheck.builder("ftp://x/").build()).hasMessage("url must be http or https: ftp://x/");
        assertThatThrownBy(() -> check("/").method("get").build()).hasMessageContaining("'get'");
        assertThatThrownBy(() -> check("/").header("Host", "x").build()).hasMessageContaining("'Host'");
        assertThatThrownBy(() -> check("/").maxRedirects(21).build()).hasMessage("maxRedirects must be 0..20: 21");
        assertThat(check("/").connectTimeout(Duration.ofSeconds(2)).build().connectTimeout()).isEqualTo(SHORT);
        assertThatThrownBy(() -> check("/").fasterThan(Duration.ofSeconds(1)).build())
                .hasMessageContaining("fasterThan");
        assertThatThrownBy(() -> check("/").jsonCondition("status == 1")).hasMessageContaining("expected '$'");
    }

    @Test
    void defaults() {
        HttpCheck c = HttpCheck.builder("https://example.org/health").build();
        assertThat(c.method()).isEqualTo("GET");
        assertThat(c.expectedStatus()).containsExactly(new StatusRange(200, 299));
        assertThat(c.followRedirects()).isTrue();
        assertThat(c.maxRedirects()).isEqualTo(5);
        assertThat(c.verifyTls()).isTrue();
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.totalTimeout()).isEqualTo(Duration.ofSeconds(10));
    }
}
