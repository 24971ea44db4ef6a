package dev.watchpost.web;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Notices when nothing listens on the server's port any more. Helidon (4.3) ends its listener for good
 * when an accept fails, most often for want of descriptors ("Too many open files"): it logs "this server
 * socket is terminating now", closes every connection and leaves the process running with no listener
 * and no way to start one. This connects to the port now and then, as a client would; the port
 * refusing connections several times in a row means the listener is gone. A connection that cannot be
 * made for any other reason (no descriptor free for the attempt itself, a full backlog) proves nothing
 * and is tried again. Refusals count only once a connection has succeeded: a firewall that rejects the
 * server's connections to its own address must not pass for a lost listener.
 */
final class ListenerWatch implements AutoCloseable {

    /** Refusals in a row that mean the listener is gone (one could in theory be a dropped backlog entry). */
    static final int REFUSALS = 3;

    private final InetSocketAddress address;
    private final Duration period;
    private final CompletableFuture<String> lost = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param host the address the server listens on (a wildcard address is watched through loopback)
     */
    ListenerWatch(String host, int port, Duration period) {
        InetAddress a = new InetSocketAddress(host, port).getAddress();
        this.address = a == null || a.isAnyLocalAddress()
                ? new InetSocketAddress(InetAddress.getLoopbackAddress(), port) : new InetSocketAddress(a, port);
        this.period = period;
        this.thread = Thread.ofPlatform().daemon().name("watchpost-listener-watch").start(this::run);
    }

    /** Completes, with why, once the listener is found gone; never completes while it listens. */
    CompletableFuture<String> lost() {
        return lost;
    }

    private void run() {
        int refusals = 0;
        boolean seen = false;
        while (!closed) {
            try (Socket s = new Socket()) {
                s.connect(address, 2000);
                refusals = 0;
                seen = true;
            } catch (ConnectException e) {
                if (seen && ++refusals >= REFUSALS && !closed) {
                    lost.complete("nothing listens on " + address.getAddress().getHostAddress() + ":" + address.getPort()
                            + " any more (" + e.getMessage() + ")");
                    return;
                }
            } catch (IOException e) {
                refusals = 0; // not a refusal: proves neither way
            }
            try {
                // the first look is at once, while the listener is surely up
                Thread.sleep(refusals == 0 ? period : Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                return; // closed
            }
        }
    }

    /** Stops watching (the server is stopping on purpose); does not wait. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
