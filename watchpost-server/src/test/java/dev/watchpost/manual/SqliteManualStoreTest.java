package dev.watchpost.manual;

import dev.watchpost.store.Database;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

class SqliteManualStoreTest extends ManualStoreContract {

    @TempDir
    Path dir;

    @Override
    protected Database.Settings freshDatabase() {
        return new Database.Settings("jdbc:sqlite:" + dir.resolve("watchpost.db"), Optional.empty(), Optional.empty(), 4);
    }
}
