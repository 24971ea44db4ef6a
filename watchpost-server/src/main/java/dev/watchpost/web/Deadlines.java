package dev.watchpost.web;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One thread that looks at every open connection's running deadline a few times per timeout and ends
 * those that ran out. A request only writes a deadline into its guard: nothing is scheduled or
 * allocated per request.
 */
final class Deadlines implements AutoCloseable {

    private final Set<Guard> guards = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;

    /** @param shortest the shortest timeout watched; deadlines are met within a quarter of it (at most 250 ms late) */
    Deadlines(Duration shortest) {
        long period = Math.max(10, Math.min(250, shortest.toMillis() / 4));
        this.thread = Thread.ofPlatform().daemon().name("http-deadlines").start(() -> {
            while (running) {
                try {
                    Thread.sleep(period);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                long now = System.nanoTime();
                for (Guard g : guards) {
                    g.check(now);
                }
            }
        });
    }

    void add(Guard guard) {
        guards.add(guard);
    }

    void remove(Guard guard) {
        guards.remove(guard);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
