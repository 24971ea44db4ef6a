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
