package dev.watchpost.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The live stream ({@code GET /api/v1/stream}, Server-Sent Events) read on its own thread and told
 * to a {@link StreamListener}. It reconnects after a backoff with the last event's id, so the
 * server replays what was missed when it still holds it (else it sends the snapshot again).
 * {@link #close()} stops it.
 */
public final class LiveStream implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Watchpost.class.getName());

    private final Api api;
    private final String token;
    private final StreamListener listener;
    private final Backoff backoff;
    private final Thread thread;
    private volatile boolean closed;
    private volatile InputStream current;
    private volatile boolean connected;
    private volatile String lastEventId;
    private volatile long lastRead = System.nanoTime();
    private final long idleNanos;
    private final java.util.concurrent.ScheduledExecutorService watchdog;

    LiveStream(Api api, String token, StreamListener listener, Backoff backoff, Duration idle) {
        this.idleNanos = idle.toNanos();
        this.watchdog = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "watchpost-stream-watchdog");
            t.setDaemon(true);
            return t;
        });
        // The server writes a keep-alive every 15 s; a connection silent for much longer is dead
        // (a half-open TCP connection after a network fault) and blocking reads would wait forever.
        long check = Math.max(100, idle.toMillis() / 4);
        watchdog.scheduleWithFixedDelay(this::closeIfSilent, check, check, java.util.concurrent.TimeUnit.MILLISECONDS);
        this.api = api;
        this.token = token;
        this.listener = listener;
        this.backoff = backoff;
        this.thread = new Thread(this::run, "watchpost-stream");
        thread.setDaemon(true);
        thread.start();
    }

    /** True while a connection is open and its first event has come. */
    public boolean connected() {
        return connected;
    }

    private void run() {
        while (!closed) {
            Throwable cause;
            try {
                read();
                cause = new IOException("the server ended the stream");
            } catch (IOException | WatchpostException e) {
                cause = e;
            } catch (InterruptedException e) {
                return;
            }
            connected = false;
            if (closed) {
                return;
            }
            Throwable why = cause;
            tell(() -> listener.onDisconnected(why));
            try {
                Thread.sleep(backoff.next());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void read() throws IOException, InterruptedException {
        HttpRequest.Builder b = api.request("/api/v1/stream", token).timeout(Duration.ofSeconds(10))
                .header("Accept", "text/event-stream").GET();
        // the request timeout bounds the wait for the answer's head, not the stream that follows
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> r = api.http().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                String body = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
                throw new WatchpostException(r.statusCode(), Api.errorOf(r.statusCode(), body), null);
            }
            lastRead = System.nanoTime();
            current = in;
            if (closed) {
                return;
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String event = null;
            String id = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = lines.readLine()) != null) {
                lastRead = System.nanoTime();
                if (line.isEmpty()) {
                    if (data.length() > 0 || event != null) {
                        dispatch(event == null ? "message" : event, data.toString());
                        if (id != null) {
                            lastEventId = id;
                        }
                    }
                    event = null;
                    id = null;
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    continue; // keep-alive
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    if (value.startsWith(" ")) {
                        value = value.substring(1);
                    }
                    switch (field) {
                        case "event" -> event = value;
                        case "id" -> id = value;
                        case "data" -> {
                            if (data.length() > 0) {
                                data.append('\n');
                            }
                            data.append(value);
                        }
                        default -> {
                            // retry and unknown fields: not needed
                        }
                    }
                }
            }
        } finally {
            current = null;
        }
    }

    private void dispatch(String event, String data) {
        Object json;
        try {
            json = data.isEmpty() ? java.util.Map.of() : Json.parse(data);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "Watchpost stream: a '" + event + "' event is not JSON: " + e.getMessage());
            return;
        }
        connected = true;
        backoff.reset();
        switch (event) {
            case "snapshot" -> tell(() -> listener.onSnapshot(Snapshot.of(Json.object(json))));
            case "transition" -> tell(() -> listener.onTransition(Transition.of(Json.object(json))));
            case "resumed" -> {
                Object n = Json.object(json).get("replayed");
                tell(() -> listener.onResumed(n instanceof Number num ? num.longValue() : 0));
            }
            default -> {
                // other events may come from newer servers
            }
        }
    }

    private void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Watchpost stream listener failed; the stream goes on", e);
        }
    }

    private void closeIfSilent() {
        InputStream in = current;
        if (in != null && System.nanoTime() - lastRead > idleNanos) {
            LOG.log(Level.WARNING, "Watchpost stream: nothing for " + idleNanos / 1_000_000_000 + " s, not even a keep-alive; reconnecting");
            try {
                in.close();
            } catch (IOException ignored) {
                // the reader ends either way
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        watchdog.shutdownNow();
        InputStream in = current;
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
