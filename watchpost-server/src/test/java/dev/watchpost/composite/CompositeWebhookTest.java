package dev.watchpost.composite;

import dev.watchpost.live.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Availability actions delivered to a real HTTP server on 127.0.0.1: recorded before the first try,
 * retried on the clock's time, superseded by newer truth, resumed after a restart, never in the way
 * of assessments. Time is a {@code MutableClock}; requests are awaited, never slept for.
 */
@Tag("integration")
class CompositeWebhookTest {

    static final String EXP = "lab/exp";

    @TempDir
    Path dir;
    Rig rig;
    Receiver receiver;

    @BeforeEach
    void open() {
        rig = new Rig(dir);
    }

    @AfterEach
    void close() {
        rig.close();
        if (receiver != null) {
            receiver.close();
        }
    }

    /** lab/a online, then a composite of it with the receiver's webhook: one action, available. */
    private Instant composite(Receiver r) {
        receiver = r;
        rig.push("lab/a");
        rig.report("lab/a", State.ONLINE);
        Instant at = rig.clock.instant();
        rig.put("""
                {"id": "lab/exp", "composite": {"parts": ["lab/a"], "startup-grace": 0,
                 "on-availability-change": {"webhook": "%s"}}}""".formatted(receiver.url()));
        return at;
    }

    private Action newest() {
        return rig.engine.actions(EXP).get(0);
    }

    /** Runs a round and waits until the attempts it started are recorded and done. */
    private void roundAndWait(Duration d) {
        rig.after(d);
        await().until(() -> !rig.engine.deliveryInFlight(EXP));
    }

    @Test
    void anActionFailsTwiceThenSucceedsOnTheBackOffSchedule() {
        Instant t0 = composite(new Receiver(500, 500, 200));
        Action a = newest();
        assertThat(a.status()).as("written before it is tried").isEqualTo(Action.Status.PENDING);
        assertThat(a.attempts()).isZero();

        roundAndWait(Duration.ZERO);
        assertThat(receiver.count()).isEqualTo(1);
        assertThat(newest().attempts()).isEqualTo(1);
        assertThat(newest().nextAttempt()).contains(t0.plusSeconds(1));

        roundAndWait(Duration.ofMillis(999));
        assertThat(receiver.count()).as("not due yet").isEqualTo(1);
        roundAndWait(Duration.ofMillis(1));
        assertThat(receiver.count()).isEqualTo(2);
        assertThat(newest().nextAttempt()).as("then 2 s").contains(t0.plusSeconds(3));

        roundAndWait(Duration.ofSeconds(1));
        assertThat(receiver.count()).isEqualTo(2);
        roundAndWait(Duration.ofSeconds(1));
        assertThat(receiver.count()).isEqualTo(3);

        Action done = newest();
        assertThat(done.status()).isEqualTo(Action.Status.DELIVERED);
        assertThat(done.attempts()).isEqualTo(3);
        assertThat(done.nextAttempt()).isEmpty();
        assertThat(done.log()).containsExactly(
                new Attempt(t0, receiver.url(), Optional.of(500), Optional.of("HTTP 500")),
                new Attempt(t0.plusSeconds(1), receiver.url(), Optional.of(500), Optional.of("HTTP 500")),
                new Attempt(t0.plusSeconds(3), receiver.url(), Optional.of(200), Optional.empty()));
        assertThat(receiver.received).extracting(Receiver.Received::body).containsOnly(
                "{\"target\":\"lab/exp\",\"available\":true,\"healthy\":true,\"issues\":[],\"at\":\"" + t0 + "\"}");
        assertThat(receiver.received).extracting(Receiver.Received::delivery).containsOnly(Long.toString(done.id()));

        roundAndWait(Duration.ofMinutes(10));
        assertThat(receiver.count()).as("delivered: never again").isEqualTo(3);
    }

    @Test
    void aNewerChangeSupersedesAPendingActionAndBothStayOnRecord() {
        composite(new Receiver(500));
        roundAndWait(Duration.ZERO);
        Action older = newest();
        assertThat(older.attempts()).isEqualTo(1);

        rig.clock.advance(Duration.ofMillis(500));
        rig.report("lab/a", State.DOWN);
        receiver.answer(200);
        roundAndWait(Duration.ZERO);
        List<Action> actions = rig.engine.actions(EXP);
        assertThat(actions).extracting(Action::status).containsExactly(Action.Status.DELIVERED, Action.Status.SUPERSEDED);
        assertThat(actions.get(0).available()).isFalse();
        assertThat(actions.get(0).issues()).containsExactly("unhealthy lab/a");
        assertThat(actions.get(1).attempts()).isEqualTo(1);

        roundAndWait(Duration.ofMinutes(10));
        assertThat(receiver.received).extracting(Receiver.Received::body)
                .as("the superseded one is not sent again; the receiver ends with the latest truth")
                .satisfiesExactly(
                        b -> assertThat(b).contains("\"available\":true"),
                        b -> assertThat(b).contains("\"available\":false"));
    }

    @Test
    void aPendingActionResumesAfterARestart() {
        composite(new Receiver(503));
        roundAndWait(Duration.ZERO);
        long id = newest().id();
        assertThat(newest().status()).isEqualTo(Action.Status.PENDING);

        receiver.answer(204);
        rig.restartEngine();
        roundAndWait(Duration.ofSeconds(1));
        Action a = newest();
        assertThat(a.id()).isEqualTo(id);
        assertThat(a.status()).isEqualTo(Action.Status.DELIVERED);
        assertThat(a.log()).extracting(t -> t.statusCode().orElse(0)).containsExactly(503, 204);
        assertThat(receiver.received).extracting(Receiver.Received::delivery).containsOnly(Long.toString(id));
        assertThat(rig.engine.actions(EXP)).as("no new action: availability did not change").hasSize(1);
    }

    @Test
    void aSlowReceiverNeverHoldsUpAssessmentsAndHearsChangesInOrder() {
        Receiver r = new Receiver(200);
        r.hold();
        composite(r);
        rig.after(Duration.ZERO);
        await().until(() -> receiver.count() == 1); // the first request hangs

        rig.clock.advance(Duration.ofSeconds(1));
        rig.report("lab/a", State.OFFLINE);
        assertThat(rig.target(EXP).state()).as("assessed while the webhook hangs").isEqualTo(State.DOWN);
        rig.after(Duration.ZERO);
        assertThat(receiver.count()).as("the newer action waits for the one in flight").isEqualTo(1);

        receiver.release();
        await().until(() -> !rig.engine.deliveryInFlight(EXP));
        roundAndWait(Duration.ZERO);
        assertThat(receiver.received).extracting(Receiver.Received::body).satisfiesExactly(
                b -> assertThat(b).contains("\"available\":true"),
                b -> assertThat(b).contains("\"available\":false"));
        assertThat(rig.engine.actions(EXP)).extracting(Action::status)
                .containsExactly(Action.Status.DELIVERED, Action.Status.SUPERSEDED);
    }

    @Test
    void aReceiverThatDoesNotAnswerTimesOut() {
        Receiver r = new Receiver(200);
        r.hold();
        composite(r);
        roundAndWait(Duration.ZERO); // the rig's webhook timeout is 2 s
        assertThat(newest().log()).singleElement().satisfies(t -> {
            assertThat(t.statusCode()).isEmpty();
            assertThat(t.error()).contains("no answer within 2s");
        });
        assertThat(newest().status()).isEqualTo(Action.Status.PENDING);
    }

    @Test
    void removingTheWebhookAbandonsAPendingAction() {
        composite(new Receiver(500));
        roundAndWait(Duration.ZERO);
        rig.put("{\"id\": \"lab/exp\", \"composite\": {\"parts\": [\"lab/a\"], \"startup-grace\": 0}}");
        assertThat(newest().status()).isEqualTo(Action.Status.ABANDONED);
        roundAndWait(Duration.ofMinutes(10));
        assertThat(receiver.count()).isEqualTo(1);
    }
}
