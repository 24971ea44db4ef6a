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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The database: a connection pool, the schema (migrated on open) and transactions.
 *
 * <p>SQLite gets one writer connection (WAL allows readers beside it) so writes never contend for
 * the file lock; PostgreSQL uses one pool for both. Callers say which they need with
 * {@link #write} or {@link #read}; both are safe from any thread.
 *
 * <p><b>Availability.</b> A background check asks the database every {@link #CHECK_EVERY} (on
 * PostgreSQL over a connection of its own with one-second timeouts), and a write or read that fails
 * because the server cannot be reached marks it unavailable at once. While it is unavailable,
 * {@link #read} and {@link #write} fail at once with a {@link StoreException} whose
 * {@link StoreException#unavailable()} is true, instead of each caller waiting out the pool's
 * connection timeout: pages and live reads then answer from memory, and writers keep their work
 * and wait in {@link #awaitAvailable} for the check to see the database again.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /** How often the availability check asks the database. */
    public static final Duration CHECK_EVERY = Duration.ofMillis(500);
    /** How long a caller waits for a pooled connection while the database is available. */
    static final Duration BORROW_TIMEOUT = Duration.ofSeconds(10);
    /**
     * PostgreSQL: the pool is asked in slices of this length, and the wait ends early when the
     * database is seen to be unavailable meanwhile, so a caller that started waiting just before an
     * outage was noticed does not wait out the whole {@link #BORROW_TIMEOUT}.
     */
    static final Duration BORROW_SLICE = Duration.ofSeconds(1);

    private final Dialect dialect;
    private final HikariDataSource writer;
    private final HikariDataSource reader;
    private final HikariDataSource health; // PostgreSQL: the availability check's own connection; null on SQLite
    private Settings settings;
    private final int schemaVersion;
    private final Object availability = new Object();
    private volatile boolean available = true;
    private volatile boolean closed;
    private long unavailableSinceNanos; // guarded by availability
    private final ScheduledExecutorService checker;
    /**
     * SQLite has one writer connection. Writers take it in turns, in the order they asked (a fair
     * lock), rather than through the pool: the pool gives a connection back first to the thread that
     * last held it, so a writer that loops (the transition log in a burst of a million changes) kept
     * it while the checkpoints waited out the pool's timeout and failed. Null on PostgreSQL, whose
     * pool has connections for every writer.
     */
    private final java.util.concurrent.locks.ReentrantLock writeTurn;
    private final java.util.concurrent.atomic.AtomicInteger writersWaiting = new java.util.concurrent.atomic.AtomicInteger();

    private Database(Dialect dialect, HikariDataSource writer, HikariDataSource reader, HikariDataSource health,
                     int schemaVersion, MeterRegistry meters) {
        this.dialect = dialect;
        this.writer = writer;
        this.reader = reader;
        this.health = health;
        this.schemaVersion = schemaVersion;
        this.writeTurn = dialect == Dialect.SQLITE ? new java.util.concurrent.locks.ReentrantLock(true) : null;
        io.micrometer.core.instrument.Gauge.builder("watchpost.store.writers.waiting", writersWaiting, java.util.concurrent.atomic.AtomicInteger::get)
                .description("Writers waiting for their turn on the database's one writer connection (SQLite)").register(meters);
        io.micrometer.core.instrument.Gauge.builder("watchpost.store.available", this, d -> d.available() ? 1 : 0)
                .description("1 while the database answers, 0 while it cannot be reached").register(meters);
        this.checker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("watchpost-store-check").daemon(true).factory());
        checker.scheduleWithFixedDelay(this::check, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
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
        HikariDataSource health = null;
        try {
            int version = migrate(writer, dialect);
            if (dialect != Dialect.SQLITE) {
                health = healthPool(settings);
            }
            LOG.info("event=store.open dialect={} schema={} url={}", dialect.name().toLowerCase(), version,
                    redact(settings.url()));
            Database db = new Database(dialect, writer, reader, health, version, meters);
            db.settings = settings;
            return db;
        } catch (RuntimeException e) {
            closeQuietly(writer, reader);
            if (health != null) {
                health.close();
            }
            throw e;
        }
    }

    /**
     * A connection of its own, outside the pools, for a caller that holds one for as long as it runs
     * (PostgreSQL's LISTEN); the caller closes it.
     */
    public java.sql.Connection connectAlone() throws java.sql.SQLException {
        java.util.Properties p = new java.util.Properties();
        settings.user().ifPresent(u -> p.setProperty("user", u));
        settings.password().ifPresent(pw -> p.setProperty("password", pw));
        return java.sql.DriverManager.getConnection(settings.url(), p);
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
        hc.setConnectionTimeout(Dialect.of(s.url()) == Dialect.SQLITE ? BORROW_TIMEOUT.toMillis() : BORROW_SLICE.toMillis());
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

    /**
     * One connection for the availability check, with short timeouts so that a stopped or
     * unreachable server is noticed within about a second. It is not the pools' connection: a pool
     * busy with writes must not make the database look unavailable.
     */
    private static HikariDataSource healthPool(Settings s) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("watchpost-check");
        hc.setJdbcUrl(s.url());
        s.user().ifPresent(hc::setUsername);
        s.password().ifPresent(hc::setPassword);
        hc.setMaximumPoolSize(1);
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(1_000);
        hc.setValidationTimeout(500);
        hc.setInitializationFailTimeout(-1); // reachable a moment ago (migrated); the check reports otherwise
        hc.addDataSourceProperty("connectTimeout", "1");
        hc.addDataSourceProperty("socketTimeout", "2");
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

    /**
     * Runs {@code work} in one transaction on the writer; commits when it returns, rolls back when it throws.
     *
     * @throws StoreException when the write fails; at once, without trying, while the database is
     *         known to be unavailable ({@link StoreException#unavailable()})
     */
    public <T> T write(Sql<T> work) {
        requireAvailable();
        if (writeTurn == null) {
            return writeNow(work);
        }
        writersWaiting.incrementAndGet();
        try {
            writeTurn.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting to write");
        } finally {
            writersWaiting.decrementAndGet();
        }
        try {
            return writeNow(work);
        } finally {
            writeTurn.unlock();
        }
    }

    private <T> T writeNow(Sql<T> work) {
        try (Connection c = borrow(writer)) {
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
            throw failed("database write failed: ", e);
        }
    }


    /**
     * Runs read-only {@code work} on a reader connection.
     *
     * @throws StoreException when the read fails; at once, without trying, while the database is
     *         known to be unavailable ({@link StoreException#unavailable()})
     */
    public <T> T read(Sql<T> work) {
        requireAvailable();
        try (Connection c = borrow(reader)) {
            return work.apply(c);
        } catch (SQLException e) {
            throw failed("database read failed: ", e);
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

    /**
     * Whether the database answered its last check (at most {@link #CHECK_EVERY} ago) and no
     * operation has since failed to reach it. Never waits; false once closed.
     */
    public boolean available() {
        return available && !closed;
    }

    /**
     * Waits until the database is available again, at most {@code max}.
     *
     * @return whether it is available
     */
    public boolean awaitAvailable(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (availability) {
            while (!available() && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(availability, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return available();
        }
    }

    /**
     * A connection from {@code pool}: on SQLite as the pool gives it (a local file does not go
     * away); on PostgreSQL in slices of {@link #BORROW_SLICE} up to {@link #BORROW_TIMEOUT}, giving
     * up as soon as the database is known to be unavailable.
     */
    private Connection borrow(HikariDataSource pool) throws SQLException {
        if (health == null) {
            return pool.getConnection();
        }
        long deadline = System.nanoTime() + BORROW_TIMEOUT.toNanos();
        while (true) {
            try {
                return pool.getConnection();
            } catch (java.sql.SQLTransientConnectionException e) {
                if (unreachable(e) || System.nanoTime() - deadline >= 0) {
                    throw e;
                }
                if (!available()) {
                    throw new StoreException("the database is unavailable", e, true);
                }
            }
        }
    }

    private void requireAvailable() {
        if (!available()) {
            throw new StoreException(closed ? "the database is closed" : "the database is unavailable", null, true);
        }
    }

    private StoreException failed(String what, SQLException e) {
        boolean unreachable = unreachable(e);
        if (unreachable) {
            markUnavailable(e.getMessage());
        }
        return new StoreException(what + e.getMessage(), e, unreachable);
    }

    /**
     * Whether {@code e} says the server could not be reached (SQLSTATE class 08, connection
     * exception; 57P01-57P03, the server shutting down or starting), as opposed to a busy pool or a
     * bad statement. A pool timeout counts only when its cause was such a failure.
     */
    static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    /** One round of the availability check (the checker thread). */
    private void check() {
        if (closed) {
            return;
        }
        String error = null;
        try (Connection c = (health != null ? health : reader).getConnection()) {
            if (!c.isValid(1)) {
                error = "the connection is not valid";
            }
        } catch (SQLException | RuntimeException e) {
            error = rootMessage(e);
        }
        if (error == null) {
            markAvailable();
        } else {
            markUnavailable(error);
        }
    }

    private void markUnavailable(String error) {
        synchronized (availability) {
            if (!available) {
                return;
            }
            available = false;
            unavailableSinceNanos = System.nanoTime();
        }
        LOG.warn("event=store.unavailable error=\"{}\" hint=\"pages and live reads answer from memory; writes are kept "
                + "and written when the database answers again\"", error);
    }

    private void markAvailable() {
        long downMs;
        synchronized (availability) {
            if (available) {
                return;
            }
            available = true;
            downMs = (System.nanoTime() - unavailableSinceNanos) / 1_000_000;
            availability.notifyAll();
        }
        LOG.info("event=store.available unavailable_ms={}", downMs);
    }

    @Override
    public void close() {
        closed = true;
        checker.shutdownNow();
        synchronized (availability) {
            availability.notifyAll();
        }
        closeQuietly(writer, reader);
        if (health != null) {
            health.close();
        }
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
