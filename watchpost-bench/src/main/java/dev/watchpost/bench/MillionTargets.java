package dev.watchpost.bench;

import dev.watchpost.history.History;
import dev.watchpost.history.HistoryService;
import dev.watchpost.live.GroupDef;
import dev.watchpost.live.Lateness;
import dev.watchpost.live.Lease;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Observation;
import dev.watchpost.live.State;
import dev.watchpost.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One million push targets in the live state, wired as the server wires it (SQLite, history,
 * checkpoints, transition log):
 * <ol>
 *   <li>heap per target once every target has reported;</li>
 *   <li>steady state: 90 % keep reporting every 10 s, 10 % go quiet: how late are their expiries?</li>
 *   <li>mass outage: everyone goes quiet at once: how late are 900,000 expiries in a burst?</li>
 * </ol>
 * Usage: {@code java -Xmx4g -cp ... dev.watchpost.bench.MillionTargets [targets] [lease-seconds]}
 */
public final class MillionTargets {

    private MillionTargets() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int leaseSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        Path dir = Files.createTempDirectory("watchpost-million");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Database db = Database.open(new Database.Settings("jdbc:sqlite:" + dir.resolve("w.db"), Optional.empty(),
                Optional.empty(), 4), meters)) {
            Clock clock = Clock.systemUTC();
            HistoryService history = new HistoryService(new History(db), clock);
            LiveState live = new LiveState(db, clock, Duration.ofSeconds(1), meters);
            String[] ids = new String[n]; // the harness's own copies of the ids, made before measuring
            for (int i = 0; i < n; i++) {
                ids[i] = "bench/" + i;
            }
            long before = usedHeap();

            long t0 = System.nanoTime();
            live.defineGroup(new GroupDef("bench", "Bench", n, Optional.of(new Lease(Duration.ofSeconds(leaseSeconds))), "config"));
            live.setObservationSink(history.history()::observe); // as the composition root wires it
            live.addOwnTransitionListener(history);
            history.reopen(live);
            live.start();
            history.start();
            System.out.printf("defined %,d targets in %d ms%n", n, ms(t0));

            t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                live.observe(ids[i], Observation.report(State.ONLINE));
            }
            long reportMs = ms(t0);
            System.out.printf("first report of every target: %d ms (%,.0f per second, one thread)%n", reportMs,
                    n * 1000.0 / Math.max(1, reportMs));
            live.flush();    // the million first-report transitions are written
            history.flush();
            Thread.sleep(500); // the snapshot thread builds its views: part of the footprint
            long after = usedHeap();
            LiveState.PendingWrites pending = live.pendingWrites();
            System.out.printf("heap per target: %.0f bytes (%,d bytes for %,d targets: cells, ids, snapshot views, history); "
                    + "pending writes then: %,d transitions, %,d checkpoints%n",
                    (after - before) / (double) n, after - before, n, pending.transitions(), pending.checkpoints());

            // Steady state: 90 % report every 10 s; every tenth target stops. First one quick round so
            // that the time spent measuring above does not count against anyone's lease.
            for (int i = 0; i < n; i++) {
                live.observe(ids[i], Observation.health());
            }
            Lateness lateness = live.lateness();
            long[] atStart = lateness.counts();
            int quiet = (n + 9) / 10;
            long steadyEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(leaseSeconds + 10);
            long passStart = System.nanoTime();
            long reports = 0;
            while (System.nanoTime() < steadyEnd) {
                for (int i = 0; i < n; i++) {
                    if (i % 10 != 0) {
                        live.observe(ids[i], Observation.health());
                        reports++;
                    }
                    if (i % 10_000 == 0) {
                        pace(passStart, i, n, 10_000);
                    }
                }
                passStart = System.nanoTime();
            }
            long[] steady = minus(lateness.counts(), atStart);
            long stillOnline = 0;
            for (int i = 0; i < n; i++) {
                if (i % 10 != 0 && live.target(ids[i]).map(v -> v.state() == State.ONLINE).orElse(false)) {
                    stillOnline++;
                }
            }
            System.out.printf("steady state: %,d reporting targets online (expect %,d); pending writes: %s%n", stillOnline,
                    n - quiet, live.pendingWrites());
            System.out.printf("steady state (%,d reports at %,.0f/s, %,d targets went quiet): expired %,d, lateness p50 %d ms, p99 %d ms%n",
                    reports, reports / (double) (leaseSeconds + 10), quiet, sum(steady),
                    Lateness.percentileMs(steady, 0.5), Lateness.percentileMs(steady, 0.99));

            // Mass outage: nobody reports any more.
            long[] beforeOutage = lateness.counts();
            long outageEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(leaseSeconds + 20);
            while (System.nanoTime() < outageEnd && sum(minus(lateness.counts(), beforeOutage)) < n - quiet) {
                Thread.sleep(200);
            }
            long[] outage = minus(lateness.counts(), beforeOutage);
            System.out.printf("mass outage: expired %,d within about 10 s, lateness p50 %d ms, p99 %d ms, max (overall) %d ms%n",
                    sum(outage), Lateness.percentileMs(outage, 0.5), Lateness.percentileMs(outage, 0.99), lateness.maxMs());
            long drainStart = System.nanoTime();
            while (live.pendingWrites().transitions() > 0 && System.nanoTime() - drainStart < TimeUnit.MINUTES.toNanos(2)) {
                Thread.sleep(100);
            }
            System.out.printf("mass outage: its transitions written %d ms after the last expiry; pending writes: %s%n",
                    ms(drainStart), live.pendingWrites());
            live.close();
            history.close();
        }
    }

    /** Sleeps so that item {@code i} of {@code n} falls at its share of {@code periodMs}. */
    private static void pace(long startNanos, int i, int n, long periodMs) throws InterruptedException {
        long due = startNanos + (long) ((double) i / n * periodMs * 1_000_000L);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private static long[] minus(long[] a, long[] b) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long v : a) {
            s += v;
        }
        return s;
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
