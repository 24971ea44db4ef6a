package dev.watchpost.admin;

import org.junit.jupiter.api.Tag;
import dev.watchpost.testing.Postgres;

/** The dashboard's units again with the session store on a real PostgreSQL. */
@Tag("postgres")
class AdminPostgresTest extends AdminUnitsTest {

    @Override
    String url() {
        return Postgres.freshDatabaseUrl();
    }
}
