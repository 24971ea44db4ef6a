package dev.watchpost.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * The database: a connection pool, the schema (migrated on open) and transactions.
 *
 * <p>SQLite gets one writer connection (WAL allows readers beside it) so writes never contend for
 * the file lock; PostgreSQL uses one pool for both. Callers say which they need with
 * {@link #write} or {@link #read}; both are safe from any thread.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final Dialect dialect;
    private final HikariDataSource writer;
    private final HikariDataSource reader;
    private final int schemaVersion;

    private Database(Dialect dialect, HikariDataSource writer, HikariDataSource reader, int schemaVersion) {
        this.dialect = dialect;
        this.writer = writer;
        this.reader = reader;
        this.schemaVersion = schemaVersion;
    }

    /**
     * Connects, migrates the schema to this version of Watchpost and returns the open database.
     *
     * @throws StoreException when the database cannot be reached or its schema is newer than this code
     */
    public static Database open(Settings settings, MeterRegistry meters) {
        Dialect dialect = Dialect.of(settings.url());
        if (dialect == Dialect.SQLITE) {
            createParentDirectory(settings.url());
        }
        HikariDataSource writer;
        HikariDataSource reader;
        try {
            if (dialect == Dialect.SQLITE) {
                writer = pool(settings, "watchpost-write", 1, meters);
                reader = pool(settings, "watchpost-read", Math.max(2, settings.poolSize()), meters);
            } else {
                writer = pool(settings, "watchpost", settings.poolSize(), meters);
                reader = writer;
            }
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to the database at " + redact(settings.url()) + ": "
                    + rootMessage(e), e);
        }
        try {
            int version = migrate(writer, dialect);
            LOG.info("event=store.open dialect={} schema={} url={}", dialect.name().toLowerCase(), version,
                    redact(settings.url()));
            return new Database(dialect, writer, reader, version);
        } catch (RuntimeException e) {
            closeQuietly(writer, reader);
            throw e;
        }
    }

    /** Connection settings. {@code poolSize} is the number of reader connections on SQLite. */
    public record Settings(String url, Optional<String> user, Optional<String> password, int poolSize) {
    }

    private static HikariDataSource pool(Settings s, String name, int size, MeterRegistry meters) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(name);
        hc.setJdbcUrl(s.url());
        s.user().ifPresent(hc::setUsername);
        s.password().ifPresent(hc::setPassword);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(Math.min(1, size));
        hc.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
        hc.setInitializationFailTimeout(Duration.ofSeconds(10).toMillis());
        hc.setMetricRegistry(meters);
        if (Dialect.of(s.url()) == Dialect.SQLITE) {
            hc.addDataSourceProperty("journal_mode", "WAL");
            hc.addDataSourceProperty("synchronous", "NORMAL");
            hc.addDataSourceProperty("busy_timeout", "10000");
            hc.addDataSourceProperty("foreign_keys", "true");
        }
        return new HikariDataSource(hc);
    }

    private static int migrate(HikariDataSource ds, Dialect dialect) {
        Flyway flyway = Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .placeholders(dialect.placeholders())
                .failOnMissingLocations(true)
                .load();
        MigrationInfo[] all = flyway.info().all();
        MigrationVersion known = Arrays.stream(all)
                .filter(m -> m.getVersion() != null && !isFuture(m))
                .map(MigrationInfo::getVersion)
                .max(MigrationVersion::compareTo)
                .orElse(MigrationVersion.EMPTY);
        Optional<MigrationInfo> newer = Arrays.stream(all).filter(Database::isFuture).reduce((a, b) -> b);
        if (newer.isPresent()) {
            throw new StoreException("the database schema is version " + newer.get().getVersion()
                    + " but this Watchpost knows versions up to " + known
                    + "; it was written by a newer Watchpost. Run that version (or newer), or point "
                    + "WATCHPOST_DB_URL / WATCHPOST_DATA at another database");
        }
        try {
            MigrateResult result = flyway.migrate();
            String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
            return version == null ? 0 : Integer.parseInt(version);
        } catch (FlywayException e) {
            throw new StoreException("database migration failed: " + e.getMessage(), e);
        }
    }

    private static boolean isFuture(MigrationInfo m) {
        return m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The schema version after migration at open. */
    public int schemaVersion() {
        return schemaVersion;
    }

    /** Runs {@code work} in one transaction on the writer; commits when it returns, rolls back when it throws. */
    public <T> T write(Sql<T> work) {
        try (Connection c = writer.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("database write failed: " + e.getMessage(), e);
        }
    }

    /** Runs read-only {@code work} on a reader connection. */
    public <T> T read(Sql<T> work) {
        try (Connection c = reader.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw new StoreException("database read failed: " + e.getMessage(), e);
        }
    }

    /** True when the database answers a trivial query within {@code timeout}. Never throws. */
    public boolean ping(Duration timeout) {
        try (Connection c = reader.getConnection()) {
            return c.isValid((int) Math.max(1, timeout.toSeconds()));
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closeQuietly(writer, reader);
    }

    private static void closeQuietly(HikariDataSource writer, HikariDataSource reader) {
        if (reader != writer) {
            reader.close();
        }
        writer.close();
    }

    /** The file of a SQLite URL; empty for other databases and in-memory SQLite. */
    public static Optional<Path> sqliteFile(String url) {
        if (!url.startsWith("jdbc:sqlite:")) {
            return Optional.empty();
        }
        String path = url.substring("jdbc:sqlite:".length());
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        if (path.isEmpty() || path.startsWith(":memory:") || path.startsWith("file::memory:")) {
            return Optional.empty();
        }
        if (path.startsWith("file:")) {
            path = path.substring("file:".length());
        }
        return Optional.of(Path.of(path));
    }

    private static void createParentDirectory(String url) {
        Optional<Path> file = sqliteFile(url);
        if (file.isEmpty()) {
            return;
        }
        Path parent = file.get().toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new StoreException("cannot create the data directory " + parent + ": " + e.getMessage(), e);
        }
    }

    /** The URL without credentials, for logs and messages. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("//[^/@]*@", "//***@");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
