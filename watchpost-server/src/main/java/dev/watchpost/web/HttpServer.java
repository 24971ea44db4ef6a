package dev.watchpost.web;

import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.websocket.WsRouting;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The HTTP server: Helidon SE on virtual threads with Watchpost's common behaviour (hardening
 * headers, request metrics, body limit, JSON errors, JSON 404) around the routes each feature
 * registers as an {@link HttpService}.
 */
public final class HttpServer implements AutoCloseable {

    /**
     * @param port 0 for any free port
     * @param idleTimeout a connection that has sent nothing for this long is closed: between requests
     *        at once, during a long response (an SSE stream) once it ends; a WebSocket is idle when no
     *        frame (a pong included) arrives, so long-lived feeds ping their clients more often than this
     * @param headerTimeout a request head must arrive within this (408 and close)
     * @param bodyTimeout a request body that sends nothing for this long ends the connection (408)
     */
    public record Settings(String host, int port, long maxBodyBytes, Duration shutdownGrace, Duration idleTimeout,
                           Duration headerTimeout, Duration bodyTimeout) {
        public Settings(String host, int port, long maxBodyBytes, Duration shutdownGrace, Duration idleTimeout) {
            this(host, port, maxBodyBytes, shutdownGrace, idleTimeout, Duration.ofSeconds(10), Duration.ofSeconds(30));
        }
    }

    private final WebServer server;
    private final Framing framing;

    private HttpServer(WebServer server, Framing framing) {
        this.server = server;
        this.framing = framing;
    }

    public static HttpServer start(Settings settings, MeterRegistry meters, List<HttpService> services) {
        return start(settings, meters, services, List.of());
    }

    /** @param webSockets WebSocket endpoints (compatibility feeds) served beside the HTTP routes */
    public static HttpServer start(Settings settings, MeterRegistry meters, List<HttpService> services,
                                   List<WsRouting.Builder> webSockets) {
        WebServerConfig.Builder builder = WebServer.builder();
        for (WsRouting.Builder ws : webSockets) {
            builder.addRouting(ws);
        }
        // strict HTTP/1 framing and HTTP/1.0 in front of Helidon's HTTP/1.1 (the only protocol served)
        Framing framing = Framing.install(builder,
                new Framing.Limits(settings.headerTimeout(), settings.bodyTimeout(), settings.maxBodyBytes()));
        WebServer server = builder
                .host(settings.host())
                .port(settings.port())
                .maxPayloadSize(Bodies.hardCap(settings.maxBodyBytes()))
                .shutdownHook(false)
                .shutdownGracePeriod(settings.shutdownGrace())
                .idleConnectionTimeout(settings.idleTimeout())
                // how often idle connections are looked for; Helidon counts idleness in whole seconds
                .idleConnectionPeriod(settings.idleTimeout().dividedBy(4).compareTo(Duration.ofMinutes(1)) > 0
                        ? Duration.ofMinutes(1) : settings.idleTimeout().dividedBy(4))
                .directHandlers(ErrorMapping.directHandlers(settings.maxBodyBytes()))
                .routing(r -> {
                    r.addFilter(new SecurityHeaders());
                    r.addFilter(new HttpMetrics(meters));
                    r.addFilter(new Bodies(settings.maxBodyBytes()));
                    ErrorMapping.register(r, settings.maxBodyBytes());
                    services.forEach(r::register);
                    r.any((req, res) -> Json.send(res, Status.NOT_FOUND_404,
                            Map.of("error", "no route for " + req.prologue().method().text() + " " + req.path().path())));
                })
                .build()
                .start();
        if (server.port() <= 0) {
            // Helidon logs a failed bind and carries on without a listener; refuse to run without one.
            server.stop();
            framing.close();
            throw new IllegalStateException("cannot listen on " + settings.host() + ":" + settings.port()
                    + ": the address is in use or not on this host");
        }
        return new HttpServer(server, framing);
    }

    /** The port actually bound (useful when 0 was asked for). */
    public int port() {
        return server.port();
    }

    /** Stops accepting connections and lets in-flight requests finish within the grace period. */
    @Override
    public void close() {
        server.stop();
        framing.close();
    }
}
