package dev.watchpost.auth;

import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.store.Database;
import dev.watchpost.store.WriteBehind;
import dev.watchpost.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Token storage behaviour every database must show; called from the store contract suite. */
public final class TokenStoreContract {

    private TokenStoreContract() {
    }

    public static void verify(Database db) {
        MutableClock clock = MutableClock.at("2026-05-05T05:05:05Z");
        WriteBehind writer = new WriteBehind(db, Duration.ofMinutes(1), new SimpleMeterRegistry());
        TokenStore store = new TokenStore(db);
        try (Tokens tokens = new Tokens(store, writer, clock,
                new WatchpostConfig.Auth(List.of(), List.of(), List.of(), false, true))) {
            assertThat(tokens.hasAdmin()).isFalse();
            Tokens.Created a = tokens.create(Scope.ADMIN, "first");
            Tokens.Created b = tokens.create(Scope.INGEST, "second");
            assertThat(b.stored().id()).isGreaterThan(a.stored().id());
            assertThat(tokens.hasAdmin()).isTrue();

            assertThat(tokens.authenticate(a.token())).hasValueSatisfying(p -> {
                assertThat(p.scope()).isEqualTo(Scope.ADMIN);
                assertThat(p.tokenId()).isEqualTo(a.stored().id());
            });
            assertThat(tokens.authenticate(b.token() + "x")).isEmpty();

            clock.advance(Duration.ofHours(1));
            assertThat(tokens.revoke(a.stored().id())).isTrue();
            assertThat(tokens.revoke(a.stored().id())).isFalse();
            assertThat(tokens.authenticate(a.token())).isEmpty();
            assertThat(tokens.hasAdmin()).isFalse();

            // A prober token bound to its location (V17): stored, read back, and known to the check.
            Tokens.Created eu = tokens.create(Scope.PROBER, "eu-1", java.util.Optional.of("eu"));
            assertThat(eu.stored().location()).contains("eu");
            assertThat(tokens.authenticate(eu.token())).hasValueSatisfying(p -> {
                assertThat(p.scope()).isEqualTo(Scope.PROBER);
                assertThat(p.location()).contains("eu");
                assertThat(p.mayActFor("eu")).isTrue();
                assertThat(p.mayActFor("us")).isFalse();
                assertThat(p.scope().grants(Scope.READ)).isFalse();
            });
            assertThat(Scope.ADMIN.grants(Scope.PROBER)).isFalse();
            writer.close();

            List<ApiToken> all = store.list();
            assertThat(all).extracting(ApiToken::name).containsExactly("first", "second", "eu-1");
            assertThat(all.get(2).location()).contains("eu");
            assertThat(all.get(0).revokedAt()).contains(Instant.parse("2026-05-05T06:05:05Z"));
            assertThat(all.get(0).lastUsedAt()).contains(Instant.parse("2026-05-05T05:05:05Z"));
            assertThat(all.get(1).active()).isTrue();
            assertThat(all.get(1).hint()).isEqualTo(b.token().substring(0, 7));
            assertThat(all.get(1).location()).isEmpty();
        }
    }
}
