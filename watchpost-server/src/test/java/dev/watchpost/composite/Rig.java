package dev.watchpost.composite;

import dev.watchpost.store.Backoff;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Observation;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;
import dev.watchpost.store.Database;
import dev.watchpost.targets.Topology;
import dev.watchpost.targets.TopologyStore;
import dev.watchpost.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The engine over a real live state, topology and SQLite file, with a clock moved by hand. Rounds
 * run only when the test asks ({@link #after}); webhook deliveries run by themselves.
 */
final class Rig implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final MutableClock clock = MutableClock.at("2026-06-01T12:00:00Z");
    final Database db;
    final LiveState live;
    final Topology topology;
    CompositeEngine engine;

    Rig(Path dir) {
        db = Database.open(new Database.Settings("jdbc:sqlite:" + dir.resolve("w.db"), Optional.empty(),
                Optional.empty(), 2), new SimpleMeterRegistry());
        live = new LiveState(db, clock, Duration.ofMinutes(1), new SimpleMeterRegistry());
        engine = newEngine();
        topology = new Topology(live, new TopologyStore(db, dev.watchpost.store.SecretBox.of(dev.watchpost.store.SecretBox.newKey())), clock);
        topology.addListener(new dev.watchpost.targets.TopologyListener() {
            @Override
            public void defined(dev.watchpost.targets.TargetDecl target) {
                engine.defined(target.id(), target.composite());
            }

            @Override
            public void removed(String targetId) {
                engine.removed(targetId);
            }
        });
        live.start();
        engine.start();
    }

    /** Rounds only when the test asks; a short webhook timeout. */
    private CompositeEngine newEngine() {
        CompositeEngine e = new CompositeEngine(live, db, clock, Duration.ofHours(1), Backoff.DEFAULT, Duration.ofSeconds(2));
        live.addTransitionListener(e); // as the composition root wires it
        return e;
    }

    /** Stops the engine and starts a new one over the same database, told about the declared targets. */
    void restartEngine() {
        engine.close();
        engine = newEngine();
        topology.declarations().forEach(d -> engine.defined(d.id(), d.composite()));
        engine.start();
        settle();
    }

    void put(String json) {
        try {
            topology.putTarget(JSON.readTree(json), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        settle();
    }

    void putGroup(String json) {
        try {
            topology.putGroup(JSON.readTree(json), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        settle();
    }

    void push(String id) {
        put("{\"id\": \"" + id + "\", \"push\": {\"every\": \"1h\"}}");
    }

    void report(String id, State state) {
        live.observe(id, Observation.report(state));
        settle();
    }

    /**
     * Transitions announced, and everything they handed to the engine done; again, since a
     * composite's own change is a transition that may concern another composite.
     */
    void settle() {
        for (int i = 0; i < 3; i++) {
            live.flush();
            engine.settle();
        }
    }

    /** Moves the clock, then runs a round. */
    void after(Duration d) {
        clock.advance(d);
        engine.roundNow();
        settle();
    }

    TargetView target(String id) {
        return live.target(id).orElseThrow();
    }

    CompositeEngine.Health health(String id) {
        return engine.health(id).orElseThrow();
    }

    @Override
    public void close() {
        engine.close();
        live.close();
        db.close();
    }
}
