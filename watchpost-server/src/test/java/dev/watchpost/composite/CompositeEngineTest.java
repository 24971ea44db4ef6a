package dev.watchpost.composite;

import dev.watchpost.live.Observation;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The engine following parts, groups and other composites ({@link Rig}: real live state, topology, SQLite). */
@Tag("integration")
class CompositeEngineTest {

    private static final String EXP = "lab/exp";

    @TempDir
    Path dir;
    Rig rig;
    Receiver receiver;

    @BeforeEach
    void open() {
        rig = new Rig(dir);
    }

    @AfterEach
    void close() {
        rig.close();
        if (receiver != null) {
            receiver.close();
        }
    }

    private void put(String json) {
        rig.put(json);
    }

    private void push(String id) {
        rig.push(id);
    }

    private void report(String id, State state) {
        rig.report(id, state);
    }

    private void after(Duration d) {
        rig.after(d);
    }

    private TargetView target(String id) {
        return rig.target(id);
    }

    private CompositeEngine.Health health() {
        return rig.health(EXP);
    }

    private void experiment(String extra) {
        push("lab/jump");
        push("lab/data");
        push("lab/video");
        put("""
                {"id": "lab/exp", "composite": {"parts": ["lab/jump", "lab/data", "lab/video"],
                 "required": ["lab/data", "lab/video"], "startup-grace": "30s"%s}}""".formatted(extra));
    }

    @Test
    void nothingIsAssessedOrSentBeforeTheStartupGraceThenOnce() {
        receiver = new Receiver(200);
        experiment(", \"on-availability-change\": {\"webhook\": \"" + receiver.url() + "\"}");
        report("lab/jump", State.ONLINE);
        report("lab/data", State.ONLINE);
        report("lab/video", State.ONLINE);

        after(Duration.ofSeconds(29));
        assertThat(target(EXP).state()).isEqualTo(State.UNKNOWN);
        assertThat(health().assessment().orElseThrow().assessed()).isFalse();
        assertThat(health().events()).isEmpty();
        assertThat(receiver.count()).isZero();

        after(Duration.ofSeconds(1));
        assertThat(target(EXP).state()).isEqualTo(State.ONLINE);
        assertThat(target(EXP).message()).isEqualTo("all parts OK");
        assertThat(health().events()).hasSize(1);
        await().until(() -> !rig.engine.deliveryPending(EXP));
        assertThat(receiver.received).hasSize(1);
        Receiver.Received r = receiver.received.get(0);
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(r.body()).isEqualTo("{\"target\":\"lab/exp\",\"available\":true,\"healthy\":true,\"issues\":[],"
                + "\"at\":\"2026-06-01T12:00:30Z\"}");
        assertThat(r.delivery()).isEqualTo(Long.toString(rig.engine.actions(EXP).get(0).id()));

        after(Duration.ofSeconds(5));
        assertThat(receiver.count()).as("nothing changed, nothing sent").isEqualTo(1);
    }

    @Test
    void partsDecideStateMessageAndEvents() {
        experiment("");
        report("lab/data", State.ONLINE);
        report("lab/video", State.ONLINE);
        after(Duration.ofSeconds(30));
        assertThat(target(EXP).state()).isEqualTo(State.DEGRADED);
        assertThat(target(EXP).message()).isEqualTo("missing lab/jump");

        report("lab/jump", State.ONLINE);
        assertThat(target(EXP).state()).isEqualTo(State.ONLINE);

        rig.clock.advance(Duration.ofSeconds(1));
        report("lab/video", State.OFFLINE);
        assertThat(target(EXP).state()).isEqualTo(State.DOWN);
        assertThat(target(EXP).message()).isEqualTo("unhealthy lab/video");

        List<HealthEvent> events = health().events();
        assertThat(events).extracting(HealthEvent::state).containsExactly(State.DOWN, State.ONLINE, State.DEGRADED);
        assertThat(events.get(0).parts()).containsExactly(java.util.Map.entry("lab/jump", true),
                java.util.Map.entry("lab/data", true), java.util.Map.entry("lab/video", false));
        assertThat(events.get(2).parts()).as("a snapshot of its moment").containsEntry("lab/jump", false);
    }

    @Test
    void aPartWithOldReportsGoesStaleWithoutAnyTransition() {
        push("lab/cam");
        put("""
                {"id": "lab/exp", "composite": {"parts": ["lab/cam"], "startup-grace": 0, "stale-after": "10s"}}""");
        report("lab/cam", State.ONLINE);
        assertThat(target(EXP).state()).isEqualTo(State.ONLINE);

        after(Duration.ofSeconds(10));
        assertThat(target(EXP).state()).isEqualTo(State.ONLINE);
        after(Duration.ofMillis(5));
        assertThat(target(EXP).state()).isEqualTo(State.DOWN);
        assertThat(target(EXP).message()).isEqualTo("unhealthy lab/cam");

        rig.live.observe("lab/cam", Observation.alive()); // fresh again: no transition, the round sees it
        after(Duration.ofSeconds(1));
        assertThat(target(EXP).state()).isEqualTo(State.ONLINE);
    }

    @Test
    void aHeldCompositeIsNotReportedAgainWhileItsAssessmentStaysTheSame() {
        push("lab/cam");
        put("""
                {"id": "lab/exp", "composite": {"parts": ["lab/cam"], "startup-grace": 0}}""");
        report("lab/cam", State.DOWN);
        assertThat(target(EXP).state()).isEqualTo(State.DOWN);
        rig.live.hold(EXP, "test", "paused");
        rig.clock.advance(Duration.ofSeconds(1));
        long seen = target(EXP).lastSeen();
        for (int i = 0; i < 4; i++) {
            // Each is a transition of the part, so the composite is assessed again; the answer stays "unhealthy".
            rig.clock.advance(Duration.ofSeconds(1));
            report("lab/cam", i % 2 == 0 ? State.OFFLINE : State.DOWN);
        }
        assertThat(target(EXP).state()).isEqualTo(State.MAINTENANCE);
        assertThat(target(EXP).lastSeen()).as("no report while the assessment did not change").isEqualTo(seen);

        rig.live.release(EXP, "test", "resumed");
        assertThat(target(EXP).state()).isEqualTo(State.DOWN);
        assertThat(target(EXP).message()).isEqualTo("unhealthy lab/cam");
    }

    @Test
    void aGroupPartFollowsTheTargetsOfItsGroup() {
        rig.putGroup("{\"id\": \"pool\"}");
        rig.putGroup("{\"id\": \"pool/eu\", \"shards\": 2, \"lease\": \"1h\"}");
        push("pool/a");
        put("{\"id\": \"lab/exp\", \"composite\": {\"parts\": [\"pool\"], \"startup-grace\": 0}}");
        report("pool/a", State.ONLINE);
        report("pool/eu/0", State.ONLINE);
        report("pool/eu/1", State.ONLINE);
        assertThat(target(EXP).state()).isEqualTo(State.ONLINE);
        assertThat(health().assessment().orElseThrow().parts()).extracting(PartStatus::id)
                .containsExactlyInAnyOrder("pool/a", "pool/eu/0", "pool/eu/1");

        push("pool/b"); // a new target of the group: never reported
        after(Duration.ofSeconds(1));
        assertThat(target(EXP).state()).isEqualTo(State.DOWN);
        assertThat(target(EXP).message()).isEqualTo("missing required pool/b");

        report("pool/b", State.ONLINE);
        assertThat(target(EXP).state()).isEqualTo(State.ONLINE);
        report("pool/eu/1", State.DOWN);
        assertThat(target(EXP).message()).isEqualTo("unhealthy pool/eu/1");

        rig.putGroup("{\"id\": \"pool/us\", \"shards\": 1, \"lease\": \"1h\"}");
        // no topology event for groups: a round sees the group's count move in the next snapshot
        await().untilAsserted(() -> {
            after(Duration.ofSeconds(1));
            assertThat(health().assessment().orElseThrow().parts()).extracting(PartStatus::id).contains("pool/us/0");
        });
    }

    @Test
    void aCompositeInsideTheGroupItWatchesIsNotItsOwnPart() {
        rig.putGroup("{\"id\": \"lab\"}");
        push("lab/a");
        put("{\"id\": \"lab/exp\", \"composite\": {\"parts\": [\"lab\"], \"startup-grace\": 0}}");
        assertThat(target(EXP).groupId()).isEqualTo("lab");
        report("lab/a", State.ONLINE);
        assertThat(health().assessment().orElseThrow().parts()).extracting(PartStatus::id).containsExactly("lab/a");
        assertThat(target(EXP).state()).isEqualTo(State.ONLINE);
    }

    @Test
    void aCompositeCanBeAPartOfAnother() {
        push("lab/a");
        put("{\"id\": \"lab/inner\", \"composite\": {\"parts\": [\"lab/a\"], \"startup-grace\": 0}}");
        put("{\"id\": \"lab/exp\", \"composite\": {\"parts\": [\"lab/inner\"], \"startup-grace\": 0}}");
        report("lab/a", State.ONLINE);
        assertThat(target(EXP).state()).isEqualTo(State.ONLINE);
        report("lab/a", State.DOWN);
        assertThat(target("lab/inner").state()).isEqualTo(State.DOWN);
        assertThat(target(EXP).state()).isEqualTo(State.DOWN);
        assertThat(target(EXP).message()).isEqualTo("unhealthy lab/inner");
    }

    @Test
    void eventsAreCappedAndSurviveARestartWithoutARepeatedAction() {
        receiver = new Receiver(200);
        push("lab/a");
        put("""
                {"id": "lab/exp", "composite": {"parts": ["lab/a"], "startup-grace": 0, "health-events": 3,
                 "on-availability-change": {"webhook": "%s"}}}""".formatted(receiver.url()));
        for (int i = 0; i < 5; i++) {
            rig.clock.advance(Duration.ofSeconds(1));
            report("lab/a", i % 2 == 0 ? State.ONLINE : State.DOWN);
        }
        assertThat(health().events()).hasSize(3).extracting(HealthEvent::available).containsExactly(true, false, true);
        after(Duration.ZERO);
        await().until(() -> !rig.engine.deliveryPending(EXP));
        List<Action> before = rig.engine.actions(EXP);
        assertThat(before.get(0).status()).isEqualTo(Action.Status.DELIVERED);

        rig.restartEngine();
        assertThat(health().events()).as("restored from the database").hasSize(3)
                .extracting(HealthEvent::available).containsExactly(true, false, true);
        after(Duration.ofSeconds(1));
        assertThat(health().events()).as("nothing changed: no new event").hasSize(3);
        assertThat(rig.engine.actions(EXP)).as("nor a new action").isEqualTo(before);
    }

    @Test
    void aStateReportedToTheCompositeByAnyoneElseIsPutRight() {
        push("lab/a");
        put("{\"id\": \"lab/exp\", \"composite\": {\"parts\": [\"lab/a\"], \"startup-grace\": 0}}");
        report("lab/a", State.ONLINE);
        report(EXP, State.OFFLINE);
        assertThat(target(EXP).state()).isEqualTo(State.ONLINE);
        assertThat(target(EXP).message()).isEqualTo("all parts OK");
    }

    @Test
    void aRemovedCompositeIsForgotten() {
        push("lab/a");
        put("{\"id\": \"lab/exp\", \"composite\": {\"parts\": [\"lab/a\"], \"startup-grace\": 0}}");
        report("lab/a", State.ONLINE);
        assertThat(health().events()).as("no grace: missing, then OK").hasSize(2);
        rig.topology.removeTarget(EXP);
        rig.settle();
        assertThat(rig.engine.health(EXP)).isEmpty();
        assertThat(new CompositeStore(rig.db).events(EXP, 10)).isEmpty();
        report("lab/a", State.DOWN); // no composite to tell
    }
}
