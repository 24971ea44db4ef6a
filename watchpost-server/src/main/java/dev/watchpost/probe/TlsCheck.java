package dev.watchpost.probe;

import java.time.Duration;
import java.util.Objects;

/**
 * A TLS endpoint whose certificate should be valid and not about to expire.
 *
 * @param host           host name (checked against the certificate, sent as SNI) or IP literal
 * @param port           1..65535 (usually 443)
 * @param warnBefore     DEGRADED when the leaf certificate expires within this (default 14 days)
 * @param connectTimeout limit on opening the connection (default 5 s); clamped to {@code totalTimeout}
 * @param totalTimeout   hard limit on connect and handshake together (default 10 s)
 * @param verify         verify chain and host name (default true); off, only expiry is judged
 */
public record TlsCheck(String host, int port, Duration warnBefore, Duration connectTimeout,
                       Duration totalTimeout, boolean verify) implements Check {

    /**
     * The key of the target's metrics under which every check that saw a certificate reports its
     * days left (fractional, negative once expired); {@code /metrics/targets} reads it from there.
     */
    public static final String DAYS_LEFT = "tls_days_left";

    public static final Duration DEFAULT_WARN_BEFORE = Duration.ofDays(14);

    public TlsCheck {
        host = TcpCheck.validHost(host);
        TcpCheck.validPort(port);
        Objects.requireNonNull(warnBefore, "warnBefore");
        if (warnBefore.isNegative()) {
            throw new IllegalArgumentException("warnBefore must not be negative: " + warnBefore);
        }
        TcpCheck.validTimeout(connectTimeout, "connectTimeout");
        TcpCheck.validTimeout(totalTimeout, "totalTimeout");
        if (connectTimeout.compareTo(totalTimeout) > 0) {
            connectTimeout = totalTimeout; // the total bounds the connect anyway; a short total with the default connect is fine
        }
    }

    @Override
    public String kind() {
        return "tls";
    }

    @Override
    public Duration timeout() {
        return totalTimeout;
    }

    @Override
    public Prober prober(HttpClients clients) {
        return new TlsProber(this);
    }

    /** Defaults: warn 14 days ahead, 5 s to connect, 10 s in all, verification on. */
    public TlsCheck(String host, int port) {
        this(host, port, DEFAULT_WARN_BEFORE, HttpCheck.DEFAULT_CONNECT_TIMEOUT, HttpCheck.DEFAULT_TOTAL_TIMEOUT, true);
    }
}
