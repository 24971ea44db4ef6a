package dev.watchpost.history;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/** Mutable sums of bucket contents, used while building rows to write and while aggregating rows read. */
final class Counts {

    long samples;
    long failures;
    long downMs;
    long unobservedMs;
    double latencySum;
    double latencySquares;
    double latencyMax;
    final long[] bins = new long[Bins.COUNT];

    void add(Accumulator.Delta d) {
        samples += d.samples;
        failures += d.failures;
        latencySum += d.latencySum;
        latencySquares += d.latencySquares;
        latencyMax = Math.max(latencyMax, d.latencyMax);
        for (int i = 0; i < Bins.COUNT; i++) {
            bins[i] += d.bins[i];
        }
    }

    void add(Counts o) {
        samples += o.samples;
        failures += o.failures;
        downMs += o.downMs;
        unobservedMs += o.unobservedMs;
        latencySum += o.latencySum;
        latencySquares += o.latencySquares;
        latencyMax = Math.max(latencyMax, o.latencyMax);
        for (int i = 0; i < Bins.COUNT; i++) {
            bins[i] += o.bins[i];
        }
    }

    void addTime(byte kind, long millis) {
        if (kind == Accumulator.DOWN) {
            downMs += millis;
        } else if (kind == Accumulator.UNOBSERVED) {
            unobservedMs += millis;
        }
    }

    long latencyCount() {
        long n = 0;
        for (long b : bins) {
            n += b;
        }
        return n;
    }

    Bucket toBucket(Resolution r, long start) {
        return new Bucket(r, Instant.ofEpochMilli(start), samples, failures, Duration.ofMillis(downMs),
                Duration.ofMillis(unobservedMs), latencySum, latencySquares, latencyMax, Arrays.stream(bins).boxed().toList());
    }
}
