package dev.watchpost.probe;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("integration")
class TcpProberTest {

    private static final Duration SHORT = Duration.ofMillis(500);

    @Test
    void openPortIsUpWithLatency() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ProbeResult r = new TcpProber(new TcpCheck("127.0.0.1", open.getLocalPort(), SHORT)).probe(Instant.now());
            assertThat(r.outcome()).isEqualTo(Outcome.UP);
            assertThat(r.reason()).isEqualTo("connected");
            assertThat(r.latencyMs()).isPositive().isLessThan(SHORT.toMillis());
            assertThat(r.statusCode()).isEmpty();
        }
    }

    @Test
    void closedPortIsConnectionRefused() throws Exception {
        ProbeResult r = new TcpProber(new TcpCheck("127.0.0.1", TestServers.closedPort(), SHORT)).probe(Instant.now());
        assertThat(r.outcome()).isEqualTo(Outcome.DOWN);
        assertThat(r.reason()).isEqualTo("connection refused");
        assertThat(r.latencyMs()).isNaN();
    }

    @Test
    void invalidChecksAreRejected() {
        assertThatThrownBy(() -> new TcpCheck("127.0.0.1", 0)).hasMessage("port must be 1..65535: 0");
        assertThatThrownBy(() -> new TcpCheck("a/b", 80)).hasMessage("host must be a host name or IP address: 'a/b'");
        assertThatThrownBy(() -> new TcpCheck("h", 80, Duration.ZERO)).hasMessageContaining("connectTimeout");
    }
}
