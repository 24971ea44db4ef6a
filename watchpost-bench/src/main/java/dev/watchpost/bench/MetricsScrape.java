package dev.watchpost.bench;

import dev.watchpost.app.Watchpost;
import dev.watchpost.config.ConfigLoader;
import dev.watchpost.live.Observation;
import dev.watchpost.live.State;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cost of a Prometheus scrape with many targets: a real server (SQLite, port 0) with one
 * sharded group of {@code targets} shards, every shard reported online with a latency, then
 * {@code curl} of {@code /metrics}, {@code /metrics/targets} and {@code /metrics/targets} with gzip,
 * {@code runs} times each: wall time and size as curl reports them, and the server's CPU time and
 * allocation per scrape (this process is the server; curl is another process).
 * Usage: {@code java -Xmx4g -cp ... dev.watchpost.bench.MetricsScrape [targets] [runs]}
 */
public final class MetricsScrape {

    private MetricsScrape() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path dir = Files.createTempDirectory("watchpost-scrape");
        dev.watchpost.app.Logging.configure("warn");
        Map<String, String> env = Map.of("WATCHPOST_PORT", "0", "WATCHPOST_DATA", dir.resolve("data").toString(),
                "WATCHPOST_READ_TOKEN", "read-token-for-bench-000001", "GLANCE_BOTS", "bench:" + n);
        try (Watchpost app = Watchpost.start(ConfigLoader.load(Optional.empty(), env, false), Clock.systemUTC())) {
            long t0 = System.nanoTime();
            int[] i = {0};
            app.live().snapshot().forEachTarget(v -> app.live().observe(v.id(),
                    new Observation(Observation.Kind.REPORT, State.ONLINE, null, 20 + (i[0]++ % 80) * 0.5, null)));
            System.out.printf("%,d targets reported in %d ms%n", i[0], (System.nanoTime() - t0) / 1_000_000);
            // The first reports' transitions are written in the background: wait, so that their
            // CPU and garbage are not counted against the scrapes.
            long drain = System.nanoTime();
            while (app.live().pendingWrites().transitions() > 0 && System.nanoTime() - drain < 120_000_000_000L) {
                Thread.sleep(200);
            }
            Thread.sleep(1500); // the snapshot thread builds the view the scrape reads; history flushes
            System.out.printf("their transitions written in %d ms%n", (System.nanoTime() - drain) / 1_000_000);
            String base = "http://127.0.0.1:" + app.port();
            for (String[] c : List.of(new String[]{"/metrics", ""}, new String[]{"/metrics/targets", ""},
                    new String[]{"/metrics/targets", "gzip"})) {
                scrape(base + c[0], c[1], runs);
            }
            System.out.printf("heap used after GC: %,d MB%n", usedHeapMb());
        }
    }

    private static void scrape(String url, String encoding, int runs) throws Exception {
        double[] wall = new double[runs];
        double[] cpu = new double[runs];
        double[] alloc = new double[runs];
        String size = "";
        for (int r = 0; r < runs; r++) {
            long c0 = cpuNanos();
            long a0 = allocatedBytes();
            List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-w",
                    "%{time_total} %{size_download}"));
            if (!encoding.isEmpty()) {
                cmd.addAll(List.of("-H", "Accept-Encoding: " + encoding));
            }
            cmd.add(url);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            String[] parts = out.split(" ");
            wall[r] = Double.parseDouble(parts[0]) * 1000;
            size = parts[1];
            cpu[r] = (cpuNanos() - c0) / 1e6;
            alloc[r] = (allocatedBytes() - a0) / 1e6;
        }
        java.util.Arrays.sort(wall);
        java.util.Arrays.sort(cpu);
        java.util.Arrays.sort(alloc);
        System.out.printf("%-18s %-5s size %,13d B   curl time_total median %,9.1f ms (min %,.1f)   server CPU median %,9.1f ms   "
                        + "allocated median %,8.1f MB%n", url.substring(url.indexOf("/metrics")),
                encoding.isEmpty() ? "plain" : encoding, Long.parseLong(size), wall[runs / 2], wall[0], cpu[runs / 2],
                alloc[runs / 2]);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }

    private static long usedHeapMb() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }
}
