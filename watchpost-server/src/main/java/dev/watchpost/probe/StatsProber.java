package dev.watchpost.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.TimeoutException;

/**
 * Scans a Platypus stats agent (CONTRACTS §5):
 * <ul>
 *   <li>timeout or connection error → DOWN ("timeout after 5 s", "connection refused");</li>
 *   <li>404 → UP "no stats agent" without stats (the agent is not installed);</li>
 *   <li>2xx with a JSON object holding numbers {@code cpu}, {@code memory} and {@code disk} (or its
 *       alias {@code hdd}) → UP "cpu 6 %, memory 38 %, disk 8 %" with stats {@code cpu},
 *       {@code memory}, {@code disk}; numbers in strings ("6") are accepted, extra fields ignored;</li>
 *   <li>anything else → DEGRADED with the reason ("status 500", "answer is not JSON (text/html)",
 *       "stats lack 'memory'", "stats 'cpu' is not a number"). The original marked these offline;
 *       the server did answer, so Watchpost says degraded.</li>
 * </ul>
 * Redirects are not followed (a redirect is "status 301"). Thread-safe.
 */
public final class StatsProber implements Prober {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StatsCheck check;
    private final HttpClients clients;

    public StatsProber(StatsCheck check, HttpClients clients) {
        this.check = Objects.requireNonNull(check, "check");
        this.clients = Objects.requireNonNull(clients, "clients");
    }

    @Override
    public ProbeResult probe(Instant now) throws InterruptedException {
        Duration timeout = check.timeout();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Exchange.Response r;
        try {
            HttpRequest request = HttpRequest.newBuilder(check.url()).timeout(timeout)
                    .header("Accept", "application/json").header("User-Agent", clients.userAgent()).GET().build();
            r = Exchange.send(clients.client(timeout, true), request, deadline);
        } catch (TimeoutException e) {
            return ProbeResult.down(Reasons.timeout(timeout));
        } catch (IOException e) {
            return ProbeResult.down(Reasons.failure(e, timeout, timeout));
        }
        double latency = Reasons.elapsedMs(start);
        int status = r.status();
        if (status == 404) {
            return ProbeResult.up("no stats agent", latency).withStatus(status);
        }
        if (status < 200 || status > 299) {
            return ProbeResult.degraded("status " + status, latency).withStatus(status);
        }
        JsonNode root;
        try {
            root = JSON.readTree(r.body());
        } catch (IOException e) {
            root = null; // judged below
        }
        if (root == null || root.isMissingNode()) {
            String type = r.headers().firstValue("Content-Type").map(t -> t.split(";", 2)[0].strip()).orElse("");
            return ProbeResult.degraded("answer is not JSON" + (type.isEmpty() ? "" : " (" + type + ")"), latency)
                    .withStatus(status);
        }
        if (!root.isObject()) {
            return ProbeResult.degraded("answer is not a JSON object", latency).withStatus(status);
        }
        Map<String, Double> stats = new LinkedHashMap<>();
        for (String key : new String[] {"cpu", "memory", "disk"}) {
            JsonNode v = root.get(key);
            if (v == null && key.equals("disk")) {
                v = root.get("hdd");
            }
            if (v == null || v.isNull()) {
                return ProbeResult.degraded("stats lack '" + key + "'", latency).withStatus(status);
            }
            OptionalDouble d = number(v);
            if (d.isEmpty()) {
                return ProbeResult.degraded("stats '" + key + "' is not a number", latency).withStatus(status);
            }
            stats.put(key, d.getAsDouble());
        }
        String reason = "cpu " + show(stats.get("cpu")) + " %, memory " + show(stats.get("memory"))
                + " %, disk " + show(stats.get("disk")) + " %";
        return ProbeResult.up(reason, latency).withStatus(status).withStats(stats);
    }

    private static OptionalDouble number(JsonNode v) {
        double d;
        if (v.isNumber()) {
            d = v.doubleValue();
        } else if (v.isTextual()) {
            try {
                d = Double.parseDouble(v.textValue().strip());
            } catch (NumberFormatException e) {
                return OptionalDouble.empty();
            }
        } else {
            return OptionalDouble.empty();
        }
        return Double.isFinite(d) ? OptionalDouble.of(d) : OptionalDouble.empty();
    }

    private static String show(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
