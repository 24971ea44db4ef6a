package dev.watchpost.app;

import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.store.Database;
import io.micrometer.core.instrument.MeterRegistry;

/** Opens the configured database; shared by the server and the CLI. */
final class Stores {

    private Stores() {
    }

    static Database open(WatchpostConfig.Storage s, MeterRegistry meters) {
        return Database.open(new Database.Settings(s.jdbcUrl(), s.user(), s.password(), s.poolSize()), meters);
    }
}
