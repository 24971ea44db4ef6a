package dev.watchpost.app;

import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("integration")
class PortInUseTest {

    @TempDir
    Path dir;

    @Test
    void aPortInUseStopsTheStartWithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_PORT", Integer.toString(port))))
                    .isInstanceOf(StartupException.class)
                    .hasMessage("cannot listen on 127.0.0.1:" + port + ": the address is in use or not on this host");
        }
    }
}
