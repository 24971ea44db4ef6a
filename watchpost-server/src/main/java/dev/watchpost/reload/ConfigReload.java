package dev.watchpost.reload;

import dev.watchpost.alert.AlertEngine;
import dev.watchpost.config.ConfigException;
import dev.watchpost.config.ConfigLoader;
import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.targets.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Applies an edited config file without a restart: when the file changes (looked at every
 * {@link #WATCH_EVERY}), on {@code SIGHUP}, or when an operator asks ({@code POST
 * /api/v1/config/reload}). Groups, targets (probes included), channels and rules (digests included)
 * are added, changed and removed in place; targets that stay keep their live state and history. A
 * new file is checked whole first: an invalid one is refused with the usual one-line error (in the
 * log and on {@code GET /api/v1/config/status}) and the running configuration stays. The other
 * sections (port, storage, tokens, …) need a restart, which a reload that changes them says.
 *
 * <p>Looking at the file's content (a hash, every two seconds) rather than a file-system watch: an
 * editor that replaces the file, a symlink swapped by a deployment tool or a bind mount updated from
 * outside all show, where a directory watch misses some; two seconds of a small read is nothing.
 */
public final class ConfigReload implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);
    static final Duration WATCH_EVERY = Duration.ofSeconds(2);

    /** What asked for a reload. */
    public enum Trigger { FILE, SIGHUP, API }

    /**
     * What a reload changed, or would change: ids per kind.
     *
     * @param restartNeeded sections of the file that changed but apply only at a restart
     */
    public record Changes(Topology.ConfigChanges topology, AlertEngine.ConfigChanges alerts, List<String> restartNeeded) {
        public Changes {
            Objects.requireNonNull(topology, "topology");
            Objects.requireNonNull(alerts, "alerts");
            restartNeeded = List.copyOf(restartNeeded);
        }

        public boolean none() {
            return topology.none() && alerts.added().isEmpty() && alerts.changed().isEmpty() && alerts.removed().isEmpty();
        }

        /** One line for the log: {@code targets_added=[web/a] rules_changed=[ops] …}, only what changed. */
        String describe() {
            List<String> parts = new ArrayList<>();
            part(parts, "groups_added", topology.groupsAdded());
            part(parts, "groups_changed", topology.groupsChanged());
            part(parts, "groups_removed", topology.groupsRemoved());
            part(parts, "targets_added", topology.targetsAdded());
            part(parts, "targets_changed", topology.targetsChanged());
            part(parts, "targets_removed", topology.targetsRemoved());
            part(parts, "alerts_added", alerts.added());
            part(parts, "alerts_changed", alerts.changed());
            part(parts, "alerts_removed", alerts.removed());
            part(parts, "restart_needed", restartNeeded);
            return parts.isEmpty() ? "nothing" : String.join(" ", parts);
        }

        private static void part(List<String> parts, String name, List<String> ids) {
            if (!ids.isEmpty()) {
                List<String> shown = ids.size() <= 20 ? ids : ids.subList(0, 20);
                parts.add(name + "=[" + String.join(",", shown) + (ids.size() > 20 ? ",+" + (ids.size() - 20) + " more" : "") + "]");
            }
        }
    }

    /**
     * Where reloads stand.
     *
     * @param file        the config file, when there is one
     * @param appliedAt   when the configuration in force was read (the start, or the last reload that applied)
     * @param attemptedAt the last reload tried, if any
     * @param trigger     what asked for it
     * @param ok          whether that one applied (true before any)
     * @param error       why it was refused
     * @param last        what the last applied reload changed
     */
    public record Status(Optional<Path> file, Instant appliedAt, Optional<Instant> attemptedAt, Optional<Trigger> trigger,
                         boolean ok, Optional<String> error, Optional<Changes> last) {
    }

    /** A reload's answer: what changed (or would), or why the file was refused. */
    public record Result(Optional<Changes> changes, Optional<String> error) {
    }

    private final Topology topology;
    private final AlertEngine alerts;
    private final Clock clock;
    private volatile WatchpostConfig current;
    private volatile java.util.function.Consumer<WatchpostConfig> applied = c -> { };
    private volatile Status status;
    private volatile byte[] seen; // the file's hash when last read
    private ScheduledExecutorService watcher;

    public ConfigReload(WatchpostConfig config, Topology topology, AlertEngine alerts, Clock clock) {
        this.current = Objects.requireNonNull(config, "config");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.status = new Status(config.source().file(), clock.instant(), Optional.empty(), Optional.empty(), true,
                Optional.empty(), Optional.empty());
    }

    /** Told the configuration in force after each reload that applied (cluster mode: the node's digest). */
    public void onApplied(java.util.function.Consumer<WatchpostConfig> listener) {
        this.applied = Objects.requireNonNull(listener, "listener");
    }

    /** Watches the file and listens for {@code SIGHUP}; without a config file there is nothing to reload. */
    public synchronized void start() {
        Optional<Path> file = current.source().file();
        if (file.isEmpty() || watcher != null) {
            return;
        }
        seen = hash(file.get()).orElse(null);
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "watchpost-config-watch");
            t.setDaemon(true);
            return t;
        });
        long every = WATCH_EVERY.toMillis();
        watcher.scheduleWithFixedDelay(this::look, every, every, TimeUnit.MILLISECONDS);
        Signals.onHangUp(() -> watcher.execute(() -> reload(Trigger.SIGHUP)));
        LOG.info("event=config.watching file={} hint=\"edits apply without a restart; kill -HUP applies at once\"", file.get());
    }

    private void look() {
        try {
            Optional<byte[]> now = hash(current.source().file().orElseThrow());
            if (now.isPresent() && !Arrays.equals(now.get(), seen)) {
                seen = now.get();
                reload(Trigger.FILE);
            }
        } catch (RuntimeException e) {
            LOG.error("event=config.watch_failed error=\"{}\"", e.toString(), e);
        }
    }

    /** Where reloads stand. */
    public Status status() {
        return status;
    }

    /** Reads the config file again and applies it, or refuses it whole. */
    public synchronized Result reload(Trigger trigger) {
        Instant now = clock.instant();
        // What is read now counts as seen: a reload by signal or API is not followed by the watcher's.
        current.source().file().flatMap(ConfigReload::hash).ifPresent(h -> seen = h);
        WatchpostConfig next;
        Changes changes;
        try {
            next = ConfigLoader.reload(current.source());
            AlertEngine.PreparedConfig alertsNext = alerts.prepareConfig(next.alerts()); // checks the alerts whole
            List<String> restart = restartNeeded(current, next);
            Topology.ConfigChanges topologyChanges = topology.reloadConfig(next.declarations()); // checked whole, then applied
            changes = new Changes(topologyChanges, alerts.applyConfig(alertsNext), restart);
        } catch (ConfigException e) {
            LOG.error("event=config.reload_refused trigger={} error=\"{}\" hint=\"the running configuration stays; fix "
                    + "the file and save it again\"", trigger.name().toLowerCase(java.util.Locale.ROOT), e.getMessage());
            status = new Status(status.file(), status.appliedAt(), Optional.of(now), Optional.of(trigger), false,
                    Optional.of(e.getMessage()), status.last());
            return new Result(Optional.empty(), Optional.of(e.getMessage()));
        }
        current = current.withReloaded(next);
        applied.accept(current);
        status = new Status(status.file(), now, Optional.of(now), Optional.of(trigger), true, Optional.empty(),
                Optional.of(changes));
        LOG.info("event=config.reloaded trigger={} {}", trigger.name().toLowerCase(java.util.Locale.ROOT), changes.describe());
        if (!changes.restartNeeded().isEmpty()) {
            LOG.warn("event=config.restart_needed sections={} hint=\"these sections apply at the next restart\"",
                    changes.restartNeeded());
        }
        return new Result(Optional.of(changes), Optional.empty());
    }

    /**
     * What a reload with these declarations (another copy of the file, read by {@code watchpost
     * check}) would change here, applying nothing; sections other than the declarations are not
     * compared (the copy's are not sent).
     */
    public synchronized Result check(WatchpostConfig.Declarations declared, List<com.fasterxml.jackson.databind.JsonNode> channels,
                                     List<com.fasterxml.jackson.databind.JsonNode> rules) {
        try {
            AlertEngine.ConfigChanges a = alerts.prepareConfig(new WatchpostConfig.Alerts(current.alerts().startupGrace(), channels,
                    rules)).changes();
            return new Result(Optional.of(new Changes(topology.diffConfig(declared), a, List.of())), Optional.empty());
        } catch (ConfigException e) {
            return new Result(Optional.empty(), Optional.of(e.getMessage()));
        }
    }

    /** Sections other than the declarations and alerts that differ: they apply at a restart. */
    static List<String> restartNeeded(WatchpostConfig a, WatchpostConfig b) {
        List<String> out = new ArrayList<>();
        section(out, "server", a.server(), b.server());
        section(out, "storage", a.storage(), b.storage());
        section(out, "auth", a.auth(), b.auth());
        section(out, "logging", a.logging(), b.logging());
        section(out, "glance", a.glance(), b.glance());
        section(out, "argus", a.argus(), b.argus());
        section(out, "probes", a.probes(), b.probes());
        section(out, "platypus", a.platypus(), b.platypus());
        section(out, "cluster", a.cluster(), b.cluster());
        section(out, "status-page", a.statusPage(), b.statusPage());
        if (!a.alerts().startupGrace().equals(b.alerts().startupGrace())) {
            out.add("alerts.startup-grace");
        }
        return out;
    }

    private static void section(List<String> out, String name, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            out.add(name);
        }
    }

    private static Optional<byte[]> hash(Path file) {
        try {
            return Optional.of(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            return Optional.empty(); // being replaced, or gone for a moment: looked at again next time
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }
}
