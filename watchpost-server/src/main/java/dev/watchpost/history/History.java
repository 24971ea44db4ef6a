package dev.watchpost.history;

import dev.watchpost.live.Severity;
import dev.watchpost.live.State;
import dev.watchpost.live.Transition;
import dev.watchpost.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Targets' history: observations and transitions are counted in memory and flushed as deltas into
 * per-target minute, hour and day buckets; uptime and day bars are computed from those buckets.
 *
 * <p><b>Writing.</b> {@link #observe} and {@link #transition} only touch memory and are safe from any
 * thread. {@link #flush} adds everything pending to the stored buckets in one transaction (upserts,
 * so repeated flushes and restarts accumulate); the server calls it every minute and at shutdown.
 * Down time comes from transitions, not samples: an interval in a BAD state is split over the
 * buckets it covers, and one still open is counted up to {@code now} on each flush.
 *
 * <p><b>Reading.</b> Queries read the database only, never unflushed memory: they are as current as
 * the last flush (at most one flush interval behind). Call {@link #flush} first where that matters.
 *
 * <p><b>Observed time.</b> Time in UNKNOWN or MAINTENANCE is stored per bucket as "unobserved" and
 * excluded; all other time since the target was first known counts as observed — up unless it is in
 * a BAD interval. (Storing "observed" instead would need a row per target per minute even for idle
 * targets and an accumulator per target forever; storing the rare exception needs neither.)
 */
public final class History {

    /** Targets written per transaction by {@link #flush}. */
    static final int FLUSH_CHUNK = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(History.class);

    private static final Function<String, Accumulator> NEW = id -> new Accumulator();

    private static final List<Duration> WINDOWS =
            List.of(Duration.ofHours(24), Duration.ofDays(7), Duration.ofDays(30), Duration.ofDays(365));

    /**
     * How long buckets and transitions are kept, and how much detail day bars carry.
     *
     * @param minuteRetention minute buckets older than this are pruned (default 25 h: they serve the
     *        24 h uptime window only, which reads them back to the minute 24 h ago)
     * @param hourRetention hour buckets older than this are pruned (default 90 d); day buckets are kept
     * @param incidentsPerDay how many of a day's transitions into BAD a {@link DayBar} lists (default 3)
     * @param transitionRetention transitions older than this are pruned (default 400 d: no history
     *        read reaches back more than 366 days), except each target's newest {@value #KEEP_TRANSITIONS}
     */
    public record Settings(Duration minuteRetention, Duration hourRetention, int incidentsPerDay,
                           Duration transitionRetention) {

        public static final Settings DEFAULTS =
                new Settings(Duration.ofHours(25), Duration.ofDays(90), 3, Duration.ofDays(400));

        public Settings {
            Objects.requireNonNull(minuteRetention, "minuteRetention");
            Objects.requireNonNull(hourRetention, "hourRetention");
            Objects.requireNonNull(transitionRetention, "transitionRetention");
            if (minuteRetention.compareTo(Duration.ofHours(1)) < 0) {
                throw new IllegalArgumentException("history minute retention must be at least 1h: " + minuteRetention);
            }
            if (hourRetention.compareTo(minuteRetention) < 0 || hourRetention.compareTo(Duration.ofDays(1)) < 0) {
                throw new IllegalArgumentException("history hour retention must be at least 1d and at least the "
                        + "minute retention (" + minuteRetention + "): " + hourRetention);
            }
            if (incidentsPerDay < 0) {
                throw new IllegalArgumentException("history incidents per day must not be negative: " + incidentsPerDay);
            }
            if (transitionRetention.compareTo(Duration.ofDays(367)) < 0) {
                throw new IllegalArgumentException("transition retention must be at least 367d (day bars reach back "
                        + "366 days): " + transitionRetention);
            }
        }
    }

    /**
     * Transitions of each target kept whatever their age: the target API lists its 20 most recent
     * (the admin page 10), and a target that has been stable for years still shows how it got there.
     */
    public static final int KEEP_TRANSITIONS = 20;

    private final Database db;
    private final Settings settings;
    private final BucketStore store;
    private final ConcurrentHashMap<String, Accumulator> pending = new ConcurrentHashMap<>();
    private final ReentrantLock flushLock = new ReentrantLock();
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    public History(Database db) {
        this(db, Settings.DEFAULTS);
    }

    public History(Database db, Settings settings) {
        this.db = Objects.requireNonNull(db, "db");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = new BucketStore(settings.minuteRetention().toMillis(), settings.hourRetention().toMillis());
    }

    /**
     * The series in which one location's checks of a target are counted, when the target is checked
     * from several locations (its own series counts the rounds its locations decided): samples,
     * failures and latency per bucket, as for a target, and no state time (that is the target's).
     * Kept in the same buckets under its own key, {@code <target>@<location>}, which no target can
     * have ({@code @} is not allowed in ids): flushed, pruned and read like any target's, with no
     * table of its own.
     */
    public static String locationSeries(String targetId, String location) {
        return targetId + "@" + location;
    }

    /**
     * Counts one heartbeat or probe result. Memory only, O(1), safe from any thread; allocates nothing
     * except when the target's minute rolls over before a flush (a few small objects per target per
     * minute at most) or when the target is new since the last flush (its accumulator).
     *
     * @param ok false for a failed result
     * @param latencyMs the result's latency in milliseconds; NaN (or negative, or infinite) for none
     */
    public void observe(String targetId, Instant at, boolean ok, double latencyMs) {
        observe(targetId, at.toEpochMilli(), ok, latencyMs);
    }

    /** As {@link #observe(String, Instant, boolean, double)}, with the time in epoch ms (no allocation). */
    public void observe(String targetId, long atMs, boolean ok, double latencyMs) {
        int minute = Accumulator.minuteOf(atMs);
        while (!accumulator(targetId).observe(minute, ok, latencyMs)) {
            Thread.onSpinWait(); // retired by a concurrent flush; the next lookup finds a fresh one
        }
    }

    /** Records a state change: closes the interval the target was in and opens the next. Memory only; thread-safe. */
    public void transition(Transition t) {
        byte kind = kindOf(t.to());
        long at = t.at().toEpochMilli();
        while (!accumulator(t.targetId()).transition(kind, at)) {
            Thread.onSpinWait();
        }
    }

    /**
     * Writes what is pending, then stops counting the targets {@code gone} accepts (in cluster mode,
     * targets another node took over: it resumes their open intervals from what this flush wrote).
     *
     * @throws dev.watchpost.store.StoreException when the write fails: they are forgotten all the same,
     *         since the next owner counts their open intervals from where the last flush left them
     *         (counting them here too would count that time twice); only samples since then are lost
     */
    public void handOver(java.util.function.Predicate<String> gone, Instant now) {
        flushLock.lock();
        try {
            flush(now);
        } finally {
            pending.keySet().removeIf(gone);
            flushLock.unlock();
        }
    }

    /** At start-up: {@code targetId} was already down (any BAD state) since {@code since}. */
    public void restoreDown(String targetId, Instant since) {
        restore(targetId, State.DOWN, since);
    }

    /**
     * At start-up: {@code targetId} has been in {@code state} since {@code since}, as the live state
     * checkpoint says. For BAD, UNKNOWN and MAINTENANCE states this reopens the interval, resuming
     * where the previous run stopped counting it so no time is counted twice; other states need no call.
     * Reads the database once.
     */
    public void restore(String targetId, State state, Instant since) {
        byte kind = kindOf(state);
        if (kind == Accumulator.NONE) {
            return;
        }
        OptionalLong accountedTo = db.read(c -> store.accountedTo(c, targetId));
        long start = Math.max(since.toEpochMilli(), accountedTo.orElse(Long.MIN_VALUE));
        while (!accumulator(targetId).restore(kind, start, accountedTo.isPresent())) {
            Thread.onSpinWait();
        }
    }

    /**
     * Adds everything counted since the last flush to the stored buckets, in one transaction, counting
     * open intervals up to {@code now}. Targets with nothing pending are dropped from memory. When the
     * write fails, what it held is kept for the next flush and the exception propagates.
     *
     * @throws dev.watchpost.store.StoreException when the database write fails
     */
    public void flush(Instant now) {
        long nowMs = now.toEpochMilli();
        flushLock.lock();
        try {
            List<BucketStore.Pending> taken = new ArrayList<>();
            for (Map.Entry<String, Accumulator> e : pending.entrySet()) {
                Accumulator a = e.getValue();
                Accumulator.Taken t = a.take(nowMs);
                if (t != null) {
                    taken.add(new BucketStore.Pending(e.getKey(), t));
                } else {
                    synchronized (a) {
                        if (a.retireIfIdle()) {
                            pending.remove(e.getKey(), a);
                        }
                    }
                }
            }
            if (taken.isEmpty()) {
                return;
            }
            long t0 = System.nanoTime();
            // In key order: B-tree pages are then touched once each, and concurrent writers (several
            // nodes on one PostgreSQL) lock rows in the same order.
            taken.sort(Comparator.comparing(BucketStore.Pending::targetId));
            // Several short transactions instead of one long one: the database's single writer (SQLite)
            // is shared with transitions and checkpoints, which must not wait for a whole flush.
            int rows = 0;
            for (int from = 0; from < taken.size(); from += FLUSH_CHUNK) {
                List<BucketStore.Pending> chunk = taken.subList(from, Math.min(taken.size(), from + FLUSH_CHUNK));
                try {
                    rows += db.write(c -> store.write(c, chunk, nowMs));
                } catch (RuntimeException ex) {
                    for (BucketStore.Pending p : taken.subList(from, taken.size())) {
                        while (!accumulator(p.targetId()).giveBack(p.taken())) {
                            Thread.onSpinWait();
                        }
                    }
                    throw ex;
                }
            }
            generation.incrementAndGet();
            LOG.debug("event=history.flush targets={} rows={} ms={}", taken.size(), rows,
                    (System.nanoTime() - t0) / 1_000_000);
        } finally {
            flushLock.unlock();
        }
    }

    /**
     * Uptime over the last 24 hours, 7, 30 and 365 days, from stored buckets: minute buckets for
     * windows within the minute retention, hour buckets within the hour retention, day buckets beyond.
     *
     * @return empty when the target has no history at all
     */
    public Optional<Uptime> uptime(String targetId, Instant now) {
        long nowMs = now.toEpochMilli();
        return db.read(c -> {
            OptionalLong first = firstKnown(c, targetId, nowMs);
            if (first.isEmpty()) {
                return Optional.empty();
            }
            List<Uptime.Window> w = new ArrayList<>(WINDOWS.size());
            for (Duration length : WINDOWS) {
                w.add(window(c, targetId, length, first.getAsLong(), nowMs));
            }
            return Optional.of(new Uptime(w.get(0), w.get(1), w.get(2), w.get(3)));
        });
    }

    private Uptime.Window window(Connection c, String targetId, Duration length, long first, long now)
            throws SQLException {
        Resolution r = resolutionFor(length);
        long from = Math.max(r.floor(now - length.toMillis()), first);
        long[] sums = store.sums(c, targetId, r, r.floor(from), now);
        long observed = Math.max(0, now - from - sums[1]);
        long down = Math.min(sums[0], observed);
        return new Uptime.Window(length, Instant.ofEpochMilli(from), Duration.ofMillis(observed), Duration.ofMillis(down));
    }

    /** The finest resolution whose buckets still cover a window of {@code length} ending now, with a period to spare. */
    private Resolution resolutionFor(Duration length) {
        if (length.plus(Resolution.MINUTE.length()).compareTo(settings.minuteRetention()) <= 0) {
            return Resolution.MINUTE;
        }
        if (length.plus(Resolution.HOUR.length()).compareTo(settings.hourRetention()) <= 0) {
            return Resolution.HOUR;
        }
        return Resolution.DAY;
    }

    /**
     * One bar per local day in {@code zone}, the last being today (so far), oldest first.
     *
     * <p>Buckets are UTC periods, so a local day is assembled from them: from its one DAY bucket when
     * it is exactly a UTC day; otherwise from HOUR buckets while those are kept (exact for every zone
     * whose offset is whole hours, DST days included); beyond the hour retention from DAY buckets.
     * A bucket counts toward the local day that contains its midpoint, so in zones with a
     * half-hour offset, and for days older than the hour retention in zones other than UTC, a day's
     * edges are approximate (by up to half a bucket). Incidents come from the transition log and
     * are always exact.
     *
     * @param days 1..366
     */
    public List<DayBar> days(String targetId, int days, ZoneId zone, Instant now) {
        DayRange range = new DayRange(days, zone, now, settings);
        return db.read(c -> {
            OptionalLong first = firstKnown(c, targetId, range.nowMs);
            List<BucketStore.Row> hours = List.of();
            List<BucketStore.Row> dayRows = List.of();
            if (first.isPresent()) {
                long[] h = DayPlan.range(range.bounds, range.source, Resolution.HOUR);
                long[] d = DayPlan.range(range.bounds, range.source, Resolution.DAY);
                hours = h == null ? List.of() : store.read(c, targetId, Resolution.HOUR, h[0], h[1]);
                dayRows = d == null ? List.of() : store.read(c, targetId, Resolution.DAY, d[0], d[1]);
            }
            return bars(range, first, hours, dayRows,
                    store.transitions(c, targetId, range.bounds[0], range.bounds[days]));
        });
    }

    /**
     * What a status page shows of one target: its day bars and its uptime over some windows.
     *
     * @param uptime one window per length asked for, in the same order
     */
    public record Overview(List<DayBar> days, List<Uptime.Window> uptime) {

        public Overview {
            days = List.copyOf(days);
            uptime = List.copyOf(uptime);
        }
    }

    /** Targets per query of the batch reads: bounded so the statement's parameters stay far below any driver's limit. */
    static final int BATCH_IDS = 1_000;

    /**
     * {@link #days} and uptime windows for many targets in a fixed number of queries per
     * {@value #BATCH_IDS} targets (not a few per target), for pages that show hundreds of targets at
     * once. Each window ends {@code now} and is read from the finest buckets still kept for it, as
     * {@link #uptime} does; a window longer than the hour retention is read from day buckets.
     *
     * @return one overview per target that has any history; targets without history are absent
     */
    public Map<String, Overview> overview(Collection<String> targetIds, int days, List<Duration> windows, ZoneId zone,
                                          Instant now) {
        DayRange range = new DayRange(days, zone, now, settings);
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(targetIds));
        Map<String, Overview> out = new HashMap<>();
        for (int from = 0; from < ids.size(); from += BATCH_IDS) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + BATCH_IDS));
            out.putAll(db.read(c -> overviewChunk(c, chunk, range, windows)));
        }
        return out;
    }

    private Map<String, Overview> overviewChunk(Connection c, List<String> ids, DayRange range, List<Duration> windows)
            throws SQLException {
        long now = range.nowMs;
        Map<String, Long[]> earliest = store.earliest(c, ids);
        Map<String, Long> first = new HashMap<>();
        earliest.forEach((id, e) -> firstKnown(e[0], e[1], e[2], now, settings).ifPresent(f -> first.put(id, f)));
        if (first.isEmpty()) {
            return Map.of();
        }
        List<String> known = ids.stream().filter(first::containsKey).toList();
        Map<String, List<BucketStore.Row>> hours = Map.of();
        Map<String, List<BucketStore.Row>> dayRows = Map.of();
        long[] h = DayPlan.range(range.bounds, range.source, Resolution.HOUR);
        long[] d = DayPlan.range(range.bounds, range.source, Resolution.DAY);
        if (h != null) {
            hours = store.read(c, known, Resolution.HOUR, h[0], h[1]);
        }
        if (d != null) {
            dayRows = store.read(c, known, Resolution.DAY, d[0], d[1]);
        }
        Map<String, List<BucketStore.LoggedTransition>> incidents =
                store.transitions(c, known, range.bounds[0], range.bounds[range.bounds.length - 1], BAD_STATES);
        List<Map<String, long[]>> sums = new ArrayList<>(windows.size());
        for (Duration length : windows) {
            Resolution r = resolutionFor(length);
            sums.add(store.sums(c, known, r, r.floor(now - length.toMillis()), now));
        }
        Map<String, Overview> out = new HashMap<>();
        for (String id : known) {
            long f = first.get(id);
            List<DayBar> bars = bars(range, OptionalLong.of(f), hours.getOrDefault(id, List.of()),
                    dayRows.getOrDefault(id, List.of()), incidents.getOrDefault(id, List.of()));
            List<Uptime.Window> w = new ArrayList<>(windows.size());
            for (int i = 0; i < windows.size(); i++) {
                Duration length = windows.get(i);
                Resolution r = resolutionFor(length);
                long from = Math.max(r.floor(now - length.toMillis()), f);
                long[] s = sums.get(i).getOrDefault(id, new long[2]);
                long observed = Math.max(0, now - from - s[1]);
                w.add(new Uptime.Window(length, Instant.ofEpochMilli(from), Duration.ofMillis(observed),
                        Duration.ofMillis(Math.min(s[0], observed))));
            }
            out.put(id, new Overview(bars, w));
        }
        return out;
    }

    /**
     * Stored buckets of resolution {@code r} overlapping {@code [from, to)} for many targets, oldest
     * first, in one query per {@value #BATCH_IDS} targets (for sparklines of many targets). Minute
     * buckets older than the last {@link #prune} are only those with down or unobserved time, and
     * each target's first.
     *
     * @return the buckets of each target that has any in the range
     */
    public Map<String, List<Bucket>> buckets(Collection<String> targetIds, Resolution r, Instant from, Instant to) {
        long start = r.floor(from.toEpochMilli());
        long end = to.toEpochMilli();
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(targetIds));
        Map<String, List<Bucket>> out = new HashMap<>();
        for (int i = 0; i < ids.size(); i += BATCH_IDS) {
            List<String> chunk = ids.subList(i, Math.min(ids.size(), i + BATCH_IDS));
            db.read(c -> store.read(c, chunk, r, start, end)).forEach((id, rows) ->
                    out.put(id, rows.stream().map(row -> row.counts().toBucket(r, row.start())).toList()));
        }
        return out;
    }

    /**
     * Whether the database can be read now (it answered its last check): a reader that keeps what it
     * last read can show that instead of asking. Never waits.
     */
    public boolean available() {
        return db.available();
    }

    /**
     * How many flushes have written something since start: a reader that caches what it read from
     * history can keep it while this stays the same (queries read flushed buckets only).
     */
    public long generation() {
        return generation.get();
    }

    /** The local days a bar query covers. */
    private static final class DayRange {
        final long nowMs;
        final LocalDate firstDate;
        final long[] bounds;
        final Resolution[] source;

        DayRange(int days, ZoneId zone, Instant now, Settings settings) {
            if (days < 1 || days > 366) {
                throw new IllegalArgumentException("days must be between 1 and 366: " + days);
            }
            nowMs = now.toEpochMilli();
            firstDate = LocalDate.ofInstant(now, zone).minusDays(days - 1L);
            bounds = new long[days + 1];
            for (int i = 0; i <= days; i++) {
                bounds[i] = firstDate.plusDays(i).atStartOfDay(zone).toInstant().toEpochMilli();
            }
            source = DayPlan.sources(bounds, nowMs - settings.hourRetention().toMillis());
        }
    }

    /** One target's bars from its rows (hour and day buckets as {@link DayPlan} chose) and logged transitions. */
    private List<DayBar> bars(DayRange range, OptionalLong first, List<BucketStore.Row> hours,
                              List<BucketStore.Row> dayRows, List<BucketStore.LoggedTransition> transitions) {
        long[] bounds = range.bounds;
        int days = bounds.length - 1;
        long nowMs = range.nowMs;
        Counts[] perDay = new Counts[days];
        Arrays.setAll(perDay, i -> new Counts());
        if (first.isPresent()) {
            for (Resolution r : List.of(Resolution.HOUR, Resolution.DAY)) {
                for (BucketStore.Row row : r == Resolution.HOUR ? hours : dayRows) {
                    int i = DayPlan.dayOf(bounds, row.start() + r.millis() / 2);
                    if (i >= 0 && range.source[i] == r) {
                        perDay[i].add(row.counts());
                    }
                }
            }
        }
        int[] incidentCount = new int[days];
        List<List<DayBar.Incident>> incidents = new ArrayList<>(days);
        for (int i = 0; i < days; i++) {
            incidents.add(new ArrayList<>());
        }
        for (BucketStore.LoggedTransition t : transitions) {
            Optional<State> to = State.parse(t.toState());
            if (to.isEmpty() || to.get().severity() != Severity.BAD) {
                continue; // not an incident, or a state a newer version introduced
            }
            int i = DayPlan.dayOf(bounds, t.at());
            if (i < 0) {
                continue;
            }
            incidentCount[i]++;
            if (incidents.get(i).size() < settings.incidentsPerDay()) {
                incidents.get(i).add(new DayBar.Incident(Instant.ofEpochMilli(t.at()), to.get(), t.reason()));
            }
        }
        List<DayBar> bars = new ArrayList<>(days);
        for (int i = 0; i < days; i++) {
            Counts k = perDay[i];
            OptionalDouble uptime = OptionalDouble.empty();
            if (first.isPresent()) {
                long span = Math.min(bounds[i + 1], nowMs) - Math.max(bounds[i], first.getAsLong());
                long observed = span - k.unobservedMs;
                if (span > 0 && observed > 0) {
                    uptime = OptionalDouble.of(1.0 - (double) Math.min(k.downMs, observed) / observed);
                }
            }
            long n = k.latencyCount();
            bars.add(new DayBar(range.firstDate.plusDays(i), uptime, Duration.ofMillis(k.downMs), k.samples, k.failures,
                    n == 0 ? OptionalDouble.empty() : OptionalDouble.of(k.latencySum / n),
                    n == 0 ? OptionalDouble.empty() : OptionalDouble.of(k.latencyMax),
                    incidentCount[i], incidents.get(i)));
        }
        return bars;
    }

    /** Wire names of the states of severity BAD: the transitions that are incidents. */
    private static final List<String> BAD_STATES = Arrays.stream(State.values())
            .filter(s -> s.severity() == Severity.BAD).map(State::id).toList();

    /**
     * Stored buckets of resolution {@code r} overlapping {@code [from, to)}, oldest first (for
     * sparklines). Minute buckets: as {@link #buckets(Collection, Resolution, Instant, Instant)} says.
     */
    public List<Bucket> buckets(String targetId, Resolution r, Instant from, Instant to) {
        long start = r.floor(from.toEpochMilli());
        long end = to.toEpochMilli();
        return db.read(c -> store.read(c, targetId, r, start, end).stream()
                .map(row -> row.counts().toBucket(r, row.start()))
                .toList());
    }

    /**
     * Deletes minute buckets older than the minute retention and hour buckets older than the hour
     * retention (by period start, relative to {@code now}), and minute buckets that carry no down or
     * unobserved time except each target's first (minute buckets serve the 24 h window, which reads
     * only those). Day buckets are kept. In transactions of
     * {@value BucketStore#PRUNE_CHUNK} targets.
     *
     * @return bucket rows deleted
     */
    public int prune(Instant now) {
        int deleted = store.prune(db, now.toEpochMilli());
        LOG.debug("event=history.prune deleted={}", deleted);
        return deleted;
    }

    /**
     * Deletes transitions older than the transition retention, keeping each target's newest
     * {@value #KEEP_TRANSITIONS} whatever their age.
     *
     * @return transition rows deleted
     */
    public int pruneTransitions(Instant now) {
        int deleted = store.pruneTransitions(db, now.toEpochMilli(), settings.transitionRetention().toMillis(),
                KEEP_TRANSITIONS);
        LOG.debug("event=history.prune_transitions deleted={}", deleted);
        return deleted;
    }

    /** Targets with an accumulator in memory (tests watch idle ones being dropped). */
    int tracked() {
        return pending.size();
    }

    private OptionalLong firstKnown(Connection c, String targetId, long now) throws SQLException {
        Long[] earliest = store.earliest(c, targetId);
        return firstKnown(earliest[0], earliest[1], earliest[2], now, settings);
    }

    /**
     * When the target was first known, as precisely as the buckets tell: its first DAY bucket, refined
     * to its first HOUR bucket and then MINUTE bucket when the coarser first period lies wholly within
     * the finer retention (so neither pruning nor write-time clipping can have removed the real first one).
     */
    static OptionalLong firstKnown(Long minute, Long hour, Long day, long now, Settings s) {
        if (day == null) {
            return OptionalLong.empty();
        }
        long first = day;
        if (hour != null && day >= now - s.hourRetention().toMillis()) {
            first = hour;
            if (minute != null && hour >= now - s.minuteRetention().toMillis()) {
                first = minute;
            }
        }
        return OptionalLong.of(first);
    }

    private Accumulator accumulator(String targetId) {
        Accumulator a = pending.get(targetId);
        return a != null ? a : pending.computeIfAbsent(targetId, NEW);
    }

    private static byte kindOf(State s) {
        return switch (s.severity()) {
            case BAD -> Accumulator.DOWN;
            case UNKNOWN, MAINTENANCE -> Accumulator.UNOBSERVED;
            case OK, WARN -> Accumulator.NONE;
        };
    }
}
