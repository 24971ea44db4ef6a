package dev.watchpost.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What one node passes on to the nodes that own it, one lane per owner: a queue and a virtual
 * thread that sends what waits in batches, in the order it came, over the cluster's internal HTTP
 * with the cluster secret. Push reports ({@link Forwarder}) and remote probers' results (the
 * location feature's relay) travel this way; what each item is, how a batch is written and what
 * an owner's answer means is theirs ({@link Send}, {@link Failed}).
 *
 * @param <T> what waits
 */
public final class OwnerLanes<T> implements AutoCloseable {

    /** Sends one batch to its owner's {@code to}; throws when the owner did not take it. */
    @FunctionalInterface
    public interface Send<T> {
        void send(URI to, List<T> batch) throws IOException, InterruptedException;
    }

    /** A batch that could not be sent ({@code e}): its items' fate is the caller's. */
    @FunctionalInterface
    public interface Failed<T> {
        void failed(URI to, List<T> batch, Exception e);
    }

    /** An owner's answer to a batch, before reading: 200 or the batch was not taken. */
    public static final Duration OWNER_TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();
    private final ConcurrentHashMap<URI, Lane> lanes = new ConcurrentHashMap<>();
    private final String path;
    private final int maxBatch;
    private final String threadName;
    private final String secret;
    private final Send<T> send;
    private final Failed<T> failed;
    private final Consumer<List<T>> leftAtClose;
    private volatile boolean closed;

    /**
     * @param path        the owner's route, resolved against its base URL
     * @param maxBatch    the most items one request carries
     * @param threadName  the lanes' threads' name
     * @param secret      the cluster secret, sent as the bearer token
     * @param send        writes and sends one batch (see {@link #post})
     * @param failed      a batch that failed to send
     * @param leftAtClose what still waited when the lanes were closed
     */
    public OwnerLanes(String path, int maxBatch, String threadName, String secret, Send<T> send, Failed<T> failed,
                      Consumer<List<T>> leftAtClose) {
        this.path = Objects.requireNonNull(path, "path");
        this.maxBatch = maxBatch;
        this.threadName = Objects.requireNonNull(threadName, "threadName");
        this.secret = Objects.requireNonNull(secret, "secret");
        this.send = Objects.requireNonNull(send, "send");
        this.failed = Objects.requireNonNull(failed, "failed");
        this.leftAtClose = Objects.requireNonNull(leftAtClose, "leftAtClose");
    }

    /** Queues {@code item} for the node at {@code owner} (its base URL). */
    public void offer(URI owner, T item) {
        lanes.computeIfAbsent(owner, Lane::new).queue.add(item);
    }

    /**
     * Posts a JSON body to an owner with the cluster secret; the answer's body when it is 200,
     * else an {@link IOException} naming the status.
     */
    public String post(URI to, byte[] json) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(to).timeout(OWNER_TIMEOUT)
                .header("Authorization", "Bearer " + secret).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IOException("owner answered " + res.statusCode());
        }
        return res.body();
    }

    /** Stops the lanes; each hands what still waits to {@code leftAtClose} within a second. */
    @Override
    public void close() {
        closed = true;
    }

    /** The items waiting for one owner and the virtual thread that sends them. */
    private final class Lane {
        final LinkedBlockingQueue<T> queue = new LinkedBlockingQueue<>();
        final URI to;

        Lane(URI owner) {
            this.to = owner.resolve(path);
            Thread.ofVirtual().name(threadName).start(this::run);
        }

        private void run() {
            List<T> batch = new ArrayList<>(maxBatch);
            while (!closed) {
                try {
                    T first = queue.poll(1, TimeUnit.SECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, maxBatch - 1);
                    send.send(to, batch);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    failed.failed(to, List.copyOf(batch), e);
                } finally {
                    batch.clear();
                }
            }
            List<T> left = new ArrayList<>();
            queue.drainTo(left);
            if (!left.isEmpty()) {
                leftAtClose.accept(left);
            }
        }
    }
}
