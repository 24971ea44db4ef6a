package dev.watchpost.compat.argus;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on 127.0.0.1, port 0, answering {@code GET /api/v1/query} as Prometheus does:
 * for each {@link PrometheusSource.Query} the vector the test set (empty by default), and every range
 * query with an empty matrix. It can also
 * answer every query with an HTTP error, or hang until closed.
 */
final class FakePrometheus implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<PrometheusSource.Query, String> vectors = new ConcurrentHashMap<>();
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile int failWith;     // 0: answer normally
    private volatile boolean hang;

    FakePrometheus() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/api/v1/query", this::handle);
        // Range queries (a cluster's history) have no data here.
        server.createContext("/api/v1/query_range", ex -> {
            try (ex) {
                send(ex, 200, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}");
            }
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Samples of one query: {@code "cluster", value} pairs. */
    FakePrometheus set(PrometheusSource.Query q, Object... clusterValue) {
        List<String> samples = new ArrayList<>();
        for (int i = 0; i < clusterValue.length; i += 2) {
            samples.add(sample("\"cluster\":\"" + clusterValue[i] + "\"", clusterValue[i + 1]));
        }
        vectors.put(q, String.join(",", samples));
        return this;
    }

    /** Per-shard samples: {@code "cluster", shard, value} triples. */
    FakePrometheus shards(PrometheusSource.Query q, Object... clusterShardValue) {
        List<String> samples = new ArrayList<>();
        for (int i = 0; i < clusterShardValue.length; i += 3) {
            samples.add(sample("\"cluster\":\"" + clusterShardValue[i] + "\",\"shard\":\"" + clusterShardValue[i + 1]
                    + "\"", clusterShardValue[i + 2]));
        }
        vectors.put(q, String.join(",", samples));
        return this;
    }

    void failWith(int status) {
        failWith = status;
    }

    void hang() {
        hang = true;
    }

    /** Every query text received, decoded, in order. */
    List<String> queries() {
        return List.copyOf(queries);
    }

    private static String sample(String labels, Object value) {
        return String.format(Locale.ROOT, "{\"metric\":{%s},\"value\":[1772359200.0,\"%s\"]}", labels, value);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String raw = ex.getRequestURI().getRawQuery();
            String query = raw == null || !raw.startsWith("query=") ? ""
                    : URLDecoder.decode(raw.substring("query=".length()), StandardCharsets.UTF_8);
            queries.add(query);
            if (hang) {
                try {
                    closed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (failWith != 0) {
                send(ex, failWith, "{\"status\":\"error\",\"errorType\":\"internal\",\"error\":\"storage is on fire\"}");
                return;
            }
            PrometheusSource.Query q = null;
            for (PrometheusSource.Query candidate : PrometheusSource.Query.values()) {
                if (candidate.promql("discord").equals(query)) {
                    q = candidate;
                }
            }
            if (q == null) {
                send(ex, 400, "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"unknown query\"}");
                return;
            }
            send(ex, 200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                    + vectors.getOrDefault(q, "") + "]}}");
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
