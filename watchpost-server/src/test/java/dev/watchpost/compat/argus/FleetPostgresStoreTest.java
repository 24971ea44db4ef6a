package dev.watchpost.compat.argus;

import org.junit.jupiter.api.Tag;
import dev.watchpost.store.Database;
import dev.watchpost.testing.Postgres;

import java.util.Optional;

@Tag("postgres")
class FleetPostgresStoreTest extends FleetStoreContract {

    @Override
    protected Database.Settings freshDatabase() {
        return new Database.Settings(Postgres.freshDatabaseUrl(), Optional.empty(), Optional.empty(), 4);
    }
}
