package dev.watchpost.compat.argus;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.watchpost.testing.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The view with a real Prometheus (Debian's {@code prometheus} package) as its source, configured
 * as Argus ships it: one static target per bot process, no labels added, the {@code cluster} label
 * coming from the bot's own series (and absent from its shard gauges). The bot is a local HTTP
 * server answering {@code /metrics} as Argus' exposition does. Everything keeps wall-clock time.
 */
@Tag("integration")
class ArgusRealPrometheusTest {

    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

    @TempDir
    Path dir;
    HttpServer bot;
    Process prometheus;
    PrometheusSource source;
    FleetServer s;
    final long started = System.nanoTime();

    @BeforeEach
    void startPrometheus() throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(PROMETHEUS), "skipped: no Prometheus binary at " + PROMETHEUS
                + " (Debian package 'prometheus'; .ci/run installs it)");
        bot = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        bot.createContext("/metrics", ex -> {
            try (ex) {
                byte[] body = exposition().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        bot.start();
        int port = freePort();
        // Argus' prometheus/prometheus.yml, scraping every second and without its rule files.
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: argus
                    static_configs:
                      - targets:
                          - "127.0.0.1:%d"
                """.formatted(bot.getAddress().getPort()));
        prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        URI url = URI.create("http://127.0.0.1:" + port);
        // Two scrapes at least, so rate() has something to work with.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> answers(url, "rate(discord_interactions_total[5m]) > 0"));

        ArgusSettings settings = new ArgusSettings(Duration.ofSeconds(1), 60, "discord", 30, FleetServer.GENEROUS,
                FleetServer.GENEROUS, "fleet").withPrometheus(url);
        // In production Watchpost and Prometheus read one wall clock. A test run with the process clock
        // moved ahead (faketime) moves the JVM but not Prometheus (a Go program reads the clock without
        // libc), so Watchpost gets Prometheus's clock: its range queries then ask for times Prometheus has.
        Clock clock = prometheusClock(url);
        source = new PrometheusSource(url, "discord", settings.interval(), Duration.ofSeconds(5), clock);
        s = FleetServer.start("jdbc:sqlite:" + dir.resolve("w.db"), clock, settings, Optional.of(source));
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (s != null) {
            s.close();
        }
        if (source != null) {
            source.close();
        }
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (bot != null) {
            bot.stop(0);
        }
    }

    /**
     * Bot "asia-0": three shards (0.05, 0.05, 1.4 s); 5 command errors in 100 application and 40
     * prefix commands; 10 interactions a second; 10 command durations a second, 95 % within 0.5 s.
     */
    private String exposition() {
        double seconds = (System.nanoTime() - started) / 1e9;
        long observed = (long) (seconds * 10);
        return String.format(Locale.ROOT, """
                # TYPE discord_shard_latency_seconds gauge
                discord_shard_latency_seconds{shard="0"} 0.05
                discord_shard_latency_seconds{shard="1"} 0.05
                discord_shard_latency_seconds{shard="2"} 1.4
                # TYPE discord_shard_up gauge
                discord_shard_up{shard="0"} 1
                discord_shard_up{shard="1"} 1
                discord_shard_up{shard="2"} 1
                # TYPE discord_guilds gauge
                discord_guilds{cluster="asia-0"} 120
                # TYPE discord_cached_users gauge
                discord_cached_users{cluster="asia-0"} 5000
                # TYPE discord_uptime_seconds gauge
                discord_uptime_seconds{cluster="asia-0"} %.3f
                # TYPE discord_app_commands_total counter
                discord_app_commands_total{cluster="asia-0",command="ping",status="ok"} 97
                discord_app_commands_total{cluster="asia-0",command="ping",status="error"} 3
                # TYPE discord_commands_total counter
                discord_commands_total{cluster="asia-0",command="help",status="ok"} 38
                discord_commands_total{cluster="asia-0",command="help",status="error"} 2
                # TYPE discord_command_errors_total counter
                discord_command_errors_total{cluster="asia-0",command="ping",error_type="KeyError"} 5
                # TYPE discord_interactions_total counter
                discord_interactions_total{cluster="asia-0",type="application_command"} %d
                # TYPE discord_app_command_duration_seconds histogram
                discord_app_command_duration_seconds_bucket{cluster="asia-0",command="ping",le="0.1"} %d
                discord_app_command_duration_seconds_bucket{cluster="asia-0",command="ping",le="0.5"} %d
                discord_app_command_duration_seconds_bucket{cluster="asia-0",command="ping",le="+Inf"} %d
                discord_app_command_duration_seconds_count{cluster="asia-0",command="ping"} %d
                discord_app_command_duration_seconds_sum{cluster="asia-0",command="ping"} %.3f
                """, 300 + seconds, observed, observed / 2, observed * 95 / 100, observed, observed, observed * 0.3);
    }

    @Test
    void argusOwnPrometheusConfigurationFeedsTheViewAndTheHistory() {
        s.register("{\"identity\": \"asia-0\", \"fleet\": \"asia\"}");   // heartbeats without snapshots only
        s.register("{\"identity\": \"eu-0\", \"fleet\": \"eu\"}");       // pushes, not scraped
        s.heartbeat("asia-0", null);
        s.heartbeat("eu-0", SnapshotJson.of().gauge("guilds", 7).json());

        JsonNode view = s.view();
        assertThat(view.get("source").asText()).as(view.toString()).isEqualTo("prometheus");
        assertThat(view.get("prometheus_missing")).extracting(JsonNode::asText).containsExactly("eu-0");
        JsonNode asia = s.cluster("asia", 1);
        assertThat(asia.get("source").asText()).isEqualTo("prometheus");
        JsonNode m = asia.get("metrics");
        assertThat(m.get("guilds").doubleValue()).isEqualTo(120.0);
        assertThat(m.get("cached_users").doubleValue()).isEqualTo(5000.0);
        // The worst shard, though Argus' shard gauges carry no cluster label: joined by scrape target.
        assertThat(m.get("latency_seconds").doubleValue()).isEqualTo(1.4);
        assertThat(asia.get("grades").get("latency_seconds").asText()).isEqualTo("bad");
        assertThat(m.get("shards_up").doubleValue()).isEqualTo(3.0);
        assertThat(asia.get("shards")).extracting(x -> x.get("latency_seconds").doubleValue()).containsExactly(0.05, 0.05, 1.4);
        // Errors over application commands only, as Argus' Prometheus source divides (not 5 / 140).
        assertThat(m.get("error_rate").doubleValue()).isCloseTo(0.05, within(1e-9));
        // rate(...[5m]) over the few seconds Prometheus has: positive, at most the true 10/s.
        assertThat(m.get("interactions_rate").doubleValue()).isPositive().isLessThanOrEqualTo(10.5);
        assertThat(m.get("duration_p95_seconds").doubleValue()).isBetween(0.1, 0.5);
        assertThat(m.get("uptime_seconds").doubleValue()).isGreaterThan(300.0);

        JsonNode eu = s.cluster("eu", 1);
        assertThat(eu.get("source").asText()).isEqualTo("push");
        assertThat(eu.get("metrics").get("guilds").doubleValue()).isEqualTo(7.0);

        // asia-0 never pushed a snapshot; its history is Prometheus', one point a second.
        JsonNode detail = Http.json(s.get("/api/fleet/cluster?fleet=asia&number=1"));
        assertThat(detail.has("history_error")).as(detail.toString()).isFalse();
        JsonNode history = detail.get("history");
        assertThat(history.size()).as(detail.toString()).isGreaterThanOrEqualTo(2);
        JsonNode last = history.get(history.size() - 1);
        assertThat(last.get("metrics").get("guilds").doubleValue()).isEqualTo(120.0);
        assertThat(last.get("metrics").get("latency_seconds").doubleValue()).isEqualTo(1.4);
        assertThat(last.get("metrics").get("error_rate").doubleValue()).isCloseTo(0.05, within(1e-9));
        OffsetDateTime t0 = OffsetDateTime.parse(history.get(0).get("t").asText());
        OffsetDateTime t1 = OffsetDateTime.parse(history.get(1).get("t").asText());
        assertThat(Duration.between(t0, t1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(t0.getOffset().getTotalSeconds()).isZero();
    }

    /** The system clock, moved to Prometheus's time when the two differ by more than a second. */
    private static Clock prometheusClock(URI prometheus) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(prometheus + "/api/v1/query?query=time()"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            double seconds = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body())
                    .get("data").get("result").get(0).asDouble();
            long offsetMs = Math.round(seconds * 1000) - System.currentTimeMillis();
            return Math.abs(offsetMs) <= 1_000 ? Clock.systemUTC() : Clock.offset(Clock.systemUTC(), Duration.ofMillis(offsetMs));
        }
    }

    private static boolean answers(URI prometheus, String promql) {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(prometheus + "/api/v1/query?query="
                    + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"value\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
