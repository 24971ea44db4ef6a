package dev.watchpost.composite;

import dev.watchpost.live.State;
import dev.watchpost.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the composite tables must do on every database Watchpost supports; subclasses only say how
 * to get a fresh, empty one.
 */
abstract class CompositeStoreContract {

    static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
    static final String ID = "lab/exp";
    static final String URL = "http://127.0.0.1:9/hook";

    protected Database db;
    CompositeStore store;

    protected abstract Database.Settings freshDatabase();

    @BeforeEach
    void open() {
        db = Database.open(freshDatabase(), new SimpleMeterRegistry());
        store = new CompositeStore(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static HealthEvent event(int i, boolean available) {
        Map<String, Boolean> parts = new LinkedHashMap<>();
        parts.put("z/" + i, available);
        parts.put("a", true);
        return new HealthEvent(T0.plusSeconds(i), available ? State.ONLINE : State.DOWN, available, available,
                available ? List.of() : List.of("unhealthy z/" + i, "missing a"), parts);
    }

    private static Optional<CompositeStore.NewAction> action(int i, boolean available) {
        return Optional.of(new CompositeStore.NewAction(available, available, available ? List.of() : List.of("unhealthy z"),
                T0.plusSeconds(i)));
    }

    @Test
    void eventsAreKeptNewestUpToTheCapAndReadBackAsWritten() {
        for (int i = 0; i < 7; i++) {
            store.record(ID, event(i, i % 2 == 0), 5, Optional.empty());
        }
        store.record("other", event(0, true), 5, Optional.empty());
        List<HealthEvent> events = store.events(ID, 100);
        assertThat(events).as("oldest first, the newest 5").containsExactly(event(2, true), event(3, false),
                event(4, true), event(5, false), event(6, true));
        assertThat(events.get(1).parts().keySet()).as("part order survives").containsExactly("z/3", "a");
        assertThat(events.get(1).issues()).containsExactly("unhealthy z/3", "missing a");
        assertThat(store.events(ID, 2)).containsExactly(event(5, false), event(6, true));
    }

    @Test
    void aNewActionSupersedesAPendingOneAndBothStayOnRecord() {
        long first = store.record(ID, event(1, false), 100, action(1, false));
        assertThat(store.pending()).extracting(Action::id).containsExactly(first);
        long second = store.record(ID, event(2, true), 100, action(2, true));
        assertThat(second).isGreaterThan(first);
        assertThat(store.pending()).extracting(Action::id).containsExactly(second);
        List<Action> recent = store.recent(ID, 10, 10);
        assertThat(recent).extracting(Action::id).containsExactly(second, first);
        assertThat(recent).extracting(Action::status).containsExactly(Action.Status.PENDING, Action.Status.SUPERSEDED);
        assertThat(recent.get(0).nextAttempt()).as("due at once").contains(T0.plusSeconds(2));
        assertThat(recent.get(1).nextAttempt()).isEmpty();
        assertThat(recent.get(1).issues()).containsExactly("unhealthy z");
        assertThat(recent.get(1).available()).isFalse();
        assertThat(store.record(ID, event(3, false), 100, Optional.empty())).as("an event alone").isEqualTo(-1);
    }

    @Test
    void attemptsAreRecordedUntilDelivered() {
        long id = store.record(ID, event(1, false), 100, action(1, false));
        store.attempted(id, Attempt.answered(T0.plusSeconds(1), URL, 500), Optional.of(T0.plusSeconds(2)));
        store.attempted(id, Attempt.failed(T0.plusSeconds(2), URL, "no answer within 10s"), Optional.of(T0.plusSeconds(4)));
        Action pending = store.pending().get(0);
        assertThat(pending.attempts()).isEqualTo(2);
        assertThat(pending.nextAttempt()).contains(T0.plusSeconds(4));

        store.attempted(id, Attempt.answered(T0.plusSeconds(4), URL, 200), Optional.empty());
        assertThat(store.pending()).isEmpty();
        Action done = store.recent(ID, 1, 10).get(0);
        assertThat(done.status()).isEqualTo(Action.Status.DELIVERED);
        assertThat(done.attempts()).isEqualTo(3);
        assertThat(done.log()).containsExactly(
                new Attempt(T0.plusSeconds(1), URL, Optional.of(500), Optional.of("HTTP 500")),
                new Attempt(T0.plusSeconds(2), URL, Optional.empty(), Optional.of("no answer within 10s")),
                new Attempt(T0.plusSeconds(4), URL, Optional.of(200), Optional.empty()));
    }

    @Test
    void anAttemptOnASupersededActionDoesNotRevive() {
        long old = store.record(ID, event(1, false), 100, action(1, false));
        store.record(ID, event(2, true), 100, action(2, true));
        store.attempted(old, Attempt.answered(T0.plusSeconds(3), URL, 200), Optional.empty());
        Action a = store.recent(ID, 10, 10).get(1);
        assertThat(a.status()).isEqualTo(Action.Status.SUPERSEDED);
        assertThat(a.log()).hasSize(1);
        store.attempted(old, Attempt.answered(T0.plusSeconds(4), URL, 500), Optional.of(T0.plusSeconds(9)));
        assertThat(store.recent(ID, 10, 10).get(1).nextAttempt()).isEmpty();
    }

    @Test
    void onlyTheNewestAttemptsAndActionsAreKept() {
        long id = store.record(ID, event(0, false), 100, action(0, false));
        for (int i = 0; i < CompositeStore.ATTEMPTS_KEPT + 5; i++) {
            store.attempted(id, Attempt.answered(T0.plusSeconds(i), URL, 500), Optional.of(T0.plusSeconds(i + 1)));
        }
        Action a = store.recent(ID, 1, 1000).get(0);
        assertThat(a.attempts()).isEqualTo(CompositeStore.ATTEMPTS_KEPT + 5);
        assertThat(a.log()).hasSize(CompositeStore.ATTEMPTS_KEPT);
        assertThat(a.log().get(0).at()).isEqualTo(T0.plusSeconds(5));

        for (int i = 1; i <= CompositeStore.ACTIONS_KEPT + 3; i++) {
            store.record(ID, event(i, i % 2 == 0), 100, action(i, i % 2 == 0));
        }
        List<Action> kept = store.recent(ID, 1000, 1);
        assertThat(kept).hasSize(CompositeStore.ACTIONS_KEPT);
        assertThat(kept.get(0).status()).isEqualTo(Action.Status.PENDING);
    }

    @Test
    void anAttemptOnADeletedActionLeavesNothingBehind() throws Exception {
        long id = store.record(ID, event(1, false), 100, action(1, false));
        store.delete(ID);
        store.attempted(id, Attempt.answered(T0.plusSeconds(2), URL, 200), Optional.empty());
        int rows = db.read(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM composite_attempt")) {
                rs.next();
                return rs.getInt(1);
            }
        });
        assertThat(rows).isZero();
    }

    @Test
    void abandonAndDelete() {
        store.record(ID, event(1, false), 100, action(1, false));
        store.abandon(ID, T0.plusSeconds(5));
        assertThat(store.pending()).isEmpty();
        assertThat(store.recent(ID, 10, 10).get(0).status()).isEqualTo(Action.Status.ABANDONED);
        store.record("other", event(1, true), 100, action(1, true));
        store.delete(ID);
        assertThat(store.events(ID, 100)).isEmpty();
        assertThat(store.recent(ID, 10, 10)).isEmpty();
        assertThat(store.events("other", 100)).hasSize(1);
        assertThat(store.pending()).extracting(Action::targetId).containsExactly("other");
    }
}
