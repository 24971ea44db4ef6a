package dev.watchpost.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server (embedded binaries from Maven Central), one per test JVM, started on first
 * use and stopped at exit. Each caller gets its own fresh database on it.
 *
 * <p>As root, PostgreSQL's initdb refuses to run; the embedded launcher then runs it in a user
 * namespace ({@code unshare -U}, util-linux), which is why CI needs no extra user.
 */
public final class Postgres {

    private static EmbeddedPostgres server;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private Postgres() {
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .setLocaleConfig("locale", "C")
                        .setLocaleConfig("encoding", "UTF8")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the process is ending; the data directory is temporary
                }
            }));
        }
        return server;
    }

    /**
     * A PostgreSQL server of one test's own, on a fixed port and data directory, so the test can stop
     * it (a database outage under a running Watchpost) and start it again with its data, as
     * {@code pg_ctl stop} / {@code pg_ctl start} would. Close it at the end of the test.
     */
    public static Standalone standalone(java.nio.file.Path dataDir) {
        return new Standalone(dataDir);
    }

    /** See {@link #standalone}. */
    public static final class Standalone implements AutoCloseable {

        private final java.nio.file.Path dataDir;
        private final int port;
        private EmbeddedPostgres pg;

        private Standalone(java.nio.file.Path dataDir) {
            this.dataDir = dataDir;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                this.port = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            start();
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE watchpost");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create the test database", e);
            }
        }

        /** The JDBC URL of its database {@code watchpost} (user postgres, no password); stays valid across restarts. */
        public String url() {
            return "jdbc:postgresql://localhost:" + port + "/watchpost?user=postgres";
        }

        /** Starts the server (again) on the same port and data directory. */
        public synchronized void start() {
            if (pg != null) {
                return;
            }
            try {
                pg = EmbeddedPostgres.builder()
                        .setDataDirectory(dataDir)
                        .setCleanDataDirectory(false)
                        .setPort(port)
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .setLocaleConfig("locale", "C")
                        .setLocaleConfig("encoding", "UTF8")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL on port " + port, e);
            }
        }

        /** Stops the server (fast shutdown: open connections are cut), keeping its data. */
        public synchronized void stop() {
            if (pg == null) {
                return;
            }
            try {
                pg.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stop embedded PostgreSQL", e);
            } finally {
                pg = null;
            }
        }

        @Override
        public void close() {
            stop();
        }
    }

    /** A JDBC URL (user postgres, no password) of a new, empty database. */
    public static String freshDatabaseUrl() {
        EmbeddedPostgres pg = server();
        String name = "watchpost_test_" + DATABASES.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return pg.getJdbcUrl("postgres", name);
    }
}
