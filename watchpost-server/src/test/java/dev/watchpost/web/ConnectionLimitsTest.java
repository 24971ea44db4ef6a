package dev.watchpost.web;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connection limits as a client meets them, over real sockets: a connection over a limit is answered
 * 503 and closed on arrival; every way a connection can end gives its place back.
 */
@Tag("integration")
class ConnectionLimitsTest {

    /** Linux routes all of 127/8 to loopback: a second client address on one machine. */
    private static final String OTHER_ADDRESS = "127.0.0.2";

    private final List<Socket> clients = new ArrayList<>();
    private HttpServer server;

    @AfterEach
    void stop() throws IOException {
        for (Socket s : clients) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(ConnectionLimits limits, Duration idleTimeout) {
        HttpService hello = (HttpRules rules) -> rules.get("/hello", (req, res) -> res.send("hello"));
        server = HttpServer.start(new HttpServer.Settings("127.0.0.1", 0, 64 * 1024, Duration.ZERO, idleTimeout, limits),
                new SimpleMeterRegistry(), List.of(hello));
    }

    @Test
    void theConnectionOverThePerAddressLimitIsAnswered503WhileAnotherAddressIsServed() throws Exception {
        start(new ConnectionLimits(OptionalInt.of(50), 3, 0), Duration.ofMinutes(5));
        for (int i = 0; i < 3; i++) {
            held("127.0.0.1");
        }
        String refused = readAll(idle("127.0.0.1"));
        assertThat(refused).startsWith("HTTP/1.1 503").contains("Connection: close")
                .contains("{\"error\":\"too many open connections from this address (limit 3)");

        assertThat(get(OTHER_ADDRESS)).as("another address is not held back").startsWith("HTTP/1.1 200");

        clients.getFirst().close();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get("127.0.0.1")).as("a place given back is taken again").startsWith("HTTP/1.1 200"));
    }

    @Test
    void theConnectionOverTheTotalIsAnswered503AndAPlaceFreedIsTakenAgain() throws Exception {
        start(new ConnectionLimits(OptionalInt.of(4), 0, 0), Duration.ofMinutes(5));
        for (int i = 0; i < 2; i++) {
            held("127.0.0.1");
            held(OTHER_ADDRESS);
        }
        assertThat(readAll(idle(OTHER_ADDRESS))).startsWith("HTTP/1.1 503")
                .contains("the server is at its limit of 4 open connections");

        clients.getFirst().close();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get(OTHER_ADDRESS)).startsWith("HTTP/1.1 200"));
    }

    @Test
    void placesAreGivenBackHoweverConnectionsEnd() throws Exception {
        int limit = 4;
        start(new ConnectionLimits(OptionalInt.of(1000), limit, 0), Duration.ofMinutes(5));
        for (int round = 0; round < 150; round++) {
            List<Socket> held = new ArrayList<>();
            for (int i = 0; i < limit; i++) {
                held.add(connect("127.0.0.1"));
            }
            Socket over = connect("127.0.0.1"); // refused or, once a place came back early, served: either way it ends
            over.close();
            for (int i = 0; i < held.size(); i++) {
                Socket s = held.get(i);
                // some were refused (the previous round's places not yet given back): they may fail midway
                try {
                    end(s, (round + i) % 4);
                } catch (IOException e) {
                    s.close();
                }
            }
        }
        // Every one of those 750 connections has ended: the address gets its whole allowance again.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Socket> again = new ArrayList<>();
            try {
                for (int i = 0; i < limit; i++) {
                    again.add(connect("127.0.0.1"));
                }
                for (Socket s : again) {
                    send(s, "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                    assertThat(readResponse(s)).startsWith("HTTP/1.1 200");
                }
            } finally {
                for (Socket s : again) {
                    s.close();
                }
            }
        });
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        start(ConnectionLimits.DEFAULTS, Duration.ofSeconds(2));
        Socket s = idle("127.0.0.1");
        send(s, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        s.setSoTimeout(1000);
        InputStream in = s.getInputStream();
        byte[] answer = new byte[4096];
        int n = in.read(answer);
        assertThat(new String(answer, 0, n, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200").endsWith("hello");

        long quiet = System.nanoTime();
        s.setSoTimeout(15_000);
        assertThat(in.read()).as("the server closed the idle connection").isEqualTo(-1);
        Duration held = Duration.ofNanos(System.nanoTime() - quiet);
        // Helidon counts idleness in whole seconds, looked at every half second here: 2 s can end after about 1.5 s
        assertThat(held).isBetween(Duration.ofMillis(1000), Duration.ofSeconds(8));
    }

    /** Ends a connection in one of four ways. */
    private static void end(Socket s, int how) throws IOException {
        switch (how) {
            case 0 -> { // a whole request, the server closes
                send(s, "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                readResponse(s);
            }
            case 1 -> { // a request, then the client hangs up on a kept-alive connection
                send(s, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                s.getInputStream().read();
            }
            case 2 -> s.setSoLinger(true, 0); // reset instead of an orderly close
            default -> send(s, "GET /hel"); // half a request
        }
        s.close();
    }

    @Test
    void aConnectionThatNeverSendsIsClosedAfterTheIdleTimeout() throws Exception {
        start(ConnectionLimits.DEFAULTS, Duration.ofSeconds(2));
        Socket s = idle("127.0.0.1");
        long quiet = System.nanoTime();
        s.setSoTimeout(15_000);
        assertThat(s.getInputStream().read()).as("the server closed the silent connection").isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - quiet)).isBetween(Duration.ofMillis(1000), Duration.ofSeconds(8));
    }

    private Socket connect(String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** A connection that sends nothing, held until the test ends. */
    private Socket idle(String from) throws IOException {
        Socket s = connect(from);
        clients.add(s);
        return s;
    }

    /**
     * A kept-alive connection that has had one answer (so it is known to be admitted: the server's own
     * watch connects now and then and may hold a place for an instant), held until the test ends.
     */
    private Socket held(String from) throws IOException {
        Socket s = idle(from);
        send(s, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(readResponse(s)).startsWith("HTTP/1.1 200");
        return s;
    }

    private String get(String from) throws IOException {
        try (Socket s = connect(from)) {
            send(s, "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            return readResponse(s);
        }
    }

    /**
     * One response, delimited by its Content-Length: Helidon (4.3) answers "Connection: close" but waits
     * for the client to close, so reading to the end would wait for the idle timeout.
     */
    private static String readResponse(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return head.toString(StandardCharsets.US_ASCII);
                }
                head.write(b);
            }
            String h = head.toString(StandardCharsets.US_ASCII);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(h);
            return h + (m.find() ? new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.US_ASCII) : "");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not answer: " + head.toString(StandardCharsets.US_ASCII), e);
        }
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    /** Everything until the server closes the connection. */
    private static String readAll(Socket s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            s.getInputStream().transferTo(out);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither answered nor closed: " + out.toString(StandardCharsets.US_ASCII), e);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
