package dev.watchpost.probe;

import com.sun.net.httpserver.HttpsConfigurator;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Self-signed test certificates made with the JDK's keytool, in temporary PKCS12 stores. */
final class TestCerts {

    private static final char[] PASSWORD = "changeit".toCharArray();

    private final KeyStore store;

    private TestCerts(KeyStore store) {
        this.store = store;
    }

    /**
     * A certificate valid for {@code days} from {@code notBefore}: for tests whose clock is fixed, so the
     * certificate's dates follow the test's clock instead of the day the test happens to run.
     */
    static Pending validFrom(Path dir, String name, java.time.Instant notBefore, int days) throws IOException {
        String start = java.time.format.DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss")
                .withZone(java.util.TimeZone.getDefault().toZoneId()).format(notBefore);
        return generate(dir, name, "-validity", Integer.toString(days), "-startdate", start);
    }

    /**
     * Starts keytool; {@link Pending#await()} loads the store. Several can run at once. Relative dates
     * ({@code -startdate -1d}) are relative to the real time: use them only with the real clock.
     */
    static Pending generate(Path dir, String name, String... validityArgs) throws IOException {
        Path file = dir.resolve(name + ".p12");
        List<String> cmd = new java.util.ArrayList<>(List.of(
                System.getProperty("java.home") + "/bin/keytool", "-genkeypair", "-alias", "probe",
                "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)));
        cmd.addAll(List.of(validityArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        return new Pending(p, file);
    }

    record Pending(Process process, Path file) {
        TestCerts await() throws Exception {
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + new String(process.getInputStream().readAllBytes()));
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, PASSWORD);
            }
            return new TestCerts(ks);
        }
    }

    X509Certificate certificate() throws Exception {
        return (X509Certificate) store.getCertificate("probe");
    }

    HttpsConfigurator configurator() throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return new HttpsConfigurator(ctx);
    }

    /** A trust manager that trusts exactly this certificate. */
    X509ExtendedTrustManager trust() throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("probe", certificate());
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(ts);
        for (TrustManager tm : f.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("no X509ExtendedTrustManager");
    }
}
