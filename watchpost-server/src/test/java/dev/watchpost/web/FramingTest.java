package dev.watchpost.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exact bytes on a raw socket: HTTP/1.0, and every framing a proxy in front could read differently
 * from the server (request smuggling), plus the header and body read timeouts.
 */
@Tag("integration")
class FramingTest {

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;
    static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    static PrintStream originalErr;

    /** One response as read off the wire. */
    record Response(int status, Map<String, String> headers, String body) {
        JsonNode json() {
            assertThat(headers.get("content-type")).as("content type of " + status).isEqualTo("application/json");
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    /** What came back on one connection: the responses, and whether the server closed it. */
    record Exchange(List<Response> responses, boolean closed, long millis, long firstByteMillis) {
        Response only() {
            assertThat(responses).as("responses").hasSize(1);
            return responses.get(0);
        }
    }

    @BeforeAll
    static void start() {
        originalErr = System.err;
        System.setErr(new PrintStream(new TeeStream(originalErr, LOG), true));
        server = TestServer.start(dir, Clock.systemUTC(), Map.of("WATCHPOST_MAX_BODY", "4KiB",
                "WATCHPOST_HEADER_TIMEOUT", "1s", "WATCHPOST_BODY_TIMEOUT", "1s"));
        http = server.http();
        http.postJson("/api/v1/groups", "{\"id\":\"jobs\",\"name\":\"Jobs\"}", TestServer.ADMIN);
        for (String id : new String[] {"jobs/a", "jobs/b", "jobs/c"}) {
            assertThat(http.postJson("/api/v1/targets", "{\"id\":\"" + id + "\",\"push\":{\"every\":\"1m\"}}",
                    TestServer.ADMIN).statusCode()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
        System.setErr(originalErr);
        // client mistakes are answered, never logged as server errors
        assertThat(LOG.toString(StandardCharsets.UTF_8)).doesNotContain("ERROR").doesNotContain("\tat ");
    }

    // ---- HTTP/1.0

    @Test
    void http10GetIsAnsweredAndTheConnectionClosed() throws IOException {
        Exchange x = send("GET /healthz HTTP/1.0\r\n\r\n");
        assertThat(x.only().status()).isEqualTo(200);
        assertThat(x.only().body()).isEqualTo("ok");
        assertThat(x.closed()).isTrue();
    }

    @Test
    void aLaterHttp1MinorVersionIsServedAsHttp11() throws IOException {
        // RFC 9110 section 2.5: HTTP/1.2 is backwards compatible with 1.1; a server that speaks 1.1 answers it in 1.1
        Exchange x = send("GET /healthz HTTP/1.2\r\nHost: x\r\n\r\nGET /healthz HTTP/1.9\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(x.responses()).extracting(Response::status).containsExactly(200, 200);
        assertThat(x.responses()).extracting(Response::body).containsExactly("ok", "ok");
        assertRefused(send("GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n"), 505,
                "HTTP version not supported; use HTTP/1.1 or HTTP/1.0");
    }

    @Test
    void http10PostWithBodyIsAnsweredAndTheConnectionClosed() throws IOException {
        String body = "{\"state\":\"online\"}";
        Exchange x = send("POST /api/v1/heartbeat/jobs/c HTTP/1.0\r\nAuthorization: Bearer " + TestServer.INGEST
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        assertThat(x.only().status()).as(x.only().body()).isEqualTo(204);
        assertThat(x.closed()).isTrue();
        assertThat(Http.json(http.get("/api/v1/targets/jobs/c")).get("target").get("state").asText()).isEqualTo("online");
    }

    @Test
    void http10GetsTheLiveStreamUnchunked() throws IOException {
        Exchange x = sendAndWait("GET /api/v1/stream HTTP/1.0\r\n\r\n", 1_500);
        Response r = x.only();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers()).doesNotContainKey("transfer-encoding");
        // the events as they are, with no chunk sizes between them (HTTP/1.0 has no chunked coding)
        assertThat(r.body()).startsWith("retry:").containsPattern("\n\nid:[0-9a-z]+\\.\\d+\nevent:snapshot\ndata:\\{\"version\"");
    }

    @Test
    void aHeadAtTheServersFieldLimitIsAnswered431NotAnInternalError() throws IOException {
        // A field running into 16 KiB threw an index out of bounds in Helidon's header parser (500);
        // found by the fuzzer. Every size around the limit gets an answer below 500.
        assertThat(send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: " + "v".repeat(16_300) + "\r\nConnection: close\r\n\r\n")
                .only().status()).isEqualTo(200);
        // each refused head takes the server about a second to close: the sizes are sent side by side
        List<java.util.concurrent.Future<Exchange>> sent = new ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int size = 16_340; size <= 16_500; size += 7) {
                String head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: " + "v".repeat(size) + "\r\nConnection: close\r\n\r\n";
                sent.add(threads.submit(() -> send(head)));
            }
        }
        int size = 16_340;
        for (var x : sent) {
            assertThat(x.resultNow().only().status()).as("a %d-byte field", size).isIn(200, 431);
            size += 7;
        }
    }

    @Test
    void http10WithTransferEncodingIsRefused() throws IOException {
        assertRefused(send("POST /api/v1/heartbeat/jobs/c HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
                400, "Transfer-Encoding is not allowed in an HTTP/1.0 request");
    }

    // ---- an answer before the body is read

    @Test
    void expectContinueBodyIsNeverReadAsASecondRequest() throws IOException {
        String inner = "DELETE /api/v1/targets/jobs/a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.ADMIN + "\r\n\r\n";
        Exchange x = send("POST /api/v1/targets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                + "Content-Length: " + inner.length() + "\r\n\r\n" + inner);
        assertThat(x.only().status()).isEqualTo(401);
        assertThat(x.closed()).isTrue();
        assertThat(http.get("/api/v1/targets/jobs/a").statusCode()).isEqualTo(200);
    }

    @Test
    void expectContinueWithTheBodyReadKeepsWorking() throws IOException {
        String body = "{}";
        Exchange x = send("POST /api/v1/heartbeat/jobs/c HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.INGEST
                + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n" + body
                + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(x.responses()).as(x.toString()).extracting(Response::status).containsExactly(100, 204, 200);
        assertThat(x.closed()).as(x.toString()).isTrue();
    }

    // ---- ambiguous framing

    @Test
    void contentLengthWithTransferEncodingIsRefused() throws IOException {
        assertRefused(send("POST /api/v1/heartbeat/jobs/c HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400, "a request must not have both Content-Length and Transfer-Encoding");
    }

    @Test
    void twoDifferentContentLengthsAreRefused() throws IOException {
        assertRefused(send("POST /api/v1/heartbeat/jobs/c HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}"),
                400, "Content-Length appears more than once");
    }

    @Test
    void signedContentLengthIsRefused() throws IOException {
        assertRefused(send("POST /api/v1/heartbeat/jobs/c HTTP/1.1\r\nHost: x\r\nContent-Length: +18\r\n\r\n{\"state\":\"online\"}"),
                400, "Content-Length must be a decimal number of bytes (digits only)");
    }

    @Test
    void unknownTransferCodingIsRefused() throws IOException {
        assertRefused(send("POST /api/v1/heartbeat/jobs/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
                400, "Transfer-Encoding must end with chunked, given once");
    }

    @Test
    void foldedHeaderIsRefused() throws IOException {
        assertRefused(send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  continued\r\n\r\n"),
                400, "folded header lines (a line starting with a space) are not accepted");
    }

    @Test
    void badChunkSizeIsRefused() throws IOException {
        assertRefused(send(chunkedHeartbeat("2x\r\n{}\r\n0\r\n\r\n")), 400, "malformed chunked body: a chunk size must be hexadecimal digits");
    }

    @Test
    void nonHexChunkSizeIsRefusedAtOnce() throws IOException {
        Exchange x = send(chunkedHeartbeat("zz\r\n{}\r\n0\r\n\r\n"));
        assertRefused(x, 400, "malformed chunked body: a chunk size must be hexadecimal digits");
        assertThat(x.firstByteMillis()).isLessThan(900); // answered, not left waiting for the body timeout
    }

    @Test
    void chunkExtensionsAreAccepted() throws IOException {
        Exchange x = send(chunkedHeartbeat("1;name=value\r\n{\r\n1 ; quoted=\"a b\"\r\n}\r\n0\r\n\r\n"));
        assertThat(x.only().status()).as(x.only().body()).isEqualTo(204);
    }

    @Test
    void oversizedChunkedBodyIs413AndItsRestIsNeverParsed() throws IOException {
        String inner = "DELETE /api/v1/targets/jobs/b HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.ADMIN + "\r\n\r\n";
        StringBuilder data = new StringBuilder(" ".repeat(5000)).append(inner);
        Exchange x = send("POST /api/v1/heartbeat/jobs/c HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.INGEST
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(data.length()) + "\r\n" + data + "\r\n0\r\n\r\n");
        assertThat(x.only().status()).isEqualTo(413);
        assertThat(x.only().json().get("error").asText()).contains("larger than the limit");
        assertThat(x.closed()).isTrue();
        assertThat(http.get("/api/v1/targets/jobs/b").statusCode()).isEqualTo(200);
    }

    // ---- timeouts

    @Test
    void slowHeadersAreAnswered408AndClosedAfterTheHeaderTimeout() throws IOException {
        Exchange x = sendAndWait("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ", 5_000);
        assertRefused(x, 408, "the request head did not arrive within 1 s");
        assertThat(x.millis()).isBetween(800L, 3_000L);
    }

    @Test
    void aSilentConnectionIsClosedAfterTheHeaderTimeout() throws IOException {
        Exchange x = sendAndWait("", 5_000);
        assertThat(x.closed()).isTrue();
        assertThat(x.millis()).isBetween(800L, 3_000L);
    }

    @Test
    void aStalledBodyIsAnswered408AndClosed() throws IOException {
        Exchange x = sendAndWait("POST /api/v1/heartbeat/jobs/c HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.INGEST
                + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"state\":", 5_000);
        assertRefused(x, 408, "the request body stalled: nothing arrived for 1 s");
        assertThat(x.millis()).isBetween(800L, 3_000L);
    }

    @Test
    void aClientThatLeavesMidBodyIsNoServerError() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.app().port())) {
            s.getOutputStream().write(("POST /api/v1/heartbeat/jobs/c HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.INGEST
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"state\":").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            Thread.sleep(200);
        }
        Thread.sleep(300); // the log is checked after the last test: no ERROR, no stack trace
        assertThat(http.get("/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void keepAliveStillWorksThroughTheGuard() throws IOException {
        String body = "{}";
        String beat = "POST /api/v1/heartbeat/jobs/c HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.INGEST
                + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n" + body;
        Exchange x = send(beat + beat + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(x.responses()).extracting(Response::status).containsExactly(204, 204, 200);
    }

    // ---- helpers

    private static String chunkedHeartbeat(String chunks) {
        return "POST /api/v1/heartbeat/jobs/c HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.INGEST
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunks;
    }

    private static void assertRefused(Exchange x, int status, String error) {
        Response r = x.only();
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).isEqualTo(error);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(x.closed()).as("connection closed").isTrue();
    }

    /** Sends the bytes and reads until the server closes (failing if it has not within 5 s: a hang). */
    static Exchange send(String request) throws IOException {
        return sendAndWait(request, 5_000);
    }

    static Exchange sendAndWait(String request, int timeoutMillis) throws IOException {
        return exchange(server.app().port(), request.getBytes(StandardCharsets.ISO_8859_1), timeoutMillis);
    }

    static Exchange exchange(int port, byte[] request, int timeoutMillis) throws IOException {
        long start = System.nanoTime();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(timeoutMillis);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            boolean closed;
            long first = -1;
            try {
                int c = in.read();
                first = (System.nanoTime() - start) / 1_000_000;
                if (c >= 0) {
                    got.write(c);
                    in.transferTo(got);
                }
                closed = true;
            } catch (SocketTimeoutException e) {
                closed = false;
            } catch (java.net.SocketException e) {
                closed = true; // reset after the answer
            }
            return new Exchange(parse(got.toByteArray()), closed, (System.nanoTime() - start) / 1_000_000, first);
        }
    }

    /** Splits what came back into responses (Content-Length or chunked bodies). */
    static List<Response> parse(byte[] b) {
        List<Response> out = new ArrayList<>();
        int i = 0;
        String all = new String(b, StandardCharsets.ISO_8859_1);
        while (i < b.length) {
            int headEnd = all.indexOf("\r\n\r\n", i);
            assertThat(headEnd).as("a complete response head in: " + all.substring(i)).isPositive();
            String[] lines = all.substring(i, headEnd).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int l = 1; l < lines.length; l++) {
                int c = lines[l].indexOf(':');
                headers.put(lines[l].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[l].substring(c + 1).trim());
            }
            i = headEnd + 4;
            String body;
            if (status < 200) {
                body = "";
            } else if (headers.containsKey("content-length")) {
                int n = Integer.parseInt(headers.get("content-length"));
                body = all.substring(i, i + n);
                i += n;
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                StringBuilder sb = new StringBuilder();
                while (true) {
                    int le = all.indexOf("\r\n", i);
                    int n = Integer.parseInt(all.substring(i, le).split(";")[0].trim(), 16);
                    i = le + 2;
                    if (n == 0) {
                        i = all.indexOf("\r\n", i) + 2;
                        break;
                    }
                    sb.append(all, i, i + n);
                    i += n + 2;
                }
                body = sb.toString();
            } else {
                body = all.substring(i);
                i = b.length;
            }
            out.add(new Response(status, headers, body));
        }
        return out;
    }

    /** Copies stderr into a buffer while still printing it. */
    private static final class TeeStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        TeeStream(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            synchronized (b) {
                b.write(c);
            }
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            synchronized (b) {
                b.write(buf, off, len);
            }
        }
    }
}
