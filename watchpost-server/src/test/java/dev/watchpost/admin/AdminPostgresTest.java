package dev.watchpost.admin;

import dev.watchpost.testing.Postgres;

/** The dashboard's units again with the session store on a real PostgreSQL. */
class AdminPostgresTest extends AdminUnitsTest {

    @Override
    String url() {
        return Postgres.freshDatabaseUrl();
    }
}
