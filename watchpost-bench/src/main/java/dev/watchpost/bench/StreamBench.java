package dev.watchpost.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How long a state change takes to reach many live viewers: opens {@code viewers} connections to
 * {@code /api/v1/stream} (one virtual thread and one plain socket each: java.net.http's one selector
 * thread, not the server, limited how fast ten thousand could connect), waits until every one is live
 * (has its snapshot, or its {@code resumed} event when it connects as a status page does, with the
 * snapshot version the page was rendered from), then {@code rounds} times posts a heartbeat that
 * flips {@code target} between online and offline and records, per viewer, when its
 * {@code transition} event for that change arrived, measured from just before the POST. Reports
 * connect time and p50 / p99 / max of arrival over all viewers and rounds. Prints "connected" when
 * every viewer is live, so a script can start other load then.
 *
 * <p>Usage: {@code StreamBench <base-url> <ingest-token> <viewers> <rounds> <target> [since [pause-ms]]}:
 * {@code since} as the page's {@code data-since} ("-" for none: every viewer takes the snapshot);
 * {@code pause-ms} between changes (default 300).
 */
public final class StreamBench {

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        int viewers = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        String target = args[4];
        String since = args.length > 5 && !"-".equals(args[5]) ? args[5] : null;
        long pauseMs = args.length > 6 ? Long.parseLong(args[6]) : 300;
        String path = "/api/v1/stream" + (since == null ? "" : "?since=" + since);
        URI baseUri = URI.create(base);
        String host = baseUri.getHost();
        int port = baseUri.getPort();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();

        CountDownLatch ready = new CountDownLatch(viewers);
        // arrivals[round] collects each viewer's arrival time (System.nanoTime) of that round's change
        List<ConcurrentLinkedQueue<Long>> arrivals = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            arrivals.add(new ConcurrentLinkedQueue<>());
        }
        AtomicInteger round = new AtomicInteger(-1);
        AtomicInteger failed = new AtomicInteger();
        String needle = "\"target\":\"" + target + "\"";
        long t0 = System.nanoTime();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        for (int v = 0; v < viewers; v++) {
            threads.submit(() -> {
                boolean counted = false;
                try (java.net.Socket socket = new java.net.Socket(host, port)) {
                    socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                            + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(
                            Chunked.body(socket.getInputStream()), StandardCharsets.UTF_8), 1 << 12)) {
                        String event = null;
                        String line;
                        while ((line = in.readLine()) != null) {
                            if (line.startsWith("event:")) {
                                event = line.substring(6).trim();
                            } else if (line.startsWith("data:")) {
                                if (("snapshot".equals(event) || "resumed".equals(event)) && !counted) {
                                    counted = true;
                                    ready.countDown();
                                } else if ("transition".equals(event) && line.contains(needle)) {
                                    long now = System.nanoTime();
                                    int r = round.get();
                                    if (r >= 0) {
                                        arrivals.get(r).add(now);
                                    }
                                }
                            } else if (line.isEmpty()) {
                                event = null;
                            }
                        }
                    }
                } catch (Exception e) {
                    if (failed.incrementAndGet() == 1) {
                        System.err.println("first viewer failure: " + e);
                    }
                    if (!counted) {
                        ready.countDown();
                    }
                }
                return null;
            });
        }
        if (!ready.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("viewers did not all connect: " + ready.getCount() + " missing");
        }
        double connectMs = (System.nanoTime() - t0) / 1e6;
        System.out.printf(Locale.ROOT, "%d viewers connected and live (%s) after %.0f ms (%d failed)%n",
                viewers, since == null ? "each with the snapshot" : "resumed from the page's version", connectMs, failed.get());
        System.out.flush();

        List<Double> all = new ArrayList<>();
        int missing = 0;
        for (int r = 0; r < rounds; r++) {
            String state = r % 2 == 0 ? "offline" : "online";
            round.set(r);
            long sent = System.nanoTime();
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/heartbeat/" + target))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"state\":\"" + state + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (post.statusCode() != 204) {
                throw new IllegalStateException("heartbeat answered " + post.statusCode() + ": " + post.body());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (arrivals.get(r).size() < viewers - failed.get() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            List<Double> ms = arrivals.get(r).stream().map(t -> (t - sent) / 1e6).sorted().toList();
            missing += viewers - failed.get() - ms.size();
            all.addAll(ms);
            System.out.printf(Locale.ROOT, "round %2d (%s): %d arrivals, p50 %.1f ms, max %.1f ms%n", r + 1, state, ms.size(),
                    pct(ms, 0.5), ms.isEmpty() ? Double.NaN : ms.get(ms.size() - 1));
            Thread.sleep(pauseMs); // let the stream settle between changes
        }
        double[] sorted = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "change → viewer over %d arrivals (%d rounds × %d viewers, %d missing): "
                        + "p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", sorted.length, rounds, viewers, missing,
                pct(sorted, 0.5), pct(sorted, 0.99), sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]);
        threads.shutdownNow();
        System.exit(0);
    }

    private static double pct(List<Double> sorted, double q) {
        return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static double pct(double[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1))];
    }


    /** The body of an HTTP/1.1 response read from a socket: headers skipped, chunked framing removed. */
    static final class Chunked extends InputStream {
        private final InputStream in;
        private long left; // bytes left in the current chunk; -1 at the end

        private Chunked(InputStream in) {
            this.in = in;
        }

        static InputStream body(InputStream raw) throws java.io.IOException {
            InputStream in = new java.io.BufferedInputStream(raw, 1 << 12);
            String status = line(in);
            if (!status.startsWith("HTTP/1.1 200")) {
                throw new java.io.IOException("stream answered " + status);
            }
            boolean chunked = false;
            for (String h; !(h = line(in)).isEmpty(); ) {
                chunked |= h.toLowerCase(Locale.ROOT).startsWith("transfer-encoding:") && h.toLowerCase(Locale.ROOT).contains("chunked");
            }
            return chunked ? new Chunked(in) : in;
        }

        private static String line(InputStream in) throws java.io.IOException {
            StringBuilder b = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new java.io.EOFException("connection closed");
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }

        @Override
        public int read() throws java.io.IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws java.io.IOException {
            if (left < 0) {
                return -1;
            }
            if (left == 0) {
                String size = line(in);
                if (size.isEmpty()) {
                    size = line(in); // the CRLF that ends the previous chunk
                }
                left = Long.parseLong(size.split(";", 2)[0].trim(), 16);
                if (left == 0) {
                    left = -1;
                    return -1;
                }
            }
            int n = in.read(buf, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new java.io.EOFException("connection closed in a chunk");
            }
            left -= n;
            return n;
        }
    }
}
