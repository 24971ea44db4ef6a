package dev.watchpost.live;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What readers without a token see of a live state (real SQLite, test clock): private targets and
 * private groups with everything inside them are left out of the public view, whose group counts
 * no longer include them; nothing private means the snapshot itself.
 */
@Tag("integration")
class VisibilityTest extends LiveFixture {

    @Override
    void declare(LiveState l) {
        l.defineGroup(new GroupDef("web", "Web", 0, Optional.empty(), "config"));
        l.defineGroup(new GroupDef("ops", "Ops", 0, Optional.empty(), "config", false));
        l.defineGroup(new GroupDef("ops/cron", "Cron", 0, Optional.empty(), "config")); // inside a private group
        l.defineGroup(new GroupDef("bots", "Bots", 0, Optional.empty(), "config"));
        l.defineGroup(new GroupDef("bots/main", "Main", 4, Optional.of(new Lease(Duration.ofSeconds(30))), "config"));
        l.defineGroup(new GroupDef("bots/beta", "Beta", 2, Optional.of(new Lease(Duration.ofSeconds(30))), "config", false));
        l.defineTarget(target("web/api", "web", true));
        l.defineTarget(target("web/internal", "web", false));
        l.defineTarget(target("ops/cron/backup", "ops/cron", true)); // says public, but its group is not
        l.defineTarget(target("lonely", null, false));
        l.defineTarget(target("open", null, true));
    }

    private static TargetDef target(String id, String group, boolean isPublic) {
        return new TargetDef(id, id + " name", Optional.ofNullable(group), TargetKind.PUSH,
                Optional.of(new Lease(Duration.ofMinutes(5))), Optional.empty(), "config", isPublic);
    }

    private void report(String id, State state) {
        assertThat(live.observe(id, new Observation(Observation.Kind.REPORT, state, null, Double.NaN, null)))
                .isEqualTo(LiveState.Outcome.ACCEPTED);
    }

    private static List<String> ids(Snapshot s) {
        return s.targets().stream().map(TargetView::id).toList();
    }

    private static GroupView group(Snapshot s, String id) {
        return s.groups().stream().filter(g -> g.id().equals(id)).findFirst().orElse(null);
    }

    @Test
    void thePublicViewLeavesOutPrivateTargetsAndGroupsWithEverythingInside() {
        report("web/api", State.ONLINE);
        report("web/internal", State.DOWN);
        report("bots/main/0", State.ONLINE);
        report("bots/beta/1", State.DOWN);
        report("ops/cron/backup", State.DOWN);
        Snapshot all = live.freshSnapshot();
        Snapshot pub = all.publicView();

        assertThat(ids(all)).contains("web/internal", "ops/cron/backup", "lonely", "bots/beta/0");
        assertThat(ids(pub)).containsExactlyInAnyOrder("web/api", "open", "bots/main/0", "bots/main/1", "bots/main/2", "bots/main/3");
        assertThat(pub.groups()).extracting(GroupView::id).containsExactly("bots", "bots/main", "web");
        assertThat(pub.version()).isEqualTo(all.version());
        assertThat(all.publicView()).as("built once per snapshot").isSameAs(pub);

        // Roll-ups count only what is shown: web has its one public target, bots only main's shards.
        assertThat(group(all, "web").total()).isEqualTo(2);
        assertThat(group(pub, "web").total()).isEqualTo(1);
        assertThat(group(pub, "web").counts()).containsOnlyKeys(State.ONLINE);
        assertThat(group(pub, "web").severity()).isEqualTo(Severity.OK);
        assertThat(group(all, "bots").total()).isEqualTo(6);
        assertThat(group(pub, "bots").total()).isEqualTo(4);
        assertThat(group(pub, "bots").counts()).doesNotContainKey(State.DOWN);
    }

    @Test
    void askingByIdFollowsTheGroupTree() {
        assertThat(live.isPublic("web/api")).isTrue();
        assertThat(live.isPublic("web/internal")).isFalse();
        assertThat(live.isPublic("ops")).isFalse();
        assertThat(live.isPublic("ops/cron")).as("a group inside a private group").isFalse();
        assertThat(live.isPublic("ops/cron/backup")).as("a public target inside a private group").isFalse();
        assertThat(live.isPublic("bots/beta/1")).as("a shard of a private sharded group").isFalse();
        assertThat(live.isPublic("bots/main/1")).isTrue();
        assertThat(live.isPublic("no/such/thing")).isTrue();
    }

    @Test
    void changingADefinitionChangesTheNextSnapshotsView() {
        Snapshot before = live.freshSnapshot();
        assertThat(ids(before.publicView())).doesNotContain("lonely");

        live.defineTarget(target("lonely", null, true));
        live.defineGroup(new GroupDef("ops", "Ops", 0, Optional.empty(), "config", true));
        Snapshot after = live.freshSnapshot();
        assertThat(after.structure()).isGreaterThan(before.structure());
        assertThat(ids(after.publicView())).contains("lonely", "ops/cron/backup");
        assertThat(live.isPublic("ops/cron")).isTrue();

        live.defineTarget(target("web/internal", "web", true));
        live.defineGroup(new GroupDef("bots/beta", "Beta", 2, Optional.of(new Lease(Duration.ofSeconds(30))), "config", true));
        Snapshot open = live.freshSnapshot();
        assertThat(open.visibility().everythingPublic()).isTrue();
        assertThat(open.publicView()).as("nothing private: the snapshot itself").isSameAs(open);

        live.removeTarget("web/api");
        assertThat(live.freshSnapshot().structure()).isGreaterThan(open.structure());
    }
}
