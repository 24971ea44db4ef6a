package dev.watchpost.composite;

import dev.watchpost.store.Backoff;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** When undelivered availability actions are tried again: pure, with the time given. */
class CompositeBackoffTest {

    static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
    static final String URL = "http://127.0.0.1:9/hook";

    @Test
    void delaysDoubleFromOneSecondUpToFiveMinutes() {
        List<Long> seconds = new ArrayList<>();
        for (int failures = 1; failures <= 12; failures++) {
            seconds.add(Backoff.DEFAULT.delay(failures).toSeconds());
        }
        assertThat(seconds).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 300L, 300L, 300L);
        assertThat(Backoff.DEFAULT.delay(Integer.MAX_VALUE)).as("no overflow").isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void anActionThatFailsThenSucceeds() {
        Backoff b = Backoff.DEFAULT;
        Attempt first = Attempt.answered(T0, URL, 500);
        assertThat(first.delivered()).isFalse();
        assertThat(first.error()).contains("HTTP 500");
        assertThat(Deliveries.retryAt(b, first, 1)).contains(T0.plusSeconds(1));

        Attempt second = Attempt.failed(T0.plusSeconds(1), URL, "cannot connect: connection refused");
        assertThat(Deliveries.retryAt(b, second, 2)).contains(T0.plusSeconds(3));

        Attempt third = Attempt.answered(T0.plusSeconds(3), URL, 204);
        assertThat(third.delivered()).isTrue();
        assertThat(third.error()).isEmpty();
        assertThat(Deliveries.retryAt(b, third, 2)).as("delivered: nothing more to do").isEqualTo(Optional.empty());
    }

    @Test
    void onlyTwoHundredsCountAsDelivered() {
        assertThat(Attempt.answered(T0, URL, 200).delivered()).isTrue();
        assertThat(Attempt.answered(T0, URL, 299).delivered()).isTrue();
        assertThat(Attempt.answered(T0, URL, 302).delivered()).as("redirects are not followed").isFalse();
        assertThat(Attempt.answered(T0, URL, 404).delivered()).isFalse();
    }
}
