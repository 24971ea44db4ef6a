package dev.watchpost.probe;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.MutableClock;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static dev.watchpost.testing.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /metrics/targets} and {@code /metrics} as Prometheus reads them: a real server with a push
 * target, HTTP checks against a local server, a TLS check against a local certificate, a composite
 * and a private target; the exposition parsed line by line. In the probe package for its local
 * test servers and certificates.
 */
@Tag("integration")
class TargetMetricsTest {

    @TempDir
    Path dir;

    private final TestServers servers = new TestServers();
    private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
    private TestServer server;
    private Http http;

    @BeforeEach
    void start() throws Exception {
        // The certificate's dates follow the test's clock: 30 days from a day before "now".
        TestCerts.Pending pending = TestCerts.validFrom(dir, "site", clock.instant().minus(Duration.ofDays(1)), 30);
        HttpServer web = servers.http();
        web.createContext("/ok", TestServers.text(200, "all good"));
        web.createContext("/broken", TestServers.text(503, "down for maintenance"));
        int port = web.getAddress().getPort();
        HttpsServer tls = servers.https(pending.await().configurator());
        Path config = dir.resolve("watchpost.yml");
        Files.writeString(config, """
                groups:
                  - id: web
                  - id: apps
                targets:
                  - id: web/ok
                    http: { url: "http://127.0.0.1:%1$d/ok", every: 30s }
                  - id: web/broken
                    http: { url: "http://127.0.0.1:%1$d/broken", every: 30s }
                  - id: web/cert
                    tls: { host: 127.0.0.1, port: %2$d, every: 30s, verify-tls: false }
                  - id: apps/worker
                    push: { every: 30s, grace: 10s }
                  - id: apps/secret
                    public: false
                    push: { every: 30s }
                  - id: site
                    composite: { parts: [web/ok, web/broken], startup-grace: 0s }
                """.formatted(port, tls.getAddress().getPort()));
        server = TestServer.start(dir.resolve("data"), clock, Map.of("WATCHPOST_CONFIG", config.toString()));
        http = server.http();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        servers.close();
    }

    @Test
    void everyTargetHasItsSeriesAndAPushTargetGoingQuietFlipsUpToZero() {
        report("apps/worker", "online", 12);
        clock.advance(Duration.ofSeconds(10)); // every check's first run falls within ten seconds
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Exposition e = scrape("/metrics/targets", TestServer.READ);
            assertThat(e.value("watchpost_target_state", "web/ok")).isEqualTo(3.0);
            assertThat(e.value("watchpost_target_state", "web/broken")).isEqualTo(8.0);
            assertThat(e.value("watchpost_target_state", "web/cert")).isEqualTo(3.0);
            assertThat(e.value("watchpost_target_state", "site")).isNotNull().isNotEqualTo(0.0);
        });
        Exposition e = scrape("/metrics/targets", TestServer.READ);
        e.assertWellFormed();

        assertThat(e.labels("watchpost_target_up", "web/ok")).isEqualTo(Map.of("id", "web/ok", "group", "web", "kind", "http"));
        assertThat(e.value("watchpost_target_up", "web/ok")).isEqualTo(1.0);
        assertThat(e.value("watchpost_target_up", "web/broken")).isEqualTo(0.0);
        assertThat(e.value("watchpost_target_up", "apps/worker")).isEqualTo(1.0);
        assertThat(e.labels("watchpost_target_up", "site")).containsEntry("kind", "composite").containsEntry("group", "");
        assertThat(e.value("watchpost_target_up", "site")).isEqualTo(0.0); // one part is down, rule all
        assertThat(e.value("watchpost_target_state", "apps/worker")).isEqualTo(3.0);
        assertThat(e.value("watchpost_target_latency_seconds", "apps/worker")).isEqualTo(0.012);
        assertThat(e.value("watchpost_target_latency_seconds", "web/ok")).isPositive();
        assertThat(e.value("watchpost_target_state_since_seconds", "apps/worker")).isPositive();
        // 30 days from a day ago: 29 days left, on the test's clock
        assertThat(e.value("watchpost_target_tls_days_left", "web/cert")).isCloseTo(29.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(e.value("watchpost_target_tls_days_left", "web/ok")).isNull();
        assertThat(e.value("watchpost_target_probe_duration_seconds", "web/ok")).isPositive().isLessThan(5.0);
        assertThat(e.value("watchpost_target_probe_duration_seconds", "web/cert")).isPositive();
        assertThat(e.value("watchpost_target_probe_duration_seconds", "apps/worker")).isNull(); // not probed
        assertThat(e.value("watchpost_target_up", "apps/secret")).isEqualTo(0.0); // unknown yet, seen with a token

        // The push target goes quiet past its lease (30 s + 10 s): Unhealthy, and up drops to 0.
        clock.advance(Duration.ofSeconds(45));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(scrape("/metrics/targets", TestServer.READ).value("watchpost_target_up", "apps/worker")).isEqualTo(0.0));
        assertThat(scrape("/metrics/targets", TestServer.READ).value("watchpost_target_state", "apps/worker")).isEqualTo(1.0);
    }

    @Test
    void readersWithoutATokenSeeOnlyPublicTargetsAndFiltersNarrowTheAnswer() {
        Exposition open = scrape("/metrics/targets", null);
        open.assertWellFormed();
        assertThat(open.value("watchpost_target_up", "apps/worker")).isNotNull();
        assertThat(open.value("watchpost_target_up", "apps/secret")).isNull();
        assertThat(scrape("/metrics/targets", TestServer.READ).value("watchpost_target_up", "apps/secret")).isNotNull();

        Exposition apps = scrape("/metrics/targets?group=apps", TestServer.READ);
        assertThat(apps.ids("watchpost_target_up")).containsExactlyInAnyOrder("apps/worker", "apps/secret");
        Exposition tlsOnly = scrape("/metrics/targets?kind=tls", TestServer.READ);
        assertThat(tlsOnly.ids("watchpost_target_state")).containsExactly("web/cert");
        tlsOnly.assertWellFormed(); // every family's HELP and TYPE even when it has no sample

        assertError(http.get("/metrics/targets?kind=ping", TestServer.READ), 400,
                "kind: 'ping' is not a kind (push, http, tcp, tls, stats, manual, composite)");
        assertError(http.get("/metrics/targets?group=nope", TestServer.READ), 404, "group: no group 'nope'");
    }

    @Test
    void gzipIsAnsweredWhenAsked() throws Exception {
        HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(
                http.request("/metrics/targets").header("Accept-Encoding", "gzip").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
        String text;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        new Exposition(text).assertWellFormed();
        assertThat(new Exposition(text).value("watchpost_target_up", "web/ok")).isNotNull();
    }

    @Test
    void everyFamilyOfMetricsHasAHelpText() {
        report("apps/worker", "online", 5);
        Exposition e = scrape("/metrics", TestServer.READ);
        e.assertWellFormed();
        assertThat(e.families()).contains("watchpost_targets", "jvm_memory_used_bytes", "http_server_requests_seconds");
    }

    @Test
    void metricsNeedAReadTokenWhenReadsAreNotPublic() throws Exception {
        server.close();
        server = TestServer.start(dir.resolve("data2"), clock, Map.of("WATCHPOST_CONFIG", dir.resolve("watchpost.yml").toString(),
                "WATCHPOST_PUBLIC_READ", "false"));
        http = server.http();
        assertThat(http.get("/metrics/targets").statusCode()).isEqualTo(401);
        assertThat(http.get("/metrics").statusCode()).isEqualTo(401);
        assertThat(http.get("/metrics/targets", TestServer.INGEST).statusCode()).isEqualTo(403);
        Exposition e = scrape("/metrics/targets", TestServer.READ);
        assertThat(e.value("watchpost_target_up", "apps/secret")).isNotNull();
    }

    private void report(String id, String state, double latencyMs) {
        HttpResponse<String> r = http.postJson("/api/v1/heartbeats",
                "[{\"target\":\"" + id + "\",\"state\":\"" + state + "\",\"latency_ms\":" + latencyMs + "}]", TestServer.INGEST);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Http.json(r).get("accepted").asInt()).as(r.body()).isEqualTo(1);
    }

    private Exposition scrape(String path, String token) {
        HttpResponse<String> r = token == null ? http.get(path) : http.get(path, token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        return new Exposition(r.body());
    }

    /** The Prometheus text format, read as a scraper reads it. */
    static final class Exposition {
        private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)( \\d+)?");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

        private final String text;
        private final Map<String, String> help = new LinkedHashMap<>();
        private final Map<String, String> type = new LinkedHashMap<>();
        private final List<Sample> samples = new java.util.ArrayList<>();

        record Sample(String name, Map<String, String> labels, double value) {
        }

        Exposition(String text) {
            this.text = text;
            for (String line : text.split("\n")) {
                if (line.startsWith("# HELP ")) {
                    String[] p = line.substring(7).split(" ", 2);
                    help.put(p[0], p.length > 1 ? p[1] : "");
                } else if (line.startsWith("# TYPE ")) {
                    String[] p = line.substring(7).split(" ", 2);
                    type.put(p[0], p[1]);
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    Matcher m = SAMPLE.matcher(line);
                    assertThat(m.matches()).as("sample line: %s", line).isTrue();
                    Map<String, String> labels = new LinkedHashMap<>();
                    if (m.group(3) != null) {
                        Matcher l = LABEL.matcher(m.group(3));
                        int end = 0;
                        while (l.find() && l.start() == end) {
                            labels.put(l.group(1), unescape(l.group(2)));
                            end = l.end();
                        }
                        assertThat(end).as("labels of: %s", line).isEqualTo(m.group(3).length());
                    }
                    samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4).replace("Inf", "Infinity"))));
                }
            }
        }

        private static String unescape(String v) {
            return v.replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
        }

        /** Every sample belongs to a family with a TYPE and a non-empty HELP text. */
        void assertWellFormed() {
            assertThat(type.keySet()).as("families").isNotEmpty();
            assertThat(type.keySet().stream().filter(f -> help.getOrDefault(f, "").isBlank()).toList())
                    .as("families without a HELP text").isEmpty();
            for (Sample s : samples) {
                assertThat(family(s.name())).as("family of %s in:%n%s", s.name(), text).isNotNull();
            }
        }

        List<String> families() {
            return List.copyOf(type.keySet());
        }

        private String family(String sample) {
            if (type.containsKey(sample)) {
                return sample;
            }
            for (String suffix : List.of("_bucket", "_count", "_sum", "_total", "_created", "_max")) {
                if (sample.endsWith(suffix) && type.containsKey(sample.substring(0, sample.length() - suffix.length()))) {
                    return sample.substring(0, sample.length() - suffix.length());
                }
            }
            return null;
        }

        Double value(String name, String id) {
            return samples.stream().filter(s -> s.name().equals(name) && id.equals(s.labels().get("id")))
                    .map(Sample::value).findFirst().orElse(null);
        }

        Map<String, String> labels(String name, String id) {
            return samples.stream().filter(s -> s.name().equals(name) && id.equals(s.labels().get("id")))
                    .map(Sample::labels).findFirst().orElse(Map.of());
        }

        List<String> ids(String name) {
            return samples.stream().filter(s -> s.name().equals(name)).map(s -> s.labels().get("id")).toList();
        }
    }
}
