package dev.watchpost.alert;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.watchpost.live.State;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** E-mail through a real SMTP server on 127.0.0.1 (GreenMail), with authentication. */
@Tag("integration")
class AlertEmailTest {

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts@example.com", "alerts", "s3cret-pass"))
            .withPerMethodLifecycle(true);

    @TempDir
    Path dir;

    Rig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    private String channel(boolean batch) {
        return """
                [{"id": "ops-mail", "email": {"host": "127.0.0.1", "port": %d, "tls": "none",
                  "username": "alerts", "password": "s3cret-pass", "from": "Watchpost <alerts@example.com>",
                  "to": "ops@example.com, oncall@example.com", "cc": ["boss@example.com"], "batch": %s, "every": "1m"}}]
                """.formatted(SMTP.getSmtp().getPort(), batch);
    }

    private static String to(MimeMessage m, Message.RecipientType type) throws Exception {
        Address[] a = m.getRecipients(type);
        return a == null ? "" : String.join(", ", Arrays.stream(a).map(Address::toString).toList());
    }

    @Test
    void aSingleAlertIsOneMessageToEveryRecipientAndCc() throws Exception {
        rig = new Rig(dir, channel(false), "[{\"notify\":[\"ops-mail\"]}]");
        rig.target("web/api", "Public API");
        rig.report("web/api", State.ONLINE);
        rig.report("web/api", State.DOWN, "HTTP 500");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            rig.round();
            // one message, delivered to each of the three mailboxes
            assertThat(SMTP.getReceivedMessages()).hasSize(3);
        });
        MimeMessage m = SMTP.getReceivedMessages()[0];
        assertThat(m.getSubject()).isEqualTo("[Watchpost] DOWN: Public API (web/api)");
        assertThat(m.getFrom()[0].toString()).isEqualTo("Watchpost <alerts@example.com>");
        assertThat(to(m, Message.RecipientType.TO)).isEqualTo("ops@example.com, oncall@example.com");
        assertThat(to(m, Message.RecipientType.CC)).isEqualTo("boss@example.com");
        assertThat(m.getHeader("X-Watchpost-Delivery")[0]).matches("\\d+");
        String body = GreenMailUtil.getBody(m).replace("\r\n", "\n");
        assertThat(body).startsWith("Public API (web/api) is down since 2026-06-01 12:00:00 UTC: reported down: HTTP 500\n\n"
                + "https://status.example.com/targets/web/api\n");
    }

    @Test
    void aBatchedChannelSendsOneMessagePerRound() throws Exception {
        rig = new Rig(dir, channel(true), "[{\"notify\":[\"ops-mail\"]}]");
        for (String id : new String[] {"web/b", "web/a", "jobs/backup"}) {
            rig.target(id, id.toUpperCase());
            rig.report(id, State.ONLINE);
        }
        rig.report("web/b", State.DOWN, "HTTP 502");
        rig.round();
        await().atMost(Duration.ofSeconds(10)).until(() -> SMTP.getReceivedMessages().length == 3);
        rig.settle();
        // the next round's events: two problems and a recovery, in one message
        rig.report("web/a", State.OFFLINE);
        rig.report("jobs/backup", State.DEGRADED, "slow");
        rig.report("web/b", State.ONLINE);
        rig.clock.advance(Duration.ofSeconds(20));
        rig.round();
        rig.settle();
        assertThat(SMTP.getReceivedMessages()).as("the round of 1 m is not over").hasSize(3);
        rig.clock.advance(Duration.ofSeconds(40));
        rig.round();
        await().atMost(Duration.ofSeconds(10)).until(() -> SMTP.getReceivedMessages().length == 6);

        MimeMessage m = SMTP.getReceivedMessages()[3];
        assertThat(m.getSubject()).isEqualTo("[Watchpost] 2 new events at 2026-06-01 12:01:00 UTC");
        assertThat(to(m, Message.RecipientType.CC)).isEqualTo("boss@example.com");
        String body = GreenMailUtil.getBody(m).replace("\r\n", "\n");
        // practable's order: new problems, new recoveries, system-wide alerts (none), every current problem, the page
        assertThat(body.strip()).isEqualTo("""
                Watchpost: 2 new events (1 issue, 1 ok) at 2026-06-01 12:01:00 UTC

                Problems:
                - DOWN: WEB/A (web/a) is offline since 2026-06-01 12:00:00 UTC: reported offline

                Recoveries:
                - RECOVERED: WEB/B (web/b) is online again since 2026-06-01 12:00:00 UTC (was down)

                Current problems (2):
                - WEB/A (web/a): offline since 2026-06-01 12:00:00 UTC
                - JOBS/BACKUP (jobs/backup): degraded since 2026-06-01 12:00:00 UTC: slow

                Status page: https://status.example.com""");
    }

    @Test
    void aBatchedMailCountsAGroupAlertAsOneEvent() throws Exception {
        rig = new Rig(dir, channel(true), "[{\"notify\":[\"ops-mail\"],\"settle\":\"0s\"}]");
        rig.group("bots", "Bots", 0, null);
        rig.group("bots/main", "Main bot", 4, "24h");
        rig.target("web/a", "Site A");
        rig.reportAll(State.ONLINE, Rig.shards("bots/main", 0, 3));
        rig.report("web/a", State.ONLINE);
        rig.reportAll(State.OFFLINE, Rig.shards("bots/main", 0, 2));
        rig.report("web/a", State.DOWN, "HTTP 502");
        rig.round();
        await().atMost(Duration.ofSeconds(10)).until(() -> SMTP.getReceivedMessages().length == 3);
        rig.settle();
        MimeMessage m = SMTP.getReceivedMessages()[0];
        assertThat(m.getSubject()).isEqualTo("[Watchpost] 2 new events at 2026-06-01 12:00:00 UTC");
        assertThat(GreenMailUtil.getBody(m).replace("\r\n", "\n")).startsWith("""
                Watchpost: 2 new events (2 issues, 0 ok) at 2026-06-01 12:00:00 UTC

                Problems:
                - DOWN: Main bot (bots/main): 3 of 4 shards down since 2026-06-01 12:00:00 UTC: shards 0-2
                - DOWN: Site A (web/a) is down since 2026-06-01 12:00:00 UTC: reported down: HTTP 502
                """);
    }

    /** Two teams, each with its own batched channel and a rule for its own targets. */
    private String teams() {
        String one = """
                {"id": "%s", "email": {"host": "127.0.0.1", "port": %d, "tls": "none",
                  "username": "alerts", "password": "s3cret-pass", "from": "alerts@example.com",
                  "to": "%s", "batch": true, "every": "1m"}}""";
        int port = SMTP.getSmtp().getPort();
        return "[" + one.formatted("lab-mail", port, "lab@example.com") + ","
                + one.formatted("web-mail", port, "web@example.com") + "]";
    }

    private static MimeMessage to(MimeMessage[] all, String address, String at) throws Exception {
        for (MimeMessage m : all) {
            if (to(m, Message.RecipientType.TO).equals(address) && m.getSubject().endsWith(at)) {
                return m;
            }
        }
        throw new AssertionError("no message to " + address + " at " + at);
    }

    @Test
    void aBatchedMailListsOnlyTheCurrentProblemsOfTargetsItsChannelsRulesSelect() throws Exception {
        rig = new Rig(dir, teams(), """
                [{"id": "lab", "targets": ["lab/*"], "notify": ["lab-mail"]},
                 {"id": "web", "targets": ["web/*"], "notify": ["web-mail"]}]""");
        for (String id : new String[] {"lab/a", "lab/b", "web/x", "web/y", "other/z"}) {
            rig.target(id, id.toUpperCase());
            rig.report(id, State.ONLINE);
        }
        rig.report("lab/b", State.DOWN, "no data");
        rig.report("web/y", State.DOWN, "HTTP 503");
        rig.report("other/z", State.DOWN, "nobody's");
        rig.round();
        await().atMost(Duration.ofSeconds(10)).until(() -> SMTP.getReceivedMessages().length == 2);
        rig.settle();

        String lab = GreenMailUtil.getBody(to(SMTP.getReceivedMessages(), "lab@example.com", "12:00:00 UTC")).replace("\r\n", "\n");
        String web = GreenMailUtil.getBody(to(SMTP.getReceivedMessages(), "web@example.com", "12:00:00 UTC")).replace("\r\n", "\n");
        assertThat(lab).contains("Current problems (1):\n- LAB/B (lab/b): down since 2026-06-01 12:00:00 UTC: no data\n")
                .doesNotContain("web/").doesNotContain("other/z");
        assertThat(web).contains("Current problems (1):\n- WEB/Y (web/y): down since 2026-06-01 12:00:00 UTC: HTTP 503\n")
                .doesNotContain("lab/").doesNotContain("other/z");

        // a later round: lab's mail still lists its own older problem, and only its own
        rig.report("lab/a", State.OFFLINE);
        rig.report("web/x", State.OFFLINE);
        rig.clock.advance(Duration.ofMinutes(1));
        rig.round();
        await().atMost(Duration.ofSeconds(10)).until(() -> SMTP.getReceivedMessages().length == 4);
        assertThat(GreenMailUtil.getBody(to(SMTP.getReceivedMessages(), "lab@example.com", "12:01:00 UTC")).replace("\r\n", "\n"))
                .contains("Current problems (2):\n- LAB/A (lab/a): offline since 2026-06-01 12:00:00 UTC\n"
                        + "- LAB/B (lab/b): down since 2026-06-01 12:00:00 UTC: no data\n")
                .doesNotContain("web/").doesNotContain("other/z");
    }

    @Test
    void aBatchedMailListsTheShardsOfAGroupOnOneLine() throws Exception {
        rig = new Rig(dir, channel(true), "[{\"notify\":[\"ops-mail\"]}]");
        rig.group("bots", "Bots", 0, null);
        rig.group("bots/main", "Main bot", 12, "1h");
        rig.target("web/api", "API");
        rig.reportAll(State.ONLINE, Rig.shards("bots/main", 0, 11));
        rig.report("web/api", State.ONLINE);
        rig.round();
        rig.settle();
        int before = SMTP.getReceivedMessages().length;

        rig.reportAll(State.OFFLINE, Rig.shards("bots/main", 0, 4));
        rig.reportAll(State.OFFLINE, "bots/main/6", "bots/main/8", "bots/main/9");
        rig.report("bots/main/11", State.DOWN, "gateway closed");
        rig.report("web/api", State.DOWN, "HTTP 503");
        rig.clock.advance(Duration.ofMinutes(1));
        rig.round();
        await().atMost(Duration.ofSeconds(10)).until(() -> SMTP.getReceivedMessages().length >= before + 3);
        rig.settle();

        String body = GreenMailUtil.getBody(SMTP.getReceivedMessages()[SMTP.getReceivedMessages().length - 1])
                .replace("\r\n", "\n");
        // nine shards are one line, with their states counted and their numbers as ranges; the API keeps its own
        assertThat(body).contains("""
                Current problems (10):
                - Main bot (bots/main): 9 shards (1 down, 8 offline), the first since 2026-06-01 12:00:00 UTC: shards 0-4, 6, 8, 9, 11
                - API (web/api): down since 2026-06-01 12:00:00 UTC: HTTP 503
                """).doesNotContain("Main bot #");
    }

    @Test
    void aFailingCompositeIsOneNewEventAndTheMailCountsIssuesAndOk() throws Exception {
        rig = new Rig(dir, channel(true), "[{\"notify\":[\"ops-mail\"], \"on\": [\"down\", \"recovered\", \"availability\"]}]");
        rig.target("lab/data", "Data");
        rig.target("web/b", "WEB/B");
        rig.topology.putTarget(Rig.JSON.readTree("""
                {"id": "lab/exp", "name": "Experiment", "composite": {"parts": ["lab/data"], "startup-grace": 0}}"""), false);
        rig.report("lab/exp", State.ONLINE);
        rig.report("web/b", State.DOWN, "HTTP 502");
        rig.round();
        await().atMost(Duration.ofSeconds(10)).until(() -> SMTP.getReceivedMessages().length == 3);
        rig.settle();

        rig.report("lab/exp", State.DOWN, "missing required lab/data");
        rig.report("web/b", State.ONLINE);
        rig.clock.advance(Duration.ofMinutes(1));
        rig.round();
        await().atMost(Duration.ofSeconds(10)).until(() -> SMTP.getReceivedMessages().length == 6);

        MimeMessage m = SMTP.getReceivedMessages()[3];
        // practable counts experiments, not alerts: down and unavailable are one experiment's one event
        assertThat(m.getSubject()).isEqualTo("[Watchpost] 2 new events at 2026-06-01 12:01:00 UTC");
        assertThat(GreenMailUtil.getBody(m).replace("\r\n", "\n").strip()).isEqualTo("""
                Watchpost: 2 new events (1 issue, 1 ok) at 2026-06-01 12:01:00 UTC

                Problems:
                - DOWN, UNAVAILABLE: Experiment (lab/exp) is down since 2026-06-01 12:00:00 UTC: reported down: missing required lab/data

                Recoveries:
                - RECOVERED: WEB/B (web/b) is online again since 2026-06-01 12:00:00 UTC (was down)

                Current problems (1):
                - Experiment (lab/exp): down since 2026-06-01 12:00:00 UTC: missing required lab/data

                Status page: https://status.example.com""");
    }

    @Test
    void smtpSessionSettingsFollowTheTlsMode() {
        Channel.Email starttls = (Channel.Email) AlertSpecs.channel(Rig.list("""
                [{"id": "m", "email": {"host": "smtp.example.com", "username": "u", "password": "p", "from": "a@example.com", "to": "b@example.com"}}]
                """).get(0), "c", "config").settings();
        Properties p = EmailSender.properties(starttls, Duration.ofSeconds(10));
        assertThat(p).containsEntry("mail.smtp.port", "587").containsEntry("mail.smtp.starttls.required", "true")
                .containsEntry("mail.smtp.auth", "true").containsEntry("mail.smtp.timeout", "10000");
        Channel.Email tls = (Channel.Email) AlertSpecs.channel(Rig.list("""
                [{"id": "m", "email": {"host": "smtp.example.com", "tls": "tls", "from": "a@example.com", "to": ["b@example.com"]}}]
                """).get(0), "c", "config").settings();
        Properties t = EmailSender.properties(tls, Duration.ofSeconds(10));
        assertThat(t).containsEntry("mail.transport.protocol", "smtps").containsEntry("mail.smtps.port", "465")
                .containsEntry("mail.smtps.auth", "false").doesNotContainKey("mail.smtp.starttls.enable");
    }
}
