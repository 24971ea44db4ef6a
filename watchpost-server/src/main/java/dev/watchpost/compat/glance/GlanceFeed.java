package dev.watchpost.compat.glance;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.watchpost.feed.Fanout;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Snapshot;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;
import dev.watchpost.live.Transition;
import dev.watchpost.live.TransitionListener;
import dev.watchpost.web.Json;
import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Glance's {@code /api/feed} WebSocket: {@code hello} with every shard on connect, then
 * {@code state_update} for each state change (after it is durable) and {@code health_ping} for
 * pinged shards (at most one per shard per snapshot interval). Shard ids are always integers.
 * Client messages are ignored; a client that falls behind is disconnected.
 */
public final class GlanceFeed implements TransitionListener, LiveState.SnapshotListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GlanceFeed.class);
    static final int QUEUE = 4_096;

    private final LiveState live;
    private final java.util.function.Predicate<Optional<String>> mayRead;
    private final java.util.function.Predicate<Optional<String>> seesPrivate;
    private final GlanceClusters clusters;
    /** Each message with the group it is about: clients without a token get none about a private group. */
    private record Message(String text, String group) {
    }

    private final Fanout<Message> fanout = new Fanout<>(QUEUE);
    private final Map<String, String> groupToCluster = new HashMap<>();
    private final Duration keepAlive;

    /**
     * @param mayRead whether a client presenting this API token (or none) may read the feed: the
     *                server's read access ({@code auth.public-read} or a read token), as on every read route
     * @param seesPrivate whether such a client sees private groups' shards too (a read token); others
     *                    get nothing about them, as on the other read routes
     * @param keepAlive how long a connection may stay quiet before the server pings it
     */
    public GlanceFeed(LiveState live, GlanceClusters clusters, java.util.function.Predicate<Optional<String>> mayRead,
                      java.util.function.Predicate<Optional<String>> seesPrivate, Duration keepAlive) {
        this.live = live;
        this.mayRead = mayRead;
        this.seesPrivate = seesPrivate;
        this.clusters = clusters;
        this.keepAlive = keepAlive;
        clusters.clusters().forEach((cluster, group) -> groupToCluster.put(group, cluster));
    }

    public WsRouting.Builder routing() {
        return WsRouting.builder().endpoint("/api/feed", Listener::new);
    }

    /** Glance knows states 0..6; Watchpost's extra states map to the nearest Glance one. */
    static int glanceCode(State s) {
        return switch (s) {
            case DEGRADED -> State.ONLINE.code();
            case DOWN -> State.OFFLINE.code();
            case MAINTENANCE -> State.STOPPING.code();
            default -> s.code();
        };
    }

    /** A shard's recorded change, as Glance's {@code state_update}. */
    @Override
    public void onTransitions(List<Transition> transitions) {
        if (fanout.size() == 0) {
            return;
        }
        for (Transition t : transitions) {
            String cluster = t.target().groupId() == null ? null : groupToCluster.get(t.target().groupId());
            if (cluster != null && t.target().shard() >= 0) {
                fanout.publish(new Message(message("state_update", g -> {
                    g.writeStringField("cluster", cluster);
                    g.writeNumberField("shard", t.target().shard());
                    g.writeNumberField("state", glanceCode(t.to()));
                }), t.target().groupId()));
            }
        }
    }

    /** Shards that reported since the last snapshot, as Glance's {@code health_ping}. */
    @Override
    public void onSnapshot(Snapshot snapshot, List<TargetView> pinged) {
        if (fanout.size() == 0) {
            return;
        }
        for (TargetView v : pinged) {
            String cluster = v.groupId() == null ? null : groupToCluster.get(v.groupId());
            if (cluster != null && v.shard() >= 0) {
                fanout.publish(new Message(message("health_ping", g -> {
                    g.writeStringField("cluster", cluster);
                    g.writeNumberField("shard", v.shard());
                    g.writeNumberField("state", glanceCode(v.state()));
                }), v.groupId()));
            }
        }
    }


    private static String message(String op, Json.Writer payload) {
        return new String(Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("op", op);
            g.writeObjectFieldStart("payload");
            payload.write(g);
            g.writeEndObject();
            g.writeEndObject();
        }), StandardCharsets.UTF_8);
    }

    /**
     * The hello message: every Glance cluster with its length and every shard's state and last report.
     *
     * @param all whether private clusters are included (a client with a read token)
     */
    String hello(boolean all) {
        return message("hello", g -> {
            for (Map.Entry<String, String> e : clusters.clusters().entrySet()) {
                if (!all && !live.isPublic(e.getValue())) {
                    continue;
                }
                int shards = live.group(e.getValue()).map(n -> n.def().shards()).orElse(0);
                g.writeObjectFieldStart(e.getKey());
                g.writeNumberField("len", shards);
                for (int i = 0; i < shards; i++) {
                    TargetView v = live.target(e.getValue() + "/" + i).orElse(null);
                    if (v == null) {
                        continue;
                    }
                    writeShard(g, i, v);
                }
                g.writeEndObject();
            }
        });
    }

    private static void writeShard(JsonGenerator g, int i, TargetView v) throws java.io.IOException {
        g.writeObjectFieldStart(Integer.toString(i));
        g.writeNumberField("state", glanceCode(v.state()));
        g.writeNumberField("last_healthy", v.lastSeen() < 0 ? 0.0 : v.lastSeen() / 1000.0);
        g.writeEndObject();
    }

    /** One connection: a virtual thread sends hello, then whatever the fan-out queues for it. */
    private final class Listener implements WsListener {
        private Fanout.Subscription<Message> sub;
        private volatile boolean allowed;
        private volatile boolean all;

        @Override
        public Optional<io.helidon.http.Headers> onHttpUpgrade(io.helidon.http.HttpPrologue prologue,
                                                               io.helidon.http.Headers headers) {
            Optional<String> token = dev.watchpost.auth.Access.upgradeToken(prologue, headers);
            allowed = mayRead.test(token);
            all = seesPrivate.test(token);
            return Optional.empty();
        }

        @Override
        public void onOpen(WsSession session) {
            if (!allowed) {
                // answered on the socket, where a dashboard can see it, rather than a bare refused upgrade
                session.close(io.helidon.websocket.WsCloseCodes.VIOLATED_POLICY,
                        "reads need an API token with scope 'read' (?token=...)");
                return;
            }
            sub = fanout.subscribe();
            Fanout.Subscription<Message> mine = sub;
            boolean everything = all;
            Thread.ofVirtual().name("glance-feed").start(() -> {
                try {
                    session.send(hello(everything), true);
                    // Pings go out every keep-alive interval whatever else is sent: a client that only
                    // listens answers with pongs, the only frames that tell the server's idle timer the
                    // connection is alive. Pinging only when quiet let a busy feed be closed as idle.
                    long nextPing = System.nanoTime() + keepAlive.toNanos();
                    while (!mine.closed()) {
                        Message m = mine.poll(Duration.ofNanos(Math.max(0, nextPing - System.nanoTime())));
                        if (m != null && (everything || live.isPublic(m.group()))) {
                            session.send(m.text(), true);
                        }
                        if (System.nanoTime() - nextPing >= 0 && !mine.closed()) {
                            session.ping(BufferData.empty());
                            nextPing = System.nanoTime() + keepAlive.toNanos();
                        }
                    }
                    session.close(1001, "going away");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    LOG.debug("event=glance.feed_closed error=\"{}\"", e.getMessage());
                } finally {
                    mine.close();
                }
            });
        }

        @Override
        public void onMessage(WsSession session, String text, boolean last) {
            // Glance ignores client messages.
        }

        @Override
        public void onClose(WsSession session, int status, String reason) {
            if (sub != null) {
                sub.close();
            }
        }

        @Override
        public void onError(WsSession session, Throwable t) {
            if (sub != null) {
                sub.close();
            }
        }
    }

    @Override
    public void close() {
        fanout.closeAll();
    }
}
