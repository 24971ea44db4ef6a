package dev.watchpost.feed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands events to many slow consumers without ever waiting for them: each subscription has a
 * bounded queue; a subscriber whose queue is full is dropped (it reconnects and starts again from a
 * fresh snapshot), so a stuck client can never hold up ingest or other clients.
 *
 * <p>{@link #publish} only queues the event: a thread of the fan-out's own hands it on, in slices of
 * {@link #SLICE} subscribers with a yield between them. Each subscriber is a virtual thread, and
 * handing one event to ten thousand at once made ten thousand of them runnable at once: every
 * request that arrived meanwhile (a visitor's {@code GET /}) waited behind all of them on the two
 * carrier threads, up to several hundred milliseconds. Handed on in slices, a request waits behind
 * one slice at most. Events that arrive while a slice is handed on are handed on together, so a
 * burst of changes wakes each subscriber once, not once per change.
 */
public final class Fanout<E> implements AutoCloseable {

    /** Subscribers woken between two yields: a few milliseconds of writes on two cores. */
    static final int SLICE = 128;

    private final Set<Subscription<E>> subscriptions = ConcurrentHashMap.newKeySet();
    private final int capacity;
    private final AtomicLong dropped = new AtomicLong();
    private final LinkedBlockingQueue<Object> pending = new LinkedBlockingQueue<>();
    private final Thread sender;
    private volatile boolean closing;

    public Fanout(int capacity) {
        this.capacity = capacity;
        this.sender = Thread.ofVirtual().name("feed-fanout").start(this::send);
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
        public E poll(Duration timeout) throws InterruptedException {
            if (closed) {
                return null;
            }
            return taken(queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
        }

        /** The next event if one is queued now, else null: to write what arrived together at once. */
        public E pollNow() {
            return closed ? null : taken(queue.poll());
        }

        @SuppressWarnings("unchecked")
        private E taken(Object e) {
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

    /** Queues {@code event} for every subscriber; never blocks. */
    public void publish(E event) {
        if (!closing) {
            pending.add(event);
        }
    }

    @SuppressWarnings("unchecked")
    private void send() {
        List<Object> batch = new ArrayList<>();
        while (!closing) {
            try {
                batch.add(pending.take());
            } catch (InterruptedException e) {
                return;
            }
            pending.drainTo(batch);
            if (closing) {
                return;
            }
            int handed = 0;
            for (Subscription<E> s : subscriptions) {
                for (Object event : batch) {
                    if (!s.queue.offer(event)) {
                        dropped.incrementAndGet();
                        s.close();
                        break;
                    }
                }
                if (++handed % SLICE == 0) {
                    Thread.yield(); // let what the slice woke, and anyone else waiting, run first
                }
            }
            batch.clear();
        }
    }

    public int size() {
        return subscriptions.size();
    }

    /** Subscribers dropped because they fell behind. */
    public long dropped() {
        return dropped.get();
    }

    /** Closes every subscription and stops handing events on (server stopping). */
    public void closeAll() {
        closing = true;
        sender.interrupt();
        subscriptions.forEach(Subscription::close);
    }

    @Override
    public void close() {
        closeAll();
    }
}
