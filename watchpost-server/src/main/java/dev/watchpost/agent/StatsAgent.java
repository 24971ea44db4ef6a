package dev.watchpost.agent;

import dev.watchpost.web.HttpServer;
import dev.watchpost.web.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpService;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code watchpost agent}: the Platypus stats agent (CONTRACTS §5). Answers {@code GET <path>} with
 * this host's use in percent, {@code {"cpu":6.0,"memory":38.2,"disk":8.0}}, for the server's
 * {@code stats:} probe; other paths get a JSON 404, other methods on the path a 405.
 *
 * <p>It runs on Watchpost's own HTTP stack ({@link HttpServer}: JSON errors everywhere, even for
 * malformed requests, hardening headers, graceful stop), which is in the jar anyway, rather than a
 * second, hand-rolled one. It needs no configuration file and no database. The figures are sampled
 * every second in the background; a request only reads the latest sample.
 */
public final class StatsAgent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatsAgent.class);

    /**
     * Unprivileged, and neither 8080 (the Watchpost server, possibly on the same host) nor 9100
     * (Prometheus' node exporter, common on the hosts an agent runs on).
     */
    public static final int DEFAULT_PORT = 9191;
    /** The contract's default stats path, the same as the probe's {@code StatsCheck.DEFAULT_STATS_PATH}. */
    public static final String DEFAULT_PATH = "/platy";
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final Path DEFAULT_DISK = Path.of("/");

    static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);
    /** No route reads a body; anything larger is refused before it is read. */
    private static final long MAX_BODY = 1024;
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);
    private static final Pattern PATH = Pattern.compile("/|(/[A-Za-z0-9._~-]+)+");

    /**
     * What the agent serves.
     *
     * @param host address to listen on; any address is allowed, since the server that probes the
     *             agent usually runs on another host
     * @param port TCP port, 0 for any free one
     * @param path the one path answered, e.g. {@code /platy}
     * @param disk a path on the file system whose use is reported as {@code disk}
     */
    public record Settings(String host, int port, String path, Path disk) {

        public Settings {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(disk, "disk");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be empty");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535, got " + port);
            }
            // Letters, digits and . _ ~ - only: the path becomes a route, where braces and '*' are patterns.
            if (!PATH.matcher(path).matches()) {
                throw new IllegalArgumentException("path must start with '/' and hold only letters, digits and "
                        + "'/._~-' (got '" + path + "')");
            }
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_PATH, DEFAULT_DISK);
        }
    }

    private final HttpServer server;
    private final Sampler sampler;

    private StatsAgent(HttpServer server, Sampler sampler) {
        this.server = server;
        this.sampler = sampler;
    }

    /**
     * Starts sampling and listening.
     *
     * @throws IllegalArgumentException when the disk path does not exist or the host does not resolve
     * @throws IllegalStateException    when the address cannot be listened on (in use, not this host's)
     */
    public static StatsAgent start(Settings settings) {
        InetAddress address = resolve(settings.host());
        SystemStats system = new SystemStats(settings.disk());
        StatsAgent agent = start(settings, new Sampler(system::read, SAMPLE_EVERY));
        LOG.info("event=agent.started address=http://{}:{}{} reachable=\"{}\" disk=\"{}\"", settings.host(),
                agent.port(), settings.path(), reach(address), system.diskName());
        return agent;
    }

    /** Starts with any source of readings; tests use it to script failures. */
    static StatsAgent start(Settings settings, Sampler sampler) {
        String address = settings.host() + ":" + settings.port();
        checkBindable(new InetSocketAddress(resolve(settings.host()), settings.port()), address);
        sampler.start();
        HttpServer server = null;
        try {
            // A no-op registry: the agent exports no metrics, so request timings would go nowhere.
            server = HttpServer.start(new HttpServer.Settings(settings.host(), settings.port(), MAX_BODY, SHUTDOWN_GRACE, Duration.ofMinutes(1)),
                    new CompositeMeterRegistry(), List.of(routes(settings.path(), sampler)));
            // Helidon does not throw when a listener fails to bind (it logs and stops); it reports no port.
            if (server.port() <= 0) {
                throw new IllegalStateException("cannot listen on " + address + " (see the log above)");
            }
            return new StatsAgent(server, sampler);
        } catch (RuntimeException e) {
            if (server != null) {
                server.close();
            }
            sampler.close();
            throw e;
        }
    }

    /**
     * Binds and releases the address once, so the common failures (port in use, an address that is
     * not this host's) end in one clear line instead of the HTTP server's stack trace.
     */
    private static void checkBindable(InetSocketAddress socket, String address) {
        if (socket.getPort() == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(socket);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + address + ": " + e.getMessage());
        }
    }

    private static HttpService routes(String path, Sampler sampler) {
        return rules -> {
            rules.get(path, (req, res) -> sampler.latest().ifPresentOrElse(
                    r -> Json.send(res, Status.OK_200, r.json()),
                    () -> Json.send(res, Status.SERVICE_UNAVAILABLE_503,
                            Map.of("error", "the host's statistics cannot be read right now; see the agent's log"))));
            rules.any(path, (req, res) -> {
                res.header(HeaderNames.ALLOW, "GET");
                Json.send(res, Status.METHOD_NOT_ALLOWED_405, Map.of("error", "method "
                        + req.prologue().method().text() + " is not allowed on " + path + "; use GET"));
            });
        };
    }

    private static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve host '" + host + "'");
        }
    }

    /** Said at start, so an operator sees at once whether the server on another host can reach the agent. */
    private static String reach(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return "every interface of this host; unauthenticated, so limit who may connect with a firewall";
        }
        if (address.isLoopbackAddress()) {
            return "this host only (loopback); a server on another host needs --host with an address it can reach";
        }
        return "the interface of " + address.getHostAddress() + " only";
    }

    /** The port actually bound (useful when 0 was asked for). */
    public int port() {
        return server.port();
    }

    /** Stops listening (in-flight requests get two seconds), then stops sampling. */
    @Override
    public void close() {
        server.close();
        sampler.close();
    }
}
