package dev.watchpost.live;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.store.Database;
import dev.watchpost.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checkpoints against real SQLite: what was changed since the last round is written once with its
 * last values (never the state, which the transition log owns), other nodes' targets are left alone,
 * and a failed round loses nothing.
 */
@Tag("integration")
class CheckpointsTest {

    @TempDir
    Path dir;
    MutableClock clock = MutableClock.at("2026-06-01T12:00:00Z");
    Database db;
    Ownership ownership = Ownership.SOLE;
    Checkpoints checkpoints;

    @BeforeEach
    void open() {
        db = Database.open(new Database.Settings("jdbc:sqlite:" + dir.resolve("w.db"), Optional.empty(),
                Optional.empty(), 2), new SimpleMeterRegistry());
        checkpoints = new Checkpoints(db, clock, () -> ownership);
    }

    @AfterEach
    void close() {
        db.close();
    }

    /** A node of a cluster: owns what {@code owns} accepts; the database fences {@code fenced}. */
    private static final class Cluster implements Ownership {
        Predicate<String> owns = id -> true;
        Set<String> fenced = Set.of();
        /** Runs inside each write transaction, after the chunk's rows were read from the cells. */
        Runnable during = () -> { };
        final List<Set<String>> asked = new ArrayList<>();

        @Override
        public boolean owns(String targetId) {
            return owns.test(targetId);
        }

        @Override
        public Set<String> fenced(Connection c, Map<String, Long> earliestAt) {
            asked.add(Set.copyOf(earliestAt.keySet()));
            during.run();
            return fenced;
        }
    }

    private static TargetCell cell(String id) {
        return new TargetCell(id, null, null, -1, 0);
    }

    /** Changes a cell as a reporter does: under its monitor, offering it when its flag was clear. */
    private void change(TargetCell c, Consumer<TargetCell> how) {
        boolean offer;
        synchronized (c) {
            how.accept(c);
            offer = !c.checkpointDirty;
            c.checkpointDirty = true;
        }
        if (offer) {
            checkpoints.offer(c);
        }
    }

    private void message(TargetCell c, String m) {
        change(c, x -> x.message = m);
    }

    /** A row as the transition log leaves it. */
    private void stored(String id, State state, long since) {
        db.write(c -> {
            try (var ps = c.prepareStatement("INSERT INTO target_state (target_id, state, since, updated_at) VALUES (?, ?, ?, 0) "
                    + "ON CONFLICT (target_id) DO UPDATE SET state = excluded.state, since = excluded.since")) {
                ps.setString(1, id);
                ps.setString(2, state.id());
                ps.setLong(3, since);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Test
    void onlyChangedTargetsAreWrittenOnceWithTheirLastValues() {
        Cluster cluster = new Cluster();
        ownership = cluster;
        TargetCell a = cell("a");
        TargetCell quiet = cell("quiet");
        long now = clock.millis();
        ObjectNode metrics = JsonNodeFactory.instance.objectNode().put("cpu", 0.5);
        for (int i = 1; i <= 1_000; i++) {
            int n = i;
            change(a, c -> {
                c.lastSeen = now + n;
                c.message = "report " + n;
                c.latency = n;
            });
        }
        change(a, c -> c.metrics = metrics);
        quiet.message = "never offered";

        checkpoints.write();
        checkpoints.write();

        assertThat(cluster.asked).as("one transaction, for a only").containsExactly(Set.of("a"));
        Map<String, Checkpoints.Saved> saved = checkpoints.load();
        assertThat(saved).containsOnlyKeys("a");
        Checkpoints.Saved s = saved.get("a");
        assertThat(s.lastSeen()).isEqualTo(now + 1_000);
        assertThat(s.message()).isEqualTo("report 1000");
        assertThat(s.latency()).isEqualTo(1_000.0);
        assertThat(s.metrics()).isEqualTo(metrics);
        assertThat(s.state()).as("a target without recorded transitions").isEqualTo(State.UNKNOWN);
        assertThat(a.checkpointDirty).isFalse();
        assertThat(checkpoints.pending()).isZero();
    }

    @Test
    void theStateIsLeftToTheTransitionLog() {
        stored("w", State.ONLINE, 500);
        TargetCell w = cell("w");
        change(w, c -> {
            c.state = State.DOWN; // a transition not committed yet
            c.since = 900;
            c.message = "failing";
        });

        checkpoints.write();

        Checkpoints.Saved s = checkpoints.load().get("w");
        assertThat(s.state()).isEqualTo(State.ONLINE);
        assertThat(s.since()).isEqualTo(500);
        assertThat(s.message()).isEqualTo("failing");
    }

    @Test
    void aTargetChangedWhileBeingWrittenIsWrittenAgainNextRound() {
        Cluster cluster = new Cluster();
        ownership = cluster;
        TargetCell w = cell("w");
        message(w, "first");
        cluster.during = () -> message(w, "second"); // a report arrives after its row was read

        checkpoints.write();
        assertThat(checkpoints.load().get("w").message()).isEqualTo("first");
        assertThat(w.checkpointDirty).isTrue();

        cluster.during = () -> { };
        checkpoints.write();
        assertThat(checkpoints.load().get("w").message()).isEqualTo("second");

        checkpoints.write();
        assertThat(cluster.asked).as("a third round has nothing to write").hasSize(2);
    }

    @Test
    void onlyTargetsThisNodeOwnsAndStillHasAreWritten() {
        Cluster cluster = new Cluster();
        cluster.owns = id -> !id.equals("theirs");
        cluster.fenced = Set.of("fenced");
        ownership = cluster;
        List<TargetCell> cells = List.of(cell("mine"), cell("theirs"), cell("fenced"), cell("removed"));
        cells.forEach(c -> message(c, "m"));
        synchronized (cells.get(3)) {
            cells.get(3).removed = true;
        }

        checkpoints.write();

        assertThat(checkpoints.load()).containsOnlyKeys("mine");
        assertThat(cluster.asked).as("the database is asked about what memory says is ours")
                .containsExactly(Set.of("mine", "fenced"));
        assertThat(cells).allMatch(c -> !c.checkpointDirty);
        checkpoints.write();
        assertThat(cluster.asked).as("refused targets are not queued again").hasSize(1);
    }

    @Test
    @Timeout(60)
    void aFailedRoundIsWrittenNextRoundWithNothingLostOrQueuedTwice() {
        int n = 2 * Checkpoints.CHUNK + 2_000;
        Cluster cluster = new Cluster();
        ownership = cluster;
        List<Integer> pending = new ArrayList<>();
        int[] rounds = {0};
        cluster.during = () -> {
            pending.add(checkpoints.pending());
            if (++rounds[0] == 2) {
                throw new IllegalStateException("connection lost");
            }
        };
        List<TargetCell> cells = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TargetCell c = cell("t" + i);
            message(c, "m" + i);
            cells.add(c);
        }

        checkpoints.write(); // the first chunk commits, the second fails, the third is never read
        assertThat(pending).containsExactly(n, n - Checkpoints.CHUNK);
        assertThat(checkpoints.pending()).isZero();
        assertThat(checkpoints.load()).hasSize(Checkpoints.CHUNK);
        assertThat(cells).filteredOn(c -> c.checkpointDirty).hasSize(n - Checkpoints.CHUNK);

        pending.clear();
        checkpoints.write();
        assertThat(pending).containsExactly(n - Checkpoints.CHUNK, n - 2 * Checkpoints.CHUNK);
        Map<String, Checkpoints.Saved> saved = checkpoints.load();
        assertThat(saved).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(saved.get("t" + i).message()).isEqualTo("m" + i);
        }
        assertThat(cells).noneMatch(c -> c.checkpointDirty);

        checkpoints.write();
        assertThat(pending).as("nothing left for a third round").hasSize(2);
    }

    @Test
    void aHoldIsWrittenOnlyWhileTheStoredStateIsTheOneItWasReadAt() {
        stored("h", State.MAINTENANCE, 700);
        TargetCell h = cell("h");
        change(h, c -> {
            c.state = State.MAINTENANCE;
            c.since = 700;
            c.hold = new Hold(State.ONLINE, "back soon");
        });
        checkpoints.write();
        Checkpoints.Saved s = checkpoints.load().get("h");
        assertThat(s.holdState()).isEqualTo(State.ONLINE);
        assertThat(s.holdMessage()).isEqualTo("back soon");

        stored("h", State.MAINTENANCE, 900); // the log recorded a newer transition meanwhile
        change(h, c -> c.hold = new Hold(State.DOWN, "read before it"));
        checkpoints.write();
        s = checkpoints.load().get("h");
        assertThat(s.holdState()).as("a hold read at another state is not applied").isEqualTo(State.ONLINE);
        assertThat(s.holdMessage()).isEqualTo("back soon");

        change(h, c -> {
            c.since = 900;
            c.hold = null; // released
        });
        checkpoints.write();
        s = checkpoints.load().get("h");
        assertThat(s.holdState()).isNull();
        assertThat(s.holdMessage()).isNull();
    }

    @Test
    void missingValuesReadBackAsMissing() {
        TargetCell fresh = cell("fresh");
        change(fresh, c -> c.message = null); // never seen, no latency, no numbers
        checkpoints.write();

        Checkpoints.Saved s = checkpoints.load().get("fresh");
        assertThat(s.lastSeen()).isEqualTo(-1);
        assertThat(s.latency()).isNaN();
        assertThat(s.metrics()).isNull();
        assertThat(s.message()).isNull();
        assertThat(s.holdState()).isNull();
    }

    @Test
    void aDamagedRowLosesItsNumbersNotTheTarget() {
        db.write(c -> {
            c.createStatement().executeUpdate("INSERT INTO target_state (target_id, state, since, last_seen, metrics, updated_at) "
                    + "VALUES ('damaged', 'online', 400, NULL, '{not json', 0), ('alien', 'no-such-state', 1, 1, NULL, 0)");
            return null;
        });

        Map<String, Checkpoints.Saved> saved = checkpoints.load();

        assertThat(saved).containsOnlyKeys("damaged");
        Checkpoints.Saved s = saved.get("damaged");
        assertThat(s.state()).isEqualTo(State.ONLINE);
        assertThat(s.metrics()).isNull();
        assertThat(s.lastSeen()).as("its lease counts from its last transition").isEqualTo(400);
    }

    @Test
    void loadPicksTargetsAndRowsCheckpointedSinceAGivenTime() {
        message(cell("a"), "a");
        message(cell("b"), "b");
        checkpoints.write();
        clock.advance(Duration.ofSeconds(5));
        long second = clock.millis();
        message(cell("c"), "c");
        checkpoints.write();

        assertThat(checkpoints.load(id -> !id.equals("b"))).containsOnlyKeys("a", "c");
        assertThat(checkpoints.load(id -> true, second)).containsOnlyKeys("c");
        assertThat(checkpoints.load(id -> true, second + 1)).isEmpty();
    }
}
