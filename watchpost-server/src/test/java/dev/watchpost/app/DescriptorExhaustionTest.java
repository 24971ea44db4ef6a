package dev.watchpost.app;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

/**
 * The real process with few file descriptors, flooded with idle connections: it must either go on
 * serving (its connection limit fits its descriptors) or, when the operator set a limit the
 * descriptors cannot hold and it runs out, end with an error so that a supervisor restarts it. Before,
 * it lived on with nothing listening.
 */
@Tag("integration")
class DescriptorExhaustionTest {

    /** The child's descriptor limit (soft and hard). */
    private static final int DESCRIPTORS = 400;

    @TempDir
    Path dir;

    @Test
    void floodedWithIdleConnectionsTheServerKeepsAnsweringAndRecovers() throws Exception {
        Child child = start(Map.of("WATCHPOST_MAX_CONNECTIONS_PER_ADDRESS", "0"));
        List<Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 2 * DESCRIPTORS; i++) {
                flood.add(connect("127.0.0.1", child.port));
            }
            // At the limit: still listening, and says so.
            String during = healthz(child.port);
            assertThat(during).as("answered during the flood").startsWith("HTTP/1.1 503")
                    .contains("the server is at its limit of");
            assertThat(Files.readString(child.log)).contains("event=connections.refused reason=total")
                    .doesNotContain("terminating now");
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(healthz(child.port)).as("recovered").startsWith("HTTP/1.1 200"));
            assertThat(child.process.isAlive()).isTrue();
        } finally {
            child.process.destroy();
            child.process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aServerWhoseListenerIsLostForWantOfDescriptorsExitsWithAnError() throws Exception {
        // A total the descriptors cannot hold: the operator is warned at start, and the flood exhausts them.
        Child child = start(Map.of("WATCHPOST_MAX_CONNECTIONS_PER_ADDRESS", "0", "WATCHPOST_MAX_CONNECTIONS", "5000"));
        List<Socket> flood = new ArrayList<>();
        try {
            assertThat(Files.readString(child.log)).contains("event=connections.limit_exceeds_descriptors max_connections=5000");
            for (int i = 0; i < 2 * DESCRIPTORS && child.process.isAlive(); i++) {
                try {
                    flood.add(connect("127.0.0.1", child.port));
                } catch (IOException e) {
                    break; // the listener is gone already
                }
            }
            assertThat(child.process.waitFor(60, TimeUnit.SECONDS)).as("the process ended").isTrue();
            assertThat(child.process.exitValue()).isEqualTo(1);
            assertThat(Files.readString(child.log)).contains("Too many open files")
                    .contains("event=server.listener_lost").contains("event=server.stopped");
        } finally {
            for (Socket s : flood) {
                s.close();
            }
            child.process.destroyForcibly();
        }
    }

    private record Child(Process process, int port, Path log) {
    }

    private Child start(Map<String, String> env) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")), "prlimit (util-linux) is needed");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/prlimit", "--nofile=" + DESCRIPTORS + ":" + DESCRIPTORS,
                java, "-cp", System.getProperty("java.class.path"), Main.class.getName());
        pb.environment().put("WATCHPOST_PORT", "0");
        pb.environment().put("WATCHPOST_DATA", dir.toString());
        pb.environment().put("WATCHPOST_PROBES_MAX_CONCURRENT", "8");
        pb.environment().put("WATCHPOST_SHUTDOWN_GRACE", "1s");
        pb.environment().putAll(env);
        Path log = dir.resolve("server.log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        Pattern started = Pattern.compile("event=server.started address=http://127.0.0.1:(\\d+)");
        int port = await().atMost(Duration.ofSeconds(60)).until(() -> {
            assertThat(p.isAlive()).as("server exited early:\n%s", Files.readString(log)).isTrue();
            Matcher m = started.matcher(Files.readString(log));
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        }, n -> n > 0);
        return new Child(p, port, log);
    }

    private static Socket connect(String from, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** GET /healthz from a second loopback address: the whole answer, or why there was none. */
    private static String healthz(int port) {
        try (Socket s = connect("127.0.0.2", port)) {
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int n;
            // "ok" ends a 200; a refusal ends with the connection
            while ((n = s.getInputStream().read(buf)) > 0) {
                out.write(buf, 0, n);
                String text = out.toString(StandardCharsets.US_ASCII);
                if (text.startsWith("HTTP/1.1 200") && text.endsWith("\r\n\r\nok")) {
                    break;
                }
            }
            return out.toString(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
