package dev.watchpost.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Times every request as {@code http_server_requests_seconds} tagged by method, route template and
 * status. The route template (not the raw path) keeps the number of series bounded.
 */
final class HttpMetrics implements Filter {

    private final MeterRegistry meters;
    /** Timers by "method route status": registering a meter costs far more than looking one up here. */
    private final java.util.concurrent.ConcurrentHashMap<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    HttpMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            int status = res.status().code();
            String route = req.matchingPattern().orElse(status == 404 ? "NOT_FOUND" : "UNMATCHED");
            String method = req.prologue().method().text();
            Timer timer = timers.computeIfAbsent(method + ' ' + route + ' ' + status, k -> Timer.builder("http.server.requests")
                    .description("HTTP requests answered, by method, route pattern and status")
                    .tag("method", method)
                    .tag("uri", route)
                    .tag("status", Integer.toString(status))
                    .register(meters));
            timer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }
}
