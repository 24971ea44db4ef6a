package dev.watchpost.live;

import dev.watchpost.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A kill between the transition log and the checkpoint, each way round, with real SQLite: the
 * restart comes back where the recorded transitions end (holds included), and the next transition
 * starts there. {@code app.CrashRestoreTest} does the same with real kills of the process.
 */
@Tag("integration")
class LiveCrashTest extends LiveFixture {

    @Override
    void declare(LiveState l) {
        oneTarget(l);
    }

    /** The process dies: nothing more is written; then a new one starts on the same database. */
    private void killAndRestart(Consumer<LiveState> beforeStart) {
        live.halt();
        clock.advance(Duration.ofSeconds(5));
        live = newLive(beforeStart);
    }

    private State state() {
        return live.target("w").orElseThrow().state();
    }

    private void report(State s) {
        live.observe("w", Observation.report(s));
        clock.advance(Duration.ofMillis(10));
    }

    /** The recorded transitions of {@code w}, "from>to", in order. */
    private List<String> recorded() {
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (var rs = c.createStatement().executeQuery(
                    "SELECT from_state, to_state FROM transition WHERE target_id = 'w' ORDER BY id")) {
                while (rs.next()) {
                    out.add(rs.getString(1) + ">" + rs.getString(2));
                }
            }
            return out;
        });
    }

    /** Each recorded transition starts where the one before ended, and the last ends where the target is. */
    private void assertChainEndsAtTheShownState() {
        live.flush();
        List<String> rows = recorded();
        for (int i = 1; i < rows.size(); i++) {
            assertThat(rows.get(i).split(">")[0]).as("transition %d of %s", i, rows).isEqualTo(rows.get(i - 1).split(">")[1]);
        }
        assertThat(rows.get(rows.size() - 1).split(">")[1]).as("last of %s", rows).isEqualTo(state().id());
    }

    @Test
    void aKillAfterTheTransitionBeforeTheCheckpointComesBackInTheRecordedState() {
        report(State.ONLINE);
        live.flush();
        report(State.DOWN); // announced (an alert went out), but no checkpoint since
        live.flushTransitions();
        assertThat(announced).extracting(Transition::to).containsExactly(State.ONLINE, State.DOWN);

        killAndRestart(l -> { });
        assertThat(state()).as("down, as announced: the recovery is still owed").isEqualTo(State.DOWN);
        report(State.ONLINE);
        assertChainEndsAtTheShownState();
        assertThat(recorded()).containsExactly("unknown>online", "online>down", "down>online");
    }

    @Test
    void aKillAfterACheckpointAheadOfTheLogComesBackInTheRecordedState() {
        report(State.ONLINE);
        live.flush();
        live.halt(); // the transition log stops first ...
        report(State.DOWN); // ... so this change is never recorded nor announced
        live.checkpoint(); // but the checkpoint after it gets out
        assertThat(announced).extracting(Transition::to).containsExactly(State.ONLINE);

        killAndRestart(l -> { });
        assertThat(state()).as("no one was told it went down: it is online").isEqualTo(State.ONLINE);
        report(State.DOWN);
        assertChainEndsAtTheShownState();
        assertThat(recorded()).containsExactly("unknown>online", "online>down");
    }

    @Test
    void aTargetWhoseFirstTransitionWasNotRecordedComesBackUnknown() {
        live.halt();
        report(State.ONLINE);
        live.checkpoint();

        killAndRestart(l -> { });
        assertThat(state()).isEqualTo(State.UNKNOWN);
        assertThat(recorded()).isEmpty();
    }

    @Test
    void aHoldRecordedBeforeItsCheckpointComesBackHeld() {
        report(State.ONLINE);
        live.flush();
        live.hold("w", "notice:1", "upgrade");
        live.flushTransitions();

        killAndRestart(l -> l.hold("w", "notice:1", "upgrade")); // the window is still open
        assertThat(state()).isEqualTo(State.MAINTENANCE);
        assertThat(live.held("w").orElseThrow().underlying()).as("what it returns to").isEqualTo(State.ONLINE);
        live.release("w", "notice:1", "maintenance ended");
        assertThat(state()).isEqualTo(State.ONLINE);
        assertChainEndsAtTheShownState();
        assertThat(recorded()).containsExactly("unknown>online", "online>maintenance", "maintenance>online");
    }

    @Test
    void aHoldRecordedBeforeItsCheckpointAndEndedMeanwhileIsReleasedAtStart() {
        report(State.DOWN);
        live.flush();
        live.hold("w", "notice:1", "upgrade");
        live.flushTransitions();

        killAndRestart(l -> { }); // the window closed while the process was down
        assertThat(state()).isEqualTo(State.DOWN);
        assertChainEndsAtTheShownState();
        assertThat(recorded()).containsExactly("unknown>down", "down>maintenance", "maintenance>down");
    }

    @Test
    void aReleaseRecordedBeforeItsCheckpointIsNotReleasedAgain() {
        report(State.ONLINE);
        live.hold("w", "paused", "paused");
        live.flush();
        live.release("w", "paused", "resumed");
        live.flushTransitions();

        killAndRestart(l -> { });
        assertThat(state()).isEqualTo(State.ONLINE);
        assertThat(live.held("w")).isEmpty();
        assertChainEndsAtTheShownState();
        assertThat(recorded()).containsExactly("unknown>online", "online>maintenance", "maintenance>online");
    }

    @Test
    void reportsDuringAHoldAreCheckpointedWithIt() {
        report(State.ONLINE);
        live.hold("w", "notice:1", "upgrade");
        report(State.DOWN); // behind the hold: no transition, only the checkpoint knows
        live.flush();

        killAndRestart(l -> l.hold("w", "notice:1", "upgrade"));
        assertThat(live.held("w").orElseThrow().underlying()).isEqualTo(State.DOWN);
        live.release("w", "notice:1", "maintenance ended");
        assertThat(state()).isEqualTo(State.DOWN);
        assertChainEndsAtTheShownState();
    }

    @Test
    void aDatabaseLeftStaleByAnEarlierVersionIsAlignedWithItsTransitionsOnce() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("earlier.db");
        // schema version 9, as the previous release left it after a kill: the checkpoint behind the log
        org.flywaydb.core.Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration")
                .placeholders(dev.watchpost.store.Dialect.SQLITE.placeholders()).target("9").load().migrate();
        try (var c = java.sql.DriverManager.getConnection(url); var st = c.createStatement()) {
            st.executeUpdate("INSERT INTO target_state (target_id, state, since, last_seen, message, updated_at, hold_state) "
                    + "VALUES ('w', 'online', 1000, 1500, 'fine', 1500, 'down')");
            st.executeUpdate("INSERT INTO transition (target_id, from_state, to_state, at, reason) VALUES "
                    + "('w', 'unknown', 'online', 1000, 'reported online'), ('w', 'online', 'down', 2000, 'reported down')");
        }
        try (Database earlier = Database.open(new Database.Settings(url, Optional.empty(), Optional.empty(), 2),
                new SimpleMeterRegistry())) {
            assertThat(earlier.schemaVersion()).as("migrated through V10").isGreaterThanOrEqualTo(10);
            LiveState l = new LiveState(earlier, clock, Duration.ofMinutes(1), new SimpleMeterRegistry());
            l.defineTarget(new TargetDef("w", "W", Optional.empty(), TargetKind.PUSH, Optional.of(new Lease(Duration.ofSeconds(30))),
                    Optional.empty(), "api"));
            l.start();
            TargetView v = l.target("w").orElseThrow();
            assertThat(v.state()).as("where the transitions end").isEqualTo(State.DOWN);
            assertThat(v.since()).isEqualTo(2000);
            assertThat(v.message()).as("the checkpoint's other values stay").isEqualTo("fine");
            assertThat(l.held("w")).as("a hold beside another state than maintenance is dropped").isEmpty();
            l.close();
        }
    }

    @Test
    void aTargetFirstRecordedButNeverCheckpointedStillExpires() {
        report(State.ONLINE);
        live.flushTransitions();

        killAndRestart(l -> { });
        assertThat(state()).isEqualTo(State.ONLINE);
        clock.advance(Duration.ofSeconds(31)); // one full lease after the restart
        live.tickLeases();
        assertThat(state()).as("its lease runs from the restart").isEqualTo(State.UNHEALTHY);
        assertChainEndsAtTheShownState();
    }
}
