package dev.watchpost.bench;

import dev.watchpost.history.CoarseFill;
import dev.watchpost.history.History;
import dev.watchpost.history.HistoryService;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetKind;
import dev.watchpost.live.TargetRef;
import dev.watchpost.live.Transition;
import dev.watchpost.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Storage growth: the SQLite database a year of {@code probes} probes checked every 60 s leaves
 * behind, written by the server's history code and the transition log's statement.
 *
 * <p>The year ends at the current minute, so a server started on the file shows it as its past year.
 * A per-minute flush of every simulated minute (1.6 billion upserts a year) would take hours, so:
 * <ol>
 *   <li><b>Coarse, by the day</b> (until the minute retention plus 2 h before the end): every result and transition goes
 *       through the server's accumulator and bucket store ({@link CoarseFill}), flushed once per
 *       simulated day and followed by the server's retention ({@link History#prune}) at that day's
 *       end. This writes the hour and day rows the per-minute flushes would have left once minute
 *       retention had run, and the real retention deletes hour rows as they pass 90 days.</li>
 *   <li><b>Coarse, by the hour</b> (the minute retention plus 2 h before the last {@code fine-hours}): the same, flushed
 *       and pruned every simulated hour, minute buckets included, so the minute rows of the last
 *       two days are written and pruned as the server writes and prunes them.</li>
 *   <li><b>Fine</b> (the last {@code fine-hours}, default 2): the real {@link History} on a
 *       simulated clock, flushed every minute as {@link HistoryService} does and pruned every hour.</li>
 * </ol>
 * The rows left are those the server leaves (same rows, same values); only the number of
 * transactions that wrote them differs.
 * Transitions are inserted with the transition log's statement, batched per simulated day (coarse) or minute (fine), and
 * handed to the history as the log's listener hands them.
 *
 * <p>Each probe: one result a minute at a fixed second; latency about 20-400 ms. On average
 * {@code flaps} outages a day per probe, each 3-12 failing results (so each reaches down: the
 * default failure threshold is 3) and back online after 2 good results; and about one long outage a
 * month (1-6 h). Each outage is two transition rows.
 *
 * <p>Usage: {@code GrowthBench <db-file> [probes=1000] [days=365] [flaps-per-day=3] [fine-hours=2]}
 */
public final class GrowthBench {

    private static final long MINUTE = 60_000L;
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 86_400_000L;
    private static final int FAILURE_THRESHOLD = 3;
    private static final int SUCCESS_THRESHOLD = 2;

    private GrowthBench() {
    }

    /** One probe's simulated state. */
    private static final class Probe {
        final String id;
        final int offsetMs;
        final SplittableRandom rnd;
        State decided = State.UNKNOWN;
        int failLeft;           // failing results still to come in the current outage
        int failures;           // consecutive failing results
        int successes;          // consecutive good results while down
        long downSince;
        String downReason = "status 503";

        Probe(String id, long seed) {
            this.id = id;
            this.rnd = new SplittableRandom(seed);
            this.offsetMs = rnd.nextInt(60_000);
        }
    }

    /** Where results and transitions go. */
    private interface Sink {
        void observe(String id, long at, boolean ok, double latencyMs);

        void transition(Transition t);
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int probes = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int days = args.length > 2 ? Integer.parseInt(args[2]) : 365;
        double flaps = args.length > 3 ? Double.parseDouble(args[3]) : 3;
        int fineHours = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        if (fineHours < 1 || fineHours > 24 * (days - 3)) {
            throw new IllegalArgumentException("fine-hours must be 1..24*(days-3): " + fineHours);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(file);

        long end = Instant.now().toEpochMilli() / MINUTE * MINUTE;
        long start = end - days * DAY;
        long fineStart = end - fineHours * HOUR;
        List<Probe> all = new ArrayList<>(probes);
        for (int i = 0; i < probes; i++) {
            all.add(new Probe(probeId(i), 0x5eedL * 31 + i));
        }
        double pFlap = flaps / 1440.0;
        double pLong = 1.0 / 30 / 1440.0;

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Database db = Database.open(new Database.Settings("jdbc:sqlite:" + file.toAbsolutePath(), Optional.empty(),
                Optional.empty(), 4), meters)) {
            History.Settings settings = History.Settings.DEFAULTS;
            History history = new History(db, settings);
            Transitions log = new Transitions(db);
            long[] counts = new long[2]; // results, transitions

            // Phase 1: coarse. One flush and one retention run per simulated day while minute buckets
            // would not survive to the end; then per simulated hour, minute buckets included.
            long t0 = System.nanoTime();
            CoarseFill fill = new CoarseFill(db, settings);
            Sink coarse = new Sink() {
                @Override
                public void observe(String id, long at, boolean ok, double latencyMs) {
                    fill.observe(id, at, ok, latencyMs);
                }

                @Override
                public void transition(Transition t) {
                    log.add(t);
                    fill.transition(t.targetId(), t.to(), t.at().toEpochMilli());
                }
            };
            long minutesFrom = end - settings.minuteRetention().toMillis() - 2 * HOUR;
            long at = start;
            int step = 0;
            boolean minutes = false;
            while (at < fineStart) {
                boolean hourly = at >= minutesFrom;
                if (hourly && !minutes) {
                    fill.keepMinutes();
                    minutes = true;
                    System.out.printf(Locale.ROOT, "  coarse: %.1f days by the day in %d s; now by the hour, minute buckets included%n",
                            (at - start) / (double) DAY, (System.nanoTime() - t0) / 1_000_000_000);
                }
                long next = Math.min(fineStart, hourly ? at + HOUR : Math.min(minutesFrom, at + DAY));
                for (long m = at; m < next; m += MINUTE) {
                    minute(all, m, pFlap, pLong, coarse, counts);
                }
                log.commit();
                fill.flush(next);
                history.prune(Instant.ofEpochMilli(next));
                at = next;
                if (!hourly && ++step % 30 == 0) {
                    System.out.printf(Locale.ROOT, "  coarse: %d days, %d s%n", step, (System.nanoTime() - t0) / 1_000_000_000);
                }
            }
            long coarseMs = (System.nanoTime() - t0) / 1_000_000;

            // Phase 2: the real history on a simulated clock; a probe down at the hand-over continues
            // as after a restart (its interval resumes where the coarse flush stopped counting it).
            t0 = System.nanoTime();
            SimClock clock = new SimClock(fineStart);
            HistoryService service = new HistoryService(history, clock);
            for (Probe p : all) {
                if (p.decided == State.DOWN) {
                    history.restore(p.id, State.DOWN, Instant.ofEpochMilli(p.downSince));
                }
            }
            List<Transition> announced = new ArrayList<>();
            Sink fine = new Sink() {
                @Override
                public void observe(String id, long at, boolean ok, double latencyMs) {
                    history.observe(id, at, ok, latencyMs);
                }

                @Override
                public void transition(Transition t) {
                    log.add(t);
                    announced.add(t);
                }
            };
            for (long m = fineStart; m < end; m += MINUTE) {
                minute(all, m, pFlap, pLong, fine, counts);
                log.commit();
                announced.forEach(history::transition); // after the commit, as the log announces them
                announced.clear();
                clock.set(m + MINUTE);
                service.flush();                          // HistoryService: every minute
                if ((m + MINUTE - fineStart) % HOUR == 0) {
                    history.prune(clock.instant());       // HistoryService: every hour
                }
            }
            long fineMs = (System.nanoTime() - t0) / 1_000_000;

            db.write(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                }
                return null;
            });
            System.out.printf(Locale.ROOT, "simulated %d days (%s .. %s) of %,d probes every 60 s: %,d results, %,d transitions "
                            + "(%.1f per probe per day)%n", days, Instant.ofEpochMilli(start), Instant.ofEpochMilli(end), probes,
                    counts[0], counts[1], counts[1] / (double) probes / days);
            System.out.printf(Locale.ROOT, "  coarse phase: %.0f s; fine phase %d h (per-minute flush, hourly retention): %.0f s%n",
                    coarseMs / 1000.0, fineHours, fineMs / 1000.0);
            db.read(c -> {
                report(c, probes, days);
                return null;
            });
        }
        long bytes = Files.size(file);
        System.out.printf(Locale.ROOT, "database file (WAL checkpointed): %,d bytes = %.1f MB; %.0f bytes per probe per year%n",
                bytes, bytes / 1e6, bytes / (double) probes * 365.0 / days);
    }

    static String probeId(int i) {
        return "g" + (i / 100) + "/p" + i;
    }

    /** One simulated minute: every probe's result at its second of the minute. */
    private static void minute(List<Probe> all, long m, double pFlap, double pLong, Sink sink, long[] counts) {
        for (Probe p : all) {
            long at = m + p.offsetMs;
            SplittableRandom r = p.rnd;
            if (p.failLeft == 0 && p.decided != State.DOWN) {
                double x = r.nextDouble();
                if (x < pLong) {
                    p.failLeft = 60 + r.nextInt(301);        // 1-6 h
                } else if (x < pLong + pFlap) {
                    p.failLeft = 3 + r.nextInt(10);          // 3-12 min
                }
                if (p.failLeft > 0) {
                    p.downReason = r.nextInt(4) == 0 ? "timeout after 10 s" : r.nextInt(3) == 0 ? "connection refused" : "status 503";
                }
            }
            boolean ok = p.failLeft == 0;
            double latency;
            if (ok) {
                latency = 20 + r.nextDouble() * r.nextDouble() * 380;
            } else {
                p.failLeft--;
                latency = p.downReason.startsWith("timeout") ? 10_000 : 5 + r.nextInt(60);
            }
            sink.observe(p.id, at, ok, latency);
            counts[0]++;
            State next = p.decided;
            if (ok) {
                p.failures = 0;
                if (p.decided == State.DOWN) {
                    if (++p.successes >= SUCCESS_THRESHOLD) {
                        next = State.ONLINE;
                        p.successes = 0;
                    }
                } else {
                    next = State.ONLINE; // the first result decides at once
                }
            } else {
                p.successes = 0;
                if (p.decided == State.UNKNOWN || ++p.failures >= FAILURE_THRESHOLD) {
                    next = State.DOWN;
                    p.failures = 0;
                }
            }
            if (next != p.decided) {
                String reason = next == State.DOWN ? p.downReason : "status 200";
                sink.transition(new Transition(new TargetRef(p.id, TargetKind.HTTP, null, -1), p.decided, next, Instant.ofEpochMilli(at), reason));
                counts[1]++;
                if (next == State.DOWN) {
                    p.downSince = at;
                }
                p.decided = next;
            }
        }
    }

    /** Rows per table and, where SQLite has the dbstat table, bytes per table and index. */
    private static void report(Connection c, int probes, int days) throws SQLException {
        try (Statement s = c.createStatement()) {
            long pageSize = scalar(s, "PRAGMA page_size");
            System.out.printf(Locale.ROOT, "pages: %,d of %,d bytes, %,d free%n", scalar(s, "PRAGMA page_count"), pageSize,
                    scalar(s, "PRAGMA freelist_count"));
            try (ResultSet rs = s.executeQuery("SELECT period_s, COUNT(*) FROM history_bucket GROUP BY period_s ORDER BY period_s")) {
                while (rs.next()) {
                    int p = rs.getInt(1);
                    long n = rs.getLong(2);
                    System.out.printf(Locale.ROOT, "rows: history_bucket period %5d s: %,11d (%,.0f per probe)%n", p, n, n / (double) probes);
                }
            }
            for (String t : List.of("transition", "history_open", "target_state")) {
                long n = scalar(s, "SELECT COUNT(*) FROM " + t);
                System.out.printf(Locale.ROOT, "rows: %-28s %,11d%n", t, n);
            }
            try (ResultSet rs = s.executeQuery("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")) {
                System.out.println("bytes per table and index (dbstat):");
                while (rs.next()) {
                    long b = rs.getLong(2);
                    if (b >= 1_000_000) {
                        System.out.printf(Locale.ROOT, "  %-28s %8.1f MB%n", rs.getString(1), b / 1e6);
                    }
                }
            } catch (SQLException e) {
                System.out.println("(no dbstat in this SQLite build: no per-table sizes)");
            }
        }
    }

    private static long scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Batches transition rows with the statement of the server's transition log. */
    private static final class Transitions {
        private final Database db;
        private final List<Transition> batch = new ArrayList<>();

        Transitions(Database db) {
            this.db = db;
        }

        void add(Transition t) {
            batch.add(t);
        }

        void commit() {
            if (batch.isEmpty()) {
                return;
            }
            db.write(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO transition (target_id, from_state, to_state, at, reason) VALUES (?, ?, ?, ?, ?)")) {
                    for (Transition t : batch) {
                        ps.setString(1, t.targetId());
                        ps.setString(2, t.from().id());
                        ps.setString(3, t.to().id());
                        ps.setLong(4, t.at().toEpochMilli());
                        ps.setString(5, t.reason());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
            batch.clear();
        }
    }

    /** A clock the simulation sets (the bench's own; the server has none). */
    private static final class SimClock extends Clock {
        private volatile long now;

        SimClock(long now) {
            this.now = now;
        }

        void set(long ms) {
            now = ms;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }
    }
}
