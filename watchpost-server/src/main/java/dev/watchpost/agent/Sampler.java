package dev.watchpost.agent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Samples a {@link Source} on one background thread and keeps the latest result, so a request
 * never waits for a CPU window nor touches the system: it reads one reference.
 */
final class Sampler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sampler.class);

    /** Where readings come from: {@link SystemStats} in the agent, a script in tests. */
    @FunctionalInterface
    interface Source {
        Reading read() throws IOException;
    }

    private final Source source;
    private final Duration every;
    private final AtomicReference<Optional<Reading>> latest = new AtomicReference<>(Optional.empty());
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("agent-sampler").daemon().factory());
    /** Only the sampling thread (or a test calling {@link #sample()}) touches it. */
    private boolean failing;

    Sampler(Source source, Duration every) {
        this.source = Objects.requireNonNull(source, "source");
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("sampling interval must be positive, got " + every);
        }
        this.every = every;
    }

    /** Takes the first sample at once (so the agent answers from its first request), then one every interval. */
    void start() {
        sample();
        // Fixed delay, not rate: after a stall the sampler does not catch up with a burst of reads.
        timer.scheduleWithFixedDelay(this::sample, every.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * The latest reading; empty when the latest sample failed (the failure is logged when it starts
     * and when it ends), so the agent never serves figures it could not read.
     */
    Optional<Reading> latest() {
        return latest.get();
    }

    /** Takes one sample now. A failure must not escape: it would cancel the schedule for good. */
    void sample() {
        try {
            latest.set(Optional.of(source.read()));
            if (failing) {
                failing = false;
                LOG.info("event=agent.sample_recovered");
            }
        } catch (IOException | RuntimeException e) {
            latest.set(Optional.empty());
            if (!failing) {
                failing = true;
                LOG.warn("event=agent.sample_failed error=\"{}\" hint=\"answering 503 until a sample succeeds\"", e.toString());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
