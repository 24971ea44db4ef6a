package dev.watchpost.bench;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The probe benchmark's two halves (bench/probes.sh runs them around a real server process):
 * <ul>
 *   <li>{@code backend PORT DELAY_MS}: an HTTP server on 127.0.0.1 that answers every request with
 *       200 "ok" after DELAY_MS, one virtual thread per request;</li>
 *   <li>{@code measure PID PORT TARGETS SECONDS RATE}: over SECONDS, reads the server's probe-start
 *       drift histogram and probe counters from two scrapes of /metrics, its CPU time from
 *       /proc/PID/stat, and meanwhile calls {@code GET /api/v1/targets/probe/N} RATE times a second,
 *       recording each call's latency.</li>
 * </ul>
 */
public final class ProbeBench {

    private static final Pattern BUCKET = Pattern.compile(
            "^watchpost_probe_start_drift_seconds_bucket\\{[^}]*le=\"([^\"]+)\"} ([0-9.eE+-]+)$", Pattern.MULTILINE);
    private static final Pattern PROBES = Pattern.compile(
            "^watchpost_probes_total\\{[^}]*outcome=\"([a-z]+)\"} ([0-9.eE+-]+)$", Pattern.MULTILINE);
    private static final Pattern SKIPPED = Pattern.compile("^watchpost_probes_skipped_total(?:\\{[^}]*})? ([0-9.eE+-]+)$", Pattern.MULTILINE);

    private ProbeBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "backend" -> backend(Integer.parseInt(args[1]), Long.parseLong(args[2]));
            case "measure" -> measure(Long.parseLong(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("usage: backend PORT DELAY_MS | measure PID PORT TARGETS SECONDS RATE");
        }
    }

    private static void backend(int port, long delayMs) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
        s.createContext("/", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                in.readAllBytes();
                Thread.sleep(delayMs);
                ex.getResponseHeaders().set("Content-Type", "text/plain");
                ex.sendResponseHeaders(200, ok.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(ok);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        s.start();
        System.out.println("backend listening on 127.0.0.1:" + port + ", answering after " + delayMs + " ms");
    }

    private static void measure(long pid, int port, int targets, int seconds, int rate) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + port;
        String before = get(client, base + "/metrics");
        long cpuBefore = cpuTicks(pid);
        long t0 = System.nanoTime();

        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
        long periodNanos = 1_000_000_000L / rate;
        pacer.scheduleAtFixedRate(() -> calls.execute(() -> {
            int n = ThreadLocalRandom.current().nextInt(targets);
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/targets/probe/" + n)).build();
            long s = System.nanoTime();
            try {
                HttpResponse<Void> r = client.send(req, HttpResponse.BodyHandlers.discarding());
                latencies.add(System.nanoTime() - s);
                if (r.statusCode() != 200) {
                    failures.add("status " + r.statusCode());
                }
            } catch (IOException | InterruptedException e) {
                failures.add(e.toString());
            }
        }), 0, periodNanos, TimeUnit.NANOSECONDS);
        Thread.sleep(seconds * 1000L);
        pacer.shutdownNow();
        calls.shutdown();
        calls.awaitTermination(10, TimeUnit.SECONDS);

        long elapsedNanos = System.nanoTime() - t0;
        long cpuAfter = cpuTicks(pid);
        String after = get(client, base + "/metrics");
        double wall = elapsedNanos / 1e9;
        double cores = (cpuAfter - cpuBefore) / 100.0 / wall; // USER_HZ is 100 on Linux

        Map<Double, Double> b0 = buckets(before);
        Map<Double, Double> b1 = buckets(after);
        Map<Double, Double> window = new TreeMap<>();
        b1.forEach((le, c) -> window.put(le, c - b0.getOrDefault(le, 0.0)));
        double started = window.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        Map<String, Double> p0 = counters(PROBES, before);
        Map<String, Double> p1 = counters(PROBES, after);
        double runs = 0;
        StringBuilder outcomes = new StringBuilder();
        for (var e : p1.entrySet()) {
            double d = e.getValue() - p0.getOrDefault(e.getKey(), 0.0);
            runs += d;
            outcomes.append(' ').append(e.getKey()).append('=').append((long) d);
        }
        double skipped = single(SKIPPED, after) - single(SKIPPED, before);

        long[] lat = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("window: %.1f s, %d targets%n", wall, targets);
        System.out.printf("probes: %.0f runs (%.1f/s, expected %.1f/s);%s; skipped slots %.0f%n",
                runs, runs / wall, targets / 30.0, outcomes, skipped);
        System.out.printf("start drift: p50 <= %s, p99 <= %s, p99.9 <= %s, max bucket %s (of %.0f starts)%n",
                quantile(window, started, 0.50), quantile(window, started, 0.99), quantile(window, started, 0.999),
                quantile(window, started, 1.0), started);
        System.out.printf("server CPU: %.2f cores (%.1f s of CPU in %.1f s)%n", cores, (cpuAfter - cpuBefore) / 100.0, wall);
        if (lat.length > 0) {
            System.out.printf("API GET /api/v1/targets/{id} at %d/s: %d calls, p50 %.1f ms, p99 %.1f ms, max %.1f ms, failures %d%n",
                    rate, lat.length, pct(lat, 0.50), pct(lat, 0.99), lat[lat.length - 1] / 1e6, failures.size());
        }
        failures.stream().distinct().limit(5).forEach(f -> System.out.println("  failure: " + f));
        System.exit(0);
    }

    /** The upper edge of the bucket holding quantile q, as text ("≤ 100 ms"). */
    static String quantile(Map<Double, Double> cumulative, double total, double q) {
        double rank = Math.ceil(q * total);
        for (var e : cumulative.entrySet()) {
            if (e.getValue() >= rank) {
                return e.getKey().isInfinite() ? "> 30 s" : Math.round(e.getKey() * 1000) + " ms";
            }
        }
        return "n/a";
    }

    static double pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    static Map<Double, Double> buckets(String metrics) {
        Map<Double, Double> out = new TreeMap<>();
        Matcher m = BUCKET.matcher(metrics);
        while (m.find()) {
            double le = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
            out.put(le, Double.parseDouble(m.group(2)));
        }
        return out;
    }

    static Map<String, Double> counters(Pattern p, String metrics) {
        Map<String, Double> out = new TreeMap<>();
        Matcher m = p.matcher(metrics);
        while (m.find()) {
            out.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return out;
    }

    private static double single(Pattern p, String metrics) {
        Matcher m = p.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static String get(HttpClient client, String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** utime + stime of the process, in clock ticks. */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
