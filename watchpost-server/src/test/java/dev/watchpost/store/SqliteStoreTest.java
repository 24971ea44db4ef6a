package dev.watchpost.store;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("integration")
class SqliteStoreTest extends StoreContract {

    @TempDir
    Path dir;
    private Database.Settings settings;

    @Override
    protected Database.Settings freshDatabase() {
        settings = new Database.Settings("jdbc:sqlite:" + dir.resolve("nested/data/watchpost.db"), Optional.empty(),
                Optional.empty(), 4);
        return settings;
    }

    @Override
    protected Database.Settings currentSettings() {
        return settings;
    }

    @Override
    protected Dialect expectedDialect() {
        return Dialect.SQLITE;
    }

    @Test
    void createsTheDataDirectoryAndUsesWal() {
        assertThat(Files.exists(dir.resolve("nested/data/watchpost.db"))).isTrue();
        String mode = db.read(c -> {
            try (ResultSet rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertThat(mode).isEqualToIgnoringCase("wal");
    }
}
