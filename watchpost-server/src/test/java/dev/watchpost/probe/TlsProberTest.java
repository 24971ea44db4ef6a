package dev.watchpost.probe;

import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("integration")
class TlsProberTest {

    /** The JVM's first TLS handshake loads a lot of classes. */
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    static Path dir;

    private static TestServers servers;
    private static TestCerts valid;
    private static int validPort;
    private static int expiredPort;

    @BeforeAll
    static void start() throws Exception {
        TestCerts.Pending v = TestCerts.generate(dir, "valid", "-validity", "30");
        TestCerts.Pending e = TestCerts.generate(dir, "expired", "-validity", "1", "-startdate", "-3d");
        servers = new TestServers();
        valid = v.await();
        HttpsServer good = servers.https(valid.configurator());
        validPort = good.getAddress().getPort();
        HttpsServer old = servers.https(e.await().configurator());
        expiredPort = old.getAddress().getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        servers.close();
    }

    private static TlsCheck check(int port, boolean verify) {
        return new TlsCheck("127.0.0.1", port, Duration.ofDays(14), TIMEOUT, TIMEOUT, verify);
    }

    @Test
    void trustedCertificateFarFromExpiryIsUp() throws Exception {
        Instant now = Instant.now();
        ProbeResult r = new TlsProber(check(validPort, true), valid.trust()).probe(now);
        long days = Duration.between(now, valid.certificate().getNotAfter().toInstant()).toDays();
        assertThat(days).isEqualTo(29);
        assertThat(r.reason()).isEqualTo("certificate valid for 29 days");
        assertThat(r.outcome()).isEqualTo(Outcome.UP);
        double exact = Duration.between(now, valid.certificate().getNotAfter().toInstant()).toSeconds() / 86_400.0;
        assertThat(r.stats()).isEqualTo(java.util.Map.of(TlsCheck.DAYS_LEFT, exact)); // what /metrics/targets shows
        assertThat(r.latencyMs()).isPositive();
    }

    @Test
    void certificateExpiringWithinWarnBeforeIsDegraded() throws Exception {
        Instant now = valid.certificate().getNotAfter().toInstant().minus(Duration.ofDays(3)).minus(Duration.ofHours(1));
        ProbeResult r = new TlsProber(check(validPort, true), valid.trust()).probe(now);
        assertThat(r.outcome()).isEqualTo(Outcome.DEGRADED);
        assertThat(r.reason()).isEqualTo("certificate expires in 3 days");
        Instant lastDay = valid.certificate().getNotAfter().toInstant().minus(Duration.ofHours(20));
        assertThat(new TlsProber(check(validPort, true), valid.trust()).probe(lastDay).reason())
                .isEqualTo("certificate expires in less than a day");
    }

    @Test
    void expiredCertificateIsDownWithDays() throws Exception {
        ProbeResult r = new TlsProber(check(expiredPort, true)).probe(Instant.now());
        assertThat(r.outcome()).isEqualTo(Outcome.DOWN);
        assertThat(r.reason()).isEqualTo("certificate expired 2 days ago");
        assertThat(r.stats().get(TlsCheck.DAYS_LEFT)).isBetween(-3.0, -2.0);
    }

    @Test
    void untrustedCertificateFailsTheHandshakeWithVerification() throws Exception {
        ProbeResult r = new TlsProber(check(validPort, true)).probe(Instant.now());
        assertThat(r.outcome()).isEqualTo(Outcome.DOWN);
        assertThat(r.reason()).isEqualTo("TLS handshake failed: certificate not trusted");
    }

    @Test
    void untrustedCertificateIsJudgedOnExpiryWithoutVerification() throws Exception {
        ProbeResult r = new TlsProber(check(validPort, false)).probe(Instant.now());
        assertThat(r.outcome()).isEqualTo(Outcome.UP);
        assertThat(r.reason()).isEqualTo("certificate valid for 29 days");
    }

    @Test
    void serverThatNeverHandsShakesTimesOut() throws Exception {
        ServerSocket silent = servers.raw(false);
        Duration limit = Duration.ofMillis(300);
        long start = System.nanoTime();
        ProbeResult r = new TlsProber(new TlsCheck("127.0.0.1", silent.getLocalPort(), Duration.ofDays(14), limit, limit, true))
                .probe(Instant.now());
        assertThat(r.reason()).isEqualTo("timeout after 300 ms");
        assertThat(r.outcome()).isEqualTo(Outcome.DOWN);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(800);
    }

    @Test
    void plainServerIsAHandshakeFailure() throws Exception {
        ServerSocket rude = servers.raw(true);
        ProbeResult r = new TlsProber(check(rude.getLocalPort(), true)).probe(Instant.now());
        assertThat(r.outcome()).isEqualTo(Outcome.DOWN);
        assertThat(r.reason()).isEqualTo("TLS handshake failed: connection closed by the server");
    }

    @Test
    void closedPortIsConnectionRefused() throws Exception {
        ProbeResult r = new TlsProber(check(TestServers.closedPort(), true)).probe(Instant.now());
        assertThat(r.outcome()).isEqualTo(Outcome.DOWN);
        assertThat(r.reason()).isEqualTo("connection refused");
    }
}
