package dev.watchpost.web;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.Router;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionProvider;
import io.helidon.webserver.spi.ProtocolConfig;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.helidon.webserver.websocket.WsConfig;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * The HTTP/1 connection selector of the listener, with a {@link Guard} between each socket and
 * Helidon's HTTP/1.1 connection. Helidon 4.3 answers HTTP/1.0 with 505 and reads some ambiguous
 * framing leniently (see docs/operating.md, "Behind a reverse proxy", and docs/security.md); the guard hands it only
 * strict HTTP/1.1 messages. Set as the listener's only selector, with protocol discovery off, so
 * every connection goes through it.
 */
final class Framing implements ServerConnectionSelector, AutoCloseable {

    /**
     * @param headerTimeout a request head must arrive within this
     * @param bodyTimeout a body read that gets nothing for this long ends the connection
     * @param maxBody a chunked body is cut after this many bytes (plus one, so the server answers 413)
     */
    record Limits(Duration headerTimeout, Duration bodyTimeout, long maxBody) {
        /** How long to read and drop input after an early answer before closing. */
        Duration linger() {
            Duration two = Duration.ofSeconds(2);
            return bodyTimeout.compareTo(two) < 0 ? bodyTimeout : two;
        }
    }

    private final ServerConnectionSelector http1;
    private final Limits limits;
    private final Deadlines deadlines;

    /**
     * Makes this the listener's only way in: protocol discovery off, the guarded HTTP/1 selector set,
     * and the WebSocket settings that upgraded connections look up on the listener.
     */
    static Framing install(io.helidon.webserver.WebServerConfig.Builder listener, Limits limits) {
        WsConfig ws = WsConfig.create();
        Framing framing = new Framing(limits, ws);
        listener.protocolsDiscoverServices(false).addProtocol(ws).addConnectionSelector(framing);
        return framing;
    }

    @SuppressWarnings("deprecation") // the provider's public constructor is how Helidon builds it too
    private Framing(Limits limits, WsConfig ws) {
        // WebSocket upgrades are provided by the configs handed to the HTTP/1 selector
        List<ProtocolConfig> protocols = List.of(Http1Config.create(), ws);
        this.http1 = new Http1ConnectionProvider().create("@default", Http1Config.create(), ProtocolConfigs.create(protocols));
        this.limits = limits;
        Duration shortest = limits.headerTimeout().compareTo(limits.bodyTimeout()) < 0 ? limits.headerTimeout() : limits.bodyTimeout();
        this.deadlines = new Deadlines(shortest);
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData data) {
        return Support.SUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        Guard guard = new Guard(ctx, limits);
        deadlines.add(guard);
        try {
            return new Connection(http1.connection(new Context(ctx, new DataReader(guard), guard.writer())), guard);
        } catch (RuntimeException e) {
            deadlines.remove(guard);
            throw e;
        }
    }

    @Override
    public void close() {
        deadlines.close();
    }

    /** The server's connection, taking the guard off the deadline list when it ends. */
    private final class Connection implements ServerConnection, InterruptableTask<Void> {
        private final ServerConnection delegate;
        private final Guard guard;

        Connection(ServerConnection delegate, Guard guard) {
            this.delegate = delegate;
            this.guard = guard;
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            try {
                delegate.handle(limit);
            } finally {
                deadlines.remove(guard);
            }
        }

        @Override
        public Duration idleTime() {
            return delegate.idleTime();
        }

        @Override
        public void close(boolean interrupt) {
            delegate.close(interrupt);
        }

        @Override
        public boolean canInterrupt() {
            return delegate instanceof InterruptableTask<?> t && t.canInterrupt();
        }
    }

    /** The connection as the server sees it: the guard's bytes in, the guard's watch on what goes out. */
    private record Context(ConnectionContext delegate, DataReader reader, DataWriter writer) implements ConnectionContext {
        @Override
        public ListenerContext listenerContext() {
            return delegate.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return delegate.executor();
        }

        @Override
        public DataWriter dataWriter() {
            return writer;
        }

        @Override
        public DataReader dataReader() {
            return reader;
        }

        @Override
        public Router router() {
            return delegate.router();
        }

        @Override
        public Optional<io.helidon.webserver.ProxyProtocolData> proxyProtocolData() {
            return delegate.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return delegate.serverSocket();
        }

        @Override
        public PeerInfo remotePeer() {
            return delegate.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return delegate.localPeer();
        }

        @Override
        public boolean isSecure() {
            return delegate.isSecure();
        }

        @Override
        public String socketId() {
            return delegate.socketId();
        }

        @Override
        public String childSocketId() {
            return delegate.childSocketId();
        }
    }
}
