package dev.watchpost.live;

import dev.watchpost.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The backlog of transitions waiting for the database is bounded: beyond the limit a target's
 * further changes are combined (first {@code from}, last {@code to}), appending never blocks, and
 * once the database takes writes again every target's chain is whole and ends in its latest state.
 */
@Tag("integration")
class TransitionBacklogTest {

    @TempDir
    Path dir;

    Database db;
    TransitionLog log;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final List<Transition> announced = new CopyOnWriteArrayList<>();
    /** Stands in for a database that refuses the batch: it rolls back and is retried, as in an outage. */
    volatile boolean refusing = true;
    long at = Instant.parse("2026-06-01T12:00:00Z").toEpochMilli();

    @BeforeEach
    void open() {
        db = Database.open(new Database.Settings("jdbc:sqlite:" + dir.resolve("b.db"), Optional.empty(), Optional.empty(), 2),
                new SimpleMeterRegistry());
    }

    private void create(int limit) {
        log = new TransitionLog(db, meters, limit);
        log.addWriter((c, batch) -> {
            if (refusing) {
                throw new SQLException("refused on purpose");
            }
        });
        log.addListener(announced::addAll);
    }

    @AfterEach
    void close() {
        refusing = false;
        if (log != null) {
            log.close();
        }
        db.close();
    }

    private void append(String target, State from, State to) {
        log.append(new Transition(new TargetRef(target, TargetKind.PUSH, null, -1), from, to, Instant.ofEpochMilli(at += 1_000), "reported " + to.id()));
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    private List<String> rows(String target) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT from_state, to_state, reason FROM transition WHERE target_id = ? ORDER BY at, id")) {
                ps.setString(1, target);
                List<String> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1) + ">" + rs.getString(2) + " " + rs.getString(3));
                    }
                }
                return out;
            }
        });
    }

    @Test
    void beyondTheLimitChangesAreCombinedPerTargetAndNothingIsLeftOut() {
        create(3); // the writer starts after the appends, so all of them meet a backlog nobody has taken from
        append("a", State.UNKNOWN, State.ONLINE);
        append("a", State.ONLINE, State.OFFLINE);
        append("b", State.UNKNOWN, State.ONLINE);
        // the limit is reached: from here on each target's changes wait as one
        append("a", State.OFFLINE, State.ONLINE);
        append("a", State.ONLINE, State.DEGRADED);
        append("b", State.ONLINE, State.OFFLINE);
        append("b", State.OFFLINE, State.ONLINE); // back where it was: nothing left to record
        append("c", State.UNKNOWN, State.ONLINE);
        log.start();

        assertThat(gauge("watchpost.transitions.pending")).isEqualTo(5); // three verbatim, one combined for a, one for c
        assertThat(gauge("watchpost.transitions.pending.limit")).isEqualTo(3);
        assertThat(meters.get("watchpost.transitions.coalesced").counter().count()).isEqualTo(3);
        assertThat(announced).as("nothing announced before it is written").isEmpty();

        refusing = false;
        log.flush();

        assertThat(rows("a")).containsExactly("unknown>online reported online", "online>offline reported offline",
                "offline>degraded reported degraded (last of 2 changes combined while the transition backlog was full)");
        assertThat(rows("b")).containsExactly("unknown>online reported online");
        assertThat(rows("c")).containsExactly("unknown>online reported online");
        assertThat(gauge("watchpost.transitions.pending")).isZero();
        assertThat(announced).hasSize(5);
    }

    @Test
    void aLongOutageUnderFlappingStaysBoundedAndEveryChainEndsInTheLatestState() {
        int limit = 100;
        int targets = 10;
        create(limit);
        log.start();
        Map<String, State> now = new HashMap<>();
        State[] cycle = {State.ONLINE, State.OFFLINE, State.DEGRADED};
        long t0 = System.nanoTime();
        for (int i = 0; i < 20_000; i++) {
            String id = "t" + (i % targets);
            State from = now.getOrDefault(id, State.UNKNOWN);
            State to = cycle[(i / targets) % cycle.length];
            if (from != to) {
                append(id, from, to);
                now.put(id, to);
            }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("appending never waits for the database")
                .isLessThan(Duration.ofSeconds(5));
        // the limit verbatim, and per target at most one combined waiting and one being written
        assertThat(gauge("watchpost.transitions.pending")).isLessThanOrEqualTo(limit + 2 * targets);

        refusing = false;
        await().atMost(Duration.ofSeconds(20)).until(() -> gauge("watchpost.transitions.pending") == 0);
        log.flush();
        for (int i = 0; i < targets; i++) {
            String id = "t" + i;
            List<String> chain = rows(id);
            String previous = "unknown";
            for (String row : chain) {
                String[] fromTo = row.substring(0, row.indexOf(' ')).split(">");
                assertThat(fromTo[0]).as("%s: each row starts where the previous ended: %s", id, chain).isEqualTo(previous);
                previous = fromTo[1];
            }
            assertThat(previous).as(id + " ends in its latest state").isEqualTo(now.get(id).id());
        }
    }
}
