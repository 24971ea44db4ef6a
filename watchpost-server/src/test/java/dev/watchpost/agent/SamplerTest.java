package dev.watchpost.agent;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The background sampler: latest value, failures as absence, a schedule that survives failures. */
class SamplerTest {

    @Test
    void aFailedSampleIsAbsentUntilASampleSucceedsAgain() {
        AtomicInteger calls = new AtomicInteger();
        Sampler sampler = new Sampler(() -> switch (calls.incrementAndGet()) {
            case 1 -> new Reading(1, 2, 3);
            case 2 -> throw new IOException("file system gone");
            case 3 -> throw new IllegalStateException("not a number");
            default -> new Reading(4, 5, 6);
        }, Duration.ofHours(1));
        assertThat(sampler.latest()).as("nothing sampled yet").isEmpty();
        sampler.sample();
        assertThat(sampler.latest()).contains(new Reading(1, 2, 3));
        sampler.sample();
        assertThat(sampler.latest()).as("stale figures are not served").isEmpty();
        sampler.sample();
        assertThat(sampler.latest()).isEmpty();
        sampler.sample();
        assertThat(sampler.latest()).contains(new Reading(4, 5, 6));
        sampler.close();
    }

    @Test
    void startSamplesAtOnceThenKeepsSamplingAfterAFailure() {
        AtomicInteger calls = new AtomicInteger();
        try (Sampler sampler = new Sampler(() -> {
            int n = calls.incrementAndGet();
            if (n == 2) {
                throw new IOException("transient");
            }
            return new Reading(n, 0, 0);
        }, Duration.ofMillis(200))) { // long enough that the failing second sample cannot race the first assertion
            sampler.start();
            assertThat(sampler.latest()).as("the first sample is taken before start returns").contains(new Reading(1, 0, 0));
            await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 4 && sampler.latest().isPresent());
        }
    }
}
