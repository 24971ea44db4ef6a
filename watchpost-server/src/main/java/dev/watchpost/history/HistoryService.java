package dev.watchpost.history;

import dev.watchpost.live.LiveState;
import dev.watchpost.live.Severity;
import dev.watchpost.live.Transition;
import dev.watchpost.live.TransitionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Feeds {@link History} from the live state (the composition root wires every observation and this
 * node's durable transitions to it) and runs
 * its periodic work: a flush every {@link #FLUSH_EVERY}, retention every {@link #PRUNE_EVERY}, and a
 * last flush on shutdown.
 */
public final class HistoryService implements TransitionListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryService.class);
    public static final Duration FLUSH_EVERY = Duration.ofMinutes(1);
    public static final Duration PRUNE_EVERY = Duration.ofHours(1);

    private final History history;
    private final Clock clock;
    private ScheduledExecutorService timer;

    public HistoryService(History history, Clock clock) {
        this.history = history;
        this.clock = clock;
    }

    /**
     * Counts the changes this node recorded (wired with {@link LiveState#addOwnTransitionListener}:
     * in cluster mode only a target's owner counts its time).
     */
    @Override
    public void onTransitions(List<Transition> transitions) {
        transitions.forEach(history::transition);
    }

    /**
     * Reopens what was open when Watchpost stopped, so down, unknown and maintenance time continue;
     * call after the live state's targets are defined and before it starts.
     */
    public void reopen(LiveState live) {
        reopen(live, live::owns);
    }

    /** In cluster mode: this node now owns the targets {@code taken} accepts; their open intervals continue here. */
    public void takeOver(LiveState live, java.util.function.Predicate<String> taken) {
        reopen(live, taken);
    }

    /**
     * In cluster mode: another node takes over the targets {@code gone} accepts; what was counted is
     * written first, then this node stops counting them.
     */
    public void handOver(java.util.function.Predicate<String> gone) {
        try {
            history.handOver(gone, clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("event=history.handover_failed error=\"{}\"", e.getMessage());
        }
    }

    private void reopen(LiveState live, java.util.function.Predicate<String> which) {
        live.forEachTarget(v -> {
            if (which.test(v.id()) && v.since() > 0 && v.state().severity() != Severity.OK
                    && v.state().severity() != Severity.WARN) {
                history.restore(v.id(), v.state(), Instant.ofEpochMilli(v.since()));
            }
        });
    }

    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("watchpost-history").daemon(true).factory());
        timer.scheduleWithFixedDelay(this::flushQuietly, FLUSH_EVERY.toMillis(), FLUSH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::pruneQuietly, PRUNE_EVERY.toMillis(), PRUNE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    public History history() {
        return history;
    }

    /** Writes pending buckets now (tests, shutdown). */
    public void flush() {
        history.flush(clock.instant());
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("event=history.flush_failed error=\"{}\"", e.getMessage());
        }
    }

    private void pruneQuietly() {
        try {
            Instant now = clock.instant();
            int n = history.prune(now);
            int t = history.pruneTransitions(now);
            if (n > 0 || t > 0) {
                LOG.info("event=history.pruned buckets={} transitions={}", n, t);
            }
        } catch (RuntimeException e) {
            LOG.warn("event=history.prune_failed error=\"{}\"", e.getMessage());
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdown();
            try {
                timer.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flushQuietly();
    }
}
