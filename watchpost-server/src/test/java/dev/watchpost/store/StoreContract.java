package dev.watchpost.store;

import dev.watchpost.auth.TokenStoreContract;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every database Watchpost supports must do, run unchanged against each of them: subclasses
 * only say how to get a fresh, empty database.
 */
public abstract class StoreContract {

    protected Database db;

    /** Settings for a fresh, empty database. */
    protected abstract Database.Settings freshDatabase() throws Exception;

    protected abstract Dialect expectedDialect();

    @BeforeEach
    void open() throws Exception {
        db = Database.open(freshDatabase(), new SimpleMeterRegistry());
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void migratesAnEmptyDatabaseToTheLatestSchema() {
        assertThat(db.dialect()).isEqualTo(expectedDialect());
        assertThat(db.schemaVersion()).isGreaterThanOrEqualTo(1);
        assertThat(db.ping(Duration.ofSeconds(2))).isTrue();
    }

    @Test
    void reopeningIsIdempotent() throws Exception {
        Database.Settings settings = currentSettings();
        int version = db.schemaVersion();
        db.close();
        db = Database.open(settings, new SimpleMeterRegistry());
        assertThat(db.schemaVersion()).isEqualTo(version);
    }

    @Test
    void refusesADatabaseWrittenByANewerWatchpost() throws Exception {
        Database.Settings settings = currentSettings();
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, "
                            + "installed_by, installed_on, execution_time, success) "
                            + "VALUES (999, '999', 'from the future', 'SQL', 'V999__future.sql', 0, 'test', CURRENT_TIMESTAMP, 0, "
                            + (db.dialect() == Dialect.SQLITE ? "1" : "true") + ")")) {
                ps.executeUpdate();
            }
            return null;
        });
        db.close();
        db = null;
        assertThatThrownBy(() -> Database.open(settings, new SimpleMeterRegistry()))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("the database schema is version 999 but this Watchpost knows versions up to ")
                .hasMessageContaining("written by a newer Watchpost");
    }

    @Test
    void failedTransactionLeavesNothingBehind() {
        assertThatThrownBy(() -> db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO api_token (name, scope, token_hash, hint, created_at) VALUES ('a', 'read', 'h1', 'x', 1)")) {
                ps.executeUpdate();
            }
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(count("api_token")).isZero();
    }

    @Test
    void writeBehindCoalescesByKeyAndFlushesOnClose() {
        AtomicInteger applied = new AtomicInteger();
        WriteBehind writer = new WriteBehind(db, Duration.ofMinutes(1), new SimpleMeterRegistry());
        for (int i = 1; i <= 5; i++) {
            int n = i;
            writer.put("same-key", c -> {
                applied.incrementAndGet();
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO api_token (name, scope, token_hash, hint, created_at) VALUES (?, 'read', ?, 'x', 1)")) {
                    ps.setString(1, "v" + n);
                    ps.setString(2, "hash-" + n);
                    ps.executeUpdate();
                }
            });
        }
        assertThat(count("api_token")).as("nothing written before the interval").isZero();
        writer.close();
        assertThat(applied).hasValue(1);
        String name = db.read(c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT name FROM api_token")) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertThat(name).isEqualTo("v5");
    }

    @Test
    void writeBehindKeepsFailedWritesAndRetries() {
        AtomicInteger attempts = new AtomicInteger();
        WriteBehind writer = new WriteBehind(db, Duration.ofMinutes(1), new SimpleMeterRegistry());
        writer.put("flaky", c -> {
            if (attempts.incrementAndGet() == 1) {
                throw new java.sql.SQLException("receiver hiccup");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO api_token (name, scope, token_hash, hint, created_at) VALUES ('ok', 'read', 'h', 'x', 1)")) {
                ps.executeUpdate();
            }
        });
        writer.flush();
        assertThat(count("api_token")).isZero();
        writer.flush();
        assertThat(count("api_token")).isEqualTo(1);
        writer.close();
        assertThat(attempts).hasValue(2);
    }

    /** The token repository's contract, on this database. */
    @Test
    void tokenRepository() {
        TokenStoreContract.verify(db);
    }

    protected int count(String table) {
        return db.read(c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** The settings the current database was opened with (subclasses keep them). */
    protected abstract Database.Settings currentSettings();
}
