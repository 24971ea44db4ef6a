package dev.watchpost.live;

import dev.watchpost.store.Database;
import dev.watchpost.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A live state on a real SQLite file with a test clock, restartable over the same database: what
 * the live-state tests share. Each says what is declared at every start ({@link #declare}).
 */
abstract class LiveFixture {

    @TempDir
    Path dir;
    MutableClock clock = MutableClock.at("2026-06-01T12:00:00Z");
    Database db;
    LiveState live;
    /** Every transition announced, across restarts. */
    List<Transition> announced = new ArrayList<>();

    @BeforeEach
    void open() {
        db = Database.open(new Database.Settings("jdbc:sqlite:" + dir.resolve("w.db"), Optional.empty(),
                Optional.empty(), 2), new SimpleMeterRegistry());
        live = newLive(l -> { });
    }

    @AfterEach
    void close() {
        live.close();
        db.close();
    }

    /** What every start declares before {@code beforeStart} runs. */
    abstract void declare(LiveState l);

    /** A new live state over the same database; {@code beforeStart} runs where holders claim their holds (as at start-up). */
    LiveState newLive(Consumer<LiveState> beforeStart) {
        LiveState l = new LiveState(db, clock, Duration.ofMinutes(1), new SimpleMeterRegistry());
        l.addTransitionListener(announced::addAll);
        declare(l);
        beforeStart.accept(l);
        l.start();
        return l;
    }

    /** One push target {@code w} with a 30 s lease. */
    static void oneTarget(LiveState l) {
        l.defineTarget(new TargetDef("w", "W", Optional.empty(), TargetKind.PUSH, Optional.of(new Lease(Duration.ofSeconds(30))),
                Optional.empty(), "api"));
    }
}
