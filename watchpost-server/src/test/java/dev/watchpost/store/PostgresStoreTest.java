package dev.watchpost.store;

import org.junit.jupiter.api.Tag;
import dev.watchpost.testing.Postgres;

import java.util.Optional;

@Tag("postgres")
class PostgresStoreTest extends StoreContract {

    private Database.Settings settings;

    @Override
    protected Database.Settings freshDatabase() {
        settings = new Database.Settings(Postgres.freshDatabaseUrl(), Optional.empty(), Optional.empty(), 4);
        return settings;
    }

    @Override
    protected Database.Settings currentSettings() {
        return settings;
    }

    @Override
    protected Dialect expectedDialect() {
        return Dialect.POSTGRESQL;
    }
}
