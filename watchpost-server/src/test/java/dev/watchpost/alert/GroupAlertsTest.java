package dev.watchpost.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.live.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.watchpost.alert.Rig.shards;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Group alerts and chat batching over a real live state, topology and SQLite, against real
 * receivers on 127.0.0.1, with a clock moved by hand: one alert for a burst of members going down
 * and one recovery, thresholds, the settle window, follow-ups as an outage grows, damping,
 * maintenance, reminders, start-up grace, a restart, rate limits, per-member alerts still possible,
 * shards that never reported, and one message for a burst on a chat channel.
 */
@Tag("integration")
class GroupAlertsTest {

    @TempDir
    Path dir;

    final Receiver receiver = new Receiver();
    Rig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
        receiver.close();
    }

    private String chats() {
        return """
                [{"id": "slack", "slack": {"webhook": "%s"}},
                 {"id": "discord", "discord": {"webhook": "%s"}}]""".formatted(receiver.url("/slack"), receiver.url("/discord"));
    }

    private String hook(String extra) {
        return "[{\"id\":\"hook\"" + extra + ",\"webhook\":{\"url\":\"" + receiver.url("/hook") + "\"}}]";
    }

    private List<Receiver.Request> at(String path) {
        return receiver.accepted().stream().filter(r -> r.path().equals(path)).toList();
    }

    private List<String> hookEvents() {
        List<String> out = new ArrayList<>();
        for (Receiver.Request r : at("/hook")) {
            JsonNode j = r.json();
            out.add(j.path("event").asText() + " " + (j.path("group").isObject()
                    ? j.path("group").path("id").asText() + " " + j.path("group").path("count").asInt() + "/" + j.path("group").path("total").asInt()
                    : j.path("target").path("id").asText()));
        }
        return out;
    }

    /** Rounds, moving the clock a second each, until {@code n} requests reached {@code path}. */
    private void delivered(String path, int n) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            rig.after(Duration.ofSeconds(1));
            rig.settle();
            assertThat(at(path)).hasSize(n);
        });
    }

    /** A while of rounds: nothing more may arrive. */
    private void quietFor(Duration d) {
        for (long s = 0; s < d.toSeconds(); s += 10) {
            rig.after(Duration.ofSeconds(10));
        }
        rig.settle();
    }

    private static String[] all(String group) {
        return shards(group, 0, 47);
    }

    /** 48 shards, all online; a lease long enough that no test's clock outlives it. */
    private void bot() {
        rig.group("bots", "Bots", 0, null);
        rig.group("bots/main", "Main bot", 48, "24h");
        rig.reportAll(State.ONLINE, all("bots/main"));
        rig.round();
    }

    @Test
    void aBotProcessDyingIsOneAlertPerChatChannelAndItsReturnOneRecovery() {
        rig = new Rig(dir, chats(), "[{\"targets\":[\"bots/**\"],\"notify\":[\"slack\",\"discord\"]}]");
        bot();
        // the process dies: 30 shards drop, 15 more within 6 s (the first user's 45 webhooks)
        rig.reportAll(State.OFFLINE, shards("bots/main", 0, 29));
        rig.after(Duration.ofSeconds(3));
        rig.reportAll(State.OFFLINE, shards("bots/main", 30, 44));
        rig.after(Duration.ofSeconds(3));
        rig.settle();
        assertThat(receiver.received).as("held for the settle window").isEmpty();
        delivered("/slack", 1);
        delivered("/discord", 1);
        String slack = at("/slack").get(0).json().path("text").asText();
        assertThat(slack).isEqualTo("*DOWN: Main bot: 45 of 48 shards down*\n"
                + "Main bot (bots/main): 45 of 48 shards down since 2026-06-01 12:00:00 UTC: shards 0-44\n"
                + "<https://status.example.com/#group:bots/main|Open on the status page>");
        assertThat(at("/discord").get(0).json().path("content").asText())
                .startsWith("**DOWN: Main bot: 45 of 48 shards down**\nMain bot (bots/main): 45 of 48 shards down since");
        quietFor(Duration.ofMinutes(1));
        assertThat(receiver.received).hasSize(2);

        // it comes back: one recovery per channel
        rig.reportAll(State.ONLINE, shards("bots/main", 0, 44));
        delivered("/slack", 2);
        delivered("/discord", 2);
        quietFor(Duration.ofMinutes(1));
        assertThat(receiver.received).hasSize(4);
        assertThat(at("/slack").get(1).json().path("text").asText()).startsWith("*RECOVERED: Main bot*\n"
                + "Main bot (bots/main) is up again since 2026-06-01 12:01:")
                .contains(": 48 of 48 shards online\n");
        // the history names the group
        assertThat(rig.alerts()).allSatisfy(a -> {
            assertThat(a.group()).isTrue();
            assertThat(a.targetId()).contains("bots/main");
        }).extracting(Alert::event).containsExactlyInAnyOrder(Event.DOWN, Event.DOWN, Event.RECOVERED, Event.RECOVERED);
    }

    @Test
    void aThresholdByCountAlertsFromThatManyMembersAndRecoversUnderIt() {
        rig = new Rig(dir, hook(""), "[{\"notify\":[\"hook\"],\"min-down\":3,\"settle\":\"0s\"}]");
        bot();
        rig.reportAll(State.OFFLINE, shards("bots/main", 0, 1));
        quietFor(Duration.ofSeconds(30));
        assertThat(receiver.received).as("two of three").isEmpty();
        assertThat(rig.alerts()).isEmpty();
        rig.report("bots/main/2", State.OFFLINE);
        delivered("/hook", 1);
        JsonNode down = at("/hook").get(0).json();
        assertThat(down.path("event").asText()).isEqualTo("down");
        assertThat(down.path("target").isNull()).isTrue();
        assertThat(down.path("group").path("id").asText()).isEqualTo("bots/main");
        assertThat(down.path("group").path("url").asText()).isEqualTo("https://status.example.com/#group:bots/main");
        assertThat(down.path("group").path("shards").asText()).isEqualTo("0-2");
        assertThat(down.path("group").path("members")).hasSize(3);
        assertThat(down.path("text").asText())
                .isEqualTo("Main bot (bots/main): 3 of 48 shards down since 2026-06-01 12:00:30 UTC: shards 0-2");

        // one back: two down is under the threshold, so the outage is over for this rule
        rig.report("bots/main/0", State.ONLINE);
        delivered("/hook", 2);
        JsonNode recovered = at("/hook").get(1).json();
        assertThat(recovered.path("event").asText()).isEqualTo("recovered");
        assertThat(recovered.path("text").asText()).endsWith(": 46 of 48 shards online; not OK yet: shards 1, 2");
        rig.reportAll(State.ONLINE, shards("bots/main", 1, 2));
        quietFor(Duration.ofSeconds(30));
        assertThat(receiver.received).hasSize(2);
    }

    @Test
    void aThresholdByShareCountsTheGroupsMembers() {
        rig = new Rig(dir, hook(""), "[{\"notify\":[\"hook\"],\"min-down\":\"10%\",\"settle\":\"0s\"}]");
        bot();
        rig.reportAll(State.OFFLINE, shards("bots/main", 0, 3));
        quietFor(Duration.ofSeconds(20));
        assertThat(receiver.received).as("4 of 48 is under 10%").isEmpty();
        rig.report("bots/main/4", State.OFFLINE);
        delivered("/hook", 1);
        assertThat(hookEvents()).containsExactly("down bots/main 5/48");
    }

    @Test
    void aGrowingOutageIsToldAgainOnlyWhenItDoublesOrReachesEveryMember() {
        rig = new Rig(dir, hook(""), "[{\"notify\":[\"hook\"],\"settle\":\"0s\"}]");
        bot();
        rig.reportAll(State.OFFLINE, shards("bots/main", 0, 2));
        delivered("/hook", 1);
        rig.reportAll(State.OFFLINE, shards("bots/main", 3, 4));
        quietFor(Duration.ofSeconds(20));
        assertThat(receiver.received).as("5 is not twice 3").hasSize(1);
        rig.report("bots/main/5", State.OFFLINE);
        delivered("/hook", 2);
        for (int i = 6; i < 11; i++) {
            rig.report("bots/main/" + i, State.OFFLINE);
            rig.after(Duration.ofSeconds(1));
        }
        rig.settle();
        assertThat(receiver.received).as("up to 11: not twice 6").hasSize(2);
        rig.report("bots/main/11", State.OFFLINE);
        delivered("/hook", 3);
        rig.reportAll(State.OFFLINE, shards("bots/main", 12, 46));
        quietFor(Duration.ofSeconds(20));
        assertThat(receiver.received).as("47 is more than twice 12: told").hasSize(4);
        rig.report("bots/main/47", State.OFFLINE);
        delivered("/hook", 5);
        rig.reportAll(State.ONLINE, all("bots/main"));
        delivered("/hook", 6);
        quietFor(Duration.ofMinutes(1));
        assertThat(hookEvents()).containsExactly("down bots/main 3/48", "worse bots/main 6/48", "worse bots/main 12/48",
                "worse bots/main 47/48", "worse bots/main 48/48", "recovered bots/main 0/48");
        assertThat(at("/hook").get(4).json().path("title").asText()).isEqualTo("WORSE: Main bot: 48 of 48 shards down");
        assertThat(at("/hook").get(4).json().path("text").asText())
                .isEqualTo("Main bot (bots/main): now 48 of 48 shards down, since 2026-06-01 12:00:00 UTC: shards 0-47");
    }

    @Test
    void aBlipShorterThanTheSettleWindowSendsNothingAndABurstWithinItIsOneAlert() {
        rig = new Rig(dir, hook(""), "[{\"notify\":[\"hook\"]}]");
        bot();
        rig.reportAll(State.OFFLINE, shards("bots/main", 0, 9));
        rig.after(Duration.ofSeconds(5));
        rig.reportAll(State.ONLINE, shards("bots/main", 0, 9));
        quietFor(Duration.ofMinutes(1));
        assertThat(receiver.received).isEmpty();
        assertThat(rig.alerts()).extracting(Alert::event, Alert::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Event.DOWN, "cancelled"));

        // a burst spread over 8 s: one alert counting all of them, composed when it was sent
        rig.reportAll(State.OFFLINE, shards("bots/main", 0, 4));
        rig.after(Duration.ofSeconds(4));
        rig.reportAll(State.OFFLINE, shards("bots/main", 5, 19));
        rig.after(Duration.ofSeconds(4));
        rig.reportAll(State.OFFLINE, shards("bots/main", 20, 23));
        delivered("/hook", 1);
        quietFor(Duration.ofSeconds(30));
        assertThat(hookEvents()).containsExactly("down bots/main 24/48");
    }

    @Test
    void dampingHoldsAGroupAlertUntilTheOutageLasted() {
        rig = new Rig(dir, hook(""), "[{\"notify\":[\"hook\"],\"for\":\"2m\"}]");
        bot();
        rig.reportAll(State.OFFLINE, shards("bots/main", 0, 5));
        rig.after(Duration.ofSeconds(60));
        rig.after(Duration.ofSeconds(59));
        rig.settle();
        assertThat(receiver.received).isEmpty();
        delivered("/hook", 1);
        assertThat(hookEvents()).containsExactly("down bots/main 6/48");
    }

    @Test
    void maintenanceIsQuietAndRemindersFollowTheGroup() {
        rig = new Rig(dir, hook(""), "[{\"notify\":[\"hook\"],\"settle\":\"0s\",\"remind-every\":\"1h\"}]");
        bot();
        rig.reportAll(State.OFFLINE, all("bots/main"));
        delivered("/hook", 1);
        rig.after(Duration.ofMinutes(59));
        rig.after(Duration.ofMinutes(1));
        delivered("/hook", 2);
        assertThat(at("/hook").get(1).json().path("text").asText())
                .isEqualTo("Main bot (bots/main): still 48 of 48 shards down, since 2026-06-01 12:00:00 UTC: shards 0-47");
        // the whole group into maintenance: no recovery, no reminders
        rig.reportAll(State.MAINTENANCE, all("bots/main"));
        rig.after(Duration.ofHours(1));
        rig.after(Duration.ofHours(1));
        rig.settle();
        assertThat(receiver.received).hasSize(2);
        // back from maintenance and online: the one recovery
        rig.reportAll(State.ONLINE, all("bots/main"));
        delivered("/hook", 3);
        assertThat(hookEvents()).containsExactly("down bots/main 48/48", "reminder bots/main 48/48", "recovered bots/main 0/48");
    }

    @Test
    void nothingIsSentDuringTheStartupGraceAndAHeldGroupAlertSurvivesARestart() {
        rig = new Rig(dir, hook(""), "[{\"notify\":[\"hook\"]}]", Duration.ofMinutes(1));
        bot();
        rig.reportAll(State.OFFLINE, shards("bots/main", 0, 9));
        rig.after(Duration.ofSeconds(20));
        rig.reportAll(State.ONLINE, shards("bots/main", 0, 9)); // reconnected after the restart: never heard of
        rig.reportAll(State.OFFLINE, shards("bots/main", 40, 47));
        rig.after(Duration.ofSeconds(30));
        rig.settle();
        assertThat(receiver.received).isEmpty();
        rig.restart(); // the held alert was written with its due time (the old grace's end): sent then
        rig.after(Duration.ofSeconds(9));
        rig.settle();
        assertThat(receiver.received).isEmpty();
        delivered("/hook", 1);
        quietFor(Duration.ofSeconds(30));
        assertThat(hookEvents()).containsExactly("down bots/main 8/48");
    }

    @Test
    void perTargetStillAlertsEachShardAndOrdinaryGroupsOptIn() {
        rig = new Rig(dir, "[{\"id\":\"hook\",\"webhook\":{\"url\":\"" + receiver.url("/hook") + "\"}},"
                + "{\"id\":\"team\",\"webhook\":{\"url\":\"" + receiver.url("/team") + "\"}}]", """
                [{"id": "each", "targets": ["bots/**", "web"], "per": "target", "notify": ["hook"]},
                 {"id": "sites", "targets": ["web"], "per": "group", "settle": "0s", "notify": ["team"]},
                 {"id": "web-default", "targets": ["web"], "notify": ["team"], "on": ["down"]}]""");
        bot();
        rig.group("web", "Websites", 0, null);
        for (String s : new String[] {"a", "b", "c", "d"}) {
            rig.member("web/" + s, "Site " + s.toUpperCase(), "web");
            rig.report("web/" + s, State.ONLINE);
        }
        rig.reportAll(State.OFFLINE, shards("bots/main", 0, 2));
        rig.reportAll(State.DOWN, "web/a", "web/b", "web/c");
        delivered("/hook", 6);
        assertThat(hookEvents()).containsExactlyInAnyOrder("down bots/main/0", "down bots/main/1", "down bots/main/2",
                "down web/a", "down web/b", "down web/c");
        // an ordinary group: one by one by default, as one with per: group
        delivered("/team", 4);
        List<String> team = at("/team").stream().map(r -> r.json().path("title").asText()).toList();
        assertThat(team).containsExactlyInAnyOrder("DOWN: Site A", "DOWN: Site B", "DOWN: Site C",
                "DOWN: Websites: 3 of 4 targets down");
        JsonNode group = at("/team").stream().map(Receiver.Request::json).filter(j -> j.path("group").isObject()).findFirst().orElseThrow();
        assertThat(group.path("text").asText()).isEqualTo("Websites (web): 3 of 4 targets down since 2026-06-01 12:00:00 UTC: "
                + "Site A (web/a), Site B (web/b), Site C (web/c)");
    }

    @Test
    void shardsThatNeverReportedAreOneAlertALeaseAfterTheGroupWasSeen() throws Exception {
        rig = new Rig(dir, "[{\"id\":\"slack\",\"slack\":{\"webhook\":\"" + receiver.url("/slack") + "\"}},"
                + "{\"id\":\"pd\",\"pagerduty\":{\"events-url\":\"" + receiver.url("/pd") + "\",\"routing-key\":\"K\"}}]",
                "[{\"targets\":[\"bots/**\"],\"notify\":[\"slack\",\"pd\"]}]");
        rig.group("bots", "Bots", 0, null);
        rig.group("bots/small", "Small bot", 4, "30s");
        String[] running = {"bots/small/0", "bots/small/2"};
        rig.reportAll(State.ONLINE, running);
        rig.round(); // first seen now
        keepAlive(Duration.ofSeconds(29), running);
        assertThat(receiver.received).isEmpty();
        keepAlive(Duration.ofSeconds(1), running);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            keepAlive(Duration.ofSeconds(1), running);
            assertThat(at("/slack")).hasSize(1);
        });
        assertThat(at("/slack").get(0).json().path("text").asText())
                .startsWith("*NEVER REPORTED: Small bot: 2 of 4 shards never reported*\n"
                        + "Small bot (bots/small): shards 1, 3 never reported (2 of 4 shards, watched since 2026-06-01 12:00:00 UTC)");
        assertThat(at("/pd")).as("nothing for PagerDuty to resolve later").isEmpty();
        assertThat(openNeverReported()).isEqualTo(1);
        String[] three = {"bots/small/0", "bots/small/1", "bots/small/2"};
        rig.reportAll(State.ONLINE, three);
        keepAlive(Duration.ofMinutes(1), three);
        assertThat(receiver.received).hasSize(1);
        String[] four = shards("bots/small", 0, 3);
        rig.reportAll(State.ONLINE, four);
        keepAlive(Duration.ofSeconds(10), four);
        assertThat(receiver.received).as("ended quietly").hasSize(1);
        assertThat(openNeverReported()).isZero();
        // a restart watches the group afresh: every shard has reported, nothing to say
        rig.restart();
        rig.reportAll(State.ONLINE, four);
        rig.round();
        keepAlive(Duration.ofMinutes(1), four);
        assertThat(receiver.received).hasSize(1);
    }

    /** Rounds over {@code d} in steps of at most 10 s, the shards {@code ids} reporting before each (their lease is 30 s). */
    private void keepAlive(Duration d, String... ids) {
        for (long s = 0; s < d.toSeconds(); s += 10) {
            rig.reportAll(State.ONLINE, ids);
            rig.after(Duration.ofSeconds(Math.min(10, d.toSeconds() - s)));
        }
        rig.settle();
    }

    private int openNeverReported() throws Exception {
        return rig.db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM alert WHERE event = 'never_reported' AND open_problem = 1");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Test
    void aBurstOfUnrelatedChangesIsOneMessageOnAChatChannelAndOneRequestEachOnAWebhook() {
        rig = new Rig(dir, """
                [{"id": "slack", "slack": {"webhook": "%s"}},
                 {"id": "discord", "discord": {"webhook": "%s"}, "batch": "off"},
                 {"id": "hook", "webhook": {"url": "%s"}}]""".formatted(receiver.url("/slack"), receiver.url("/discord"),
                receiver.url("/hook")), "[{\"targets\":[\"web/*\"],\"notify\":[\"slack\",\"discord\",\"hook\"]}]");
        for (String s : new String[] {"a", "b", "c", "d", "e"}) {
            rig.target("web/" + s, "Site " + s.toUpperCase());
            rig.report("web/" + s, State.ONLINE);
        }
        rig.reportAll(State.DOWN, "web/a", "web/b", "web/c");
        rig.round();
        rig.settle();
        rig.after(Duration.ofSeconds(2));
        rig.settle();
        rig.reportAll(State.DOWN, "web/d", "web/e");
        rig.round();
        rig.settle();
        assertThat(at("/slack")).as("the window of 5 s is not over").isEmpty();
        assertThat(at("/hook")).hasSize(5);
        assertThat(at("/discord")).as("batch: off").hasSize(5);
        delivered("/slack", 1);
        quietFor(Duration.ofSeconds(30));
        assertThat(at("/slack")).hasSize(1);
        assertThat(at("/slack").get(0).json().path("text").asText()).isEqualTo("""
                *Watchpost: 5 new events at 2026-06-01 12:00:05 UTC*
                Problems:
                - DOWN: Site A (web/a) is down since 2026-06-01 12:00:00 UTC: reported down
                - DOWN: Site B (web/b) is down since 2026-06-01 12:00:00 UTC: reported down
                - DOWN: Site C (web/c) is down since 2026-06-01 12:00:00 UTC: reported down
                - DOWN: Site D (web/d) is down since 2026-06-01 12:00:02 UTC: reported down
                - DOWN: Site E (web/e) is down since 2026-06-01 12:00:02 UTC: reported down
                <https://status.example.com|Open on the status page>""");
    }

    @Test
    void overARateLimitAGroupAlertGoesInTheSummary() {
        rig = new Rig(dir, hook(",\"rate-limit\":\"1/m\""), "[{\"notify\":[\"hook\"],\"settle\":\"0s\"}]");
        bot();
        rig.target("web/a", "Site A");
        rig.report("web/a", State.ONLINE);
        rig.report("web/a", State.DOWN);
        delivered("/hook", 1);
        rig.reportAll(State.OFFLINE, all("bots/main"));
        rig.report("web/a", State.ONLINE);
        rig.round();
        rig.settle();
        assertThat(receiver.received).hasSize(1);
        rig.after(Duration.ofSeconds(60));
        delivered("/hook", 2);
        JsonNode summary = at("/hook").get(1).json();
        assertThat(summary.path("event").asText()).isEqualTo("summary");
        assertThat(summary.path("text").asText()).isEqualTo("""
                Problems:
                - DOWN: Main bot (bots/main): 48 of 48 shards down since 2026-06-01 12:00:01 UTC: shards 0-47

                Recoveries:
                - RECOVERED: Site A (web/a) is online again since 2026-06-01 12:00:01 UTC (was down)""");
        assertThat(summary.path("alerts").get(0).path("group").path("count").asInt()).isEqualTo(48);
    }
}
