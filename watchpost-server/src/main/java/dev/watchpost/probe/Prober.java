package dev.watchpost.probe;

import java.time.Instant;

/**
 * Checks one target once. Implementations block the calling thread (meant to be a virtual thread)
 * for at most their configured total timeout plus a little bookkeeping, never throw for anything
 * the target does (refusals, timeouts, garbage are results), and are safe to call concurrently.
 */
interface Prober {

    /**
     * Runs the check.
     *
     * @param now the wall-clock time decisions are made against (certificate expiry); latencies are
     *            measured with {@link System#nanoTime()} independently of it
     * @return the result; never null
     * @throws InterruptedException the calling thread was interrupted (the scheduler is stopping);
     *                              the probe is abandoned and there is no result to record
     */
    ProbeResult probe(Instant now) throws InterruptedException;
}
