package dev.watchpost.notice;

import dev.watchpost.live.TargetKind;
import dev.watchpost.live.GroupDef;
import dev.watchpost.live.Lease;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Observation;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetDef;
import dev.watchpost.store.Database;
import dev.watchpost.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Maintenance windows driven by a clock: targets held while a window is open, released after, across restarts. */
@Tag("integration")
class NoticeMaintenanceTest {

    @TempDir
    Path dir;
    MutableClock clock = MutableClock.at("2026-06-01T12:00:00Z");
    Database db;
    LiveState live;
    NoticeService notices;

    @BeforeEach
    void open() {
        db = Database.open(new Database.Settings(url(), Optional.empty(), Optional.empty(), 2), new SimpleMeterRegistry());
        startAll();
    }

    /** The database the test runs on; {@link NoticePostgresTest} runs the same tests on PostgreSQL. */
    String url() {
        return "jdbc:sqlite:" + dir.resolve("w.db");
    }

    private void startAll() {
        live = new LiveState(db, clock, Duration.ofMinutes(1), new SimpleMeterRegistry());
        live.defineGroup(new GroupDef("db", "Databases", 0, Optional.empty(), "api"));
        live.defineTarget(new TargetDef("db/main", "Main DB", Optional.of("db"), TargetKind.PUSH,
                Optional.of(new Lease(Duration.ofSeconds(30))), Optional.empty(), "api"));
        live.defineTarget(new TargetDef("db/replica", "Replica", Optional.of("db"), TargetKind.MANUAL, Optional.empty(),
                Optional.empty(), "api"));
        live.defineTarget(new TargetDef("web", "Web", Optional.empty(), TargetKind.MANUAL, Optional.empty(), Optional.empty(), "api"));
        notices = new NoticeService(db, live, clock);
        notices.start();
        live.start();
    }

    private void stopAll() {
        notices.close();
        live.close();
    }

    @AfterEach
    void close() {
        stopAll();
        db.close();
    }

    private State state(String id) {
        return live.target(id).orElseThrow().state();
    }

    private Notice window(String start, String end, List<String> targets) {
        return notices.create(new NoticeDraft(NoticeKind.MAINTENANCE, "Upgrade", Optional.empty(), "PostgreSQL 18",
                targets, Optional.of(Instant.parse(start)), Optional.of(Instant.parse(end))));
    }

    @Test
    void targetsShowMaintenanceDuringTheWindowAndTheirOwnStateAfter() {
        live.observe("db/main", Observation.report(State.ONLINE));
        live.observe("web", Observation.report(State.ONLINE));
        window("2026-06-01T13:00:00Z", "2026-06-01T14:00:00Z", List.of("db"));
        notices.tick();
        assertThat(state("db/main")).as("not yet").isEqualTo(State.ONLINE);

        clock.advance(Duration.ofHours(1));
        notices.tick();
        assertThat(state("db/main")).isEqualTo(State.MAINTENANCE);
        assertThat(state("db/replica")).as("a group stands for its targets").isEqualTo(State.MAINTENANCE);
        assertThat(live.target("db/main").orElseThrow().message()).isEqualTo("maintenance: Upgrade");
        assertThat(state("web")).isEqualTo(State.ONLINE);

        live.observe("db/main", Observation.report(State.DEGRADED)); // behind the hold
        clock.advance(Duration.ofMinutes(59));
        notices.tick();
        assertThat(state("db/main")).isEqualTo(State.MAINTENANCE);
        clock.advance(Duration.ofMinutes(1));
        notices.tick();
        assertThat(state("db/main")).as("what its reports said meanwhile").isEqualTo(State.DEGRADED);
        assertThat(state("db/replica")).isEqualTo(State.UNKNOWN);
    }

    @Test
    void aRestartDuringTheWindowKeepsItAndOneAfterItEndsIt() {
        live.observe("web", Observation.report(State.ONLINE));
        window("2026-06-01T12:00:00Z", "2026-06-01T13:00:00Z", List.of("web"));
        assertThat(state("web")).as("a window already open holds at once").isEqualTo(State.MAINTENANCE);
        stopAll();

        clock.advance(Duration.ofMinutes(30));
        startAll();
        assertThat(state("web")).isEqualTo(State.MAINTENANCE);
        stopAll();

        clock.advance(Duration.ofMinutes(31)); // the window closes while stopped
        startAll();
        assertThat(state("web")).isEqualTo(State.ONLINE);
    }

    @Test
    void endingEarlyAndDeletingReleaseAtOnce() {
        live.observe("web", Observation.report(State.ONLINE));
        Notice n = window("2026-06-01T11:00:00Z", "2026-06-01T15:00:00Z", List.of("web"));
        assertThat(state("web")).isEqualTo(State.MAINTENANCE);
        notices.change(n.id(), new NoticeChange(Optional.of("Longer title"), Optional.empty(), Optional.empty(),
                Optional.empty()));
        assertThat(live.target("web").orElseThrow().message()).isEqualTo("maintenance: Longer title");
        notices.change(n.id(), new NoticeChange(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(clock.instant())));
        assertThat(state("web")).isEqualTo(State.ONLINE);
        assertThat(notices.notice(n.id()).orElseThrow().statusAt(clock.instant())).isEqualTo(NoticeStatus.COMPLETED);

        Notice m = window("2026-06-01T11:00:00Z", "2026-06-01T15:00:00Z", List.of("web"));
        assertThat(state("web")).isEqualTo(State.MAINTENANCE);
        assertThat(notices.delete(m.id())).isTrue();
        assertThat(state("web")).isEqualTo(State.ONLINE);
    }

    @Test
    void incidentsMoveThroughTheirStatusesWithTimestampedUpdates() {
        Notice i = notices.create(new NoticeDraft(NoticeKind.INCIDENT, "API errors", Optional.empty(), "Looking into it",
                List.of("web"), Optional.empty(), Optional.empty()));
        assertThat(i.statusAt(clock.instant())).isEqualTo(NoticeStatus.INVESTIGATING);
        clock.advance(Duration.ofMinutes(5));
        notices.addUpdate(i.id(), Optional.of(NoticeStatus.IDENTIFIED), "A bad deploy");
        clock.advance(Duration.ofMinutes(5));
        Notice resolved = notices.addUpdate(i.id(), Optional.of(NoticeStatus.RESOLVED), "Rolled back");
        assertThat(resolved.status()).isEqualTo(NoticeStatus.RESOLVED);
        assertThat(resolved.endsAt()).contains(clock.instant());
        assertThat(resolved.updates()).extracting(NoticeUpdate::message)
                .containsExactly("Rolled back", "A bad deploy", "Looking into it");
        assertThat(resolved.updates().get(0).at()).isEqualTo(clock.instant());
        assertThat(notices.board(clock.instant(), Duration.ofDays(7)).recent()).extracting(Notice::id).containsExactly(i.id());
        assertThat(state("web")).as("incidents hold nothing").isEqualTo(State.UNKNOWN);
    }

    @Test
    void invalidDraftsNameTheField() {
        assertThatThrownBy(() -> window("2026-06-01T13:00:00Z", "2026-06-01T13:00:00Z", List.of("web")))
                .hasMessage("ends_at must be after starts_at");
        assertThatThrownBy(() -> window("2026-06-01T13:00:00Z", "2026-06-01T14:00:00Z", List.of("web", "nope")))
                .hasMessage("targets[1]: no target or group 'nope'");
        assertThatThrownBy(() -> notices.create(new NoticeDraft(NoticeKind.INCIDENT, " ", Optional.empty(), "x",
                List.of(), Optional.empty(), Optional.empty()))).hasMessage("title is required");
        assertThatThrownBy(() -> notices.create(new NoticeDraft(NoticeKind.INCIDENT, "t", Optional.of(NoticeStatus.SCHEDULED),
                "x", List.of(), Optional.empty(), Optional.empty())))
                .hasMessageStartingWith("status: an incident is investigating, identified, monitoring or resolved");
    }
}
