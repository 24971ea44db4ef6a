package dev.watchpost.compat.platypus;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.live.TargetKind;
import dev.watchpost.config.Durations;
import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.live.GroupNode;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Observation;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetDef;
import dev.watchpost.live.TargetView;
import dev.watchpost.targets.Topology;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Platypus's later (Go) generation, whose agents push instead of being scanned (CONTRACTS §5):
 * <ul>
 *   <li>{@code ws://<server>/stats}: each agent sends {@code {"hostname","cpu","memory","disk","secret"}}
 *       every second. A message with the right secret (compared in constant time) is answered with an
 *       empty text frame and makes its host an online target {@code <group>/<hostname>} with the
 *       figures as message and metrics; the target is declared through the topology on the first
 *       message. A wrong secret is answered "invalid secret key" and the socket closed; with no secret
 *       configured every agent is refused, with a close reason that says so. When the host's last
 *       socket closes the host is offline; a socket that stays open but silent lets the target's lease
 *       run out (unhealthy).</li>
 *   <li>{@code ws://<server>/getstats}: the map Platypus's page reads (see {@link StatsMap}), on connect
 *       and every interval. Client messages are ignored.</li>
 * </ul>
 * A page is pinged every {@link #KEEP_ALIVE}, so idle-connection limits (the server's and any
 * proxy's) never end a page that only listens; an agent's own messages keep its socket busy.
 * {@code /getstats} follows the server's read access ({@code auth.public-read}).
 */
public final class Platypus implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Platypus.class);
    /** How often a listening page is pinged: its pongs are what keeps the connection from counting as idle. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(30);
    static final String INVALID_SECRET = "invalid secret key";
    static final String NO_SECRET = "no Platypus secret is set on this server (platypus.secret, PLATYPUS_SECRET)";
    static final String TAG = "platypus";

    private final LiveState live;
    private final Topology topology;
    private final WatchpostConfig.Platypus settings;
    private final Optional<byte[]> secret;
    private final Duration keepAlive;
    private final Predicate<Optional<String>> mayRead;
    /** Target id → agent sockets open for it: a host is offline only when its last one closes. */
    private final Map<String, Integer> open = new ConcurrentHashMap<>();
    private final Set<WsSession> sessions = ConcurrentHashMap.newKeySet();
    private final Set<Thread> pages = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;
    private final Predicate<Optional<String>> seesPrivate;

    /**
     * @param mayRead whether a page presenting this API token (or none) may read the hosts: the
     *                server's read access ({@code auth.public-read} or a read token)
     */
    public Platypus(LiveState live, Topology topology, WatchpostConfig.Platypus settings,
                    Predicate<Optional<String>> mayRead) {
        this(live, topology, settings, mayRead, KEEP_ALIVE);
    }

    /** @param keepAlive how often sockets are pinged, so clients that only listen are not closed as idle */
    public Platypus(LiveState live, Topology topology, WatchpostConfig.Platypus settings, Predicate<Optional<String>> mayRead,
                    Duration keepAlive) {
        this(live, topology, settings, mayRead, token -> false, keepAlive);
    }

    /**
     * @param seesPrivate whether a page presenting this API token (or none) sees private hosts too (a
     *                    read token); others see only public ones, as on the other read routes
     */
    public Platypus(LiveState live, Topology topology, WatchpostConfig.Platypus settings, Predicate<Optional<String>> mayRead,
                    Predicate<Optional<String>> seesPrivate, Duration keepAlive) {
        this.mayRead = mayRead;
        this.seesPrivate = seesPrivate;
        this.live = live;
        this.topology = topology;
        this.settings = settings;
        this.secret = settings.secret().map(s -> s.getBytes(StandardCharsets.UTF_8));
        this.keepAlive = keepAlive;
        if (secret.isEmpty()) {
            LOG.debug("event=platypus.agents_refused reason=\"no secret: set PLATYPUS_SECRET to accept Platypus agents on /stats\"");
        }
    }

    /** Adds {@code /stats} and {@code /getstats} to {@code ws}. */
    public WsRouting.Builder routing(WsRouting.Builder ws) {
        return ws.endpoint("/stats", Agent::new).endpoint("/getstats", Page::new);
    }

    /** The {@code /getstats} map now: every target of the Platypus group ({@code all}: private ones too). */
    String stats(boolean all) {
        List<TargetView> hosts = new ArrayList<>();
        live.forEachTarget(v -> {
            if (settings.group().equals(v.groupId()) && (all || live.isPublic(v.id()))) {
                hosts.add(v);
            }
        });
        return StatsMap.json(hosts);
    }

    // ---------------------------------------------------------------- targets

    /** Declares the host's target (and the group) unless it exists; refuses an id taken by another kind. */
    private synchronized void ensure(String id, String hostname) {
        Optional<TargetDef> existing = live.definition(id);
        if (existing.isPresent()) {
            if (existing.get().kind() != TargetKind.PUSH) {
                throw new IllegalStateException("target '" + id + "' exists as a " + existing.get().kind() + " target");
            }
            return;
        }
        String group = settings.group();
        Optional<GroupNode> g = live.group(group);
        if (g.isPresent() && g.get().def().sharded()) {
            throw new IllegalStateException("group '" + group + "' is sharded and cannot hold hosts");
        }
        if (g.isEmpty()) {
            int slash = -1;
            while ((slash = group.indexOf('/', slash + 1)) >= 0) {
                defineGroup(group.substring(0, slash));
            }
            defineGroup(group);
        }
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        spec.put("id", id);
        spec.put("name", hostname);
        spec.put("group", group);
        spec.putArray("tags").add(TAG);
        spec.putObject("push").put("timeout", Durations.format(settings.timeout()));
        topology.putTarget(spec, false);
        LOG.info("event=platypus.host_added host=\"{}\" target={}", hostname, id);
    }

    private void defineGroup(String id) {
        if (live.group(id).isEmpty()) {
            ObjectNode spec = JsonNodeFactory.instance.objectNode();
            spec.put("id", id);
            String leaf = id.substring(id.lastIndexOf('/') + 1);
            spec.put("name", Character.toUpperCase(leaf.charAt(0)) + leaf.substring(1));
            topology.putGroup(spec, false);
        }
    }

    // ---------------------------------------------------------------- /stats

    /** One agent's socket. Helidon calls it from the connection's thread; close may come from another. */
    private final class Agent implements WsListener {
        private final StringBuilder partial = new StringBuilder();
        private String hostname;
        private String target;
        private boolean done;
        private boolean released;

        @Override
        public synchronized void onOpen(WsSession session) {
            sessions.add(session);
            if (secret.isEmpty()) {
                LOG.warn("event=platypus.agent_refused remote={} reason=\"no secret configured\"", remote(session));
                refuse(session, WsCloseCodes.VIOLATED_POLICY, NO_SECRET);
            }
        }

        @Override
        public synchronized void onMessage(WsSession session, String text, boolean last) {
            if (done) {
                return;
            }
            if (!last) {
                partial.append(text);
                return;
            }
            String whole = partial.isEmpty() ? text : partial.append(text).toString();
            partial.setLength(0);
            AgentReport r;
            try {
                r = AgentReport.parse(whole);
            } catch (IllegalArgumentException e) {
                LOG.warn("event=platypus.agent_refused remote={} reason=\"{}\"", remote(session), e.getMessage());
                refuse(session, WsCloseCodes.NOT_CONSISTENT, e.getMessage());
                return;
            }
            if (!r.authentic(secret.get())) {
                LOG.warn("event=platypus.agent_refused remote={} host=\"{}\" reason=\"{}\"", remote(session), r.hostname(),
                        INVALID_SECRET);
                session.send(INVALID_SECRET, true); // what the original answers, before it closes
                refuse(session, WsCloseCodes.VIOLATED_POLICY, INVALID_SECRET);
                return;
            }
            if (target == null) {
                Optional<String> id = AgentReport.targetId(settings.group(), r.hostname());
                if (id.isEmpty()) {
                    refuse(session, WsCloseCodes.VIOLATED_POLICY, "hostname '" + r.hostname() + "' cannot name a target");
                    return;
                }
                try {
                    ensure(id.get(), r.hostname());
                } catch (RuntimeException e) {
                    LOG.warn("event=platypus.agent_refused host=\"{}\" reason=\"{}\"", r.hostname(), e.getMessage());
                    refuse(session, WsCloseCodes.VIOLATED_POLICY, e.getMessage());
                    return;
                }
                hostname = r.hostname();
                target = id.get();
                open.merge(target, 1, Integer::sum);
                LOG.info("event=platypus.agent_connected host=\"{}\" target={} remote={}", hostname, target, remote(session));
            } else if (!hostname.equals(r.hostname())) {
                refuse(session, WsCloseCodes.VIOLATED_POLICY, "one connection, one host: it started as '" + hostname + "'");
                return;
            }
            Observation o = new Observation(Observation.Kind.REPORT, State.ONLINE, r.message(), Double.NaN, r.metrics());
            if (live.observe(target, o) == LiveState.Outcome.UNKNOWN_TARGET) {
                ensure(target, hostname); // removed through the API while its agent kept reporting
                live.observe(target, o);
            }
            session.send("", true); // the original's answer to every good message
        }

        @Override
        public void onClose(WsSession session, int status, String reason) {
            gone(session);
        }

        @Override
        public void onError(WsSession session, Throwable t) {
            gone(session);
        }

        private synchronized void gone(WsSession session) {
            sessions.remove(session);
            done = true;
            release("agent disconnected");
        }

        /** Closes with a reason (cut to the 123 bytes a close frame holds). */
        private void refuse(WsSession session, int code, String reason) {
            done = true;
            release("agent refused: " + reason);
            String r = reason;
            while (r.getBytes(StandardCharsets.UTF_8).length > 123) {
                r = r.substring(0, r.length() - 1);
            }
            session.close(code, r);
        }

        /** This socket no longer speaks for its host; the host is offline when it was the last one. */
        private void release(String why) {
            if (target == null || released) {
                return;
            }
            released = true;
            Integer left = open.compute(target, (k, n) -> n == null || n <= 1 ? null : n - 1);
            if (left == null && !closing) {
                // on our own stop the host's state is left alone: it reconnects, or its lease says so
                live.observe(target, new Observation(Observation.Kind.REPORT, State.OFFLINE, why, Double.NaN, null));
                LOG.info("event=platypus.agent_disconnected host=\"{}\" target={}", hostname, target);
            }
        }
    }

    // ---------------------------------------------------------------- /getstats

    /** One page: a virtual thread sends the map on connect and every interval, and pings between. */
    private final class Page implements WsListener {
        private volatile boolean ended;
        private volatile boolean allowed;
        private volatile boolean all;

        /** A browser cannot set headers on a WebSocket: the token may come as {@code ?token=}, as on the API. */
        @Override
        public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
            Optional<String> token = dev.watchpost.auth.Access.upgradeToken(prologue, headers);
            allowed = mayRead.test(token);
            all = seesPrivate.test(token);
            return Optional.empty();
        }

        @Override
        public void onOpen(WsSession session) {
            if (!allowed) {
                // answered on the socket, where a page can see it, rather than a bare refused upgrade
                session.close(WsCloseCodes.VIOLATED_POLICY, "reads need an API token with scope 'read' (?token=...)");
                return;
            }
            sessions.add(session);
            Thread t = Thread.ofVirtual().name("platypus-getstats").unstarted(() -> run(session));
            pages.add(t);
            t.start();
        }

        private void run(WsSession session) {
            long interval = settings.interval().toNanos();
            long ping = keepAlive.toNanos();
            try {
                long now = System.nanoTime();
                long nextSend = now;
                long nextPing = now + ping;
                while (!ended && !closing) {
                    now = System.nanoTime();
                    if (now - nextSend >= 0) {
                        session.send(stats(all), true);
                        nextSend = now + interval;
                    }
                    // Pinged whatever is sent: what the server writes does not count as activity, only
                    // what it reads (the page's pongs) does.
                    if (now - nextPing >= 0) {
                        session.ping(BufferData.empty());
                        nextPing = now + ping;
                    }
                    long wait = Math.min(nextSend, nextPing) - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(Duration.ofNanos(wait));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.debug("event=platypus.page_closed error=\"{}\"", e.getMessage());
            } finally {
                pages.remove(Thread.currentThread());
            }
        }

        @Override
        public void onMessage(WsSession session, String text, boolean last) {
            // The original reads and ignores what a page sends.
        }

        @Override
        public void onClose(WsSession session, int status, String reason) {
            ended = true;
            sessions.remove(session);
        }

        @Override
        public void onError(WsSession session, Throwable t) {
            ended = true;
            sessions.remove(session);
        }
    }

    private static String remote(WsSession session) {
        try {
            return session.socketContext().remotePeer().host();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /** Closes every socket ("going away"); hosts keep their state. */
    @Override
    public void close() {
        closing = true;
        for (WsSession s : sessions) {
            try {
                s.close(WsCloseCodes.GOING_AWAY, "server stopping");
            } catch (RuntimeException e) {
                // already closed
            }
        }
        pages.forEach(Thread::interrupt);
    }
}
