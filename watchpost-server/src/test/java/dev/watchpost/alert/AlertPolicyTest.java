package dev.watchpost.alert;

import dev.watchpost.live.Glob;
import dev.watchpost.live.TargetKind;
import dev.watchpost.store.Backoff;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;
import dev.watchpost.push.CronSchedule;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure decisions: what transitions mean, damping, grace, reminders, digests, globs, limits, templates. */
@Tag("integration")
class AlertPolicyTest {

    static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

    @Test
    void transitionsOpenCancelAndCloseProblems() {
        Policy.Change down = Policy.classify(State.ONLINE, State.DOWN, false);
        assertThat(down.problems()).containsExactly(Event.DOWN);
        assertThat(down.cancelHeld()).isEmpty();

        Policy.Change recovered = Policy.classify(State.DOWN, State.ONLINE, false);
        assertThat(recovered.problems()).isEmpty();
        assertThat(recovered.close()).containsExactlyInAnyOrder(Event.DOWN, Event.DEGRADED);

        // down → degraded: a held "down" is taken back; one already sent stays open until OK
        Policy.Change better = Policy.classify(State.UNHEALTHY, State.DEGRADED, false);
        assertThat(better.problems()).containsExactly(Event.DEGRADED);
        assertThat(better.cancelHeld()).contains(Event.DOWN);
        assertThat(better.close()).isEmpty();

        // unhealthy → offline: still down, nothing new
        assertThat(Policy.classify(State.UNHEALTHY, State.OFFLINE, false).none()).isTrue();
        // first report is online: closes nothing that exists, opens nothing
        assertThat(Policy.classify(State.UNKNOWN, State.ONLINE, false).problems()).isEmpty();
    }

    @Test
    void maintenanceIsQuiet() {
        Policy.Change m = Policy.classify(State.DOWN, State.MAINTENANCE, false);
        assertThat(m.problems()).isEmpty();
        assertThat(m.cancelHeld()).containsExactlyInAnyOrder(Event.DOWN, Event.DEGRADED, Event.UNAVAILABLE);
        assertThat(m.close()).as("a notified problem awaits the real recovery").isEmpty();

        Instant now = T0.plus(Duration.ofHours(2));
        Policy.Reminder quiet = Policy.remind(now, Optional.of(Duration.ofHours(1)), now, Optional.of(State.MAINTENANCE));
        assertThat(quiet.send()).isFalse();
        assertThat(quiet.next()).contains(now.plus(Duration.ofHours(1)));
    }

    @Test
    void compositesFollowAvailability() {
        Policy.Change lost = Policy.classify(State.ONLINE, State.DOWN, true);
        assertThat(lost.problems()).containsExactly(Event.DOWN, Event.UNAVAILABLE);
        Policy.Change back = Policy.classify(State.DOWN, State.DEGRADED, true);
        assertThat(back.close()).containsExactly(Event.UNAVAILABLE);
        assertThat(Policy.recoveryOf(Event.UNAVAILABLE)).isEqualTo(Event.AVAILABLE);
        assertThat(Policy.recoveryOf(Event.DOWN)).isEqualTo(Event.RECOVERED);
    }

    @Test
    void dampingHoldsAProblemUntilItLasted() {
        Duration twoMinutes = Duration.ofMinutes(2);
        Instant due = Policy.dueAt(T0, twoMinutes, Instant.MIN);
        assertThat(due).isEqualTo(T0.plus(twoMinutes));
        // a recovery after 90 s takes it back: nothing is ever sent
        assertThat(Policy.cancellable("pending", 0, due, T0.plusSeconds(90))).isTrue();
        // a recovery after it came due does not: the problem lasted 2 m, it is sent, then the recovery
        assertThat(Policy.cancellable("pending", 0, due, T0.plusSeconds(120))).isFalse();
        // nor once a request was made (the receiver may have it)
        assertThat(Policy.cancellable("pending", 1, due, T0.plusSeconds(90))).isFalse();
        assertThat(Policy.cancellable("sending", 0, due, T0.plusSeconds(90))).isFalse();
    }

    @Test
    void startupGraceDelaysEverythingAndLetsFlapsCancel() {
        Instant start = T0;
        Instant graceEnd = start.plus(Duration.ofMinutes(1));
        // a shard that reconnects 20 s after a restart: its problem would be due at grace end and is taken back
        Instant due = Policy.dueAt(start.plusSeconds(5), Duration.ZERO, graceEnd);
        assertThat(due).isEqualTo(graceEnd);
        assertThat(Policy.cancellable("pending", 0, due, start.plusSeconds(25))).isTrue();
        // after the grace, no delay
        assertThat(Policy.dueAt(graceEnd.plusSeconds(30), Duration.ZERO, graceEnd)).isEqualTo(graceEnd.plusSeconds(30));
        // damping longer than the grace wins
        assertThat(Policy.dueAt(start, Duration.ofMinutes(5), graceEnd)).isEqualTo(start.plus(Duration.ofMinutes(5)));
    }

    @Test
    void remindersRepeatWhileDownWithoutCatchUpBursts() {
        Optional<Duration> hourly = Optional.of(Duration.ofHours(1));
        Instant at = T0.plus(Duration.ofHours(1));
        Policy.Reminder r = Policy.remind(at, hourly, at, Optional.of(State.DOWN));
        assertThat(r.send()).isTrue();
        assertThat(r.next()).contains(at.plus(Duration.ofHours(1)));
        // the server was stopped for 5 h: one reminder now, the next an hour later
        Instant late = at.plus(Duration.ofHours(5));
        Policy.Reminder caughtUp = Policy.remind(at, hourly, late, Optional.of(State.DOWN));
        assertThat(caughtUp.send()).isTrue();
        assertThat(caughtUp.next()).contains(late.plus(Duration.ofHours(1)));
        // no longer reminding: rule changed, target removed, or recovered
        assertThat(Policy.remind(at, Optional.empty(), at, Optional.of(State.DOWN)).next()).isEmpty();
        assertThat(Policy.remind(at, hourly, at, Optional.empty()).next()).isEmpty();
        assertThat(Policy.remind(at, hourly, at, Optional.of(State.ONLINE)).send()).isFalse();
    }

    @Test
    void digestSlotsAreAlignedAndCronFollowsItsZone() {
        Schedule hourly = new Schedule.Every(Duration.ofHours(1));
        assertThat(hourly.next(Instant.parse("2026-06-01T12:34:56Z"))).isEqualTo(Instant.parse("2026-06-01T13:00:00Z"));
        assertThat(hourly.next(Instant.parse("2026-06-01T13:00:00Z"))).isEqualTo(Instant.parse("2026-06-01T14:00:00Z"));
        Schedule nine = new Schedule.Cron(CronSchedule.parse("0 9 * * 1-5", ZoneId.of("Europe/Berlin")));
        // Friday 12:00 UTC → Monday 09:00 Berlin (07:00 UTC, summer time)
        assertThat(nine.next(Instant.parse("2026-06-05T12:00:00Z"))).isEqualTo(Instant.parse("2026-06-08T07:00:00Z"));
        assertThatThrownBy(() -> new Schedule.Every(Duration.ofSeconds(30))).hasMessageContaining("every minute");
    }

    @Test
    void aDigestIsSentForExactlyOneTargetDown() {
        Rule rule = AlertSpecs.rule(Rig.list("[{\"targets\":[\"panels/**\"],\"digest\":{\"every\":\"1h\",\"notify\":[\"chat\"]}}]").get(0),
                "rules[0]", "config", "rule-1");
        TargetView one = view("panels/eu-1", State.OFFLINE);
        List<TargetView> all = List.of(view("panels/eu-2", State.ONLINE), one, view("web/api", State.DOWN),
                view("panels/us-1", State.DEGRADED));
        // Platypus stayed silent when exactly one server was down; Watchpost lists it
        assertThat(Policy.down(rule, all, id -> java.util.Set.of())).containsExactly(one);
        assertThat(Policy.down(rule, List.of(view("panels/eu-2", State.ONLINE)), id -> java.util.Set.of())).isEmpty();
    }

    @Test
    void aDigestOfARuleWithTagsListsOnlyTaggedTargets() {
        Rule rule = AlertSpecs.rule(Rig.list("[{\"tags\":[\"prod\"],\"digest\":{\"every\":\"1h\",\"notify\":[\"chat\"]}}]").get(0),
                "rules[0]", "config", "rule-1");
        TargetView prod = view("db/main", State.DOWN);
        TargetView staging = view("db/test", State.DOWN);
        assertThat(Policy.down(rule, List.of(prod, staging), id -> id.equals("db/main") ? java.util.Set.of("prod") : java.util.Set.of()))
                .containsExactly(prod);
        assertThatThrownBy(() -> AlertSpecs.rule(Rig.list("[{\"tags\":[\"Prod!\"],\"notify\":[\"chat\"]}]").get(0),
                "rules[0]", "config", "rule-1"))
                .hasMessage("rules[0].tags: 'Prod!' is not a tag (lower-case letters, digits, '.', '_', '-')");
    }

    @Test
    void globsMatchIdsGroupsAndSegments() {
        assertThat(Glob.of("bots/**").matches("bots/main/17", "bots/main")).isTrue();
        assertThat(Glob.of("bots/**").matches("bots", null)).isTrue();
        assertThat(Glob.of("bots/**").matches("botsx/1", null)).isFalse();
        assertThat(Glob.of("web/*").matches("web/api", "web")).isTrue();
        assertThat(Glob.of("web/*").matches("web/api/v2", null)).isFalse();
        assertThat(Glob.of("*/api").matches("web/api", null)).isTrue();
        assertThat(Glob.of("web/api-*").matches("web/api-eu", null)).isTrue();
        assertThat(Glob.of("**/17").matches("bots/main/17", null)).isTrue();
        // a group id: every target inside it, also one whose id is elsewhere but declares the group
        assertThat(Glob.of("bots/main").matches("bots/main/3", "bots/main")).isTrue();
        assertThat(Glob.of("bots").matches("workers/mailer", "bots/main")).isTrue();
        assertThat(Glob.of("bots/main").matches("bots/mainx/3", null)).isFalse();
        assertThatThrownBy(() -> Glob.of("bots/**x")).hasMessageContaining("whole path segment");
    }

    @Test
    void rateLimitRefillsContinuously() {
        RateLimit limit = RateLimit.parse("10/m");
        RateLimit.Bucket b = limit.full(T0);
        assertThat(b.available(limit, T0)).isEqualTo(10);
        b = b.take(limit, T0, 10);
        assertThat(b.available(limit, T0)).isZero();
        assertThat(b.available(limit, T0.plusSeconds(5))).isZero();
        assertThat(b.available(limit, T0.plusSeconds(6))).isEqualTo(1);
        assertThat(b.available(limit, T0.plusSeconds(600))).isEqualTo(10);
        assertThat(limit.describe()).isEqualTo("10/m");
        assertThatThrownBy(() -> RateLimit.parse("ten a minute")).hasMessageContaining("10/m");
    }

    @Test
    void backoffDoublesUpToItsMaximum() {
        assertThat(Backoff.DEFAULT.delay(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(Backoff.DEFAULT.delay(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(Backoff.DEFAULT.delay(40)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void templatesEscapeValuesForEachFormat() {
        Map<String, String> v = Map.of("target", "<b>API & co</b>", "state", "down", "reason", "HTTP 500 *boom*");
        assertThat(Template.render("{target} is {state}: {reason}", v, Template.SLACK))
                .isEqualTo("&lt;b&gt;API &amp; co&lt;/b&gt; is down: HTTP 500 *boom*");
        assertThat(Template.render("{target}: {reason}", v, Template.DISCORD)).isEqualTo("<b\\>API & co</b\\>: HTTP 500 \\*boom\\*");
        assertThat(Template.render("*{state}* {url}", v, Template.PLAIN)).isEqualTo("*down* ");
        Template.check("{target} {id} {state} {previous} {since} {reason} {url} {event}");
        assertThatThrownBy(() -> Template.check("{host} down")).hasMessageStartingWith("unknown placeholder {host}");
        assertThatThrownBy(() -> Template.check("{target")).hasMessageContaining("unclosed");
    }

    @Test
    void channelSecretsAreRedactedAndNeverInErrors() {
        Channel slack = AlertSpecs.channel(Rig.list("[{\"id\":\"s\",\"slack\":{\"webhook\":\"https://hooks.slack.com/services/T0/B0/SECRET\"}}]").get(0),
                "channels[0]", "config");
        assertThat(AlertSpecs.redacted(slack).toString()).doesNotContain("SECRET").contains("https://hooks.slack.com/***");
        assertThat(slack.toString()).doesNotContain("SECRET");
        Channel hook = AlertSpecs.channel(Rig.list("[{\"id\":\"h\",\"webhook\":{\"url\":\"https://x.example/h?token=SECRET\","
                + "\"secret\":\"SECRET-SECRET-SECRET\",\"headers\":{\"Authorization\":\"Bearer SECRET\"}}}]").get(0), "c", "api");
        assertThat(AlertSpecs.redacted(hook).toString()).doesNotContain("SECRET");
        assertThatThrownBy(() -> AlertSpecs.channel(Rig.list("[{\"id\":\"s\",\"slack\":{\"webhook\":\"not a url SECRET\"}}]").get(0),
                "channels[0]", "config"))
                .hasMessage("channels[0].slack.webhook: expected an absolute http:// or https:// URL");
    }

    @Test
    void rulesAreValidatedNamingTheItem() {
        assertThatThrownBy(() -> AlertSpecs.rule(Rig.list("[{\"targets\":\"web/*\",\"on\":[\"exploded\"],\"notify\":[\"x\"]}]").get(0),
                "rules[2]", "config", "rule-3")).hasMessageStartingWith("rules[2].on: unknown transition 'exploded'");
        assertThatThrownBy(() -> AlertSpecs.rule(Rig.list("[{\"targets\":\"web/*\"}]").get(0), "rules[0]", "config", "rule-1"))
                .hasMessageStartingWith("rules[0]: a rule needs notify");
        Rule r = AlertSpecs.rule(Rig.list("[{\"targets\":\"web/*, bots/**\",\"notify\":\"a, b\",\"for\":\"2m\",\"remind-every\":\"1h\"}]")
                .get(0), "rules[0]", "config", "rule-1");
        assertThat(r.targets()).extracting(Glob::pattern).containsExactly("web/*", "bots/**");
        assertThat(r.notifies()).containsExactly("a", "b");
        assertThat(r.on()).isEqualTo(Set.of(Rule.On.DOWN, Rule.On.RECOVERED));
        assertThat(r.damping()).isEqualTo(Duration.ofMinutes(2));
        Routing routing = new Routing(Map.of(), Map.of(r.id(), r), Set.of());
        assertThatThrownBy(routing::validate).hasMessage("rule 'rule-1' notifies channel 'a', which does not exist");
    }

    static TargetView view(String id, State state) {
        return new TargetView(id, id, TargetKind.PUSH, null, -1, state, T0.toEpochMilli(), T0.toEpochMilli(), Long.MAX_VALUE,
                state == State.ONLINE ? null : "reported " + state.id(), Double.NaN, JsonNodeFactory.instance.objectNode(), null);
    }
}
