package dev.watchpost.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;
import dev.watchpost.live.Transition;
import dev.watchpost.live.TransitionWriter;
import dev.watchpost.store.Backoff;
import dev.watchpost.store.Database;
import dev.watchpost.web.Json;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import java.util.List;

/**
 * Every node sees every target's changes: the owner announces what it records with PostgreSQL's
 * {@code NOTIFY} inside the transaction that records it (so only committed changes are announced,
 * in commit order), and every node {@code LISTEN}s on a connection of its own and applies the
 * changes of targets it does not own to its copy ({@link LiveState#applyReplicated}), which its live
 * feeds and page then show. After (re)connecting, a node first catches up from the stored states, so
 * a gap in the notifications (a lost connection, a database restart) leaves nothing behind.
 *
 * <p>Two more things travel the same way. Objects changed through one node's API (targets, groups,
 * alert channels and rules, notices, manual statuses, tokens) are announced on a second channel
 * after they are committed ({@link #changes()}); every other node reads that kind again from the
 * store, and after a reconnection reads every kind. And every {@link #LAST_VALUES_EVERY} a node reads
 * the last values (last seen, latency, message, numbers) its peers checkpointed for their targets.
 */
final class Replication implements TransitionWriter, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Replication.class);
    static final String CHANNEL = "watchpost_transitions";
    static final String CHANGES = "watchpost_changes";
    /** How often the peers' checkpointed last values are read; they checkpoint once per flush interval. */
    static final java.time.Duration LAST_VALUES_EVERY = java.time.Duration.ofSeconds(2);
    /**
     * Read back this far past the last read: rows carry their writer's clock, which may be behind
     * this node's, and a checkpoint is stamped when it starts, not when it commits.
     */
    private static final long LAST_VALUES_OVERLAP_MS = 10_000;
    /** PostgreSQL's payload limit is 8,000 bytes; a batch is split below it. */
    private static final int PAYLOAD = 7_000;
    /** Between tries to listen again: 0.2 s, doubling, at most 5 s apart. */
    private static final Backoff RETRY = new Backoff(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(5));

    private final Database db;
    private final LiveState live;
    private final Membership membership;
    private final Thread thread;
    private volatile boolean running;
    private volatile Connection listening;
    private volatile dev.watchpost.store.ChangeFeed receiver = dev.watchpost.store.ChangeFeed.NONE;
    private long lastValuesReadAt = Long.MIN_VALUE;
    private long nextLastValues;

    Replication(Database db, LiveState live, Membership membership) {
        this.db = db;
        this.live = live;
        this.membership = membership;
        this.thread = Thread.ofPlatform().name("watchpost-replication").daemon(true).unstarted(this::run);
    }

    /** Inside the transition batch's transaction: the changes go out when (and only if) it commits. */
    @Override
    public void write(Connection c, List<Transition> batch) throws SQLException {
        StringBuilder payload = new StringBuilder("[");
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            for (Transition t : batch) {
                String one = one(t);
                if (payload.length() > 1 && payload.length() + one.length() + 2 > PAYLOAD) {
                    notify(ps, payload.append(']').toString());
                    payload.setLength(1);
                }
                payload.append(payload.length() > 1 ? "," : "").append(one);
            }
            if (payload.length() > 1) {
                notify(ps, payload.append(']').toString());
            }
        }
    }

    private static void notify(PreparedStatement ps, String payload) throws SQLException {
        ps.setString(1, CHANNEL);
        ps.setString(2, payload);
        ps.execute();
    }

    private static String one(Transition t) {
        var n = Json.MAPPER.createObjectNode();
        n.put("t", t.targetId());
        n.put("f", t.from().id());
        n.put("o", t.to().id());
        n.put("a", t.at().toEpochMilli());
        // the reason is only shown: shortened so one change always fits a notification
        n.put("r", t.reason().length() > 500 ? t.reason().substring(0, 500) : t.reason());
        return n.toString();
    }

    void start() {
        running = true;
        thread.start();
    }

    /** Where the other nodes' API changes go on this node; set before {@link #start}. */
    void receiveChanges(dev.watchpost.store.ChangeFeed receiver) {
        this.receiver = receiver;
    }

    /** What this node's features call after committing an API change: the other nodes hear of it. */
    dev.watchpost.store.ChangeFeed changes() {
        return (kind, id) -> {
            String payload = membership.nodeId() + "\t" + kind.name() + "\t" + id;
            try {
                db.write(c -> {
                    try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                        ps.setString(1, CHANGES);
                        ps.setString(2, payload.length() > PAYLOAD ? payload.substring(0, PAYLOAD) : payload);
                        ps.execute();
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                // the others read everything again when they reconnect, which a database outage makes them do
                LOG.warn("event=cluster.change_not_announced kind={} error=\"{}\"", kind, e.getMessage());
            }
        };
    }

    private void received(String payload) {
        String[] parts = payload.split("\t", 3);
        if (parts.length < 3 || parts[0].equals(membership.nodeId())) {
            return; // this node's own change: already applied
        }
        dev.watchpost.store.ChangeFeed.Kind kind;
        try {
            kind = dev.watchpost.store.ChangeFeed.Kind.valueOf(parts[1]);
        } catch (IllegalArgumentException e) {
            LOG.warn("event=cluster.change_unknown kind=\"{}\" hint=\"a node of another version\"", parts[1]);
            return;
        }
        apply(kind, parts[2]);
    }

    private void apply(dev.watchpost.store.ChangeFeed.Kind kind, String id) {
        try {
            receiver.changed(kind, id);
        } catch (RuntimeException e) {
            LOG.error("event=cluster.change_failed kind={} id=\"{}\"", kind, id, e);
        }
    }

    /** The peers' last values, every {@link #LAST_VALUES_EVERY}; errors wait for the next connection. */
    private void readLastValuesIfDue() {
        long now = System.currentTimeMillis();
        if (now < nextLastValues) {
            return;
        }
        nextLastValues = now + LAST_VALUES_EVERY.toMillis();
        long since = lastValuesReadAt == Long.MIN_VALUE ? Long.MIN_VALUE : lastValuesReadAt - LAST_VALUES_OVERLAP_MS;
        live.refreshOthers(since);
        lastValuesReadAt = now;
    }

    private void run() {
        int failures = 0;
        boolean first = true;
        while (running) {
            try (Connection c = db.connectAlone()) {
                listening = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                    st.execute("LISTEN " + CHANGES);
                }
                if (!first) {
                    // changes announced while this node was not listening: read every kind again
                    for (dev.watchpost.store.ChangeFeed.Kind k : dev.watchpost.store.ChangeFeed.Kind.values()) {
                        apply(k, "*");
                    }
                }
                first = false;
                catchUp();
                lastValuesReadAt = Long.MIN_VALUE; // all of them again: any may have changed meanwhile
                nextLastValues = 0;
                failures = 0;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    readLastValuesIfDue();
                    PGNotification[] ns = pg.getNotifications(500);
                    if (ns == null || ns.length == 0) {
                        continue;
                    }
                    List<Transition> got = new ArrayList<>();
                    for (PGNotification n : ns) {
                        if (CHANGES.equals(n.getName())) {
                            live.applyReplicated(got); // in order: what came before the change first
                            got = new ArrayList<>();
                            received(n.getParameter());
                        } else {
                            parse(n.getParameter(), got);
                        }
                    }
                    live.applyReplicated(got);
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                long backoffMs = RETRY.delay(++failures).toMillis();
                LOG.warn("event=cluster.replication_lost error=\"{}\" retry_in_ms={}", e.getMessage(), backoffMs);
                Backoff.pause(backoffMs);
            } finally {
                listening = null;
            }
        }
    }

    /** The stored state of every target another node owns, applied where this node's copy differs. */
    private void catchUp() {
        List<Transition> missed = db.read(c -> {
            List<Transition> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT target_id, state, since FROM target_state");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    if (membership.owns(id)) {
                        continue;
                    }
                    State stored = State.parse(rs.getString(2)).orElse(null);
                    Instant since = Instant.ofEpochMilli(rs.getLong(3));
                    live.target(id).ifPresent(v -> {
                        if (stored != null && v.state() != stored) {
                            out.add(new Transition(v.ref(), v.state(), stored, since, "recorded by another node"));
                        }
                    });
                }
            }
            return out;
        });
        if (!missed.isEmpty()) {
            LOG.info("event=cluster.replication_caught_up targets={}", missed.size());
            live.applyReplicated(missed);
        }
    }

    /** The changes a payload announces, for targets this node knows (the others it cannot apply). */
    private void parse(String payload, List<Transition> into) {
        try {
            for (JsonNode n : Json.MAPPER.readTree(payload)) {
                State from = State.parse(n.path("f").asText()).orElse(null);
                State to = State.parse(n.path("o").asText()).orElse(null);
                Optional<TargetView> target = live.target(n.path("t").asText());
                if (from != null && to != null && from != to && target.isPresent()) {
                    into.add(new Transition(target.get().ref(), from, to, Instant.ofEpochMilli(n.path("a").asLong()),
                            n.path("r").asText("")));
                }
            }
        } catch (IOException e) {
            LOG.warn("event=cluster.replication_bad_payload error=\"{}\"", e.getMessage());
        }
    }


    @Override
    public void close() {
        running = false;
        Connection c = listening;
        if (c != null) {
            try {
                c.close(); // wakes the listener out of its wait
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
