package dev.watchpost.probe;

import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.Locale;

/** The short texts results carry, in one place so every prober words a failure the same way. */
final class Reasons {

    private static final int MAX_CAUSE = 80;

    private Reasons() {
    }

    /** "5 s" for whole seconds, "300 ms" or "1,500 ms" otherwise. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : millis(ms) + " ms";
    }

    /** Rounded milliseconds with a thousands separator: "1,204". */
    static String millis(double ms) {
        return String.format(Locale.ROOT, "%,d", Math.round(ms));
    }

    static double elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000.0;
    }

    static String timeout(Duration limit) {
        return "timeout after " + duration(limit);
    }

    static String connectTimeout(Duration limit) {
        return "connect timeout after " + duration(limit);
    }

    static String days(long n) {
        return n == 1 ? "1 day" : n + " days";
    }

    /**
     * Words a failed exchange. Timeouts and TLS failures win over what wraps them (the HTTP client
     * wraps a connect timeout in a {@link ConnectException}, for one).
     */
    static String failure(Throwable t, Duration connectTimeout, Duration totalTimeout) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpConnectTimeoutException) {
                return connectTimeout(connectTimeout);
            }
            if (c instanceof HttpTimeoutException || c instanceof SocketTimeoutException) {
                return timeout(totalTimeout);
            }
            if (c instanceof SSLException) {
                return "TLS handshake failed: " + tlsCause(c);
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) {
                // ConnectException means "refused remotely"; unreachable hosts have their own type.
                return "connection refused";
            }
            if (c instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (c instanceof UnknownHostException || c instanceof UnresolvedAddressException) {
                return "unknown host";
            }
            if (c instanceof EOFException || closedEarly(c.getMessage())) {
                return "connection closed without a response";
            }
        }
        return "request failed: " + shortMessage(root(t));
    }

    private static boolean closedEarly(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("received no bytes") || m.contains("connection reset") || m.contains("connection closed")
                || m.contains("eof reached");
    }

    /** The reason a TLS handshake or certificate check failed, in a few words. */
    static String tlsCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CertificateExpiredException) {
                return "certificate expired";
            }
            if (c instanceof CertificateNotYetValidException) {
                return "certificate not yet valid";
            }
            if (c instanceof CertPathValidatorException v
                    && v.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                return "certificate expired";
            }
            if (c instanceof CertPathBuilderException) {
                return "certificate not trusted";
            }
            String m = c.getMessage() == null ? "" : c.getMessage();
            if (m.contains("No subject alternative") || m.contains("No name matching")) {
                return "certificate does not match host";
            }
            if (c instanceof EOFException || m.contains("peer shut down incorrectly")
                    || m.contains("Remote host terminated the handshake")) {
                return "connection closed by the server";
            }
            if (m.contains("PKIX path building failed") || m.contains("unable to find valid certification path")) {
                return "certificate not trusted";
            }
        }
        return shortMessage(root(t));
    }

    private static Throwable root(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r;
    }

    private static String shortMessage(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        m = m.strip();
        return m.length() <= MAX_CAUSE ? m : m.substring(0, MAX_CAUSE - 1) + "…";
    }
}
