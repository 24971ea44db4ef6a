package dev.watchpost.jda;

import dev.watchpost.client.State;
import dev.watchpost.client.Watchpost;
import dev.watchpost.client.WatchpostException;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.events.GatewayPingEvent;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.events.StatusChangeEvent;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.events.session.SessionRecreateEvent;
import net.dv8tion.jda.api.events.session.SessionResumeEvent;
import net.dv8tion.jda.api.events.session.ShutdownEvent;
import net.dv8tion.jda.api.hooks.EventListener;
import net.dv8tion.jda.api.sharding.ShardManager;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reports every shard of a JDA bot to Watchpost as the target {@code <group>/<shard id>} of a
 * sharded group: its state from the shard's JDA status, its gateway ping as the latency, and its
 * guild count (and a few other cheap numbers) as metrics. One line:
 *
 * <pre>{@code
 * shardManager.addEventListener(new WatchpostShards(watchpost, "bots/main"));
 * }</pre>
 *
 * <p>Each shard is reported at once when its status changes, on its ready, resume and ping events,
 * and every {@link Builder#every(Duration) every} 10 s from one background thread for all shards,
 * so a shard's lease (30 s by default) runs out only when the bot stops reporting. On the first event
 * of a shard, the group is declared with the shard total, when the client has an admin token; see
 * {@link Builder#declareGroup(boolean)}.
 *
 * <p>The listener never blocks JDA's event threads: events are handed to its own daemon thread, and
 * heartbeats are queued by the {@link Watchpost} client. {@link #close()} stops the thread; the
 * client is the caller's to close.
 */
public final class WatchpostShards implements EventListener, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(WatchpostShards.class.getName());
    /** The server's answer to a group declared before its parent. */
    private static final Pattern MISSING_PARENT = Pattern.compile("parent group '([^']+)' does not exist");

    private final Watchpost client;
    private final String group;
    private final String name;
    private final Duration lease;
    private final boolean declare;
    private final ScheduledExecutorService timer;
    /** By shard id; written only on the timer thread, read by JDA's event threads to spot a new shard. */
    private final ConcurrentMap<Integer, Shard> shards = new ConcurrentHashMap<>();
    // timer thread only
    private int declaredTotal;
    private boolean declareRefused;
    private boolean declareFailureLogged;
    private volatile boolean closed;

    /** Reports the shards as {@code group/0 .. group/(total-1)} with the defaults of {@link Builder}. */
    public WatchpostShards(Watchpost client, String group) {
        this(builder(client, group));
    }

    private WatchpostShards(Builder b) {
        this.client = b.client;
        this.group = b.group;
        this.name = b.name;
        this.lease = b.lease;
        this.declare = b.declare;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "watchpost-shards");
            t.setDaemon(true);
            return t;
        });
        long every = b.every.toMillis();
        timer.scheduleAtFixedRate(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    public static Builder builder(Watchpost client, String group) {
        return new Builder(client, group);
    }

    /** The target id of shard {@code shardId}: {@code group/shardId}, as the server names a sharded group's shards. */
    public String target(int shardId) {
        return group + "/" + shardId;
    }

    @Override
    public void onEvent(GenericEvent event) {
        if (closed) {
            return;
        }
        if (!reported(event) && isTracked(event.getJDA())) {
            return;
        }
        try {
            timer.execute(() -> handle(event));
        } catch (RejectedExecutionException closedMeanwhile) {
            // close() ran between the check and here: nothing more is reported
        }
    }

    /** The events a shard is reported on at once. */
    private static boolean reported(GenericEvent event) {
        return event instanceof StatusChangeEvent || event instanceof ShutdownEvent
                || event instanceof ReadyEvent || event instanceof GatewayPingEvent
                || event instanceof SessionResumeEvent || event instanceof SessionRecreateEvent;
    }

    private boolean isTracked(JDA jda) {
        Shard s = shards.get(jda.getShardInfo().getShardId());
        return s != null && s.jda == jda;
    }

    /** Stops the background thread: nothing more is reported. Does not close the client. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        try {
            // a report under way finishes before the caller goes on to close the client
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(GenericEvent event) {
        try {
            boolean known = isTracked(event.getJDA());
            Shard s = track(event.getJDA());
            if (s == null || (known && !reported(event))) {
                // another kind of event only introduces a shard not seen yet: many may be queued before the first is handled
                return;
            }
            if (event instanceof ShutdownEvent) {
                // the JDA instance is finished: a restarted shard comes back as a new one
                s.status = JDA.Status.SHUTDOWN;
                report(s, "shut down, close code " + ((ShutdownEvent) event).getCode());
                s.stopped = true;
                return;
            }
            if (event instanceof StatusChangeEvent) {
                s.status = ((StatusChangeEvent) event).getNewStatus();
            }
            report(s, null);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Watchpost: could not report a shard of " + group, e);
        }
    }

    private void tick() {
        try {
            if (!shards.isEmpty()) {
                // a declaration that found no server earlier goes before the reports that need it
                declare(shards.values().iterator().next().jda);
            }
            for (Shard s : shards.values()) {
                if (!s.stopped) {
                    report(s, null);
                }
            }
        } catch (RuntimeException e) {
            // a thrown exception would cancel the schedule: log it and go on
            LOG.log(System.Logger.Level.WARNING, "Watchpost: could not report the shards of " + group, e);
        }
    }

    /** The shard of this JDA instance, made (with its manager's other shards) when new; null when it has shut down. */
    private Shard track(JDA jda) {
        int id = jda.getShardInfo().getShardId();
        Shard s = shards.get(id);
        if (s != null && s.jda == jda) {
            return s.stopped ? null : s;
        }
        JDA.Status status = jda.getStatus();
        if (s != null && (status == JDA.Status.SHUTTING_DOWN || status == JDA.Status.SHUTDOWN)) {
            // the last events of an instance the ShardManager has already replaced (a shard restart)
            return null;
        }
        s = new Shard(id, jda);
        shards.put(id, s);
        ShardManager manager = jda.getShardManager();
        if (manager != null) {
            for (JDA other : manager.getShards()) {
                shards.computeIfAbsent(other.getShardInfo().getShardId(), n -> new Shard(n, other));
            }
        }
        declare(jda);
        return s;
    }

    /** Declares the group with the shard total once per total seen (synchronous: on the timer thread, before the shard's first report). */
    private void declare(JDA jda) {
        if (!declare || declareRefused) {
            return;
        }
        ShardManager manager = jda.getShardManager();
        int total = manager != null ? manager.getShardsTotal() : jda.getShardInfo().getShardTotal();
        if (total == declaredTotal || total < 1) {
            return;
        }
        try {
            declareCreatingParents(() -> client.declareShardedGroup(group, name, total, lease), 0);
            declaredTotal = total;
            LOG.log(System.Logger.Level.INFO, "Watchpost: declared the sharded group " + group + " with " + total + " shards");
        } catch (WatchpostException e) {
            if (e.status() == 409) {
                // declared in the server's config file, which wins: its shards are there
                declaredTotal = total;
                LOG.log(System.Logger.Level.INFO, "Watchpost: the group " + group + " is declared in the server's config file; not declaring it");
            } else if (e.status() >= 400 && e.status() < 500) {
                // no admin token (401/403) or a declaration the server refuses: asking again would not help
                declareRefused = true;
                LOG.log(System.Logger.Level.INFO, "Watchpost: the group " + group + " was not declared (" + e.getMessage()
                        + "); declare it in the server's config file or give the client an admin token");
            } else if (!declareFailureLogged) {
                // no answer or a 5xx: tried again on the next tick
                declareFailureLogged = true;
                LOG.log(System.Logger.Level.WARNING, "Watchpost: could not declare the group " + group + " yet (" + e.getMessage() + "); trying again");
            }
        }
    }

    /**
     * Runs {@code declaration}; when the server answers that a parent group is missing, creates that
     * group (plain, named as its id) and tries again. Only a group the server said is missing is
     * created, so an existing group is never replaced.
     */
    private void declareCreatingParents(Runnable declaration, int depth) {
        try {
            declaration.run();
        } catch (WatchpostException e) {
            Matcher missing = e.status() == 400 && e.error() != null ? MISSING_PARENT.matcher(e.error()) : null;
            if (missing == null || !missing.find() || depth >= 32) {
                throw e;
            }
            String parent = missing.group(1);
            declareCreatingParents(() -> client.declareGroup(Map.of("id", parent)), depth + 1);
            LOG.log(System.Logger.Level.INFO, "Watchpost: created the missing parent group " + parent + " of " + group);
            declaration.run();
        }
    }

    private void report(Shard s, String message) {
        if (s.status == JDA.Status.CONNECTED) {
            s.connectedBefore = true;
        }
        State state = ShardStates.of(s.status, s.connectedBefore);
        long ping = s.jda.getGatewayPing();
        Map<String, Long> metrics = new LinkedHashMap<>();
        // sizes of JDA's caches: constant time
        metrics.put("guilds", s.jda.getGuildCache().size());
        metrics.put("unavailable_guilds", (long) s.jda.getUnavailableGuilds().size());
        metrics.put("users", s.jda.getUserCache().size());
        client.heartbeat(target(s.id), state, ping >= 0 ? Duration.ofMillis(ping) : null, metrics,
                message != null ? message : "JDA status " + s.status);
    }

    /** One shard's JDA instance and what its events said; touched only on the timer thread. */
    private static final class Shard {
        final int id;
        final JDA jda;
        JDA.Status status;
        boolean connectedBefore;
        boolean stopped;

        Shard(int id, JDA jda) {
            this.id = id;
            this.jda = jda;
            this.status = jda.getStatus();
        }
    }

    /** Settings; {@link #build()} makes the listener. */
    public static final class Builder {
        private final Watchpost client;
        private final String group;
        private String name;
        private Duration every = Duration.ofSeconds(10);
        private Duration lease = Duration.ofSeconds(30);
        private boolean declare = true;

        private Builder(Watchpost client, String group) {
            this.client = Objects.requireNonNull(client, "client");
            if (group == null || group.isEmpty() || group.startsWith("/") || group.endsWith("/")) {
                throw new IllegalArgumentException("a group id such as \"bots/main\" is required, not " + group);
            }
            this.group = group;
        }

        /** The group's display name when it is declared (default: the id). */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** How often every shard is reported besides its events (default 10 s); keep it well under the lease. */
        public Builder every(Duration every) {
            if (every == null || every.toMillis() < 1) {
                throw new IllegalArgumentException("every must be at least 1 ms, not " + every);
            }
            this.every = every;
            return this;
        }

        /** The shards' lease when the group is declared (default 30 s, the server's default): a shard silent this long is unhealthy. */
        public Builder lease(Duration lease) {
            if (lease == null || lease.getSeconds() < 1) {
                throw new IllegalArgumentException("lease must be at least 1 s, not " + lease);
            }
            this.lease = lease;
            return this;
        }

        /** Whether to declare the group with the shard total on the first event (default true; needs an admin token on the client). */
        public Builder declareGroup(boolean declare) {
            this.declare = declare;
            return this;
        }

        public WatchpostShards build() {
            if (declare && every.compareTo(lease) >= 0) {
                throw new IllegalArgumentException("every (" + every + ") must be shorter than the lease (" + lease + ")");
            }
            return new WatchpostShards(this);
        }
    }
}
