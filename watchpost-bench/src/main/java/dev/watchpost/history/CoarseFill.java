package dev.watchpost.history;

import dev.watchpost.live.State;
import dev.watchpost.store.Database;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Storage-growth bench only (bench/growth.sh): fills simulated history with the server's own
 * {@link Accumulator} and {@link BucketStore}, flushing once per stretch (a day, an hour) instead of
 * once per minute, which a year of 1,000 targets could not afford.
 *
 * <p>At first the store is built with a minute retention of zero, so its write-time cutoff leaves
 * out every minute bucket (they all start before the flush's {@code now}) and writes exactly the
 * hour and day rows the server's per-minute flushes would have left once its minute retention had
 * run; hour rows older than the hour retention are left out as the server leaves them out. After
 * {@link #keepMinutes} minute buckets are written too, as the server writes them. Open intervals are
 * counted up to {@code now} as the server's flush counts them. Lives in this package because the
 * accumulator and the store are package-private; it is not part of the server.
 */
public final class CoarseFill {

    private final Database db;
    private final History.Settings settings;
    private BucketStore store;
    private final Map<String, Accumulator> pending = new HashMap<>();

    public CoarseFill(Database db, History.Settings settings) {
        this.db = db;
        this.settings = settings;
        this.store = new BucketStore(0, settings.hourRetention().toMillis());
    }

    /**
     * From now on also writes minute buckets within the minute retention, as the server's flush
     * does; for the last stretch before the minute retention's horizon.
     */
    public void keepMinutes() {
        this.store = new BucketStore(settings.minuteRetention().toMillis(), settings.hourRetention().toMillis());
    }

    /** As {@link History#observe(String, long, boolean, double)}. */
    public void observe(String targetId, long atMs, boolean ok, double latencyMs) {
        pending.computeIfAbsent(targetId, k -> new Accumulator()).observe(Accumulator.minuteOf(atMs), ok, latencyMs);
    }

    /** As {@link History#transition}: the target entered {@code to} at {@code atMs}. */
    public void transition(String targetId, State to, long atMs) {
        byte kind = switch (to.severity()) {
            case BAD -> Accumulator.DOWN;
            case UNKNOWN, MAINTENANCE -> Accumulator.UNOBSERVED;
            case OK, WARN -> Accumulator.NONE;
        };
        pending.computeIfAbsent(targetId, k -> new Accumulator()).transition(kind, atMs);
    }

    /**
     * Writes what is pending as of {@code nowMs}, in chunks of {@link History#FLUSH_CHUNK} targets
     * in key order as {@link History#flush} does.
     *
     * @return bucket rows upserted
     */
    public int flush(long nowMs) {
        List<BucketStore.Pending> taken = new ArrayList<>();
        for (Map.Entry<String, Accumulator> e : pending.entrySet()) {
            Accumulator.Taken t = e.getValue().take(nowMs);
            if (t != null) {
                taken.add(new BucketStore.Pending(e.getKey(), t));
            }
        }
        taken.sort(Comparator.comparing(BucketStore.Pending::targetId));
        int rows = 0;
        for (int from = 0; from < taken.size(); from += History.FLUSH_CHUNK) {
            List<BucketStore.Pending> chunk = taken.subList(from, Math.min(taken.size(), from + History.FLUSH_CHUNK));
            rows += db.write(c -> store.write(c, chunk, nowMs));
        }
        return rows;
    }
}
