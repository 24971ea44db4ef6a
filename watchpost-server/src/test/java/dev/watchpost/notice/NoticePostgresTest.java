package dev.watchpost.notice;

import org.junit.jupiter.api.Tag;
import dev.watchpost.testing.Postgres;

/** The maintenance and incident tests on a real PostgreSQL: the same store, the same answers. */
@Tag("postgres")
class NoticePostgresTest extends NoticeMaintenanceTest {

    @Override
    String url() {
        return Postgres.freshDatabaseUrl();
    }
}
