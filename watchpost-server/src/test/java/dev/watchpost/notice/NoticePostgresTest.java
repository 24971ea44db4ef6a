package dev.watchpost.notice;

import dev.watchpost.testing.Postgres;

/** The maintenance and incident tests on a real PostgreSQL: the same store, the same answers. */
class NoticePostgresTest extends NoticeMaintenanceTest {

    @Override
    String url() {
        return Postgres.freshDatabaseUrl();
    }
}
