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
import java.util.concurrent.CompletableFuture;

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
     * @param limits how many connections may be open at once, in total and from one address
     * @param headerTimeout a request head must arrive within this (408 and close)
     * @param bodyTimeout a request body that sends nothing for this long ends the connection (408)
     */
    public record Settings(String host, int port, long maxBodyBytes, Duration shutdownGrace, Duration idleTimeout,
                           ConnectionLimits limits, Duration headerTimeout, Duration bodyTimeout) {

        public Settings(String host, int port, long maxBodyBytes, Duration shutdownGrace, Duration idleTimeout) {
            this(host, port, maxBodyBytes, shutdownGrace, idleTimeout, ConnectionLimits.DEFAULTS);
        }

        public Settings(String host, int port, long maxBodyBytes, Duration shutdownGrace, Duration idleTimeout,
                        ConnectionLimits limits) {
            this(host, port, maxBodyBytes, shutdownGrace, idleTimeout, limits, Duration.ofSeconds(10), Duration.ofSeconds(30));
        }

        public Settings(String host, int port, long maxBodyBytes, Duration shutdownGrace, Duration idleTimeout,
                        Duration headerTimeout, Duration bodyTimeout) {
            this(host, port, maxBodyBytes, shutdownGrace, idleTimeout, ConnectionLimits.DEFAULTS, headerTimeout, bodyTimeout);
        }
    }

    /** How often the watch checks that the port still takes connections. */
    private static final Duration WATCH_PERIOD = Duration.ofSeconds(5);
    /** Connections the kernel may queue before they are accepted (see where it is set). */
    static final int BACKLOG = 8_192;

    private final WebServer server;
    private final ListenerWatch watch;
    private final Framing framing;
    private final RouteTable routes;

    private HttpServer(WebServer server, ListenerWatch watch, Framing framing, RouteTable routes) {
        this.server = server;
        this.watch = watch;
        this.framing = framing;
        this.routes = routes;
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
                // A status page's crowd arrives at once when a popular bot goes down: with Helidon's
                // 1,024 the queue of connections not yet accepted overflows, and those dropped retry
                // only after 1 s, 3 s, 7 s (TCP's back-off). The kernel caps it (net.core.somaxconn).
                .backlog(BACKLOG)
                .shutdownHook(false)
                .shutdownGracePeriod(settings.shutdownGrace())
                .idleConnectionTimeout(settings.idleTimeout())
                .connectionOptions(ConnectionGate.create(settings.limits(), meters))
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
        return new HttpServer(server, new ListenerWatch(settings.host(), server.port(), WATCH_PERIOD), framing,
                RouteTable.of(services));
    }

    /** Every route the features registered. */
    public RouteTable routes() {
        return routes;
    }

    /**
     * Completes, with why, if the server stops listening without being closed (Helidon gives up its
     * listener for good when accepting a connection fails, e.g. out of descriptors). The process
     * should then end so that its supervisor starts it again.
     */
    public CompletableFuture<String> listenerLost() {
        return watch.lost();
    }

    /** The port actually bound (useful when 0 was asked for). */
    public int port() {
        return server.port();
    }

    /** Stops accepting connections and lets in-flight requests finish within the grace period. */
    @Override
    public void close() {
        watch.close();
        server.stop();
        framing.close();
    }
}
