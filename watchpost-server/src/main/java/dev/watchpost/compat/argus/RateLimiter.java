package dev.watchpost.compat.argus;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets by key (a member identity, a client address). Pure: the caller passes the time, so
 * the maths is tested without sleeping. Thread-safe.
 *
 * <p>Memory is bounded: at most {@code maxKeys} buckets are kept. A full bucket is the same as no
 * bucket, so when the limit is reached full buckets are dropped (at most once per second); if that
 * frees nothing, a new key is let through untracked rather than refused — the limits protect the
 * server from one noisy client, and refusing every newcomer would let many keys lock out honest
 * members.
 */
final class RateLimiter {

    /** The answer for one request. {@code retryAfterMs} is 0 when allowed. */
    record Decision(boolean allowed, long retryAfterMs) {

        static final Decision ALLOWED = new Decision(true, 0);

        /** Whole seconds for a {@code Retry-After} header: rounded up, at least 1. */
        long retryAfterSeconds() {
            return Math.max(1, (retryAfterMs + 999) / 1000);
        }
    }

    private static final class Bucket {
        double tokens; // guarded by this
        long atMs;     // guarded by this

        Bucket(double tokens, long atMs) {
            this.tokens = tokens;
            this.atMs = atMs;
        }

        /** Tokens at {@code nowMs}; a clock that went back refills nothing. */
        double refill(long nowMs, double perMs, double burst) {
            if (nowMs > atMs) {
                tokens = Math.min(burst, tokens + (nowMs - atMs) * perMs);
                atMs = nowMs;
            }
            return tokens;
        }
    }

    private final double perMs;
    private final double burst;
    private final int maxKeys;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile long nextSweepMs = Long.MIN_VALUE;

    RateLimiter(ArgusSettings.RateLimit limit, int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1, got " + maxKeys);
        }
        this.perMs = limit.perSecond() / 1000.0;
        this.burst = limit.burst();
        this.maxKeys = maxKeys;
    }

    /** Takes one token from {@code key}'s bucket at {@code nowMs} (epoch ms), or says how long to wait. */
    Decision acquire(String key, long nowMs) {
        Bucket b = buckets.get(key);
        if (b == null) {
            if (buckets.size() >= maxKeys && !sweep(nowMs)) {
                return Decision.ALLOWED;
            }
            b = buckets.computeIfAbsent(key, k -> new Bucket(burst, nowMs));
        }
        synchronized (b) {
            double tokens = b.refill(nowMs, perMs, burst);
            if (tokens >= 1) {
                b.tokens = tokens - 1;
                return Decision.ALLOWED;
            }
            return new Decision(false, (long) Math.ceil((1 - tokens) / perMs));
        }
    }

    /** Drops full buckets; true when there is room for a new one afterwards. */
    private boolean sweep(long nowMs) {
        if (nowMs >= nextSweepMs || nowMs + 1000 < nextSweepMs) { // due, or the clock went back
            nextSweepMs = nowMs + 1000;
            buckets.values().removeIf(b -> {
                synchronized (b) {
                    return b.refill(nowMs, perMs, burst) >= burst;
                }
            });
        }
        return buckets.size() < maxKeys;
    }

    /** Buckets held (tests, metrics). */
    int size() {
        return buckets.size();
    }
}
