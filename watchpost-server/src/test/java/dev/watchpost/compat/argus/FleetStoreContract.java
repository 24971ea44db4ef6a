package dev.watchpost.compat.argus;

import dev.watchpost.compat.argus.FleetStore.MemberRow;
import dev.watchpost.compat.argus.FleetStore.Registering;
import dev.watchpost.live.LiveState;
import dev.watchpost.store.Database;
import dev.watchpost.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fleet's SQL (migration V4), run unchanged on SQLite and PostgreSQL. */
abstract class FleetStoreContract {

    static final long T0 = 1_780_000_000_000L;

    Database.Settings settings;
    Database db;
    FleetStore store;

    protected abstract Database.Settings freshDatabase();

    @BeforeEach
    void open() {
        settings = freshDatabase();
        connect();
    }

    @AfterEach
    void close() {
        db.close();
    }

    /** Closes the database and opens it again, as a restart does. */
    private void reopen() {
        db.close();
        connect();
    }

    private void connect() {
        db = Database.open(settings, new SimpleMeterRegistry());
        store = new FleetStore(db);
    }

    private MemberRow registerNew(String identity, String fleet) {
        return store.register(new Registering(identity, fleet, OptionalInt.empty(), null, null, "00", T0), T0);
    }

    @Test
    void aRegisteredMemberSurvivesARestart() {
        MemberRow a = store.register(new Registering("bot-a", "asia", OptionalInt.empty(), "1.2.3", "10.0.0.7:9100",
                "ab12", T0), T0);
        assertThat(a.number()).isEqualTo(1);

        reopen();

        assertThat(store.members()).containsExactly(new MemberRow("bot-a", "asia", 1, "1.2.3", "10.0.0.7:9100", "ab12", T0));
    }

    @Test
    void numbersAreNeverGivenTwiceInAFleet() {
        assertThat(registerNew("a", "asia").number()).isEqualTo(1);
        assertThat(registerNew("b", "asia").number()).isEqualTo(2);
        assertThat(registerNew("c", "eu").number()).isEqualTo(1);
        store.remove("b");
        assertThat(registerNew("d", "asia").number()).as("a pruned member's number stays used").isEqualTo(3);
        assertThat(registerNew("a", "eu").number()).as("a member that moves takes the new fleet's next").isEqualTo(2);

        reopen();

        assertThat(registerNew("e", "asia").number()).as("a moved member's old number stays used").isEqualTo(4);
        assertThat(store.members()).extracting(m -> m.fleet() + "/" + m.number() + " " + m.identity())
                .containsExactly("asia/3 d", "asia/4 e", "eu/1 c", "eu/2 a");
    }

    @Test
    void registeringAgainReplacesWhatTheMemberSaidAndKeepsItsFirstRegistration() {
        store.register(new Registering("a", "asia", OptionalInt.empty(), "1.0", "h:1", "aa", T0), T0);
        MemberRow again = store.register(new Registering("a", "asia", OptionalInt.of(1), null, null, "bb", T0), T0 + 60_000);

        assertThat(again.number()).isEqualTo(1);
        assertThat(store.members()).containsExactly(new MemberRow("a", "asia", 1, null, null, "bb", T0));
        assertThat(registerNew("b", "asia").number()).as("keeping a number takes none").isEqualTo(2);
    }

    @Test
    void aRemovedMemberIsGoneForGood() {
        registerNew("a", "asia");
        registerNew("b", "asia");
        store.remove("a");
        store.remove("a");
        store.remove("never-registered");

        reopen();

        assertThat(store.members()).extracting(MemberRow::identity).containsExactly("b");
    }

    @Test
    void theMemberLimitCountsStoredMembersAfterARestart() {
        ArgusSettings two = new ArgusSettings(Duration.ofSeconds(15), 3, "discord", 10, FleetServer.GENEROUS,
                FleetServer.GENEROUS, "fleet", Optional.empty(), 2);
        MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
        try (Running first = new Running(two, clock)) {
            first.fleet.register(registration("a"), Optional.empty());
            first.fleet.register(registration("b"), Optional.empty());
        }
        reopen();
        try (Running second = new Running(two, clock)) {
            assertThat(second.fleet.clusters()).hasSize(2);
            assertThatThrownBy(() -> second.fleet.register(registration("c"), Optional.empty()))
                    .isInstanceOf(ArgusFleet.Full.class);
            assertThat(second.fleet.register(registration("a"), Optional.empty()).number())
                    .as("a known member is not a new one").isEqualTo(1);
            assertThat(second.fleet.prune("asia", 2)).isTrue();
            assertThat(second.fleet.register(registration("c"), Optional.empty()).number()).isEqualTo(3);
        }
        assertThat(store.members()).extracting(MemberRow::identity).containsExactly("a", "c");
    }

    private static ArgusFleet.Registration registration(String identity) {
        return new ArgusFleet.Registration(identity, "asia", Optional.empty(), Optional.empty());
    }

    /** A fleet over the test's database with its own live state, started as the composition root does. */
    private final class Running implements AutoCloseable {
        final LiveState live;
        final ArgusFleet fleet;

        Running(ArgusSettings settings, MutableClock clock) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            live = new LiveState(db, clock, Duration.ofMinutes(1), meters);
            fleet = new ArgusFleet(db, live, clock, settings, meters);
            fleet.start();
            live.start();
        }

        @Override
        public void close() {
            live.close();
        }
    }
}
