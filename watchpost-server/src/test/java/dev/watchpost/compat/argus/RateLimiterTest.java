package dev.watchpost.compat.argus;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Token buckets as pure maths: the caller gives the time. */
class RateLimiterTest {

    private static final long T0 = 1_700_000_000_000L;

    private static RateLimiter limiter(double perSecond, int burst) {
        return new RateLimiter(new ArgusSettings.RateLimit(perSecond, burst), 100);
    }

    @Test
    void allowsTheBurstThenSaysHowLongUntilTheNextToken() {
        RateLimiter l = limiter(2, 3);
        for (int i = 0; i < 3; i++) {
            assertThat(l.acquire("a", T0).allowed()).isTrue();
        }
        RateLimiter.Decision refused = l.acquire("a", T0);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterMs()).isEqualTo(500);
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void refillsAtTheRateUpToTheBurst() {
        RateLimiter l = limiter(2, 3);
        for (int i = 0; i < 3; i++) {
            l.acquire("a", T0);
        }
        assertThat(l.acquire("a", T0 + 499).allowed()).isFalse();
        assertThat(l.acquire("a", T0 + 500).allowed()).isTrue();
        assertThat(l.acquire("a", T0 + 500).allowed()).isFalse();
        // A long pause refills to the burst, not beyond.
        long later = T0 + 60_000;
        for (int i = 0; i < 3; i++) {
            assertThat(l.acquire("a", later).allowed()).isTrue();
        }
        assertThat(l.acquire("a", later).allowed()).isFalse();
    }

    @Test
    void keysHaveTheirOwnBuckets() {
        RateLimiter l = limiter(1, 1);
        assertThat(l.acquire("a", T0).allowed()).isTrue();
        assertThat(l.acquire("a", T0).allowed()).isFalse();
        assertThat(l.acquire("b", T0).allowed()).isTrue();
    }

    @Test
    void aClockThatGoesBackRefillsNothingAndBreaksNothing() {
        RateLimiter l = limiter(1, 1);
        assertThat(l.acquire("a", T0).allowed()).isTrue();
        assertThat(l.acquire("a", T0 - 10_000).allowed()).isFalse();
        assertThat(l.acquire("a", T0 + 1_000).allowed()).isTrue();
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
        assertThat(new RateLimiter.Decision(false, 1).retryAfterSeconds()).isEqualTo(1);
        assertThat(new RateLimiter.Decision(false, 1_000).retryAfterSeconds()).isEqualTo(1);
        assertThat(new RateLimiter.Decision(false, 1_001).retryAfterSeconds()).isEqualTo(2);
        RateLimiter slow = limiter(0.1, 1);
        slow.acquire("a", T0);
        assertThat(slow.acquire("a", T0).retryAfterSeconds()).isEqualTo(10);
    }

    @Test
    void atTheKeyLimitFullBucketsAreDroppedAndNewKeysOtherwisePassUntracked() {
        RateLimiter l = new RateLimiter(new ArgusSettings.RateLimit(1, 1), 2);
        l.acquire("a", T0);
        l.acquire("b", T0);
        assertThat(l.size()).isEqualTo(2);

        // Both buckets are empty: nothing to drop, so the newcomer passes without a bucket.
        assertThat(l.acquire("c", T0).allowed()).isTrue();
        assertThat(l.acquire("c", T0).allowed()).isTrue();
        assertThat(l.size()).isEqualTo(2);
        assertThat(l.acquire("a", T0).allowed()).isFalse();

        // Once a and b are full again they are the same as absent and make room.
        assertThat(l.acquire("c", T0 + 2_000).allowed()).isTrue();
        assertThat(l.acquire("c", T0 + 2_000).allowed()).isFalse();
        assertThat(l.size()).isEqualTo(1);
    }
}
