package dev.watchpost.client;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Heartbeats leave the caller through a bounded queue and go out from one background thread as
 * {@code POST /api/v1/heartbeats} batches. The caller never waits for the network: a full queue
 * drops the heartbeat and counts it. A batch that fails for a reason that may pass (no answer,
 * 5xx, 429) is sent again after a backoff and nothing behind it overtakes it; one the server
 * refuses (another 4xx) is not sent again. Every heartbeat accepted into the queue ends as sent,
 * rejected or dropped, and is counted as such.
 */
final class Reporter implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Watchpost.class.getName());
    private static final String PATH = "/api/v1/heartbeats";
    /** Well under the server's default body limit (256 KiB); a smaller limit is met by halving on 413. */
    private static final int MAX_BYTES = 128 * 1024;
    private static final int MAX_ITEMS = 1_000;

    private final Api api;
    private final String token;
    private final BlockingQueue<Map<String, Object>> queue;
    private final Duration batchDelay;
    private final Duration closeTimeout;
    private final Backoff backoff;
    private final Thread thread;

    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean dropLogged = new AtomicBoolean();
    private final AtomicBoolean refusalLogged = new AtomicBoolean();
    private final AtomicBoolean rejectionLogged = new AtomicBoolean();
    private final AtomicBoolean outageLogged = new AtomicBoolean();
    private volatile boolean closing;
    private volatile boolean closed;
    private volatile long closeDeadline;
    private int maxItems = MAX_ITEMS;

    Reporter(Api api, String token, int capacity, Duration batchDelay, Duration closeTimeout, Backoff backoff) {
        this.api = api;
        this.token = token;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batchDelay = batchDelay;
        this.closeTimeout = closeTimeout;
        this.backoff = backoff;
        this.thread = new Thread(this::run, "watchpost-reporter");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues one heartbeat without waiting; false (and counted) when the queue is full or closed. */
    boolean offer(Map<String, Object> heartbeat) {
        if (!closing) {
            pending.incrementAndGet();
            if (queue.offer(heartbeat)) {
                // close() may have taken the queue's last contents just before this offer: take it back
                if (!closed || !queue.remove(heartbeat)) {
                    return true;
                }
            }
            pending.decrementAndGet();
        }
        long n = dropped.incrementAndGet();
        if (dropLogged.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "Watchpost heartbeats are being dropped: the queue of " + (queue.size() + queue.remainingCapacity())
                    + (closing ? " is closed" : " is full (is the server down or slow?)")
                    + "; this is logged once, see dropped() for the count (" + n + " so far)");
        }
        return false;
    }

    long sent() {
        return sent.get();
    }

    long rejected() {
        return rejected.get();
    }

    long dropped() {
        return dropped.get();
    }

    /** Waits until every heartbeat queued so far has been sent, rejected or dropped; false on timeout. */
    boolean flush(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (pending.get() > 0) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void run() {
        List<Map<String, Object>> batch = new ArrayList<>();
        try {
            while (true) {
                if (batch.isEmpty()) {
                    Map<String, Object> first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (closing) {
                            return;
                        }
                        continue;
                    }
                    batch.add(first);
                    if (!closing && !batchDelay.isZero()) {
                        // a moment for the other threads' heartbeats to join this one in one request
                        Thread.sleep(batchDelay.toMillis());
                    }
                }
                queue.drainTo(batch, Math.max(0, maxItems - batch.size()));
                sendSome(batch);
            }
        } catch (InterruptedException e) {
            // close() gave up waiting: what is left is dropped, and counted
        } finally {
            int left = batch.size();
            List<Map<String, Object>> rest = new ArrayList<>();
            queue.drainTo(rest);
            left += rest.size();
            if (left > 0) {
                dropped.addAndGet(left);
                pending.addAndGet(-left);
                LOG.log(Level.WARNING, "Watchpost client closed with " + left + " heartbeats not delivered (counted in dropped())");
            }
        }
    }

    /** Sends the head of {@code batch} that fits; removes what is settled, keeps what must be sent again. */
    private void sendSome(List<Map<String, Object>> batch) throws InterruptedException {
        StringBuilder body = new StringBuilder(4096).append('[');
        int n = 0;
        for (Map<String, Object> h : batch) {
            int mark = body.length();
            if (n > 0) {
                body.append(',');
            }
            Json.write(body, h);
            if (n >= maxItems || (n > 0 && body.length() + 1 > MAX_BYTES)) {
                body.setLength(mark);
                break;
            }
            n++;
        }
        body.append(']');
        HttpRequest request = api.request(PATH, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<String> r;
        try {
            r = api.http().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            retryLater("could not reach the server (" + e + ")");
            return;
        }
        int status = r.statusCode();
        if (status == 200) {
            settle(batch, n, r.body());
        } else if (status == 413 && n > 1) {
            maxItems = Math.max(1, n / 2); // the server's body limit is smaller than ours
        } else if (status == 429 || status >= 500) {
            retryLater("the server answered " + status + ": " + Api.errorOf(status, r.body()));
        } else {
            rejected.addAndGet(n);
            remove(batch, n);
            if (refusalLogged.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "Watchpost refused a batch of " + n + " heartbeats with " + status + ": "
                        + Api.errorOf(status, r.body()) + " (not sent again; logged once, see rejected())");
            }
        }
    }

    private void settle(List<Map<String, Object>> batch, int n, String answer) {
        backoff.reset();
        if (outageLogged.compareAndSet(true, false)) {
            LOG.log(Level.INFO, "Watchpost answers again; heartbeats are delivered");
        }
        List<Object> refused = List.of();
        try {
            refused = Json.list(Json.object(Json.parse(answer)).get("rejected"));
        } catch (IllegalArgumentException notJson) {
            // the batch was taken (200); the details are lost, not the heartbeats
        }
        rejected.addAndGet(refused.size());
        sent.addAndGet(n - refused.size());
        if (!refused.isEmpty() && rejectionLogged.compareAndSet(false, true)) {
            Map<String, Object> first = Json.object(refused.get(0));
            LOG.log(Level.WARNING, "Watchpost rejected " + refused.size() + " of " + n + " heartbeats, e.g. '"
                    + first.get("target") + "': " + first.get("error") + " (logged once, see rejected())");
        }
        remove(batch, n);
    }

    private void remove(List<Map<String, Object>> batch, int n) {
        batch.subList(0, n).clear();
        pending.addAndGet(-n);
    }

    private void retryLater(String why) throws InterruptedException {
        if (outageLogged.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "Watchpost heartbeats wait: " + why + "; sending again with backoff");
        }
        long wait = backoff.next();
        if (closing) {
            long left = TimeUnit.NANOSECONDS.toMillis(closeDeadline - System.nanoTime());
            if (left <= 0) {
                throw new InterruptedException("closed");
            }
            wait = Math.min(wait, left);
        }
        Thread.sleep(wait);
    }

    /** Sends what is queued for up to the close timeout, then drops (and counts) the rest. */
    @Override
    public void close() {
        closeDeadline = System.nanoTime() + closeTimeout.toNanos();
        closing = true;
        try {
            thread.join(Math.max(1, closeTimeout.toMillis()));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(1_000);
            }
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
        }
        closed = true;
        // what was offered while the thread was ending: dropped, and counted
        List<Map<String, Object>> late = new ArrayList<>();
        queue.drainTo(late);
        if (!late.isEmpty()) {
            dropped.addAndGet(late.size());
            pending.addAndGet(-late.size());
        }
    }
}
