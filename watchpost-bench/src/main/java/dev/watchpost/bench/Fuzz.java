package dev.watchpost.bench;

import dev.watchpost.app.Watchpost;
import dev.watchpost.config.ConfigLoader;
import dev.watchpost.web.RouteTable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Generated requests over every route of the server's own route table, written as raw bytes so
 * framing can be wrong too: methods, ids, tokens, headers, bodies and framing drawn at random from
 * a seed. A request passes when it gets an answer below 500 within the timeout; the run fails on
 * any 5xx, any hang, and any stack trace or ERROR line the server logged.
 *
 * <p>Usage: {@code Fuzz [requests] [seed]}; the server runs in this process on a temporary
 * directory, its log captured.
 */
public final class Fuzz {

    static final String ADMIN = "fuzz-admin-token-000000000001";
    static final String INGEST = "fuzz-ingest-token-00000000001";
    static final String READ = "fuzz-read-token-0000000000001";
    static final int TIMEOUT_MS = 10_000;

    private final List<RouteTable.Route> routes;
    private final int port;
    private final LongAdder[] byClass = new LongAdder[6];
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> serverErrors = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> hangs = new ConcurrentLinkedQueue<>();
    private final LongAdder closedWithoutAnswer = new LongAdder();
    private final LongAdder notJson4xx = new LongAdder();
    private final ConcurrentLinkedQueue<String> notJsonExamples = new ConcurrentLinkedQueue<>();

    private Fuzz(List<RouteTable.Route> routes, int port) {
        this.routes = routes;
        this.port = port;
        for (int i = 0; i < byClass.length; i++) {
            byClass[i] = new LongAdder();
        }
    }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
        Path dir = Files.createTempDirectory("watchpost-fuzz");
        Path log = dir.resolve("server.log");
        PrintStream console = System.err;
        PrintStream captured = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8);
        System.setErr(captured);
        dev.watchpost.app.Logging.configure("info"); // as the server logs by default
        Map<String, String> env = Map.of("WATCHPOST_PORT", "0", "WATCHPOST_DATA", dir.resolve("data").toString(),
                "WATCHPOST_ADMIN_TOKEN", ADMIN, "WATCHPOST_INGEST_TOKEN", INGEST, "WATCHPOST_READ_TOKEN", READ,
                "GLANCE_BOTS", "main:4", "WATCHPOST_LOG_LEVEL", "info",
                // one client address by construction: the per-address limit would answer 503 to the
                // fuzzer's own streams (held until their next keep-alive finds them gone), not to bugs
                "WATCHPOST_MAX_CONNECTIONS_PER_ADDRESS", "0");
        int code;
        try (Watchpost app = Watchpost.start(ConfigLoader.load(Optional.empty(), env, false), Clock.systemUTC())) {
            Fuzz f = new Fuzz(app.routes().routes(), app.port());
            System.out.printf("fuzz: %,d requests over %d routes, seed %d%n", requests, f.routes.size(), seed);
            long t0 = System.nanoTime();
            f.run(requests, seed);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            boolean healthy = f.healthy();
            captured.flush();
            List<String> logLines = Files.readAllLines(log);
            long stackLines = logLines.stream().filter(l -> l.startsWith("\tat ") || l.startsWith("Caused by:")).count();
            List<String> errorLines = logLines.stream().filter(l -> l.contains(" ERROR ")).toList();
            System.out.printf("done in %,d ms (%,.0f requests/s)%n", ms, requests * 1000.0 / Math.max(1, ms));
            System.out.printf("answers: 1xx %d, 2xx %d, 3xx %d, 4xx %d (with 505 to other HTTP versions and 501 to unknown codings), 5xx %d; closed without an answer %d%n",
                    f.byClass[1].sum(), f.byClass[2].sum(), f.byClass[3].sum(), f.byClass[4].sum(), f.byClass[5].sum(),
                    f.closedWithoutAnswer.sum());
            System.out.println("by status: " + new java.util.TreeMap<>(f.byStatus));
            System.out.printf("4xx on /api routes without a JSON body: %d%s%n", f.notJson4xx.sum(),
                    f.notJsonExamples.isEmpty() ? "" : " e.g. " + f.notJsonExamples.peek());
            System.out.printf("hangs (no answer in %d s): %d%n", TIMEOUT_MS / 1000, f.hangs.size());
            f.hangs.stream().limit(5).forEach(h -> System.out.println("  hang: " + h));
            f.serverErrors.stream().limit(10).forEach(e -> System.out.println("  5xx: " + e));
            System.out.printf("server log: %d ERROR lines, %d stack trace lines%n", errorLines.size(), stackLines);
            errorLines.stream().limit(5).forEach(l -> System.out.println("  " + l));
            System.out.println("still healthy after the run: " + healthy);
            code = f.byClass[5].sum() == 0 && f.hangs.isEmpty() && stackLines == 0 && errorLines.isEmpty() && healthy ? 0 : 1;
        } finally {
            System.setErr(console);
        }
        System.out.println(code == 0 ? "PASS" : "FAIL (the server log: " + log + ")");
        System.exit(code);
    }

    private void run(int requests, long seed) throws InterruptedException {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        SplittableRandom root = new SplittableRandom(seed);
        for (int t = 0; t < threads; t++) {
            SplittableRandom rnd = root.split();
            pool.execute(() -> {
                while (next.getAndIncrement() < requests) {
                    Request r = generate(rnd);
                    exchange(r);
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
    }

    // ------------------------------------------------------------------ generation

    /** A request as bytes; {@code closeAfterSend} half-closes so a body shorter than its length ends. */
    record Request(String summary, byte[] bytes, boolean api) {
    }

    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO", "get"};
    private static final String[] ID_PARTS = {"a", "web/api", "bots/main/0", "main", "0", "x".repeat(300), "..", "%2e%2e",
            "%00", "%ff", "ä", "%C3%A4", "a b", "a%20b", "", "a//b", "UPPER", "-", "_", "1e9", "99999999999999999999",
            "<script>", "%3Cscript%3E", "'", "\"", ";", "a?b=c", "#", "%", "%zz", "*", "**", "main/1/status", "history"};
    private static final String[] TOKENS = {null, ADMIN, INGEST, READ, "wp_" + "x".repeat(32), "", "Bearer", "x".repeat(9000),
            "ünïcode", "Basic YWRtaW46YWRtaW4="};
    private static final String[] CONTENT_TYPES = {"application/json", "application/x-www-form-urlencoded",
            "text/plain", "multipart/form-data; boundary=x", "application/json; charset=latin1", "garbage", ""};

    private Request generate(SplittableRandom rnd) {
        RouteTable.Route route = routes.get(rnd.nextInt(routes.size()));
        String method = route.method().equals("*") || rnd.nextInt(5) == 0 ? pick(rnd, METHODS) : route.method();
        String path = fill(route.path(), rnd);
        if (rnd.nextInt(6) == 0) {
            path += pick(rnd, new String[] {"?days=90", "?tz=Nowhere/Else", "?days=-1", "?fleet=&number=x", "?" + "q=1&".repeat(200),
                    "?since=2026-13-45", "?limit=999999999999", "?%zz"});
        }
        String body = body(rnd, route);
        StringBuilder head = new StringBuilder();
        String version = rnd.nextInt(25) == 0 ? pick(rnd, new String[] {"HTTP/1.0", "HTTP/2.0", "HTTP/1.2", "HTTP/x"}) : "HTTP/1.1";
        head.append(method).append(' ').append(path).append(' ').append(version).append("\r\n");
        if (rnd.nextInt(30) != 0) {
            head.append("Host: 127.0.0.1\r\n");
        }
        String token = pick(rnd, TOKENS);
        if (token != null) {
            head.append("Authorization: ").append(rnd.nextInt(4) == 0 ? "" : "Bearer ").append(token).append("\r\n");
        }
        if (body != null || rnd.nextInt(4) == 0) {
            head.append("Content-Type: ").append(pick(rnd, CONTENT_TYPES)).append("\r\n");
        }
        for (int i = rnd.nextInt(3); i > 0; i--) { // odd headers
            head.append(pick(rnd, new String[] {"X-Long: " + "v".repeat(rnd.nextInt(20_000)), "Origin: http://evil.example",
                    "Accept-Encoding: gzip", "If-None-Match: \"x\"", "Cookie: wp_session=" + "a".repeat(64), "Expect: 100-continue",
                    "Connection: keep-alive", "Range: bytes=0-1", "X-Forwarded-For: 1.2.3.4", "Accept: */*"})).append("\r\n");
        }
        byte[] bodyBytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        int framing = rnd.nextInt(20);
        byte[] payload = bodyBytes;
        switch (framing) {
            case 0 -> { // chunked, valid
                head.append("Transfer-Encoding: chunked\r\n");
                payload = chunked(bodyBytes, rnd);
            }
            case 1 -> { // chunked, broken
                head.append("Transfer-Encoding: chunked\r\n");
                payload = pick(rnd, new String[] {"zz\r\nabc\r\n0\r\n\r\n", "5;ext=1\r\nhello\r\n0\r\n\r\n", "-1\r\n\r\n",
                        "ffffffffffffffff\r\nx\r\n", "3\r\nabcdef\r\n0\r\n\r\n", "0\r\n", "\r\n\r\n"}).getBytes(StandardCharsets.US_ASCII);
            }
            case 2 -> { // ambiguous framing
                head.append(pick(rnd, new String[] {"Content-Length: " + bodyBytes.length + "\r\nTransfer-Encoding: chunked\r\n",
                        "Content-Length: " + bodyBytes.length + "\r\nContent-Length: " + (bodyBytes.length + 1) + "\r\n",
                        "Content-Length: +" + bodyBytes.length + "\r\n", "Transfer-Encoding: xchunked\r\n",
                        "Content-Length: -1\r\n", "Content-Length: 99999999999999999999\r\n", "Transfer-Encoding: gzip, chunked\r\n"}));
            }
            case 3 -> // declared longer than sent: the client half-closes, the body ends early
                    head.append("Content-Length: ").append(bodyBytes.length + 1 + rnd.nextInt(1000)).append("\r\n");
            case 4 -> { // oversized
                head.append("Content-Length: ").append(300_000).append("\r\n");
                payload = new byte[300_000];
                java.util.Arrays.fill(payload, (byte) '[');
            }
            default -> {
                if (bodyBytes.length > 0 || method.equals("POST") || method.equals("PUT")) {
                    head.append("Content-Length: ").append(bodyBytes.length).append("\r\n");
                }
            }
        }
        if (rnd.nextInt(40) == 0) { // header garbage
            head.append(pick(rnd, new String[] {"Bad Header: x\r\n", ": empty\r\n", "X-Fold: a\r\n folded\r\n", "X-Nul: a\0b\r\n",
                    "X-Bin: \u00ff\u00fe\r\n"}));
        }
        head.append("Connection: close\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[headBytes.length + payload.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(payload, 0, all, headBytes.length, payload.length);
        String summary = method + " " + (path.length() > 80 ? path.substring(0, 80) + "..." : path) + " " + version
                + " framing=" + framing + " body=" + (body == null ? "none" : body.length() > 60 ? body.substring(0, 60) + "..." : body);
        return new Request(summary, all, path.startsWith("/api/"));
    }

    private static byte[] chunked(byte[] body, SplittableRandom rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < body.length) {
            int n = Math.min(body.length - i, 1 + rnd.nextInt(64));
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, i, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            i += n;
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static String fill(String pattern, SplittableRandom rnd) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < pattern.length()) {
            int open = pattern.indexOf('{', i);
            if (open < 0) {
                out.append(pattern, i, pattern.length());
                break;
            }
            out.append(pattern, i, open);
            int close = pattern.indexOf('}', open);
            out.append(pick(rnd, ID_PARTS).replace(" ", rnd.nextBoolean() ? "%20" : " "));
            i = close + 1;
        }
        return out.toString();
    }

    /** Null for no body. Shaped after what routes take (targets, channels, heartbeats) or garbage. */
    private static String body(SplittableRandom rnd, RouteTable.Route route) {
        return switch (rnd.nextInt(16)) {
            case 0 -> null;
            case 1 -> "";
            case 2 -> "{}";
            case 3 -> "[]";
            case 4 -> "{\"id\":\"" + pick(rnd, ID_PARTS) + "\",\"push\":{\"every\":\"" + pick(rnd, new String[] {"30s", "0s", "-1s", "1y", "x", ""}) + "\"}}";
            case 5 -> "{\"id\":\"fuzz/http\",\"http\":{\"url\":\"" + pick(rnd, new String[] {"http://127.0.0.1:9/", "http://127.0.0.1:99999/",
                    "ftp://127.0.0.1/", "http://user:pw@127.0.0.1:1/", "not a url", "http://[::1/"}) + "\",\"every\":\"1h\"}}";
            case 6 -> "{\"id\":\"c\",\"" + pick(rnd, new String[] {"slack", "webhook", "ntfy", "email", "pagerduty"})
                    + "\":{\"url\":\"http://127.0.0.1:1/x\",\"webhook\":\"http://127.0.0.1:99999/\",\"topic\":\"t\"}}";
            case 7 -> "{\"state\":\"" + pick(rnd, new String[] {"online", "down", "degraded", "ONLINE", "", "nope"}) + "\",\"latency_ms\":"
                    + pick(rnd, new String[] {"12", "-1", "1e400", "NaN", "\"x\"", "null", "99999999999999999999999"}) + "}";
            case 8 -> "[" + "{\"target\":\"main/0\",\"state\":\"online\"},".repeat(rnd.nextInt(50)) + "{\"target\":\"x\"}]";
            case 9 -> "[".repeat(2000 + rnd.nextInt(5000)) + "]".repeat(rnd.nextInt(2));
            case 10 -> "{\"a\":1,\"a\":2}";
            case 11 -> "{\"s\":\"\\ud800\",\"t\":\"\u0000\u0001\",\"u\":\"" + "é".repeat(100) + "\"}";
            case 12 -> "{\"id\":" + pick(rnd, new String[] {"1", "null", "true", "[]", "{}", "\"" + "x".repeat(10_000) + "\""}) + "}";
            case 13 -> "status=down&message=" + "m".repeat(rnd.nextInt(500)) + "&level=" + pick(rnd, new String[] {"NORMAL", "x", ""});
            case 14 -> "{\"title\":\"t\",\"ends_at\":\"" + pick(rnd, new String[] {"2026-11-23T14:00:00Z", "yesterday", "9999-99-99"}) + "\"}";
            default -> "{\"truncated\":";
        };
    }

    private static <T> T pick(SplittableRandom rnd, T[] from) {
        return from[rnd.nextInt(from.length)];
    }

    // ------------------------------------------------------------------ exchange

    private void exchange(Request r) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(TIMEOUT_MS);
            OutputStream out = s.getOutputStream();
            try {
                out.write(r.bytes());
                out.flush();
                s.shutdownOutput(); // nothing more comes: a body shorter than its length ends here
            } catch (IOException writeFailed) {
                // the server answered early and closed (an oversized body): read what it said
            }
            InputStream in = s.getInputStream();
            byte[] answer = readAnswer(in);
            if (answer.length == 0) {
                closedWithoutAnswer.increment();
                return;
            }
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            int status = status(text);
            if (status < 100 || status > 599) {
                closedWithoutAnswer.increment();
                return;
            }
            byClass[status >= 500 && protocolAnswer(status, r) ? 4 : status / 100].increment();
            byStatus.computeIfAbsent(status, k -> new LongAdder()).increment();
            if (status >= 500 && !protocolAnswer(status, r)) {
                serverErrors.add(status + " for " + r.summary());
            } else if (status >= 400 && r.api() && !text.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json")
                    && !r.summary().startsWith("HEAD")) {
                notJson4xx.increment();
                if (notJsonExamples.size() < 3) {
                    notJsonExamples.add(status + " for " + r.summary());
                }
            }
        } catch (SocketTimeoutException e) {
            hangs.add(r.summary());
        } catch (IOException e) {
            closedWithoutAnswer.increment();
        }
    }

    /**
     * The two 5xx answers HTTP prescribes for a client's request, counted with the client errors:
     * 505 for a major version other than 1 (HTTP/2.0 spoken as text; a later 1.x such as HTTP/1.2 is
     * served as 1.1), 501 for a transfer coding the server does not implement ({@code Transfer-Encoding: gzip, chunked}).
     */
    private static boolean protocolAnswer(int status, Request r) {
        boolean otherVersion = !(r.summary().contains(" HTTP/1.1 ") || r.summary().contains(" HTTP/1.0 ")
                || r.summary().contains(" HTTP/1.2 "));
        return (status == 505 && otherVersion) || (status == 501 && r.summary().contains(" framing=2 "));
    }

    /**
     * Reads the answer up to the end of its headers (past interim 100 Continue answers), at most
     * 64 KiB: the status and Content-Type are what is judged, and a stream's body never ends.
     */
    private static byte[] readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] b = new byte[8192];
        int n;
        try {
            while (buf.size() < 65_536 && (n = in.read(b)) > 0) {
                buf.write(b, 0, n);
                String sofar = buf.toString(StandardCharsets.ISO_8859_1);
                int end = sofar.lastIndexOf("\r\n\r\n");
                if (end >= 0 && !sofar.substring(sofar.lastIndexOf("HTTP/1.", end) < 0 ? 0 : sofar.lastIndexOf("HTTP/1.", end)).startsWith("HTTP/1.1 100")) {
                    break;
                }
            }
        } catch (java.net.SocketException reset) {
            // answered, then reset because we still had bytes in flight: keep what arrived
        }
        return buf.toByteArray();
    }

    private static int status(String answer) {
        // skip interim 100 Continue answers
        String rest = answer;
        while (rest.startsWith("HTTP/1.1 100")) {
            int end = rest.indexOf("\r\n\r\n");
            if (end < 0) {
                return 100;
            }
            rest = rest.substring(end + 4);
        }
        if (!rest.startsWith("HTTP/")) {
            return -1;
        }
        try {
            return Integer.parseInt(rest.substring(9, 12));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private boolean healthy() {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return status(new String(readAnswer(s.getInputStream()), StandardCharsets.ISO_8859_1)) == 200;
        } catch (IOException e) {
            return false;
        }
    }
}
