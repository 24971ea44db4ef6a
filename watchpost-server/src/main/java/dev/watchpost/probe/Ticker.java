package dev.watchpost.probe;

import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The clockwork both probe schedulers share, the server's ({@link ProbeScheduler}) and a remote
 * prober's ({@link RemoteProbes}): one daemon thread that ticks every {@link ProbeScheduler#TICK}
 * (a tick that fails is logged, and the next one comes all the same), and the entries due taken
 * off a queue ordered by due time.
 */
final class Ticker {

    /** A queued entry's due time. */
    interface Timed {
        long atMs();
    }

    private Ticker() {
    }

    /** Starts ticking on a daemon thread named {@code thread}; a tick's failure is logged as {@code failedEvent}. */
    static ScheduledExecutorService start(String thread, Runnable tick, Logger log, String failedEvent) {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, thread);
            t.setDaemon(true);
            return t;
        });
        long every = ProbeScheduler.TICK.toMillis();
        ticker.scheduleAtFixedRate(() -> {
            try {
                tick.run();
            } catch (RuntimeException e) {
                log.error("event={} error=\"{}\"", failedEvent, e.toString(), e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return ticker;
    }

    /** Takes every entry due at {@code now} off {@code queue} (which guards itself), earliest first. */
    static <D extends Timed> List<D> takeDue(PriorityQueue<D> queue, long now) {
        List<D> due = new ArrayList<>();
        synchronized (queue) {
            while (!queue.isEmpty() && queue.peek().atMs() <= now) {
                due.add(queue.poll());
            }
        }
        return due;
    }
}
