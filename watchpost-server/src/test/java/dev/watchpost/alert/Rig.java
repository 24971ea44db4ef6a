package dev.watchpost.alert;

import dev.watchpost.store.Backoff;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Observation;
import dev.watchpost.live.State;
import dev.watchpost.store.Database;
import dev.watchpost.targets.Topology;
import dev.watchpost.targets.TopologyStore;
import dev.watchpost.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The alert engine over a real live state, topology and SQLite file, with a clock moved by hand.
 * Rounds run only when the test asks ({@link #round}); deliveries run by themselves on virtual
 * threads, against real receivers.
 */
final class Rig implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final MutableClock clock = MutableClock.at("2026-06-01T12:00:00Z");
    final Path dir;
    final Database db;
    /** The alert engine's delivery counters, across restarts. */
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    LiveState live;
    Topology topology;
    AlertEngine engine;
    private final List<JsonNode> channels;
    private final List<JsonNode> rules;
    private final Duration grace;

    /** @param channels and {@code rules}: JSON lists as in the config file */
    Rig(Path dir, String channels, String rules, Duration grace) {
        this.dir = dir;
        this.channels = list(channels);
        this.rules = list(rules);
        this.grace = grace;
        db = Database.open(new Database.Settings("jdbc:sqlite:" + dir.resolve("w.db"), Optional.empty(), Optional.empty(), 2),
                new SimpleMeterRegistry());
        open();
    }

    Rig(Path dir, String channels, String rules) {
        this(dir, channels, rules, Duration.ZERO);
    }

    /** One key for the rig's life: a restart opens what the run before sealed. */
    final dev.watchpost.store.SecretBox box = dev.watchpost.store.SecretBox.of(dev.watchpost.store.SecretBox.newKey());

    private void open() {
        live = new LiveState(db, clock, Duration.ofMinutes(1), new SimpleMeterRegistry());
        engine = new AlertEngine(live, db, box, clock, new WatchpostConfig.Alerts(grace, channels, rules),
                Optional.of(URI.create("https://status.example.com/")), dev.watchpost.web.Times.UTC, Duration.ofHours(1),
                new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)), Duration.ofSeconds(5));
        engine.countDeliveriesIn(meters);
        live.addTransitionWriter(engine.writer()); // as the composition root wires it
        topology = new Topology(live, new TopologyStore(db, box), clock);
        engine.tagsFrom(id -> topology.declaration(id).map(dev.watchpost.targets.TargetDecl::tags).orElse(java.util.Set.of()));
        topology.load(new WatchpostConfig.Declarations(List.of(), List.of()));
        live.start();
        engine.start();
    }

    /** Stops live state and engine and starts new ones over the same database (a restart). */
    void restart() {
        engine.close();
        live.close();
        open();
    }

    static List<JsonNode> list(String json) {
        try {
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(json).forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void target(String id, String name) {
        target(id, name, "[]");
    }

    /** @param tags a JSON list of tags */
    void target(String id, String name, String tags) {
        try {
            topology.putTarget(JSON.readTree("{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"tags\":" + tags
                    + ",\"push\":{\"every\":\"1h\"}}"), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A group: sharded when {@code shards} &gt; 0 (its shards' lease {@code lease}), else ordinary. */
    void group(String id, String name, int shards, String lease) {
        try {
            topology.putGroup(JSON.readTree("{\"id\":\"" + id + "\",\"name\":\"" + name + "\""
                    + (shards > 0 ? ",\"shards\":" + shards + ",\"lease\":\"" + lease + "\"" : "") + "}"), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A push target in a group. */
    void member(String id, String name, String group) {
        try {
            topology.putTarget(JSON.readTree("{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"group\":\"" + group
                    + "\",\"push\":{\"every\":\"1h\"}}"), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reports of many targets, then one flush: one transition batch, as a burst arrives. */
    void reportAll(State state, String... ids) {
        for (String id : ids) {
            live.observe(id, new Observation(Observation.Kind.REPORT, state, null, Double.NaN, null));
        }
        live.flush();
    }

    /** Shards {@code from} to {@code to} (inclusive) of {@code group}. */
    static String[] shards(String group, int from, int to) {
        String[] out = new String[to - from + 1];
        for (int i = from; i <= to; i++) {
            out[i - from] = group + "/" + i;
        }
        return out;
    }

    /** A report, written (with its alerts) before this returns. */
    void report(String id, State state, String message) {
        live.observe(id, new Observation(Observation.Kind.REPORT, state, message, Double.NaN, null));
        live.flush();
    }

    void report(String id, State state) {
        report(id, state, null);
    }

    /** Moves the clock, then runs a round (deliveries it starts go on by themselves). */
    void after(Duration d) {
        clock.advance(d);
        engine.roundNow();
    }

    void round() {
        engine.roundNow();
    }

    /** Waits until no delivery is under way. */
    void settle() {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !engine.busy());
    }

    List<Alert> alerts() {
        return engine.history(new Outbox.Filter(Optional.empty(), Optional.empty(), Optional.empty()), 1000).reversed();
    }

    @Override
    public void close() {
        engine.close();
        live.close();
        db.close();
    }
}
