package dev.watchpost.probe;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Connects, completes a TLS handshake and judges the leaf certificate against {@code now}:
 * <ol>
 *   <li>DOWN "certificate expired N days ago" when it has expired (even if it is also untrusted:
 *       the expiry is the more useful news);</li>
 *   <li>DOWN "TLS handshake failed: certificate not trusted" (or another short cause) when
 *       verification is on and the chain or host name is rejected, or the handshake fails;</li>
 *   <li>DOWN "certificate not yet valid";</li>
 *   <li>DEGRADED "certificate expires in N days" within {@code warnBefore};</li>
 *   <li>UP "certificate valid for N days" otherwise.</li>
 * </ol>
 * Days are whole days, rounded down. To read an untrusted certificate the handshake is completed
 * whatever the verdict; nothing is sent over it. The socket is closed at the total timeout even
 * if the server trickles its handshake. Thread-safe.
 */
final class TlsProber implements Prober {

    private final TlsCheck check;
    private final X509ExtendedTrustManager trust;

    /** Verifies against the JDK's default trust store. */
    public TlsProber(TlsCheck check) {
        this(check, Trust.systemDefault());
    }

    /** @param trust decides which chains are trusted when the check verifies (a private CA, a test certificate) */
    public TlsProber(TlsCheck check, X509ExtendedTrustManager trust) {
        this.check = Objects.requireNonNull(check, "check");
        this.trust = Objects.requireNonNull(trust, "trust");
    }

    @Override
    public ProbeResult probe(Instant now) throws InterruptedException {
        InetSocketAddress address = new InetSocketAddress(check.host(), check.port());
        if (address.isUnresolved()) {
            return ProbeResult.down("unknown host");
        }
        Trust.Recording recording = new Trust.Recording(check.verify() ? trust : null);
        long start = System.nanoTime();
        long deadline = start + check.totalTimeout().toNanos();
        IOException failure = null;
        boolean timedOut = false;
        try (Socket raw = new Socket()) {
            try {
                raw.connect(address, (int) check.connectTimeout().toMillis());
            } catch (SocketTimeoutException e) {
                return ProbeResult.down(Reasons.connectTimeout(check.connectTimeout()));
            }
            try (SSLSocket tls = (SSLSocket) Trust.context(recording).getSocketFactory()
                    .createSocket(raw, check.host(), check.port(), true);
                 Watchdog watchdog = Watchdog.closeAfter(tls, deadline - System.nanoTime())) {
                SSLParameters params = tls.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(params);
                tls.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                try {
                    tls.startHandshake();
                } catch (IOException e) {
                    failure = e;
                    timedOut = watchdog.fired() || e instanceof SocketTimeoutException;
                }
            }
        } catch (IOException e) {
            failure = e;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("probe of " + check.host() + ":" + check.port() + " interrupted");
        }
        double latency = Reasons.elapsedMs(start);
        if (timedOut) {
            return ProbeResult.down(Reasons.timeout(check.totalTimeout()));
        }
        X509Certificate[] chain = recording.chain();
        if (chain == null || chain.length == 0) {
            String reason = failure == null ? "TLS handshake failed: no certificate"
                    : failure instanceof javax.net.ssl.SSLException
                    ? "TLS handshake failed: " + Reasons.tlsCause(failure)
                    : Reasons.failure(failure, check.connectTimeout(), check.totalTimeout());
            return ProbeResult.down(reason);
        }
        Instant notAfter = chain[0].getNotAfter().toInstant();
        // The remaining days ride along as a metric of the target (negative once expired), whatever
        // the verdict: what /metrics/targets and the API show as the certificate's days left.
        double daysLeft = Duration.between(now, notAfter).toSeconds() / 86_400.0;
        return judge(chain[0], now, recording, failure, latency)
                .withStats(java.util.Map.of(TlsCheck.DAYS_LEFT, daysLeft));
    }

    private ProbeResult judge(X509Certificate leaf, Instant now, Trust.Recording recording, IOException failure,
                              double latency) {
        Instant notAfter = leaf.getNotAfter().toInstant();
        Instant notBefore = leaf.getNotBefore().toInstant();
        if (notAfter.isBefore(now)) {
            long days = Duration.between(notAfter, now).toDays();
            return ProbeResult.down(days == 0 ? "certificate expired less than a day ago"
                    : "certificate expired " + Reasons.days(days) + " ago", latency);
        }
        if (recording.rejection() != null) {
            return ProbeResult.down("TLS handshake failed: " + Reasons.tlsCause(recording.rejection()), latency);
        }
        if (failure != null) {
            return ProbeResult.down("TLS handshake failed: " + Reasons.tlsCause(failure), latency);
        }
        if (notBefore.isAfter(now)) {
            return ProbeResult.down("certificate not yet valid", latency);
        }
        Duration left = Duration.between(now, notAfter);
        long days = left.toDays();
        if (left.compareTo(check.warnBefore()) < 0) {
            return ProbeResult.degraded(days == 0 ? "certificate expires in less than a day"
                    : "certificate expires in " + Reasons.days(days), latency);
        }
        return ProbeResult.up("certificate valid for " + Reasons.days(days), latency);
    }
}
