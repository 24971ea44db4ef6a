package dev.watchpost.probe;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * A Platypus server scan (CONTRACTS §5): {@code GET http://<host><statsPath>}.
 *
 * @param host      host name or IP, optionally with {@code :port}
 * @param statsPath path of the stats agent, starting with '/' (default {@code /platy})
 * @param timeout   hard limit on the whole request, connecting included (default 5 s)
 */
public record StatsCheck(String host, String statsPath, Duration timeout) implements Check {

    public static final String DEFAULT_STATS_PATH = "/platy";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public StatsCheck {
        host = TcpCheck.validHost(host);
        Objects.requireNonNull(statsPath, "statsPath");
        if (!statsPath.startsWith("/")) {
            throw new IllegalArgumentException("statsPath must start with '/': '" + statsPath + "'");
        }
        TcpCheck.validTimeout(timeout, "timeout");
        URI uri;
        try {
            uri = URI.create("http://" + host + statsPath);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("host and statsPath do not make a URL: 'http://" + host + statsPath + "'");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("host is not a valid host[:port]: '" + host + "'");
        }
    }

    public StatsCheck(String host) {
        this(host, DEFAULT_STATS_PATH, DEFAULT_TIMEOUT);
    }

    @Override
    public String kind() {
        return "stats";
    }

    @Override
    public Prober prober(HttpClients clients) {
        return new StatsProber(this, clients);
    }

    public URI url() {
        return URI.create("http://" + host + statsPath);
    }
}
