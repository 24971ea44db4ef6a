package dev.watchpost.alert;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.watchpost.live.State;
import dev.watchpost.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The outbox's SQL (migration V7), run unchanged on SQLite and PostgreSQL. */
abstract class AlertStoreContract {

    static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

    Database db;
    Outbox outbox;

    protected abstract Database.Settings freshDatabase();

    @BeforeEach
    void open() {
        db = Database.open(freshDatabase(), new SimpleMeterRegistry());
        outbox = new Outbox(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static Alert.New problem(String channel, String target, Instant due, Instant remindAt) {
        return new Alert.New(channel, "r", target, Event.DOWN, State.ONLINE, State.DOWN, T0, "reported down", null, due, true,
                remindAt, null);
    }

    private static final Outbox.Filter ALL = new Outbox.Filter(Optional.empty(), Optional.empty(), Optional.empty());

    @Test
    void problemsOpenCancelAndClose() {
        long held = outbox.insert(problem("c1", "t", T0.plusSeconds(120), null), T0);
        long sent = outbox.insert(problem("c2", "t", T0, null), T0);
        outbox.insert(problem("c1", "other", T0, null), T0);
        db.write(c -> {
            List<Outbox.Open> open = Outbox.openProblems(c, "r", "t");
            assertThat(open).extracting(Outbox.Open::id).containsExactly(held, sent);
            assertThat(open.get(0).nextAt()).isEqualTo(T0.plusSeconds(120));
            Outbox.cancel(c, held, T0.plusSeconds(60));
            Outbox.close(c, sent);
            return null;
        });
        assertThat(db.<List<Outbox.Open>>read(c -> Outbox.openProblems(c, "r", "t"))).isEmpty();
        List<Alert> all = outbox.recent(ALL, 10);
        assertThat(all).extracting(Alert::status).containsExactly("pending", "pending", "cancelled");
        assertThat(all.get(2).finishedAt()).contains(T0.plusSeconds(60));
    }

    @Test
    void dedupKeysWriteOnce() {
        Alert.New digest = new Alert.New("c", "r", null, Event.DIGEST, null, null, T0, "", "[]", T0, false, null, "d:r:c:1");
        assertThat(outbox.insert(digest, T0)).isPositive();
        assertThat(outbox.insert(digest, T0)).isEqualTo(-1);
        assertThat(outbox.recent(ALL, 10)).hasSize(1);
    }

    @Test
    void deliveryClaimsRetriesAndMarks() {
        long a = outbox.insert(problem("c", "a", T0, null), T0);
        long b = outbox.insert(problem("c", "b", T0.plusSeconds(300), null), T0);
        assertThat(outbox.due(T0, 100)).extracting(Alert::id).containsExactly(a);
        List<Alert> claimed = outbox.claim(outbox.due(T0, 100), "k1");
        assertThat(claimed).hasSize(1);
        assertThat(outbox.claim(claimed, "k1")).as("claimed once").isEmpty();
        outbox.attempted(claimed, "k1", new Alert.Attempt(T0, "k1", Optional.of(500), Optional.of("HTTP 500")),
                Optional.of(T0.plusSeconds(4)));
        // waiting for its retry, it is still listed: it holds up its channel
        Alert retry = outbox.due(T0.plusSeconds(1), 100).get(0);
        assertThat(retry.attempts()).isEqualTo(1);
        assertThat(retry.delivery()).contains("k1");
        assertThat(retry.nextAt()).contains(T0.plusSeconds(4));

        // a crash between request and mark: resumed, same key
        outbox.claim(List.of(retry), "k1");
        assertThat(outbox.resumeSending(T0.plusSeconds(5))).isEqualTo(1);
        Alert resumed = outbox.due(T0.plusSeconds(5), 100).get(0);
        assertThat(resumed.status()).isEqualTo("pending");
        assertThat(resumed.delivery()).contains("k1");

        outbox.claim(List.of(resumed), "k1");
        outbox.attempted(List.of(resumed), "k1", new Alert.Attempt(T0.plusSeconds(6), "k1", Optional.of(200), Optional.empty()),
                Optional.empty());
        Alert done = outbox.recent(new Outbox.Filter(Optional.of("a"), Optional.empty(), Optional.empty()), 10).get(0);
        assertThat(done.status()).isEqualTo("delivered");
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(done.log()).extracting(Alert.Attempt::statusCode).containsExactly(Optional.of(500), Optional.of(200));
        assertThat(outbox.due(T0.plusSeconds(300), 100)).extracting(Alert::id).containsExactly(b);
        assertThat(outbox.recent(new Outbox.Filter(Optional.empty(), Optional.of("c"), Optional.of("delivered")), 10)).hasSize(1);
    }

    @Test
    void remindersAreWrittenOncePerNumber() {
        long p = outbox.insert(problem("c", "t", T0, T0.plus(Duration.ofHours(1))), T0);
        Instant at = T0.plus(Duration.ofHours(1));
        assertThat(outbox.dueReminders(at.minusSeconds(1), 10)).isEmpty();
        Alert due = outbox.dueReminders(at, 10).get(0);
        assertThat(due.remindAt()).contains(at);
        Alert.New reminder = new Alert.New("c", "r", "t", Event.REMINDER, State.ONLINE, State.DOWN, T0, "still", null, at, false,
                null, "r:" + p + ":1");
        outbox.remind(p, Optional.of(reminder), Optional.of(at.plus(Duration.ofHours(1))), at);
        outbox.remind(p, Optional.of(reminder), Optional.of(at.plus(Duration.ofHours(1))), at); // a second round: same number
        assertThat(outbox.recent(ALL, 10)).extracting(Alert::event).containsExactly(Event.REMINDER, Event.DOWN);
        Alert problem = outbox.recent(ALL, 10).get(1);
        assertThat(problem.reminders()).isEqualTo(1);
        db.write(c -> {
            Outbox.silenceReminders(c, "r", "t");
            return null;
        });
        assertThat(outbox.dueReminders(at.plus(Duration.ofDays(1)), 10)).isEmpty();
    }

    @Test
    void removedChannelsAndRulesLetGoOfTheirAlerts() {
        outbox.insert(problem("gone", "t", T0, T0.plusSeconds(60)), T0);
        outbox.insert(problem("kept", "t", T0, T0.plusSeconds(60)), T0);
        assertThat(outbox.abandonChannel("gone", T0)).isEqualTo(1);
        assertThat(outbox.due(T0, 10)).extracting(Alert::channelId).containsExactly("kept");
        outbox.closeRule("r");
        assertThat(db.<List<Outbox.Open>>read(c -> Outbox.openProblems(c, "r", "t"))).isEmpty();
        assertThat(outbox.prune(T0.plusSeconds(1))).isEqualTo(1);
        assertThat(outbox.recent(ALL, 10)).extracting(Alert::channelId).containsExactly("kept");
    }

    private static Alert.New groupProblem(String channel, Instant due) {
        return new Alert.New(channel, "r", "bots/main", Event.DOWN, null, State.DOWN, T0, "", null, due, true, null,
                "g:r:bots/main:" + channel + ":down", true);
    }

    @Test
    void aGroupsProblemIsOpenOnceUntilItEndsAndKeepsWhatItsMessageTold() {
        long first = outbox.insert(groupProblem("c", T0), T0);
        assertThat(outbox.insert(groupProblem("c", T0), T0)).as("one open problem per rule, group, channel and kind").isEqualTo(-1);
        // a target with the group's id is another thing
        outbox.insert(problem("c", "bots/main", T0, null), T0);
        db.write(c -> {
            assertThat(Outbox.openProblems(c, "r", "bots/main", true)).extracting(Outbox.Open::id).containsExactly(first);
            assertThat(Outbox.openProblems(c, "r", "bots/main")).hasSize(1).allSatisfy(o -> assertThat(o.id()).isNotEqualTo(first));
            return null;
        });
        Alert due = outbox.due(T0, 10).stream().filter(Alert::group).findFirst().orElseThrow();
        assertThat(due.targetId()).contains("bots/main");
        assertThat(outbox.sentGroupProblems(10)).as("not sent yet: nothing told").isEmpty();
        // composed when claimed; a retry keeps the first body
        List<Alert> claimed = outbox.claim(List.of(due), "k1", a -> new Outbox.Composed("{\"count\":3}", 3), T0);
        assertThat(claimed).singleElement().satisfies(a -> assertThat(a.body()).contains("{\"count\":3}"));
        outbox.attempted(claimed, "k1", new Alert.Attempt(T0, "k1", Optional.of(500), Optional.of("HTTP 500")), Optional.of(T0));
        Alert retry = outbox.due(T0, 10).stream().filter(Alert::group).findFirst().orElseThrow();
        assertThat(outbox.claim(List.of(retry), "k1", a -> new Outbox.Composed("{\"count\":9}", 9), T0))
                .singleElement().satisfies(a -> assertThat(a.body()).contains("{\"count\":3}"));
        Alert told = outbox.sentGroupProblems(10).get(0);
        assertThat(told.notified()).contains(3);
        assertThat(told.group()).isTrue();

        // it grew: one follow-up per step, whichever node writes it
        Alert.New worse = new Alert.New("c", "r", "bots/main", Event.WORSE, null, State.DOWN, T0, "", null, T0, false, null,
                "w:" + first + ":6", true);
        outbox.worse(first, worse, 6, T0);
        outbox.worse(first, worse, 6, T0);
        assertThat(outbox.sentGroupProblems(10).get(0).notified()).contains(6);
        assertThat(outbox.recent(ALL, 10)).filteredOn(a -> a.event() == Event.WORSE).hasSize(1);

        // it ends once: a second close (another node) is told it was not the one
        boolean[] closed = new boolean[2];
        db.write(c -> {
            closed[0] = Outbox.close(c, first);
            closed[1] = Outbox.close(c, first);
            return null;
        });
        assertThat(closed).containsExactly(true, false);
        assertThat(outbox.insert(groupProblem("c", T0.plusSeconds(60)), T0.plusSeconds(60))).as("the key is free again").isPositive();
    }

    @Test
    void neverReportedEndsQuietly() {
        Alert.New held = new Alert.New("c", "r", "bots/main", Event.NEVER_REPORTED, null, State.UNKNOWN, T0, "", null,
                T0.plusSeconds(60), true, null, "n:r:bots/main:c", true);
        Alert.New sent = new Alert.New("d", "r", "bots/main", Event.NEVER_REPORTED, null, State.UNKNOWN, T0, "", null, T0, true,
                null, "n:r:bots/main:d", true);
        outbox.insert(held, T0);
        long d = outbox.insert(sent, T0);
        outbox.claim(outbox.due(T0, 10), "k");
        assertThat(outbox.closeNeverReported("bots/main", T0.plusSeconds(1))).isEqualTo(2);
        assertThat(outbox.recent(ALL, 10)).extracting(Alert::status).containsExactly("sending", "cancelled");
        assertThat(outbox.insert(sent, T0)).as("a later one may open").isGreaterThan(d);
    }

    @Test
    void aGroupAlertWithNothingToTellIsTakenBackWhenItWouldBeSent() {
        long id = outbox.insert(groupProblem("c", T0), T0);
        // its members all came back while it waited (a cluster's node saw it late): not "0 of 48 down"
        assertThat(outbox.claim(outbox.due(T0, 10), "k", a -> new Outbox.Composed("{\"count\":0}", 0), T0)).isEmpty();
        assertThat(outbox.recent(ALL, 10)).singleElement().satisfies(a -> assertThat(a.status()).isEqualTo("cancelled"));
        assertThat(outbox.insert(groupProblem("c", T0), T0)).as("the key is free").isGreaterThan(id);
    }

    @Test
    void specsAreStoredReplacedAndDeleted() {
        SpecStore specs = new SpecStore(db, dev.watchpost.store.SecretBox.of(dev.watchpost.store.SecretBox.newKey()));
        specs.save(AlertEngine.CHANNELS, "a", JsonNodeFactory.instance.objectNode().put("id", "a").put("v", 1), T0);
        specs.save(AlertEngine.CHANNELS, "a", JsonNodeFactory.instance.objectNode().put("id", "a").put("v", 2), T0);
        specs.save(AlertEngine.RULES, "r", JsonNodeFactory.instance.objectNode().put("id", "r"), T0);
        assertThat(specs.specs(AlertEngine.CHANNELS)).hasSize(1).first().satisfies(n -> assertThat(n.path("v").asInt()).isEqualTo(2));
        assertThat(specs.delete(AlertEngine.CHANNELS, "a")).isTrue();
        assertThat(specs.delete(AlertEngine.CHANNELS, "a")).isFalse();
        assertThat(specs.specs(AlertEngine.RULES)).hasSize(1);
    }
}
