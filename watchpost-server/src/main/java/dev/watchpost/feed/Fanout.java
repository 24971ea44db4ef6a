package dev.watchpost.feed;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands events to many slow consumers without ever waiting for them: each subscription has a
 * bounded queue; a subscriber whose queue is full is dropped (it reconnects and starts again from a
 * fresh snapshot), so a stuck client can never hold up ingest or other clients.
 */
public final class Fanout<E> {

    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Set<Subscription<E>> subscriptions = ConcurrentHashMap.newKeySet();
    private final int capacity;
    private final AtomicLong dropped = new AtomicLong();

    public Fanout(int capacity) {
        this.capacity = capacity;
    }

    /** One consumer's queue. */
    public static final class Subscription<E> implements AutoCloseable {
        private final ArrayBlockingQueue<E> queue;
        private final Fanout<E> owner;
        private volatile boolean closed;

        private Subscription(Fanout<E> owner, int capacity) {
            this.owner = owner;
            this.queue = new ArrayBlockingQueue<>(capacity);
        }

        /**
         * The next event, or null after {@code timeout} or soon after the subscription is closed
         * (waits in short slices, so closing every subscription lets a stopping server go at once).
         */
        public E poll(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!closed) {
                long left = deadline - System.nanoTime();
                E e = queue.poll(Math.max(0, Math.min(left, SLICE_NANOS)), TimeUnit.NANOSECONDS);
                if (e != null || left <= SLICE_NANOS) {
                    return e;
                }
            }
            return null;
        }

        public boolean closed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
            owner.subscriptions.remove(this);
        }
    }

    public Subscription<E> subscribe() {
        Subscription<E> s = new Subscription<>(this, capacity);
        subscriptions.add(s);
        return s;
    }

    /** Offers {@code event} to every subscriber; never blocks. */
    public void publish(E event) {
        for (Subscription<E> s : subscriptions) {
            if (!s.queue.offer(event)) {
                dropped.incrementAndGet();
                s.close();
            }
        }
    }

    public int size() {
        return subscriptions.size();
    }

    /** Subscribers dropped because they fell behind. */
    public long dropped() {
        return dropped.get();
    }

    /** Closes every subscription (server stopping). */
    public void closeAll() {
        subscriptions.forEach(Subscription::close);
    }
}
