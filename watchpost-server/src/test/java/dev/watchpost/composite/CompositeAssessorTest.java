package dev.watchpost.composite;

import dev.watchpost.live.State;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.watchpost.composite.Defs.def;
import static dev.watchpost.composite.Defs.view;
import static org.assertj.core.api.Assertions.assertThat;

/** The pure assessment: declaration + part views + time → health. No clock, no threads. */
class CompositeAssessorTest {

    static final Instant FIRST_SEEN = Instant.parse("2026-06-01T12:00:00Z");
    static final Instant NOW = FIRST_SEEN.plus(Duration.ofMinutes(5));

    /** practable's experiment: data and video required, the jump link optional. */
    static final CompositeDef EXPERIMENT = def("""
            {"parts": ["lab/jump", "lab/data", "lab/video"], "required": ["lab/data", "lab/video"]}""");

    private static Assessment assess(CompositeDef def, Instant now, PartViews... parts) {
        return Assessor.assess(def, List.of(parts), now, FIRST_SEEN);
    }

    private static PartViews part(String id, State state) {
        return PartViews.target(id, view(id, state, NOW.minusSeconds(1)));
    }

    private static PartViews absent(String id) {
        return PartViews.target(id, null);
    }

    @Test
    void nothingIsAssessedBeforeTheStartupGraceThenItIs() {
        CompositeDef def = def("{\"parts\": [\"a\"], \"startup-grace\": \"1m\"}");
        Instant almost = FIRST_SEEN.plus(Duration.ofSeconds(59));
        Assessment before = assess(def, almost, absent("a"));
        assertThat(before.assessed()).isFalse();
        assertThat(before.assessFrom()).isEqualTo(FIRST_SEEN.plus(Duration.ofMinutes(1)));
        assertThat(before.recheckAt()).as("time alone ends the grace").contains(before.assessFrom());
        assertThat(before.issues()).as("still computed, for the API").containsExactly("missing required a");

        Assessment after = assess(def, FIRST_SEEN.plus(Duration.ofMinutes(1)), absent("a"));
        assertThat(after.assessed()).isTrue();
        assertThat(after.recheckAt()).as("only a part's change can change it now").isEmpty();
        assertThat(after.state()).isEqualTo(State.DOWN);
    }

    @Test
    void theDefaultGraceIsAMinute() {
        assertThat(def("{\"parts\": [\"a\"]}").startupGrace()).isEqualTo(Duration.ofMinutes(1));
        assertThat(def("{\"parts\": [\"a\"], \"startup-grace\": 0}").startupGrace()).isZero();
    }

    @Test
    void aZeroGraceInAnyDurationFormMeansAtOnce() {
        for (String zero : new String[] {"\"0\"", "\"0s\"", "\"0ms\"", "\"PT0S\"", "\"0m\""}) {
            CompositeDef def = def("{\"parts\": [\"a\"], \"startup-grace\": " + zero + "}");
            assertThat(def.startupGrace()).as(zero).isZero();
            Assessment a = assess(def, FIRST_SEEN, absent("a"));
            assertThat(a.assessed()).as("judged the moment it is first seen").isTrue();
            assertThat(a.state()).isEqualTo(State.DOWN);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> def("{\"parts\": [\"a\"], \"startup-grace\": \"-PT1S\"}"))
                .hasMessageContaining("startup-grace").hasMessageContaining("negative");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> def("{\"parts\": [\"a\"], \"startup-grace\": \"soon\"}"))
                .hasMessageContaining("startup-grace: 'soon' is not a duration");
    }

    @Test
    void allPartsOkIsHealthyAndAvailable() {
        Assessment a = assess(EXPERIMENT, NOW, part("lab/jump", State.ONLINE), part("lab/data", State.ONLINE),
                part("lab/video", State.ONLINE));
        assertThat(a.healthy()).isTrue();
        assertThat(a.available()).isTrue();
        assertThat(a.state()).isEqualTo(State.ONLINE);
        assertThat(a.issues()).isEmpty();
        assertThat(a.message()).isEqualTo("all parts OK");
        assertThat(a.partOk()).containsExactly(java.util.Map.entry("lab/jump", true), java.util.Map.entry("lab/data", true),
                java.util.Map.entry("lab/video", true));
    }

    @Test
    void aMissingOptionalPartMakesItUnhealthyButStillAvailable() {
        Assessment a = assess(EXPERIMENT, NOW, absent("lab/jump"), part("lab/data", State.ONLINE),
                part("lab/video", State.ONLINE));
        assertThat(a.healthy()).isFalse();
        assertThat(a.available()).isTrue();
        assertThat(a.state()).isEqualTo(State.DEGRADED);
        assertThat(a.issues()).containsExactly("missing lab/jump");
        assertThat(a.message()).isEqualTo("missing lab/jump");
    }

    @Test
    void anUnhealthyRequiredPartMakesItUnavailable() {
        Assessment a = assess(EXPERIMENT, NOW, part("lab/jump", State.ONLINE), part("lab/data", State.OFFLINE),
                part("lab/video", State.ONLINE));
        assertThat(a.healthy()).isFalse();
        assertThat(a.available()).isFalse();
        assertThat(a.state()).isEqualTo(State.DOWN);
        assertThat(a.issues()).containsExactly("unhealthy lab/data");
    }

    @Test
    void anUnhealthyOptionalPartNeverAffectsAvailability() {
        Assessment a = assess(EXPERIMENT, NOW, part("lab/jump", State.UNHEALTHY), part("lab/data", State.ONLINE),
                part("lab/video", State.ONLINE));
        assertThat(a.available()).isTrue();
        assertThat(a.healthy()).isFalse();
        assertThat(a.issues()).containsExactly("unhealthy lab/jump");
    }

    @Test
    void issuesComeInTheContractsOrderEachKindInDeclarationOrder() {
        CompositeDef def = def("""
                {"parts": ["p/deg1", "p/bad1", "p/req1", "p/opt1", "p/bad2", "p/req2", "p/opt2", "p/deg2"],
                 "required": ["p/deg1", "p/bad1", "p/req1", "p/req2"]}""");
        Assessment a = assess(def, NOW, part("p/deg1", State.DEGRADED), part("p/bad1", State.DOWN), absent("p/req1"),
                absent("p/opt1"), part("p/bad2", State.MAINTENANCE), part("p/req2", State.UNKNOWN), absent("p/opt2"),
                part("p/deg2", State.STARTING));
        assertThat(a.issues()).containsExactly(
                "missing p/opt1", "missing p/opt2",
                "missing required p/req1", "missing required p/req2",
                "unhealthy p/bad1", "unhealthy p/bad2",
                "degraded p/deg1", "degraded p/deg2");
        assertThat(a.message()).isEqualTo(String.join("; ", a.issues()));
        assertThat(a.available()).isFalse();
    }

    @Test
    void aDegradedPartIsOkForAvailabilityButNotHealthy() {
        Assessment a = assess(EXPERIMENT, NOW, part("lab/jump", State.ONLINE), part("lab/data", State.DEGRADED),
                part("lab/video", State.ONLINE));
        assertThat(a.available()).isTrue();
        assertThat(a.healthy()).isFalse();
        assertThat(a.state()).isEqualTo(State.DEGRADED);
        assertThat(a.issues()).containsExactly("degraded lab/data");
        assertThat(a.partOk()).containsEntry("lab/data", true);
        assertThat(a.parts().get(1).condition()).isEqualTo(PartStatus.Condition.DEGRADED);
    }

    @Test
    void aTargetThatNeverReportedIsMissing() {
        Assessment a = assess(EXPERIMENT, NOW, part("lab/jump", State.ONLINE),
                PartViews.target("lab/data", view("lab/data", State.UNKNOWN, null)), part("lab/video", State.ONLINE));
        assertThat(a.issues()).containsExactly("missing required lab/data");
        assertThat(a.available()).isFalse();
    }

    @Test
    void aPartWhoseReportsAreTooOldIsNotOk() {
        CompositeDef def = def("{\"parts\": [\"a\", \"b\"], \"required\": [\"a\"], \"stale-after\": \"10s\"}");
        Instant aSeen = NOW.minusSeconds(10);
        Instant bSeen = NOW.minusSeconds(4);
        Assessment fresh = assess(def, NOW, PartViews.target("a", view("a", State.ONLINE, aSeen)),
                PartViews.target("b", view("b", State.ONLINE, bSeen)));
        assertThat(fresh.healthy()).as("exactly 10 s old is still fresh").isTrue();
        assertThat(fresh.recheckAt()).as("when a goes stale").contains(aSeen.plusSeconds(10).plusMillis(1));

        Instant later = NOW.plusMillis(1);
        Assessment stale = assess(def, later, PartViews.target("a", view("a", State.ONLINE, aSeen)),
                PartViews.target("b", view("b", State.ONLINE, bSeen)));
        assertThat(stale.available()).isFalse();
        assertThat(stale.issues()).containsExactly("unhealthy a");
        assertThat(stale.parts().get(0).condition()).isEqualTo(PartStatus.Condition.STALE);
        assertThat(stale.parts().get(0).state()).as("whatever it claims").isEqualTo(State.ONLINE);
        assertThat(stale.recheckAt()).as("a report that freshens it changes no state: look every round").contains(later);
    }

    @Test
    void aCompositePartNeverGoesStaleSinceItReportsOnlyChanges() {
        CompositeDef def = def("{\"parts\": [\"inner\"], \"stale-after\": \"10s\"}");
        Assessment a = assess(def, NOW, PartViews.target("inner", view("inner", "composite", State.ONLINE,
                NOW.minus(Duration.ofDays(3)))));
        assertThat(a.healthy()).isTrue();
        assertThat(a.recheckAt()).isEmpty();
    }

    @Test
    void worstTakesTheWorstPartEvenAnOptionalOne() {
        CompositeDef def = def("{\"parts\": [\"a\", \"b\"], \"required\": [\"a\"], \"rule\": \"worst\"}");
        assertThat(assess(def, NOW, part("a", State.ONLINE), part("b", State.ONLINE)).state()).isEqualTo(State.ONLINE);
        Assessment degraded = assess(def, NOW, part("a", State.ONLINE), part("b", State.RESUMING));
        assertThat(degraded.state()).isEqualTo(State.DEGRADED);
        Assessment down = assess(def, NOW, part("a", State.DEGRADED), part("b", State.OFFLINE));
        assertThat(down.state()).isEqualTo(State.DOWN);
        assertThat(down.available()).as("b is optional").isTrue();
        assertThat(down.healthy()).isFalse();
        assertThat(down.issues()).containsExactly("unhealthy b", "degraded a");
        Assessment missing = assess(def, NOW, part("a", State.ONLINE), absent("b"));
        assertThat(missing.state()).isEqualTo(State.DOWN);
        assertThat(missing.available()).isTrue();
    }

    @Test
    void atLeastCountsOkParts() {
        CompositeDef def = def("{\"parts\": [\"r1\", \"r2\", \"r3\"], \"rule\": \"at-least\", \"at-least\": 2}");
        assertThat(def.required()).as("the count is the rule: nothing required unless named").isEmpty();

        Assessment twoOfThree = assess(def, NOW, part("r1", State.ONLINE), part("r2", State.DOWN), part("r3", State.ONLINE));
        assertThat(twoOfThree.available()).isTrue();
        assertThat(twoOfThree.healthy()).isTrue();
        assertThat(twoOfThree.state()).isEqualTo(State.ONLINE);
        assertThat(twoOfThree.issues()).as("still listed").containsExactly("unhealthy r2");

        Assessment oneDegraded = assess(def, NOW, part("r1", State.ONLINE), part("r2", State.DOWN), part("r3", State.DEGRADED));
        assertThat(oneDegraded.available()).isTrue();
        assertThat(oneDegraded.healthy()).as("only one fully OK").isFalse();
        assertThat(oneDegraded.state()).isEqualTo(State.DEGRADED);

        Assessment one = assess(def, NOW, part("r1", State.ONLINE), part("r2", State.DOWN), absent("r3"));
        assertThat(one.available()).isFalse();
        assertThat(one.state()).isEqualTo(State.DOWN);
        assertThat(one.issues()).containsExactly("missing r3", "unhealthy r2", "1 of 2 needed parts OK");
    }

    @Test
    void atLeastWithARequiredPart() {
        CompositeDef def = def("""
                {"parts": ["db", "r1", "r2"], "required": ["db"], "rule": "at-least", "at-least": 1}""");
        Assessment a = assess(def, NOW, part("db", State.DOWN), part("r1", State.ONLINE), part("r2", State.ONLINE));
        assertThat(a.available()).isFalse();
        assertThat(a.state()).isEqualTo(State.DOWN);
    }

    @Test
    void aGroupPartStandsForEveryTargetOfTheGroup() {
        CompositeDef def = def("{\"parts\": [\"bots/main\", \"lab/jump\"], \"required\": [\"bots/main\"]}");
        PartViews shards = PartViews.group("bots/main", List.of(view("bots/main/0", State.ONLINE, NOW),
                view("bots/main/1", State.OFFLINE, NOW), view("bots/main/2", State.STARTING, NOW)));
        Assessment a = assess(def, NOW, shards, part("lab/jump", State.ONLINE));
        assertThat(a.issues()).containsExactly("unhealthy bots/main/1", "degraded bots/main/2");
        assertThat(a.available()).as("a required group needs every target").isFalse();
        assertThat(a.parts()).extracting(PartStatus::id).containsExactly("bots/main/0", "bots/main/1", "bots/main/2", "lab/jump");
        assertThat(a.parts()).extracting(PartStatus::part).containsExactly("bots/main", "bots/main", "bots/main", "lab/jump");
        assertThat(a.parts().get(1).required()).isTrue();

        Assessment empty = assess(def, NOW, PartViews.group("bots/main", List.of()), part("lab/jump", State.ONLINE));
        assertThat(empty.issues()).as("a group without targets is missing").containsExactly("missing required bots/main");
    }

    @Test
    void atLeastCountsAGroupsTargets() {
        CompositeDef def = def("{\"parts\": [\"pool\"], \"rule\": \"at-least\", \"at-least\": 2}");
        PartViews pool = PartViews.group("pool", List.of(view("pool/a", State.ONLINE, NOW), view("pool/b", State.DOWN, NOW),
                view("pool/c", State.ONLINE, NOW)));
        assertThat(assess(def, NOW, pool).healthy()).isTrue();
    }

    @Test
    void theMessageListsTenIssuesAndCountsTheRest() {
        List<PartViews> parts = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            ids.add("\"p" + i + "\"");
            parts.add(PartViews.target("p" + i, view("p" + i, State.DOWN, NOW)));
        }
        CompositeDef def = def("{\"parts\": [" + String.join(",", ids) + "]}");
        Assessment a = Assessor.assess(def, parts, NOW, FIRST_SEEN);
        assertThat(a.issues()).hasSize(13);
        assertThat(a.message()).startsWith("unhealthy p0; unhealthy p1;").endsWith("unhealthy p9; and 3 more");
    }

    @Test
    void theDeclarationIsValidatedWhereItIsRead() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Defs.decl("lab/exp", "{\"parts\": [\"lab/exp\"]}"))
                .hasMessage("test.composite.parts: a composite cannot be a part of itself");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> def("{\"parts\": [\"a\"], \"health-events\": 0}"))
                .hasMessage("test.composite.health-events: expected a whole number 1-10000, got 0");
        assertThat(def("{\"parts\": [\"a\"]}").healthEvents()).isEqualTo(100);
        assertThat(def("{\"parts\": [\"a\"], \"health-events\": 5}").healthEvents()).isEqualTo(5);
        assertThat(def("{\"parts\": [\"g\"], \"rule\": \"at-least\", \"at-least\": 40}").atLeast())
                .as("a group part may count many targets").isEqualTo(40);
    }
}
