package dev.watchpost.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.testing.Http;
import dev.watchpost.testing.MutableClock;
import dev.watchpost.testing.Postgres;
import dev.watchpost.testing.TestServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole server on PostgreSQL, chosen by WATCHPOST_DB_URL alone. */
@Tag("postgres")
class PostgresServerTest {

    @TempDir
    Path dir;

    @Test
    void runsOnPostgresAndKeepsTokensAcrossRestart() throws Exception {
        Map<String, String> env = Map.of("WATCHPOST_DB_URL", Postgres.freshDatabaseUrl());
        MutableClock clock = MutableClock.at("2026-02-02T02:02:02Z");
        String token;
        try (TestServer server = TestServer.start(dir, clock, env)) {
            assertThat(Http.json(server.http().get("/readyz")).get("store").asText()).isEqualTo("ok");
            JsonNode created = Http.json(server.http().postJson("/api/v1/tokens", "{\"scope\":\"admin\"}", TestServer.ADMIN));
            token = created.get("token").asText();
        }
        try (TestServer server = TestServer.start(dir, clock, env)) {
            assertThat(server.http().get("/api/v1/tokens", token).statusCode()).isEqualTo(200);
        }
        assertThat(Files.exists(dir.resolve("watchpost.db"))).as("no SQLite file when PostgreSQL is used").isFalse();
    }
}
