package dev.watchpost.probe;

import java.time.Duration;
import java.util.Objects;

/**
 * A TCP port that should accept connections.
 *
 * @param host           host name or IP literal
 * @param port           1..65535
 * @param connectTimeout limit on opening the connection (default 5 s)
 */
public record TcpCheck(String host, int port, Duration connectTimeout) implements Check {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    public TcpCheck {
        host = validHost(host);
        validPort(port);
        validTimeout(connectTimeout, "connectTimeout");
    }

    public TcpCheck(String host, int port) {
        this(host, port, DEFAULT_CONNECT_TIMEOUT);
    }

    @Override
    public String kind() {
        return "tcp";
    }

    @Override
    public Duration timeout() {
        return connectTimeout;
    }

    @Override
    public Prober prober(HttpClients clients) {
        return new TcpProber(this);
    }

    static String validHost(String host) {
        Objects.requireNonNull(host, "host");
        String h = host.strip();
        if (h.isEmpty() || h.contains("/") || h.contains(" ")) {
            throw new IllegalArgumentException("host must be a host name or IP address: '" + host + "'");
        }
        return h;
    }

    static void validPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
    }

    static void validTimeout(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.toMillis() < 1 || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be between 1 ms and 24 days: " + d);
        }
    }
}
