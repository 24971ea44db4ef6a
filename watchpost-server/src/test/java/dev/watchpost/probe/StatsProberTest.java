package dev.watchpost.probe;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("integration")
class StatsProberTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private static TestServers servers;
    private static HttpClients clients;
    private static String host;

    @BeforeAll
    static void start() throws Exception {
        servers = new TestServers();
        clients = new HttpClients();
        HttpServer s = servers.http();
        s.createContext("/platy", TestServers.json("{\"cpu\": 6, \"memory\": 38, \"disk\": 8}"));
        s.createContext("/hdd", TestServers.json("{\"cpu\": 6.5, \"memory\": \"38\", \"hdd\": 8, \"uptime\": 99}"));
        s.createContext("/html", ex -> TestServers.send(ex, 200, "text/html; charset=utf-8", "<html><body>It works!</body></html>"));
        s.createContext("/partial", TestServers.json("{\"cpu\": 6, \"disk\": 8}"));
        s.createContext("/words", TestServers.json("{\"cpu\": \"high\", \"memory\": 1, \"disk\": 2}"));
        s.createContext("/array", TestServers.json("[6, 38, 8]"));
        s.createContext("/error", TestServers.text(500, "oops"));
        s.createContext("/hang", servers.hang());
        host = "127.0.0.1:" + s.getAddress().getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        clients.close();
        servers.close();
    }

    private static ProbeResult scan(String path) throws InterruptedException {
        return new StatsProber(new StatsCheck(host, path, TIMEOUT), clients).probe(Instant.now());
    }

    @Test
    void agentJsonIsUpWithStats() throws Exception {
        ProbeResult r = scan("/platy");
        assertThat(r.outcome()).isEqualTo(Outcome.UP);
        assertThat(r.reason()).isEqualTo("cpu 6 %, memory 38 %, disk 8 %");
        assertThat(r.stats()).isEqualTo(Map.of("cpu", 6.0, "memory", 38.0, "disk", 8.0));
        assertThat(r.statusCode()).hasValue(200);
        assertThat(r.toObservation().metrics().toString()).isEqualTo("{\"cpu\":6.0,\"disk\":8.0,\"memory\":38.0}");
    }

    @Test
    void hddIsAnAliasOfDisk() throws Exception {
        ProbeResult r = scan("/hdd");
        assertThat(r.outcome()).isEqualTo(Outcome.UP);
        assertThat(r.reason()).isEqualTo("cpu 6.5 %, memory 38 %, disk 8 %");
        assertThat(r.stats()).isEqualTo(Map.of("cpu", 6.5, "memory", 38.0, "disk", 8.0));
    }

    @Test
    void notFoundIsUpWithoutStats() throws Exception {
        ProbeResult r = scan("/missing");
        assertThat(r.outcome()).isEqualTo(Outcome.UP);
        assertThat(r.reason()).isEqualTo("no stats agent");
        assertThat(r.stats()).isEmpty();
        assertThat(r.statusCode()).hasValue(404);
        assertThat(r.toObservation().metrics()).isNull();
    }

    @Test
    void htmlIsDegradedWithTheReason() throws Exception {
        ProbeResult r = scan("/html");
        assertThat(r.outcome()).isEqualTo(Outcome.DEGRADED);
        assertThat(r.reason()).isEqualTo("answer is not JSON (text/html)");
    }

    @Test
    void unsuitableJsonIsDegraded() throws Exception {
        assertThat(scan("/partial").reason()).isEqualTo("stats lack 'memory'");
        assertThat(scan("/words").reason()).isEqualTo("stats 'cpu' is not a number");
        assertThat(scan("/array").reason()).isEqualTo("answer is not a JSON object");
        ProbeResult error = scan("/error");
        assertThat(error.outcome()).isEqualTo(Outcome.DEGRADED);
        assertThat(error.reason()).isEqualTo("status 500");
    }

    @Test
    void timeoutIsDown() throws Exception {
        ProbeResult r = scan("/hang");
        assertThat(r.outcome()).isEqualTo(Outcome.DOWN);
        assertThat(r.reason()).isEqualTo("timeout after 300 ms");
    }

    @Test
    void connectionErrorIsDown() throws Exception {
        ProbeResult r = new StatsProber(new StatsCheck("127.0.0.1:" + TestServers.closedPort(), "/platy", TIMEOUT), clients)
                .probe(Instant.now());
        assertThat(r.outcome()).isEqualTo(Outcome.DOWN);
        assertThat(r.reason()).isEqualTo("connection refused");
    }

    @Test
    void defaultsAndValidation() {
        StatsCheck c = new StatsCheck("db1.example.org");
        assertThat(c.url().toString()).isEqualTo("http://db1.example.org/platy");
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> new StatsCheck("h", "platy", TIMEOUT)).hasMessage("statsPath must start with '/': 'platy'");
    }
}
