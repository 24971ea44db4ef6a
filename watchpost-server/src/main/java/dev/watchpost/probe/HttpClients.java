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

    private final SSLContext verifying;
    private final SSLContext trustingAll;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<Key, HttpClient> clients = new ConcurrentHashMap<>();

    /** Verifies against the JDK's default trust store. */
    public HttpClients() {
        this(Trust.systemDefault());
    }

    /**
     * @param trust decides which server chains are trusted when a check verifies TLS (a private CA,
     *              or a test certificate); host names are checked as well
     */
    public HttpClients(X509ExtendedTrustManager trust) {
        Objects.requireNonNull(trust, "trust");
        this.verifying = Trust.context(trust);
        this.trustingAll = Trust.context(new Trust.Recording(null));
    }

    HttpClient client(Duration connectTimeout, boolean verifyTls) {
        return clients.computeIfAbsent(new Key(connectTimeout, verifyTls), k -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(k.connectTimeout())
                .sslContext(k.verifyTls() ? verifying : trustingAll)
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
