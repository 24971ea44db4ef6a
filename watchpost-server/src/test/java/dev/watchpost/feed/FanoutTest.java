package dev.watchpost.feed;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class FanoutTest {

    @Test
    void aSubscriberThatFallsBehindIsDroppedWithoutHoldingUpOthers() throws Exception {
        Fanout<Integer> fanout = new Fanout<>(3);
        Fanout.Subscription<Integer> slow = fanout.subscribe();
        Fanout.Subscription<Integer> fast = fanout.subscribe();
        for (int i = 0; i < 3; i++) {
            fanout.publish(i);
            assertThat(fast.poll(Duration.ZERO)).isEqualTo(i);
        }
        fanout.publish(3); // the slow one's queue is full: it is dropped, publish returns at once
        assertThat(slow.closed()).isTrue();
        assertThat(fast.closed()).isFalse();
        assertThat(fast.poll(Duration.ZERO)).isEqualTo(3);
        assertThat(fanout.size()).isEqualTo(1);
        assertThat(fanout.dropped()).isEqualTo(1);
        assertThat(slow.poll(Duration.ofMillis(1))).as("a dropped subscriber gets nothing more").isNull();
    }
}
