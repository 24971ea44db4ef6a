import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Floods a Watchpost server with idle connections, slow request headers and slow request bodies, one
 * phase after the other, while a second client asks {@code /healthz} four times a second; then closes
 * everything and times how long {@code /healthz} takes to answer 200 again. Run by scripts/flood.sh
 * (see there); prints one block per phase.
 *
 * <p>Usage: java scripts/Flood.java URL CONNECTIONS SLOW HOLD_SECONDS [INGEST_TOKEN]
 */
public class Flood {

    static InetSocketAddress target;
    /** The flood's and the health checker's own addresses: on loopback, two of them. */
    static InetAddress floodFrom;
    static InetAddress healthFrom;
    static volatile String phase = "start";
    static final Map<String, Map<String, AtomicInteger>> health = new ConcurrentHashMap<>();
    static final Map<String, AtomicLong> healthMaxMs = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        int connections = Integer.parseInt(args[1]);
        int slow = Integer.parseInt(args[2]);
        int hold = Integer.parseInt(args[3]);
        String token = args.length > 4 ? args[4] : "";
        target = new InetSocketAddress(url.getHost(), url.getPort() < 0 ? 80 : url.getPort());
        boolean loopback = target.getAddress().isLoopbackAddress();
        floodFrom = loopback ? InetAddress.getByName("127.0.0.1") : null;
        healthFrom = loopback ? InetAddress.getByName("127.0.0.2") : null;

        Thread checker = Thread.ofPlatform().daemon().start(Flood::checkHealth);
        Thread.sleep(1000);

        run("idle", connections, hold, s -> { });
        run("slow headers", slow, hold, s -> trickle(s, "GET /healthz HTTP/1.1\r\nHost: flood\r\nX-Slow: ", null));
        String auth = token.isEmpty() ? "" : "Authorization: Bearer " + token + "\r\n";
        run("slow body", slow, hold, s -> trickle(s, "POST /api/v1/heartbeats HTTP/1.1\r\nHost: flood\r\n" + auth
                + "Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n", "["));

        phase = "recovery";
        long start = System.nanoTime();
        long recovered = -1;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
            if (healthz().equals("200")) {
                recovered = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                break;
            }
            Thread.sleep(100);
        }
        checker.interrupt();
        System.out.println("== recovery: /healthz answered 200 " + (recovered < 0 ? "NOT within 60 s" : recovered + " ms")
                + " after the last flood connection closed");
        System.exit(recovered < 0 ? 1 : 0);
    }

    interface Behaviour {
        void drive(Socket s) throws IOException, InterruptedException;
    }

    /** Opens n connections that behave so, holds them for {@code hold} seconds, reports, closes them. */
    static void run(String name, int n, int hold, Behaviour behaviour) throws Exception {
        phase = name;
        List<Socket> open = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger connected = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        List<Long> cutAfterMs = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            java.util.concurrent.Semaphore connecting = new java.util.concurrent.Semaphore(64);
            for (int i = 0; i < n; i++) {
                connecting.acquire();
                pool.submit(() -> {
                    Socket s = new Socket();
                    try {
                        if (floodFrom != null) {
                            s.bind(new InetSocketAddress(floodFrom, 0));
                        }
                        s.connect(target, 3000);
                        connected.incrementAndGet();
                        open.add(s);
                    } catch (IOException e) {
                        failed.incrementAndGet();
                        close(s);
                        return;
                    } finally {
                        connecting.release();
                    }
                    long opened = System.nanoTime();
                    Thread.ofVirtual().start(() -> {
                        try {
                            behaviour.drive(s);
                        } catch (IOException | InterruptedException e) {
                            // the server closed or reset: the reader below tells which
                        }
                    });
                    // What the server did with the connection: its first bytes, or its closing.
                    String outcome;
                    try {
                        InputStream in = s.getInputStream();
                        byte[] first = new byte[12];
                        int r = in.readNBytes(first, 0, 12);
                        outcome = r <= 0 ? "closed by the server" : "answered " + new String(first, 9, Math.max(0, Math.min(3, r - 9)),
                                StandardCharsets.US_ASCII);
                    } catch (IOException e) {
                        outcome = s.isClosed() ? null : "reset by the server";
                    }
                    if (outcome != null) {
                        outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                        cutAfterMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened));
                    }
                });
            }
            long openedAll = System.nanoTime();
            Thread.sleep(Math.max(0, hold * 1000L - TimeUnit.NANOSECONDS.toMillis(openedAll - start)));
            int cut = outcomes.values().stream().mapToInt(AtomicInteger::get).sum();
            List<Long> times = new ArrayList<>(cutAfterMs);
            Collections.sort(times);
            System.out.println("== " + name + ": " + n + " connections, held " + hold + " s");
            System.out.println("opened " + connected.get() + ", could not connect " + failed.get()
                    + ", still open at the end " + (connected.get() - cut));
            outcomes.forEach((k, v) -> System.out.println("  " + k + ": " + v.get()));
            if (!times.isEmpty()) {
                System.out.println("  ended by the server after: median " + times.get(times.size() / 2) + " ms, max "
                        + times.get(times.size() - 1) + " ms");
            }
            printHealth(name);
            synchronized (open) {
                open.forEach(Flood::close);
            }
            pool.shutdownNow();
        }
        Thread.sleep(2000); // let the server notice the closes before the next phase
    }

    /** Sends the head, then one byte a second, for as long as the connection lasts. */
    static void trickle(Socket s, String head, String bodyStart) throws IOException, InterruptedException {
        var out = s.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        if (bodyStart != null) {
            out.write(bodyStart.getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
        while (!s.isClosed()) {
            Thread.sleep(1000);
            out.write(bodyStart != null ? ' ' : 'a');
            out.flush();
        }
    }

    static void checkHealth() {
        while (!Thread.currentThread().isInterrupted()) {
            long t = System.nanoTime();
            String outcome = healthz();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
            String p = phase;
            health.computeIfAbsent(p, k -> new ConcurrentHashMap<>()).computeIfAbsent(outcome, k -> new AtomicInteger())
                    .incrementAndGet();
            healthMaxMs.computeIfAbsent(p, k -> new AtomicLong()).accumulateAndGet(ms, Math::max);
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static void printHealth(String p) {
        Map<String, AtomicInteger> h = health.getOrDefault(p, Map.of());
        System.out.println("  /healthz meanwhile: " + h + " (max " + healthMaxMs.getOrDefault(p, new AtomicLong()).get()
                + " ms)");
    }

    /** One GET /healthz on a fresh connection: its status, or what went wrong. */
    static String healthz() {
        try (Socket s = new Socket()) {
            if (healthFrom != null) {
                s.bind(new InetSocketAddress(healthFrom, 0));
            }
            s.connect(target, 2000);
            s.setSoTimeout(2000);
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: flood\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            byte[] buf = new byte[12];
            int r = s.getInputStream().readNBytes(buf, 0, 12);
            b.write(buf, 0, r);
            String head = b.toString(StandardCharsets.US_ASCII);
            return head.length() >= 12 ? head.substring(9, 12) : "no answer";
        } catch (SocketTimeoutException e) {
            return "timeout";
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
    }

    static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
