package dev.watchpost.bench;

import com.sun.net.httpserver.HttpServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The remote-prober half of bench/probes.sh ({@code PROBERS=3}): several {@code watchpost prober}
 * processes check every target, and the server only receives and decides.
 * <ul>
 *   <li>{@code backend PORT DELAY_MS}: an HTTP server on 127.0.0.1 answering after DELAY_MS. It tells
 *       the locations apart by the {@code User-Agent} a prober sends ({@code (location p1)}), and
 *       {@code POST /control/fail?locations=p1,p2&below=N} makes {@code /health/i} with i &lt; N answer
 *       503 to those locations from then on. It keeps, per target and location, when it answered
 *       503 ({@code GET /control/answered503}: a line "id location epoch-ms" per 503 answered).</li>
 *   <li>{@code measure SERVER_PID PROBER_PIDS PORT BACKEND_PORT TARGETS SECONDS FAIL_LOCATIONS FAIL}:
 *       over SECONDS, the server's CPU and the results it took (its
 *       {@code watchpost_probe_location_results_total}), the probers' CPU and memory; then it fails
 *       FAIL targets for FAIL_LOCATIONS (as many as the quorum needs) and, listening to the server's
 *       live stream, times each target's change to down from the moment its k-th disagreeing
 *       location got its 503 answer (the latest of those locations' 503 answers before the change).</li>
 * </ul>
 */
public final class RemoteProbeBench {

    private static final Pattern LOCATION = Pattern.compile("\\(location ([a-z0-9-]+)\\)");
    private static final Pattern RESULTS = Pattern.compile(
            "^watchpost_probe_location_results_total\\{[^}]*fate=\"([a-z_]+)\"} ([0-9.eE+-]+)$", Pattern.MULTILINE);
    private static final Pattern TRANSITION = Pattern.compile("\"target\":\"(probe/\\d+)\",\"from\":\"[a-z]+\",\"to\":\"([a-z]+)\"");

    private RemoteProbeBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "backend" -> backend(Integer.parseInt(args[1]), Long.parseLong(args[2]));
            case "measure" -> measure(Long.parseLong(args[1]), args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]), Integer.parseInt(args[6]), args[7], Integer.parseInt(args[8]));
            default -> throw new IllegalArgumentException("usage: backend PORT DELAY_MS | measure SERVER_PID PROBER_PIDS PORT "
                    + "BACKEND_PORT TARGETS SECONDS FAIL_LOCATIONS FAIL");
        }
    }

    // ------------------------------------------------------------------ the backend

    private static void backend(int port, long delayMs) throws IOException {
        Map<String, Integer> failBelow = new ConcurrentHashMap<>(); // location -> targets below this index fail
        Map<String, List<Long>> answered503 = new ConcurrentHashMap<>(); // "id location" -> epoch ms of each 503
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
        byte[] failing = "failing on purpose".getBytes(StandardCharsets.UTF_8);
        s.createContext("/health/", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                in.readAllBytes();
                Thread.sleep(delayMs);
                Matcher m = LOCATION.matcher(String.valueOf(ex.getRequestHeaders().getFirst("User-Agent")));
                String location = m.find() ? m.group(1) : "local";
                int index = Integer.parseInt(ex.getRequestURI().getPath().substring("/health/".length()));
                boolean fail = index < failBelow.getOrDefault(location, 0);
                byte[] body = fail ? failing : ok;
                ex.getResponseHeaders().set("Content-Type", "text/plain");
                ex.sendResponseHeaders(fail ? 503 : 200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
                if (fail) {
                    answered503.computeIfAbsent("probe/" + index + " " + location, x -> new java.util.concurrent.CopyOnWriteArrayList<>())
                            .add(System.currentTimeMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (NumberFormatException e) {
                ex.sendResponseHeaders(404, -1);
                ex.close();
            }
        });
        s.createContext("/control/fail", ex -> {
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            int below = Integer.parseInt(q.getOrDefault("below", "0"));
            for (String l : q.getOrDefault("locations", "").split(",")) {
                if (!l.isBlank()) {
                    failBelow.put(l, below);
                }
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        s.createContext("/control/answered503", ex -> {
            StringBuilder out = new StringBuilder();
            answered503.forEach((k, times) -> times.forEach(t -> out.append(k).append(' ').append(t).append('\n')));
            byte[] body = out.toString().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        s.start();
        System.out.println("backend listening on 127.0.0.1:" + port + ", answering after " + delayMs + " ms, by location");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new ConcurrentHashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    out.put(kv.substring(0, eq), java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ the measurement

    private static void measure(long serverPid, String proberPids, int port, int backendPort, int targets, int seconds,
                                String failLocations, int fail) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + port;
        long[] probers = Arrays.stream(proberPids.split(",")).mapToLong(Long::parseLong).toArray();

        String before = ProbeBench.get(client, base + "/metrics");
        long serverBefore = ProbeBench.cpuTicks(serverPid);
        long[] proberBefore = new long[probers.length];
        for (int i = 0; i < probers.length; i++) {
            proberBefore[i] = ProbeBench.cpuTicks(probers[i]);
        }
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        double wall = (System.nanoTime() - t0) / 1e9;
        long serverAfter = ProbeBench.cpuTicks(serverPid);
        String after = ProbeBench.get(client, base + "/metrics");

        Map<String, Double> r0 = ProbeBench.counters(RESULTS, before);
        Map<String, Double> r1 = ProbeBench.counters(RESULTS, after);
        double results = 0;
        StringBuilder fates = new StringBuilder();
        for (var e : r1.entrySet()) {
            double d = e.getValue() - r0.getOrDefault(e.getKey(), 0.0);
            results += d;
            fates.append(' ').append(e.getKey()).append('=').append((long) d);
        }
        System.out.printf("window: %.1f s, %d targets x %d locations%n", wall, targets, probers.length);
        System.out.printf("results received: %.0f (%.0f/s, expected %.0f/s);%s%n", results, results / wall,
                targets * probers.length / 30.0, fates);
        double serverCpu = (serverAfter - serverBefore) / 100.0;
        System.out.printf("server CPU: %.2f cores (%.1f s of CPU in %.1f s), %.1f ms of CPU per 1,000 results%n",
                serverCpu / wall, serverCpu, wall, results == 0 ? 0 : serverCpu * 1000 / results * 1000);
        for (int i = 0; i < probers.length; i++) {
            double cpu = (ProbeBench.cpuTicks(probers[i]) - proberBefore[i]) / 100.0;
            System.out.printf("prober %d: CPU %.2f cores (%.1f s in %.1f s), RSS %s%n", i + 1, cpu / wall, cpu, wall, rss(probers[i]));
        }

        // The change: FAIL targets fail for FAIL_LOCATIONS from now on.
        Set<String> failing = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < fail; i++) {
            failing.add("probe/" + i);
        }
        Map<String, Long> downAt = new ConcurrentHashMap<>();
        HttpRequest streamReq = HttpRequest.newBuilder(URI.create(base + "/api/v1/stream")).header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> stream = client.send(streamReq, HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.startsWith("data:")) {
                        continue;
                    }
                    long now = System.currentTimeMillis();
                    Matcher m = TRANSITION.matcher(line);
                    while (m.find()) {
                        if (m.group(2).equals("down") && failing.contains(m.group(1))) {
                            downAt.putIfAbsent(m.group(1), now);
                        }
                    }
                }
            } catch (IOException e) {
                // closed at the end
            }
        });
        Thread.sleep(500); // the stream is open before anything fails
        long failedAt = System.currentTimeMillis();
        client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + backendPort + "/control/fail?below=" + fail
                + "&locations=" + failLocations)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        long deadline = System.currentTimeMillis() + 75_000; // two intervals and a half: every target's next round
        while (downAt.size() < fail && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        String latest = ProbeBench.get(client, "http://127.0.0.1:" + backendPort + "/control/answered503");
        reader.interrupt();
        stream.body().close();

        // Per target, each failing location's latest 503 before the change; the k-th of them is the latest.
        Map<String, Map<String, Long>> answers = new ConcurrentHashMap<>();
        for (String line : latest.split("\n")) {
            String[] f = line.split(" ");
            if (f.length == 3) {
                long t = Long.parseLong(f[2]);
                Long down = downAt.get(f[0]);
                if (down != null && t <= down) {
                    answers.computeIfAbsent(f[0], x -> new ConcurrentHashMap<>()).merge(f[1], t, Math::max);
                }
            }
        }
        int k = failLocations.split(",").length;
        List<Long> lags = new ArrayList<>();
        for (var e : downAt.entrySet()) {
            Map<String, Long> byLocation = answers.getOrDefault(e.getKey(), Map.of());
            if (byLocation.size() >= k) {
                lags.add(e.getValue() - java.util.Collections.max(byLocation.values())); // the k-th disagreeing answer
            }
        }
        long[] sorted = lags.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("change: %d targets fail for %s (%d of %d locations); %d went down within %.0f s%n", fail, failLocations,
                k, probers.length, downAt.size(), (System.currentTimeMillis() - failedAt) / 1000.0);
        if (sorted.length > 0) {
            System.out.printf("k-th disagreeing answer -> change on the live stream: p50 %d ms, p99 %d ms, max %d ms (%d timed)%n",
                    sorted[sorted.length / 2], sorted[Math.min(sorted.length - 1, (int) Math.ceil(0.99 * sorted.length) - 1)],
                    sorted[sorted.length - 1], sorted.length);
        }
        System.out.printf("server RSS: %s%n", rss(serverPid));
        System.exit(0);
    }

    private static String rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Math.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0) + " MB";
                }
            }
        } catch (IOException e) {
            return "n/a";
        }
        return "n/a";
    }
}
