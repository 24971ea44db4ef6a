package dev.watchpost.probe;

import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP clients probes share: one per (connect timeout, verify TLS) pair, since
 * {@link HttpClient} fixes both per client. Clients pool connections, so thousands of targets on a
 * few hosts do not open thousands of sockets. Redirects are never followed by the client; the
 * prober follows them itself to enforce its limit and to see loops. HTTP/1.1 only, for predictable
 * connection behaviour towards the small servers status checks usually hit.
 *
 * <p>Thread-safe. {@link #close()} aborts exchanges in flight.
 */
public final class HttpClients implements AutoCloseable {

    private record Key(Duration connectTimeout, boolean verifyTls) {
    }

    /** What probes call themselves when a check sets no {@code User-Agent} of its own. */
    static final String USER_AGENT = "Watchpost probe";

    private final X509ExtendedTrustManager trust;
    private final String userAgent;
    /** Made on first use: the trust store is loaded only when a target is probed over HTTP. */
    private SSLContext verifying;   // guarded by this
    private SSLContext trustingAll; // guarded by this
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<Key, HttpClient> clients = new ConcurrentHashMap<>();

    /** Verifies against the JDK's default trust store. */
    public HttpClients() {
        this(null);
    }

    /**
     * @param trust decides which server chains are trusted when a check verifies TLS (a private CA,
     *              or a test certificate); host names are checked as well
     */
    public HttpClients(X509ExtendedTrustManager trust) {
        this(trust, USER_AGENT);
    }

    private HttpClients(X509ExtendedTrustManager trust, String userAgent) {
        this.trust = trust; // null: the JDK's default trust store, loaded on first use
        this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
    }

    /**
     * The clients of a remote location's prober: its checks say where they come from
     * ({@code Watchpost probe (location eu)}), so the owner of a site can tell the locations' traffic
     * apart in its logs, allow it through a firewall, or (in tests) answer each location differently.
     */
    public static HttpClients forLocation(String location) {
        return new HttpClients(null, USER_AGENT + " (location " + location + ")");
    }

    /** The {@code User-Agent} sent when a check names none. */
    String userAgent() {
        return userAgent;
    }

    private synchronized SSLContext context(boolean verify) {
        if (verify) {
            if (verifying == null) {
                verifying = Trust.context(trust == null ? Trust.systemDefault() : trust);
            }
            return verifying;
        }
        if (trustingAll == null) {
            trustingAll = Trust.context(new Trust.Recording(null));
        }
        return trustingAll;
    }

    HttpClient client(Duration connectTimeout, boolean verifyTls) {
        return clients.computeIfAbsent(new Key(connectTimeout, verifyTls), k -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(k.connectTimeout())
                .sslContext(context(k.verifyTls()))
                .executor(executor)
                .build());
    }

    @Override
    public void close() {
        clients.values().forEach(HttpClient::shutdownNow);
        clients.clear();
        executor.shutdownNow();
    }
}
