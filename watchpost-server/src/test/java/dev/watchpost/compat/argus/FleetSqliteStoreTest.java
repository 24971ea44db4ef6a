package dev.watchpost.compat.argus;

import org.junit.jupiter.api.Tag;
import dev.watchpost.store.Database;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

@Tag("integration")
class FleetSqliteStoreTest extends FleetStoreContract {

    @TempDir
    Path dir;

    @Override
    protected Database.Settings freshDatabase() {
        return new Database.Settings("jdbc:sqlite:" + dir.resolve("w.db"), Optional.empty(), Optional.empty(), 2);
    }
}
