package dev.watchpost.probe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Real local servers on 127.0.0.1 and ephemeral ports, closed together. */
final class TestServers implements AutoCloseable {

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    /** Released on close: handlers that "hang" wait on it. */
    private final CountDownLatch stop = new CountDownLatch(1);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    HttpServer http() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setExecutor(executor);
        s.start();
        closeables.add(() -> s.stop(0));
        return s;
    }

    HttpsServer https(HttpsConfigurator tls) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setHttpsConfigurator(tls);
        s.setExecutor(executor);
        s.start();
        closeables.add(() -> s.stop(0));
        return s;
    }

    /** A TCP server that accepts and then either closes at once or never says anything. */
    ServerSocket raw(boolean closeAtOnce) throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeables.add(ss);
        executor.submit(() -> {
            while (!ss.isClosed()) {
                Socket s = ss.accept();
                executor.submit(() -> {
                    try (s) {
                        if (closeAtOnce) {
                            s.getInputStream().read(new byte[1024]); // take the request, answer nothing
                        } else {
                            stop.await();
                        }
                    }
                    return null;
                });
            }
            return null;
        });
        return ss;
    }

    /** A port nothing listens on (bound once, then released). */
    static int closedPort() throws IOException {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return ss.getLocalPort();
        }
    }

    static HttpHandler text(int status, String body) {
        return ex -> send(ex, status, "text/plain", body);
    }

    static HttpHandler json(String body) {
        return ex -> send(ex, 200, "application/json", body);
    }

    static HttpHandler redirect(int status, String location) {
        return ex -> {
            ex.getResponseHeaders().set("Location", location);
            ex.sendResponseHeaders(status, -1);
            ex.close();
        };
    }

    /** Never answers (until the servers close). */
    HttpHandler hang() {
        return ex -> {
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        };
    }

    /** Sends headers at once, then one body byte every 50 ms, for ever. */
    HttpHandler trickle() {
        return ex -> {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                while (stop.getCount() > 0) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client gave up; that is the point of the test
            }
        };
    }

    /** Answers after {@code millis}. */
    static HttpHandler slow(long millis) {
        return ex -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(ex, 200, "text/plain", "late");
        };
    }

    static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            in.readAllBytes();
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() throws Exception {
        stop.countDown();
        for (AutoCloseable c : closeables) {
            c.close();
        }
        executor.shutdownNow();
    }
}
