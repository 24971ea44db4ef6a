package dev.watchpost.history;

import dev.watchpost.store.Database;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConnection;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("integration")
class SqliteHistoryTest extends HistoryContract {

    @TempDir
    Path dir;

    @Override
    protected Database.Settings freshDatabase() {
        return new Database.Settings("jdbc:sqlite:" + dir.resolve("watchpost.db"), Optional.empty(), Optional.empty(), 4);
    }

    /**
     * The status page reads when each target was first seen on every history read. That must not
     * cost more for targets with a long history: with a year of buckets and 1,000 targets it took
     * seconds, and the first viewer after each flush waited for it. Counted in SQLite VM steps, so
     * the comparison does not depend on the machine's speed.
     */
    @Test
    void findingWhenTargetsWereFirstSeenDoesNotReadAllTheirBuckets() {
        // Minute buckets kept 48 h (the default is 25 h): more rows per target make the difference plainer.
        History history = new History(db, new History.Settings(Duration.ofHours(48), Duration.ofDays(90), 3,
                Duration.ofDays(400)));
        Instant now = Instant.parse("2025-03-06T00:00:00Z");
        List<String> hour = IntStream.range(0, 20).mapToObj(i -> "short/" + i).toList();
        List<String> twoDays = IntStream.range(0, 20).mapToObj(i -> "long/" + i).toList();
        for (int m = 1; m <= 2 * 24 * 60 - 5; m++) {
            Instant at = now.minus(Duration.ofMinutes(m));
            for (String id : twoDays) {
                history.observe(id, at, true, 40);
            }
            if (m <= 60) {
                for (String id : hour) {
                    history.observe(id, at, true, 40);
                }
            }
        }
        history.flush(now);

        long shortSteps = steps(hour);
        long longSteps = steps(twoDays);

        assertThat(db.read(c -> new BucketStore(0, 0).earliest(c, twoDays)).get("long/0")[Resolution.MINUTE.ordinal()])
                .isEqualTo(now.minus(Duration.ofMinutes(2 * 24 * 60 - 5)).toEpochMilli());
        assertThat(longSteps).as("VM steps for targets with 47 h of buckets vs. 1 h (%d vs %d)", longSteps, shortSteps)
                .isLessThan(2 * shortSteps);
    }

    /**
     * A bucket costs its row in the primary key and nothing more: retention deletes through that key,
     * so no second index repeats every key (it was 25 of 82 bytes a minute bucket, 135 MB of a year's
     * 669 MB file). Measured with SQLite's dbstat: the pages of history_bucket and of its indexes.
     */
    @Test
    void aBucketCostsOnlyItsRowInThePrimaryKey() {
        History history = new History(db);
        Instant now = Instant.parse("2025-03-06T00:00:00Z");
        List<String> ids = IntStream.range(0, 20).mapToObj(i -> "g" + (i / 10) + "/p" + i).toList();
        for (int m = 1; m <= 25 * 60; m++) {
            for (String id : ids) {
                history.observe(id, now.minus(Duration.ofMinutes(m)).plusMillis(m * 37L % 60_000), true, 20 + m % 300);
            }
        }
        history.flush(now);

        long[] bytes = db.read(c -> {
            try (var s = c.createStatement();
                 var rs = s.executeQuery("SELECT m.name = 'history_bucket', SUM(d.pgsize) FROM dbstat d "
                         + "JOIN sqlite_schema m ON m.name = d.name WHERE m.tbl_name = 'history_bucket' GROUP BY 1")) {
                long[] out = new long[2]; // indexes, table
                while (rs.next()) {
                    out[rs.getInt(1)] = rs.getLong(2);
                }
                return out;
            }
        });
        assertThat(count()).isEqualTo(20L * (25 * 60 + 25 + 2));
        assertThat((double) bytes[1] / count()).as("bytes per bucket in the table").isLessThan(68);
        assertThat(bytes[0]).as("bytes of indexes beside the primary key").isZero();
    }

    private long count() {
        return db.read(c -> {
            try (var s = c.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM history_bucket")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** SQLite VM steps (in hundreds) that {@link BucketStore#earliest} takes for {@code ids}. */
    private long steps(List<String> ids) {
        return db.read(c -> {
            SQLiteConnection sqlite = c.unwrap(SQLiteConnection.class);
            long[] n = {0};
            ProgressHandler.setHandler(sqlite, 100, new ProgressHandler() {
                @Override
                protected int progress() {
                    n[0]++;
                    return 0;
                }
            });
            try {
                assertThat(new BucketStore(0, 0).earliest(c, ids)).hasSize(ids.size());
            } finally {
                ProgressHandler.clearHandler(sqlite);
            }
            return n[0];
        });
    }
}
