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
 * {@code /api/v1/stream} (one virtual thread each, java.net.http), waits until every one has its
 * snapshot, then {@code rounds} times posts a heartbeat that flips {@code target} between online and
 * offline and records, per viewer, when its {@code transition} event for that change arrived,
 * measured from just before the POST. Reports connect time and p50 / p99 / max of arrival over
 * all viewers and rounds.
 *
 * <p>Usage: {@code StreamBench <base-url> <ingest-token> <viewers> <rounds> <target>}
 */
public final class StreamBench {

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        int viewers = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        String target = args[4];
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
                HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/stream"))
                        .header("Accept", "text/event-stream").GET().build();
                boolean counted = false;
                try {
                    HttpResponse<InputStream> res = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8), 1 << 16)) {
                        String event = null;
                        String line;
                        while ((line = in.readLine()) != null) {
                            if (line.startsWith("event:")) {
                                event = line.substring(6).trim();
                            } else if (line.startsWith("data:")) {
                                if ("snapshot".equals(event) && !counted) {
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
                    failed.incrementAndGet();
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
        System.out.printf(Locale.ROOT, "%d viewers connected and had their snapshot after %.0f ms (%d failed)%n",
                viewers, connectMs, failed.get());

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
            Thread.sleep(300); // let the stream settle between changes
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

}
