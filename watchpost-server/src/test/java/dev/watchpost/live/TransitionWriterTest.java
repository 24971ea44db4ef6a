package dev.watchpost.live;

import dev.watchpost.store.Database;
import dev.watchpost.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The extension point the alerts' outbox uses: rows in the transaction of a transition batch. */
@Tag("integration")
class TransitionWriterTest {

    @TempDir
    Path dir;

    final MutableClock clock = MutableClock.at("2026-06-01T12:00:00Z");
    Database db;
    LiveState live;
    final List<Transition> announced = new CopyOnWriteArrayList<>();

    private void start(TransitionWriter writer) {
        db = Database.open(new Database.Settings("jdbc:sqlite:" + dir.resolve("w.db"), Optional.empty(), Optional.empty(), 2),
                new SimpleMeterRegistry());
        live = new LiveState(db, clock, Duration.ofMinutes(1), new SimpleMeterRegistry());
        live.addTransitionWriter(writer);
        live.addTransitionListener(announced::addAll);
        live.defineTarget(new TargetDef("t", "T", Optional.empty(), TargetKind.PUSH, Optional.empty(), Optional.empty(), "config"));
        live.start();
    }

    @AfterEach
    void close() {
        live.close();
        db.close();
    }

    private int count(String table) {
        return db.read(c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Test
    void aFailingWriterRollsTheBatchBackAndItIsRetriedWhole() {
        AtomicInteger calls = new AtomicInteger();
        List<Integer> sizes = new ArrayList<>();
        start((c, batch) -> {
            sizes.add(batch.size());
            c.createStatement().executeUpdate("INSERT INTO alert_rule (id, spec, created_at) VALUES ('w" + calls.get() + "', '{}', 0)");
            if (calls.incrementAndGet() == 1) {
                throw new SQLException("disk full, say");
            }
        });
        live.observe("t", Observation.report(State.DOWN));
        live.flush();
        assertThat(calls.get()).isEqualTo(2);
        assertThat(sizes).containsExactly(1, 1);
        // the first attempt left nothing: neither the transition nor the writer's row
        assertThat(count("transition")).isEqualTo(1);
        assertThat(count("alert_rule")).isEqualTo(1);
        assertThat(announced).hasSize(1);
    }

    @Test
    void aWriterBugDoesNotStallTransitions() {
        start((c, batch) -> {
            throw new IllegalStateException("a bug");
        });
        live.observe("t", Observation.report(State.DOWN));
        live.observe("t", Observation.report(State.ONLINE));
        live.flush();
        assertThat(count("transition")).isEqualTo(2);
        assertThat(announced).extracting(Transition::to).containsExactly(State.DOWN, State.ONLINE);
    }
}
