package dev.watchpost.manual;

import dev.watchpost.live.Severity;
import dev.watchpost.store.Database;
import dev.watchpost.store.StoreException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

/** What the manual tables must do on every database Watchpost supports; subclasses give a fresh database. */
abstract class ManualStoreContract {

    private static final Instant T0 = Instant.parse("2025-03-04T10:00:00Z");

    protected Database db;
    private ManualStore store;

    protected abstract Database.Settings freshDatabase();

    @BeforeEach
    void open() {
        db = Database.open(freshDatabase(), new SimpleMeterRegistry());
        store = new ManualStore(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void theMigrationInstallsStashboardsThreeStatusesWithUpAsTheDefault() {
        assertThat(store.statuses()).extracting(ManualStatus::slug, ManualStatus::severity, ManualStatus::isDefault)
                .containsExactly(tuple("down", Severity.BAD, false), tuple("up", Severity.OK, true),
                        tuple("warning", Severity.WARN, false));
        assertThat(store.statuses()).filteredOn(s -> s.slug().equals("warning")).singleElement()
                .extracting(ManualStatus::description).isEqualTo("The service is experiencing intermittent problems");
    }

    @Test
    void aNewDefaultTakesTheFlagFromTheOldOneInOneTransaction() {
        store.insertStatus(new ManualStatus("fine", "Fine", "", null, Severity.OK, true), T0);
        assertThat(store.statuses()).filteredOn(ManualStatus::isDefault).extracting(ManualStatus::slug).containsExactly("fine");
        store.updateStatus(new ManualStatus("up", "Up!", "d", "tick", Severity.OK, true));
        assertThat(store.statuses()).filteredOn(ManualStatus::isDefault).extracting(ManualStatus::slug, ManualStatus::name)
                .containsExactly(tuple("up", "Up!"));
        assertThat(store.statuses()).last().extracting(ManualStatus::slug).as("newest last").isEqualTo("fine");
    }

    @Test
    void eventsAreListedNewestFirstWithinInclusiveBounds() {
        ManualEvent a = store.insertEvent("web", T0, "down", "a", false);
        ManualEvent b = store.insertEvent("web", T0.plusSeconds(60), "up", "b", true);
        ManualEvent c = store.insertEvent("web", T0.plusSeconds(60), "up", "c <script>", false);
        store.insertEvent("api", T0.plusSeconds(30), "warning", "other target", false);
        assertThat(store.events("web", Long.MIN_VALUE, Long.MAX_VALUE)).containsExactly(c, b, a);
        assertThat(store.events("web", T0.toEpochMilli(), T0.toEpochMilli())).containsExactly(a);
        assertThat(store.events("web", T0.plusSeconds(1).toEpochMilli(), Long.MAX_VALUE)).containsExactly(c, b);
        assertThat(store.event("web", b.sid())).contains(b);
        assertThat(store.event("api", b.sid())).as("an event belongs to its target").isEmpty();
        assertThat(c.message()).isEqualTo("c <script>");
        assertThat(b.informational()).isTrue();
    }

    @Test
    void theCurrentEventIsTheNewestThatIsNotInformational() {
        store.insertEvent("web", T0, "down", "a", false);
        ManualEvent b = store.insertEvent("web", T0.plusSeconds(1), "up", "b", false);
        store.insertEvent("web", T0.plusSeconds(2), "warning", "note", true);
        ManualEvent api = store.insertEvent("api", T0, "warning", "x", false);
        store.insertEvent("notes-only", T0, "warning", "x", true);
        assertThat(store.current("web")).contains(b);
        assertThat(store.current("notes-only")).isEmpty();
        assertThat(store.currentEvents()).containsOnlyKeys("web", "api").containsEntry("web", b).containsEntry("api", api);
        assertThat(store.targetsWithEvents()).containsExactlyInAnyOrder("web", "api", "notes-only");
    }

    @Test
    void serviceListsAndTheirMembersAreKeptAndADeletedListLeavesItsTargetsInNone() {
        assertThat(store.lists()).isEmpty();
        store.insertList(new ServiceList("public", "Public", "What customers see"), T0);
        store.insertList(new ServiceList("internal", "Internal", "Ours"), T0);
        assertThat(store.lists()).extracting(ServiceList::slug).as("by name").containsExactly("internal", "public");
        store.updateList(new ServiceList("public", "Website", "The site"));
        assertThat(store.lists()).contains(new ServiceList("public", "Website", "The site"));

        store.setMember("web", "public");
        store.setMember("api", "public");
        store.setMember("db", "internal");
        store.setMember("api", "internal");
        assertThat(store.members()).containsOnly(entry("web", "public"), entry("api", "internal"), entry("db", "internal"));
        store.setMember("db", null);
        assertThat(store.members()).doesNotContainKey("db");

        store.deleteList("internal");
        assertThat(store.lists()).extracting(ServiceList::slug).containsExactly("public");
        assertThat(store.members()).containsOnly(entry("web", "public"));
        assertThatThrownBy(() -> store.setMember("api", "internal")).as("the list must exist")
                .isInstanceOf(StoreException.class);
    }

    @Test
    void aStatusInUseIsNotDeletedAndTheCountSaysWhy() {
        store.insertStatus(new ManualStatus("planned", "Planned", "", null, Severity.MAINTENANCE, false), T0);
        ManualEvent e1 = store.insertEvent("web", T0, "planned", "a", false);
        store.insertEvent("api", T0, "planned", "b", true);
        assertThat(store.deleteStatusIfUnused("planned")).isEqualTo(2);
        assertThat(store.statuses()).extracting(ManualStatus::slug).contains("planned");
        assertThat(store.deleteEvent("web", e1.sid())).isTrue();
        assertThat(store.deleteEvent("web", e1.sid())).isFalse();
        store.deleteEvents("api");
        assertThat(store.eventsUsing("planned")).isZero();
        assertThat(store.deleteStatusIfUnused("planned")).isZero();
        assertThat(store.statuses()).extracting(ManualStatus::slug).doesNotContain("planned");
    }

    @Test
    void anEventMustNameAStatusThatExists() {
        assertThatThrownBy(() -> store.insertEvent("web", T0, "no-such-status", "a", false))
                .isInstanceOf(StoreException.class);
        assertThat(store.events("web", Long.MIN_VALUE, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void sidsGrow() {
        List<Long> sids = java.util.stream.IntStream.range(0, 3)
                .mapToObj(i -> store.insertEvent("web", T0, "up", "m" + i, false).sid()).toList();
        assertThat(sids).isSorted().doesNotHaveDuplicates();
    }
}
