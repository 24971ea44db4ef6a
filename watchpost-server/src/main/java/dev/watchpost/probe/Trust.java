package dev.watchpost.probe;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/** Trust managers for probes: the JDK's default, one that trusts anything, and one that only records. */
final class Trust {

    private Trust() {
    }

    /** The JDK's default trust (its cacerts), verifying chains and, when asked, host names. */
    static X509ExtendedTrustManager systemDefault() {
        try {
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init((KeyStore) null);
            for (TrustManager tm : f.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the JDK's default trust store", e);
        }
    }

    static SSLContext context(X509TrustManager trust) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {trust}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS context", e);
        }
    }

    /**
     * Records the server's chain and, with a delegate, whether the delegate accepts it, but never
     * fails the handshake itself: a TLS probe wants the certificate even when it is not trusted, to
     * say "expired 2 days ago" rather than "not trusted". Without a delegate it trusts anything.
     * Extends {@link X509ExtendedTrustManager} on purpose: JSSE wraps a plain
     * {@link X509TrustManager} in one that checks host names itself. Read the recording only from an
     * instance used for one handshake; an instance shared by an HTTP client just trusts.
     */
    static final class Recording extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;
        private volatile X509Certificate[] chain;
        private volatile CertificateException rejection;

        Recording(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        X509Certificate[] chain() {
            return chain;
        }

        CertificateException rejection() {
            return rejection;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            this.chain = chain.clone();
            if (delegate != null) {
                try {
                    delegate.checkServerTrusted(chain, authType, socket);
                } catch (CertificateException e) {
                    rejection = e; // reported by the prober after the handshake
                }
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            this.chain = chain.clone();
            if (delegate != null) {
                try {
                    delegate.checkServerTrusted(chain, authType, engine);
                } catch (CertificateException e) {
                    rejection = e; // reported by the prober after the handshake
                }
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            checkServerTrusted(chain, authType, (Socket) null);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a probe does not accept clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a probe does not accept clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a probe does not accept clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
