package dev.watchpost.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Runs an {@link HttpCheck}. Decides in this order: the exchange fails (DOWN with the cause),
 * redirects loop or exceed the limit (DOWN), the final status is not expected (DOWN "status 503"),
 * the keyword is missing (DOWN), the JSON condition fails (DOWN), the answer was slower than
 * {@code fasterThan} (DEGRADED), else UP "status 200".
 *
 * <p>Latency runs from sending the first request to reading the last body byte (at most 1 MiB),
 * redirects included. The keyword is searched in the body decoded as UTF-8. Thread-safe.
 */
final class HttpProber implements Prober {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpCheck check;
    private final HttpClients clients;

    public HttpProber(HttpCheck check, HttpClients clients) {
        this.check = Objects.requireNonNull(check, "check");
        this.clients = Objects.requireNonNull(clients, "clients");
    }

    public HttpCheck check() {
        return check;
    }

    @Override
    public ProbeResult probe(Instant now) throws InterruptedException {
        var client = clients.client(check.connectTimeout(), check.verifyTls());
        long start = System.nanoTime();
        long deadline = start + check.totalTimeout().toNanos();
        URI uri = check.url();
        String method = check.method();
        String body = check.body();
        Set<String> visited = new HashSet<>();
        visited.add(method + " " + uri);
        int redirects = 0;
        while (true) {
            Exchange.Response r;
            try {
                r = Exchange.send(client, request(uri, method, body, deadline), deadline);
            } catch (TimeoutException e) {
                return ProbeResult.down(Reasons.timeout(check.totalTimeout()));
            } catch (IOException e) {
                return ProbeResult.down(Reasons.failure(e, check.connectTimeout(), check.totalTimeout()));
            }
            int status = r.status();
            Optional<String> location = r.headers().firstValue("Location");
            if (check.followRedirects() && isRedirect(status) && location.isPresent()) {
                double latency = Reasons.elapsedMs(start);
                URI next;
                try {
                    next = uri.resolve(location.get().strip());
                } catch (IllegalArgumentException e) {
                    return ProbeResult.down("redirect to an invalid location", latency).withStatus(status);
                }
                String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https") || next.getHost() == null) {
                    return ProbeResult.down("redirect to an unsupported location", latency).withStatus(status);
                }
                if (status == 303 || ((status == 301 || status == 302) && method.equals("POST"))) {
                    // What browsers do, and what the RFC allows: the follow-up is a GET without body.
                    method = "GET";
                    body = null;
                }
                if (!visited.add(method + " " + next)) {
                    return ProbeResult.down("redirect loop at " + next, latency).withStatus(status);
                }
                if (redirects == check.maxRedirects()) {
                    return ProbeResult.down("too many redirects (limit " + check.maxRedirects() + ")", latency)
                            .withStatus(status);
                }
                redirects++;
                uri = next;
                continue;
            }
            return judge(r, Reasons.elapsedMs(start));
        }
    }

    private ProbeResult judge(Exchange.Response r, double latency) {
        int status = r.status();
        if (!check.accepts(status)) {
            return ProbeResult.down("status " + status, latency).withStatus(status);
        }
        if (check.bodyContains() != null
                && !new String(r.body(), StandardCharsets.UTF_8).contains(check.bodyContains())) {
            return ProbeResult.down("keyword '" + check.bodyContains() + "' not found", latency).withStatus(status);
        }
        if (check.jsonCondition() != null) {
            JsonNode root;
            try {
                root = JSON.readTree(r.body());
            } catch (IOException e) {
                root = null; // reported below, with the same words as for an empty body
            }
            if (root == null || root.isMissingNode()) {
                return ProbeResult.down("body is not JSON", latency).withStatus(status);
            }
            Optional<String> failure = check.jsonCondition().failure(root);
            if (failure.isPresent()) {
                return ProbeResult.down(failure.get(), latency).withStatus(status);
            }
        }
        Duration threshold = check.fasterThan();
        if (threshold != null && latency > threshold.toNanos() / 1_000_000.0) {
            return ProbeResult.degraded("slower than " + Reasons.duration(threshold) + " (" + Reasons.millis(latency) + " ms)",
                    latency).withStatus(status);
        }
        return ProbeResult.up("status " + status, latency).withStatus(status);
    }

    private HttpRequest request(URI uri, String method, String body, long deadline) {
        long remaining = Math.max(1, deadline - System.nanoTime());
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofNanos(remaining))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        check.headers().forEach(b::header);
        if (!check.headers().keySet().stream().anyMatch(h -> h.equalsIgnoreCase("User-Agent"))) {
            b.header("User-Agent", clients.userAgent());
        }
        return b.build();
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }
}
