package dev.watchpost.bench;

import dev.watchpost.live.GroupDef;
import dev.watchpost.live.Lease;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Observation;
import dev.watchpost.live.State;
import dev.watchpost.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * How long the live state's writers take to record a burst of state changes on SQLite: every target
 * of a sharded group changes state at once (as in a mass outage), then {@code flush()} waits until
 * the transitions (with what they carry in their transaction) and the checkpoints are written.
 * Several rounds, alternating online and offline; prints each round and the median.
 * Usage: {@code java -cp ... dev.watchpost.bench.TransitionWrites [targets] [rounds]}
 */
public final class TransitionWrites {

    private TransitionWrites() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        Path dir = Files.createTempDirectory("watchpost-transitions");
        try (Database db = Database.open(new Database.Settings("jdbc:sqlite:" + dir.resolve("w.db"), Optional.empty(),
                Optional.empty(), 2), new SimpleMeterRegistry())) {
            // a long flush interval: only flush() writes checkpoints, so each round measures exactly one of each
            LiveState live = new LiveState(db, Clock.systemUTC(), Duration.ofMinutes(10), new SimpleMeterRegistry());
            live.defineGroup(new GroupDef("g", "G", n, Optional.of(new Lease(Duration.ofHours(1))), "config"));
            live.start();
            String[] ids = new String[n];
            for (int i = 0; i < n; i++) {
                ids[i] = "g/" + i;
            }
            long[] ms = new long[rounds];
            for (int round = 0; round < rounds; round++) {
                Observation o = Observation.report(round % 2 == 0 ? State.ONLINE : State.OFFLINE);
                long t0 = System.nanoTime();
                for (String id : ids) {
                    live.observe(id, o);
                }
                live.flush();
                ms[round] = (System.nanoTime() - t0) / 1_000_000;
                System.out.printf("round %d: %,d transitions and checkpoints written in %,d ms%n", round + 1, n, ms[round]);
            }
            Arrays.sort(ms);
            System.out.printf("median: %,d ms for %,d transitions (%,.0f per second)%n", ms[rounds / 2], n,
                    n * 1000.0 / Math.max(1, ms[rounds / 2]));
            live.close();
        }
    }
}
