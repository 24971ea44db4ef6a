package dev.watchpost.web;

import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that goes away in the middle of its body is nobody's error: the server logs no ERROR
 * and no stack trace for it (anyone could flood the log that way), and keeps serving.
 */
@Tag("integration")
class ClientGoneTest {

    @TempDir
    Path dir;

    @Test
    void aBodyCutShortLeavesNoErrorInTheLog() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (TestServer server = TestServer.start(dir, Clock.systemUTC(), Map.of())) {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            // the heartbeat's streaming reader, the JSON body reader of the API, a chunked body
            String[][] requests = {
                    {"/api/v1/heartbeat", TestServer.INGEST, "Content-Length: 5000"},
                    {"/api/v1/channels", TestServer.ADMIN, "Content-Length: 5000"},
                    {"/api/v1/targets", TestServer.ADMIN, "Transfer-Encoding: chunked"},
            };
            for (String[] r : requests) {
                for (int i = 0; i < 5; i++) {
                    try (Socket s = new Socket("127.0.0.1", server.app().port())) {
                        OutputStream out = s.getOutputStream();
                        String body = r[2].startsWith("Transfer") ? "400\r\n{\"id\":\"a\"," : "{\"id\":\"a\",";
                        out.write(("POST " + r[0] + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + r[1]
                                + "\r\nContent-Type: application/json\r\n" + r[2] + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        Thread.sleep(20);
                    }
                }
            }
            Thread.sleep(500);
            assertThat(server.http().get("/healthz").statusCode()).isEqualTo(200);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).doesNotContain("ERROR").doesNotContain("\tat ").doesNotContain("Exception");
    }
}
