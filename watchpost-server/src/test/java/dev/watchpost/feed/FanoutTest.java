package dev.watchpost.feed;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class FanoutTest {

    @Test
    void aSubscriberThatFallsBehindIsDroppedWithoutHoldingUpOthers() throws Exception {
        try (Fanout<Integer> fanout = new Fanout<>(3)) {
            Fanout.Subscription<Integer> slow = fanout.subscribe();
            Fanout.Subscription<Integer> fast = fanout.subscribe();
            for (int i = 0; i < 3; i++) {
                fanout.publish(i);
                assertThat(fast.poll(Duration.ofSeconds(5))).isEqualTo(i);
            }
            fanout.publish(3); // the slow one's queue is full: it is dropped, the fast one gets it
            assertThat(fast.poll(Duration.ofSeconds(5))).isEqualTo(3);
            await().atMost(Duration.ofSeconds(5)).until(slow::closed); // handed on in no set order: maybe after the fast one
            assertThat(fast.closed()).isFalse();
            assertThat(fanout.size()).isEqualTo(1);
            assertThat(fanout.dropped()).isEqualTo(1);
            assertThat(slow.poll(Duration.ofMillis(1))).as("a dropped subscriber gets nothing more").isNull();
        }
    }

    @Test
    void everySubscriberGetsEveryEventInOrderAcrossManySlices() throws Exception {
        int subscribers = Fanout.SLICE * 5 + 7;
        int events = 200;
        try (Fanout<Integer> fanout = new Fanout<>(events)) {
            List<List<Integer>> received = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(subscribers);
            for (int s = 0; s < subscribers; s++) {
                Fanout.Subscription<Integer> sub = fanout.subscribe();
                List<Integer> got = new ArrayList<>();
                received.add(got);
                Thread.ofVirtual().start(() -> {
                    try {
                        while (got.size() < events) {
                            Integer e = sub.poll(Duration.ofSeconds(10));
                            if (e == null) {
                                return;
                            }
                            got.add(e);
                            for (Integer more = sub.pollNow(); more != null; more = sub.pollNow()) {
                                got.add(more);
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        done.countDown();
                    }
                });
            }
            for (int i = 0; i < events; i++) {
                fanout.publish(i); // a burst, published faster than it is handed on
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            List<Integer> expected = java.util.stream.IntStream.range(0, events).boxed().toList();
            for (List<Integer> got : received) {
                assertThat(got).isEqualTo(expected);
            }
            assertThat(fanout.dropped()).isZero();
        }
    }

    @Test
    void aStuckSubscriberNeitherStopsTheOthersNorIsKeptForever() throws Exception {
        try (Fanout<Integer> fanout = new Fanout<>(10)) {
            Fanout.Subscription<Integer> stuck = fanout.subscribe(); // never polls
            Fanout.Subscription<Integer> reader = fanout.subscribe();
            AtomicInteger read = new AtomicInteger();
            for (int i = 0; i < 50; i++) {
                fanout.publish(i);
                assertThat(reader.poll(Duration.ofSeconds(5))).isEqualTo(i);
                read.incrementAndGet();
            }
            assertThat(read).hasValue(50);
            await().atMost(Duration.ofSeconds(5)).until(stuck::closed);
            assertThat(fanout.dropped()).isEqualTo(1);
        }
    }

    @Test
    void closingStopsHandingOnAndWakesEveryone() throws Exception {
        Fanout<Integer> fanout = new Fanout<>(10);
        Fanout.Subscription<Integer> sub = fanout.subscribe();
        long start = System.nanoTime();
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException ignored) {
                // closing anyway
            }
            fanout.closeAll();
        });
        assertThat(sub.poll(Duration.ofSeconds(30))).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(sub.closed()).isTrue();
        fanout.publish(1); // after closing: ignored, no error
        assertThat(sub.poll(Duration.ZERO)).isNull();
    }
}
