package dev.watchpost.alert;

import dev.watchpost.live.Lease;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetKind;
import dev.watchpost.live.TargetRef;
import dev.watchpost.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pure decisions of group alerts, with a clock moved by hand: thresholds by count and by share,
 * when a group's problem opens, is taken back or ends, the settle window, follow-ups as an outage
 * doubles, reminders, shards that never reported, and the batch window of chat channels.
 */
class GroupAlertPolicyTest {

    final MutableClock clock = MutableClock.at("2026-06-01T12:00:00Z");

    /** 48 shards: {@code down} of them down, {@code warn} degraded, {@code maintenance} in maintenance, the rest online. */
    static Policy.Tally shards(int down, int warn, int maintenance) {
        return new Policy.Tally(48, 48 - down - warn - maintenance, warn, down, maintenance, 0);
    }

    static Rule rule(String json) {
        return AlertSpecs.rule(Rig.list("[" + json + "]").get(0), "rules[0]", "config", "rule-1");
    }

    @Test
    void aThresholdIsACountOrAShareOfTheMembers() {
        assertThat(Rule.Threshold.ONE.of(48)).isEqualTo(1);
        Rule.Threshold three = rule("{\"notify\":[\"c\"],\"min-down\":3}").minDown();
        assertThat(three.of(48)).isEqualTo(3);
        assertThat(three.of(2)).as("never more than the members: a whole group down alerts").isEqualTo(2);
        Rule.Threshold tenth = rule("{\"notify\":[\"c\"],\"min-down\":\"10%\"}").minDown();
        assertThat(tenth.of(48)).as("4.8 rounds up").isEqualTo(5);
        assertThat(tenth.of(50)).isEqualTo(5);
        assertThat(tenth.of(3)).as("at least one").isEqualTo(1);
        assertThat(tenth.describe()).isEqualTo("10%");
        assertThat(rule("{\"notify\":[\"c\"],\"min-down\":\"2.5%\"}").minDown().of(400)).isEqualTo(10);
        assertThat(rule("{\"notify\":[\"c\"],\"min-down\":\"100%\"}").minDown().of(48)).isEqualTo(48);

        assertThat(Policy.over(shards(2, 0, 0), Event.DOWN, three)).isFalse();
        assertThat(Policy.over(shards(3, 0, 0), Event.DOWN, three)).isTrue();
        assertThat(Policy.over(shards(4, 0, 0), Event.DOWN, tenth)).isFalse();
        assertThat(Policy.over(shards(5, 0, 0), Event.DOWN, tenth)).isTrue();
        // degraded members count for a degraded group alert, not for a down one
        assertThat(Policy.over(shards(0, 5, 0), Event.DOWN, Rule.Threshold.ONE)).isFalse();
        assertThat(Policy.over(shards(0, 5, 0), Event.DEGRADED, tenth)).isTrue();

        assertThatThrownBy(() -> rule("{\"notify\":[\"c\"],\"min-down\":\"0%\"}"))
                .hasMessage("rules[0].min-down: expected a count of members (3) or a share of them (10%), got '0%'");
        assertThatThrownBy(() -> rule("{\"notify\":[\"c\"],\"min-down\":\"many\"}")).hasMessageStartingWith("rules[0].min-down: ");
        assertThatThrownBy(() -> rule("{\"notify\":[\"c\"],\"min-down\":0}")).hasMessageStartingWith("rules[0].min-down: ");
    }

    @Test
    void aHeldGroupProblemIsTakenBackWithinItsSettleWindowAndEndsWhenTheGroupIsBackUnderTheThreshold() {
        Rule.Threshold three = new Rule.Threshold(3, 0);
        Instant start = clock.instant();
        Instant due = Policy.groupDueAt(start, Duration.ZERO, Duration.ofSeconds(10), Instant.MIN);
        assertThat(due).isEqualTo(start.plusSeconds(10));

        // 5 s later two of the three are back: the held alert is taken back, never sent
        clock.advance(Duration.ofSeconds(5));
        assertThat(Policy.groupStep(shards(1, 0, 0), Event.DOWN, three, "pending", 0, due, clock.instant()))
                .isEqualTo(Policy.GroupStep.CANCEL);
        // still three down: it stays
        assertThat(Policy.groupStep(shards(3, 0, 0), Event.DOWN, three, "pending", 0, due, clock.instant()))
                .isEqualTo(Policy.GroupStep.KEEP);

        // once sent (due passed), going back under the threshold ends it: one recovery
        clock.advance(Duration.ofSeconds(20));
        assertThat(Policy.groupStep(shards(2, 0, 0), Event.DOWN, three, "delivered", 1, null, clock.instant()))
                .isEqualTo(Policy.GroupStep.CLOSE);
        assertThat(Policy.groupStep(shards(2, 0, 0), Event.DOWN, three, "pending", 0, due, clock.instant()))
                .as("due, waiting for its channel: it is sent, then its recovery").isEqualTo(Policy.GroupStep.CLOSE);
        // as a target's problem stays open until it is OK, a group's stays open while members are only degraded
        assertThat(Policy.groupStep(shards(0, 3, 0), Event.DOWN, three, "delivered", 1, null, clock.instant()))
                .isEqualTo(Policy.GroupStep.KEEP);
        // maintenance is quiet: the whole group in maintenance sends no recovery; members back online do
        assertThat(Policy.groupStep(shards(0, 0, 48), Event.DOWN, three, "delivered", 1, null, clock.instant()))
                .isEqualTo(Policy.GroupStep.KEEP);
        assertThat(Policy.groupStep(shards(0, 0, 47), Event.DOWN, three, "delivered", 1, null, clock.instant()))
                .isEqualTo(Policy.GroupStep.CLOSE);
        // a held one is taken back when the members go into maintenance
        assertThat(Policy.groupStep(shards(0, 0, 48), Event.DOWN, three, "pending", 0, clock.instant().plusSeconds(1),
                clock.instant())).isEqualTo(Policy.GroupStep.CANCEL);
    }

    @Test
    void theSettleWindowDampingAndStartupGraceDecideWhenAGroupAlertIsSent() {
        Instant at = clock.instant();
        Duration settle = Duration.ofSeconds(10);
        assertThat(Policy.groupDueAt(at, Duration.ZERO, settle, Instant.MIN)).isEqualTo(at.plusSeconds(10));
        assertThat(Policy.groupDueAt(at, Duration.ofMinutes(2), settle, Instant.MIN)).as("damping longer than settle")
                .isEqualTo(at.plus(Duration.ofMinutes(2)));
        assertThat(Policy.groupDueAt(at, Duration.ZERO, Duration.ZERO, at.plusSeconds(60))).as("start-up grace")
                .isEqualTo(at.plusSeconds(60));
    }

    @Test
    void aNotifiedOutageIsToldAgainOnlyWhenItDoublesOrReachesEveryMember() {
        assertThat(Policy.worse(3, 3, 48)).isFalse();
        assertThat(Policy.worse(3, 5, 48)).isFalse();
        assertThat(Policy.worse(3, 6, 48)).isTrue();
        assertThat(Policy.worse(6, 11, 48)).isFalse();
        assertThat(Policy.worse(6, 12, 48)).isTrue();
        assertThat(Policy.worse(30, 47, 48)).isFalse();
        assertThat(Policy.worse(30, 48, 48)).as("every member").isTrue();
        assertThat(Policy.worse(48, 48, 48)).isFalse();
        assertThat(Policy.worse(10, 4, 48)).as("shrinking is never worse").isFalse();
        // bounded: from one member to all 48, one alert and at most 6 follow-ups, never one per member
        int notified = 1;
        int told = 0;
        for (int down = 2; down <= 48; down++) {
            if (Policy.worse(notified, down, 48)) {
                notified = down;
                told++;
            }
        }
        assertThat(told).isEqualTo(6);
    }

    @Test
    void remindersFollowTheGroup() {
        Rule.Threshold one = Rule.Threshold.ONE;
        assertThat(Policy.groupState(shards(45, 0, 0), Event.DOWN, one)).isEqualTo(State.DOWN);
        assertThat(Policy.groupState(shards(0, 45, 0), Event.DEGRADED, one)).isEqualTo(State.DEGRADED);
        assertThat(Policy.groupState(shards(0, 0, 48), Event.DOWN, one)).as("quiet in maintenance").isEqualTo(State.MAINTENANCE);
        assertThat(Policy.groupState(shards(0, 0, 0), Event.DOWN, one)).as("back: its recovery is on the way").isEqualTo(State.ONLINE);
        clock.advance(Duration.ofHours(1));
        Policy.Reminder r = Policy.remind(clock.instant(), Optional.of(Duration.ofHours(1)), clock.instant(),
                Optional.of(Policy.groupState(shards(45, 0, 0), Event.DOWN, one)));
        assertThat(r.send()).isTrue();
    }

    @Test
    void shardsThatNeverReportedAreDueALeaseAfterTheGroupWasFirstSeen() {
        Instant seen = clock.instant();
        Lease lease = new Lease(Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(29));
        assertThat(Policy.neverReportedDue(seen, lease, clock.instant())).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(Policy.neverReportedDue(seen, lease, clock.instant())).isTrue();
    }

    @Test
    void aBatchWaitsItsWindowAfterTheFirstAlertWasReadyButAGroupAlertAlreadySettled() {
        Instant t0 = clock.instant();
        Alert first = pending(1, t0, false, Event.DOWN);
        Alert second = pending(2, t0.plusSeconds(3), false, Event.DOWN);
        Duration window = Duration.ofSeconds(5);
        assertThat(Policy.batchUntil(List.of(first, second), window, a -> Duration.ZERO)).isEqualTo(t0.plusSeconds(5));
        // a group problem waited its 10 s settle window: it gathered its own burst and goes at once
        Alert group = pending(3, t0.plusSeconds(10), true, Event.DOWN);
        assertThat(Policy.batchUntil(List.of(group), window, a -> a.group() ? Duration.ofSeconds(10) : Duration.ZERO))
                .isEqualTo(t0.plusSeconds(5)).isBefore(t0.plusSeconds(10));
    }

    @Test
    void shardsAlertAsTheirGroupByDefaultOtherMembersOneByOne() {
        TargetRef shard = new TargetRef("bots/main/7", TargetKind.PUSH, "bots/main", 7);
        TargetRef member = new TargetRef("web/a", TargetKind.HTTP, "web", -1);
        TargetRef alone = new TargetRef("db", TargetKind.TCP, null, -1);
        TargetRef composite = new TargetRef("lab/p1", TargetKind.COMPOSITE, "lab", -1);
        Rule byDefault = rule("{\"notify\":[\"c\"]}");
        Rule perGroup = rule("{\"notify\":[\"c\"],\"per\":\"group\"}");
        Rule perTarget = rule("{\"notify\":[\"c\"],\"per\":\"target\"}");
        assertThat(byDefault.grouped(shard)).isTrue();
        assertThat(byDefault.grouped(member)).isFalse();
        assertThat(perGroup.grouped(member)).isTrue();
        assertThat(perGroup.grouped(alone)).as("no group to alert as").isFalse();
        assertThat(perGroup.grouped(composite)).as("a composite is its own roll-up").isFalse();
        assertThat(perTarget.grouped(shard)).isFalse();
        assertThat(byDefault.settle()).isEqualTo(Rule.DEFAULT_SETTLE);
        assertThat(rule("{\"notify\":[\"c\"],\"settle\":\"30s\"}").settle()).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> rule("{\"notify\":[\"c\"],\"per\":\"shard\"}"))
                .hasMessage("rules[0].per: expected group or target, got 'shard'");
        assertThatThrownBy(() -> rule("{\"notify\":[\"c\"],\"settle\":\"1h\"}")).hasMessage("rules[0].settle: expected between 0s and 10m");
    }

    @Test
    void chatChannelsBatchByDefaultMachineReceiversDoNot() {
        assertThat(channel("{\"id\":\"s\",\"slack\":{\"webhook\":\"https://hooks.slack.com/x\"}}").batch())
                .contains(Duration.ofSeconds(5));
        assertThat(channel("{\"id\":\"d\",\"discord\":{\"webhook\":\"https://discord.com/x\"},\"batch\":\"10s\"}").batch())
                .contains(Duration.ofSeconds(10));
        assertThat(channel("{\"id\":\"d\",\"discord\":{\"webhook\":\"https://discord.com/x\"},\"batch\":\"off\"}").batch()).isEmpty();
        assertThat(channel("{\"id\":\"t\",\"teams\":{\"webhook\":\"https://x.example/t\"},\"batch\":false}").batch()).isEmpty();
        assertThat(channel("{\"id\":\"n\",\"ntfy\":{\"url\":\"https://ntfy.sh\",\"topic\":\"t\"}}").batch()).isPresent();
        assertThat(channel("{\"id\":\"tg\",\"telegram\":{\"token\":\"1:a\",\"chat-id\":\"1\"}}").batch()).isPresent();
        assertThat(channel("{\"id\":\"h\",\"webhook\":{\"url\":\"https://x.example/h\"}}").batch()).isEmpty();
        assertThat(channel("{\"id\":\"h\",\"webhook\":{\"url\":\"https://x.example/h\"},\"batch\":\"3s\"}").batch())
                .contains(Duration.ofSeconds(3));
        assertThat(channel("{\"id\":\"p\",\"pagerduty\":{\"routing-key\":\"k\"}}").batch()).isEmpty();
        assertThatThrownBy(() -> channel("{\"id\":\"p\",\"pagerduty\":{\"routing-key\":\"k\"},\"batch\":\"5s\"}"))
                .hasMessage("channels[0].batch: PagerDuty gets one event per alert (each opens or resolves its incident)");
        assertThatThrownBy(() -> channel("{\"id\":\"s\",\"slack\":{\"webhook\":\"https://hooks.slack.com/x\"},\"batch\":\"1h\"}"))
                .hasMessage("channels[0].batch: expected between 1s and 10m, or off");
    }

    @Test
    void shardNumbersAreListedAsRanges() {
        assertThat(Groups.ranges(new int[] {0, 1, 2, 4, 7, 8, 9, 47})).isEqualTo("0-2, 4, 7-9, 47");
        assertThat(Groups.ranges(new int[] {3, 17})).isEqualTo("3, 17");
        assertThat(Groups.ranges(new int[] {1, 2, 5, 6, 7})).isEqualTo("1, 2, 5-7");
        assertThat(Groups.ranges(new int[0])).isEmpty();
    }

    static Channel channel(String json) {
        return AlertSpecs.channel(Rig.list("[" + json + "]").get(0), "channels[0]", "config");
    }

    static Alert pending(long id, Instant due, boolean group, Event event) {
        return new Alert(id, "c", "r", Optional.of(group ? "bots/main" : "t" + id), event, Optional.empty(),
                Optional.of(State.DOWN), due, "", Optional.empty(), due, "pending", Optional.of(due), 0, Optional.empty(), 0,
                Optional.empty(), Optional.empty(), List.of(), group, Optional.empty());
    }
}
