package dev.watchpost.web;

import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reverse-proxy setup of docs/operating.md with a real nginx (Debian's, run as the current user on 127.0.0.1
 * from a temporary prefix): {@code proxy_pass} with nginx's default {@code proxy_http_version 1.0}.
 * Skipped when nginx is not installed.
 */
@Tag("integration")
class NginxProxyTest {

    private static final Path NGINX = Path.of("/usr/sbin/nginx");

    @TempDir
    static Path dir;
    static TestServer server;
    static Process nginx;
    static Thread killOnExit;
    static Http proxied;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(NGINX), "skipped: no nginx at " + NGINX + " (apt-get install nginx)");
        server = TestServer.start(dir.resolve("data"), Clock.systemUTC(), Map.of());
        Http http = server.http();
        http.postJson("/api/v1/groups", "{\"id\":\"jobs\",\"name\":\"Jobs\"}", TestServer.ADMIN);
        assertThat(http.postJson("/api/v1/targets", "{\"id\":\"jobs/a\",\"push\":{\"every\":\"1m\"}}", TestServer.ADMIN)
                .statusCode()).isEqualTo(201);

        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path prefix = Files.createDirectories(dir.resolve("nginx"));
        Path conf = prefix.resolve("nginx.conf");
        // One foreground process (no daemon, no master) so destroying it leaves nothing behind.
        Files.writeString(conf, """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    server {
                        listen 127.0.0.1:%2$d;
                        location / {
                            proxy_pass http://127.0.0.1:%3$d;
                        }
                    }
                }
                """.formatted(prefix, port, server.app().port()));
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            // nginx is killed if this JVM dies without running its shutdown hooks
            cmd.addAll(List.of("/usr/bin/setpriv", "--pdeathsig", "KILL", "--"));
        }
        cmd.addAll(List.of(NGINX.toString(), "-p", prefix.toString(), "-c", conf.toString(), "-e", prefix.resolve("error.log").toString()));
        nginx = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(prefix.resolve("out.log").toFile()).start();
        Process started = nginx;
        killOnExit = new Thread(started::destroyForcibly);
        Runtime.getRuntime().addShutdownHook(killOnExit);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                break;
            } catch (IOException e) {
                assertThat(nginx.isAlive()).as("nginx running: " + Files.readString(prefix.resolve("out.log"))).isTrue();
                assertThat(System.nanoTime()).as("nginx listening within 10 s").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
        proxied = new Http(port);
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aGetThroughNginxIsAnswered() {
        HttpResponse<String> r = proxied.get("/healthz");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
    }

    @Test
    void aHeartbeatPostedThroughNginxIsRecorded() {
        HttpResponse<String> r = proxied.postJson("/api/v1/heartbeat/jobs/a", "{\"state\":\"online\",\"latency_ms\":12}", TestServer.INGEST);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        assertThat(Http.json(proxied.get("/api/v1/targets/jobs/a")).get("target").get("state").asText()).isEqualTo("online");
    }
}
