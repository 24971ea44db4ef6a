package dev.watchpost.feed;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands events to many slow consumers without ever waiting for them: each subscription has a
 * bounded queue; a subscriber whose queue is full is dropped (it reconnects and starts again from a
 * fresh snapshot), so a stuck client can never hold up ingest or other clients.
 */
public final class Fanout<E> {

    private final Set<Subscription<E>> subscriptions = ConcurrentHashMap.newKeySet();
    private final int capacity;
    private final AtomicLong dropped = new AtomicLong();

    public Fanout(int capacity) {
        this.capacity = capacity;
    }

    /** One consumer's queue. */
    public static final class Subscription<E> implements AutoCloseable {
        /**
         * Put in a closed subscription's queue to wake its consumer at once: consumers wait for the
         * whole timeout in one call, so ten thousand quiet viewers cost no wake-ups between events.
         */
        private static final Object CLOSED = new Object();

        /**
         * Linked, not an array: an array queue allocates its whole capacity up front, 8 KB per
         * subscriber that is almost always empty, which for ten thousand viewers of a status page was
         * 80 MB of heap holding nothing.
         */
        private final LinkedBlockingQueue<Object> queue;
        private final Fanout<E> owner;
        private volatile boolean closed;

        private Subscription(Fanout<E> owner, int capacity) {
            this.owner = owner;
            this.queue = new LinkedBlockingQueue<>(capacity);
        }

        /** The next event, or null after {@code timeout} or as soon as the subscription is closed. */
        @SuppressWarnings("unchecked")
        public E poll(Duration timeout) throws InterruptedException {
            if (closed) {
                return null;
            }
            Object e = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (e == CLOSED || closed) {
                queue.offer(CLOSED); // a second poll returns at once too
                return null;
            }
            return (E) e;
        }

        public boolean closed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
            owner.subscriptions.remove(this);
            // make room for the marker: what is queued is never read once closed
            queue.clear();
            queue.offer(CLOSED);
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
