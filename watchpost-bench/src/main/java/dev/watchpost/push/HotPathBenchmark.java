package dev.watchpost.push;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.watchpost.live.GroupDef;
import dev.watchpost.live.Lease;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Observation;
import dev.watchpost.store.Database;
import dev.watchpost.web.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The ingest hot path without HTTP: applying one heartbeat to the live state, and parsing plus
 * applying a batch of 1,000 (what {@code POST /api/v1/heartbeats} does per request).
 * Run with {@code bench/jmh.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class HotPathBenchmark {

    static final int SHARDS = 10_000;

    private Database db;
    private LiveState live;
    private String[] ids;
    private byte[] batch;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path dir = Files.createTempDirectory("watchpost-jmh");
        db = Database.open(new Database.Settings("jdbc:sqlite:" + dir.resolve("w.db"), Optional.empty(), Optional.empty(), 2),
                new SimpleMeterRegistry());
        live = new LiveState(db, Clock.systemUTC(), Duration.ofSeconds(1), new SimpleMeterRegistry());
        live.defineGroup(new GroupDef("bench", "Bench", SHARDS, Optional.of(new Lease(Duration.ofMinutes(5))), "config"));
        live.start();
        ids = new String[SHARDS];
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < SHARDS; i++) {
            ids[i] = "bench/" + i;
            if (i < 1000) {
                sb.append(i == 0 ? "" : ",").append("{\"target\":\"bench/").append(i * 10)
                        .append("\",\"state\":\"online\",\"latency_ms\":").append(i % 50).append('}');
            }
        }
        batch = sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        live.close();
        db.close();
    }

    /** One heartbeat that changes nothing: the steady state of a healthy fleet. */
    @Benchmark
    public LiveState.Outcome heartbeat() {
        int i = next++;
        if (next == SHARDS) {
            next = 0;
        }
        return live.observe(ids[i], Observation.report(dev.watchpost.live.State.ONLINE));
    }

    /** Parse and apply 1,000 heartbeats from JSON; the score times 1,000 is heartbeats per second. */
    @Benchmark
    public void batchOf1000(Blackhole bh) throws Exception {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(batch)) {
            p.nextToken();
            String[] target = new String[1];
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                Observation o = IngestRoutes.readObservation(p, target);
                bh.consume(live.observe(target[0], o));
            }
        }
    }
}
