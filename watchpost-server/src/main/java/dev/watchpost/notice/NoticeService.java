package dev.watchpost.notice;

import dev.watchpost.live.Held;
import dev.watchpost.live.LiveState;
import dev.watchpost.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Notices: incidents and maintenance windows that operators post, and what the windows do to
 * targets.
 *
 * <p><b>Maintenance.</b> While a window is open ({@code start <= now < end}) every affected target —
 * those named, and every target in a named group — is held in the live state
 * ({@link LiveState#hold}, holder {@code notice:<id>}): it shows {@code maintenance} with the message
 * {@code maintenance: <title>}, and returns to whatever its reports say when the window closes. The
 * clock decides: a tick each second reconciles the holds when a window opens or closes or a notice
 * changed, and every {@link #FULL_EVERY} while a window is open (targets created meanwhile). Windows
 * are in the database and holds in the checkpoints, so a restart resumes them; call {@link #start()}
 * before the live state starts, so holds still wanted are claimed before the others are released.
 *
 * <p><b>Reads</b> come from an immutable list of the notices that are open or finished within
 * {@link #KEPT}, swapped after every write: the status page can ask for the board on every request.
 * Writes are rare and serialised by one lock.
 */
public final class NoticeService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NoticeService.class);

    /** Finished notices kept in memory for boards (the recent list is at most this long ago). */
    static final Duration KEPT = Duration.ofDays(90);
    static final Duration FULL_EVERY = Duration.ofSeconds(15);
    static final int MAX_TITLE = 200;
    static final int MAX_MESSAGE = 10_000;
    static final int MAX_TARGETS = 1_000;
    static final Duration MAX_WINDOW = Duration.ofDays(366);
    private static final String HOLDER = "notice:";

    /** No notice with that id. */
    public static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(long id) {
            super("no notice " + id, null, false, false);
        }
    }

    private final NoticeStore store;
    private final LiveState live;
    private final Clock clock;
    private final Object writes = new Object();
    private volatile List<Notice> kept;
    /** target id → holder → message this service holds it with: replaced (never changed) under {@link #writes}. */
    private volatile Map<String, Map<String, String>> applied = new HashMap<>();
    private volatile boolean dirty = true;
    private volatile Instant nextChange;
    private volatile Instant lastFull = Instant.EPOCH;
    private ScheduledExecutorService ticker;

    public NoticeService(Database db, LiveState live, Clock clock) {
        this.store = new NoticeStore(db);
        this.live = live;
        this.clock = clock;
        reload();
    }

    // ---------------------------------------------------------------- reads

    /**
     * What a status page shows at {@code now}: current notices (open incidents, maintenance in
     * progress and scheduled) and those finished within {@code recent} (at most 90 days). Lock-free.
     */
    public NoticeBoard board(Instant now, Duration recent) {
        Duration r = recent.compareTo(KEPT) > 0 ? KEPT : recent;
        return Windows.board(kept, now, now.minus(r));
    }

    /** One notice, from memory when recent, else from the database. */
    public Optional<Notice> notice(long id) {
        for (Notice n : kept) {
            if (n.id() == id) {
                return Optional.of(n);
            }
        }
        return store.find(id);
    }

    /** Every notice open or finished within the last 90 days, newest first (the dashboard's list). */
    public List<Notice> recentNotices() {
        List<Notice> all = new ArrayList<>(kept);
        all.sort(java.util.Comparator.comparingLong(Notice::id).reversed());
        return all;
    }

    /** The clock notices are judged by. */
    public Instant now() {
        return clock.instant();
    }

    // ---------------------------------------------------------------- writes

    /**
     * Posts a notice with its first update.
     *
     * @throws IllegalArgumentException naming the field ({@code title: ...}) when the draft is invalid
     */
    public Notice create(NoticeDraft d) {
        String title = title(d.title());
        String message = message(d.message());
        Instant now = clock.instant();
        synchronized (writes) {
            List<String> targets = targets(d.targets());
            long id;
            if (d.kind() == NoticeKind.INCIDENT) {
                if (d.startsAt().isPresent() || d.endsAt().isPresent()) {
                    throw new IllegalArgumentException("starts_at: only maintenance has a window; an incident starts when posted");
                }
                NoticeStatus status = d.status().orElse(NoticeStatus.INVESTIGATING);
                requireIncidentStatus(status);
                id = store.insert(NoticeKind.INCIDENT, title, status, targets, now,
                        status == NoticeStatus.RESOLVED ? Optional.of(now) : Optional.empty(), now, Optional.of(status), message);
            } else {
                if (d.status().isPresent()) {
                    throw new IllegalArgumentException("status: a maintenance window's status follows its start and end");
                }
                Instant start = d.startsAt().orElseThrow(() -> new IllegalArgumentException("starts_at is required for maintenance"));
                Instant end = d.endsAt().orElseThrow(() -> new IllegalArgumentException("ends_at is required for maintenance"));
                window(start, end);
                id = store.insert(NoticeKind.MAINTENANCE, title, NoticeStatus.SCHEDULED, targets, start, Optional.of(end),
                        now, Optional.empty(), message);
            }
            changed();
            LOG.info("event=notice.created id={} kind={}", id, d.kind().id());
            return notice(id).orElseThrow();
        }
    }

    /**
     * Changes a notice's title, targets or (maintenance) window.
     *
     * @throws NotFound                 when there is no such notice
     * @throws IllegalArgumentException naming the field when a value is invalid
     */
    public Notice change(long id, NoticeChange c) {
        synchronized (writes) {
            Notice n = notice(id).orElseThrow(() -> new NotFound(id));
            String title = c.title().isPresent() ? title(c.title().get()) : n.title();
            List<String> targets = c.targets().isPresent() ? targets(c.targets().get()) : n.targets();
            Instant start = n.startsAt();
            Optional<Instant> end = n.endsAt();
            if (c.startsAt().isPresent() || c.endsAt().isPresent()) {
                if (n.kind() != NoticeKind.MAINTENANCE) {
                    throw new IllegalArgumentException("starts_at: only maintenance has a window; an incident ends when resolved");
                }
                start = c.startsAt().orElse(start);
                end = Optional.of(c.endsAt().orElse(end.orElseThrow()));
                window(start, end.get());
            }
            store.update(id, title, n.status(), targets, start, end, clock.instant());
            changed();
            return notice(id).orElseThrow();
        }
    }

    /**
     * Posts an update. On an incident, {@code status} sets its status (resolved ends it; any other
     * reopens it); without one it keeps its status. Maintenance updates take no status.
     *
     * @throws NotFound                 when there is no such notice
     * @throws IllegalArgumentException when the message is missing or the status does not fit the kind
     */
    public Notice addUpdate(long id, Optional<NoticeStatus> status, String message) {
        String text = message(message);
        synchronized (writes) {
            Notice n = notice(id).orElseThrow(() -> new NotFound(id));
            Instant now = clock.instant();
            NoticeStatus next = n.status();
            Optional<Instant> end = n.endsAt();
            if (status.isPresent()) {
                if (n.kind() != NoticeKind.INCIDENT) {
                    throw new IllegalArgumentException("status: a maintenance window's status follows its start and end; "
                            + "change ends_at to end it early");
                }
                requireIncidentStatus(status.get());
                next = status.get();
                if (next == NoticeStatus.RESOLVED) {
                    end = n.status() == NoticeStatus.RESOLVED ? end : Optional.of(now);
                } else {
                    end = Optional.empty();
                }
            }
            store.addUpdate(id, now, status, text, next, end);
            changed();
            return notice(id).orElseThrow();
        }
    }

    /** Deletes a notice and its updates (a window's holds end). False when there was none. */
    public boolean delete(long id) {
        synchronized (writes) {
            boolean gone = store.delete(id);
            if (gone) {
                changed();
                LOG.info("event=notice.deleted id={}", id);
            }
            return gone;
        }
    }

    private void changed() {
        reload();
        dirty = true;
        reconcile(); // at once, so the answer to the write already shows the targets held or released
        changes.changed(dev.watchpost.store.ChangeFeed.Kind.NOTICES, "*");
    }

    private volatile dev.watchpost.store.ChangeFeed changes = dev.watchpost.store.ChangeFeed.NONE;

    /** Cluster mode: the other nodes hear of every notice changed through this node. */
    public void publishChangesTo(dev.watchpost.store.ChangeFeed changes) {
        this.changes = java.util.Objects.requireNonNull(changes, "changes");
    }

    /**
     * Another node changed a notice: read them again and hold or release targets as its windows say
     * (the owner of each target records the hold; the others' copies follow its transitions).
     */
    public void reloadFromStore() {
        synchronized (writes) {
            reload();
            dirty = true;
            reconcile();
        }
    }

    private void reload() {
        kept = List.copyOf(store.openOrFinishedSince(clock.instant().minus(KEPT)));
    }

    // ---------------------------------------------------------------- validation

    private static String title(String raw) {
        String t = raw == null ? "" : raw.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("title is required");
        }
        if (t.length() > MAX_TITLE) {
            throw new IllegalArgumentException("title: at most " + MAX_TITLE + " characters (got " + t.length() + ")");
        }
        return t;
    }

    private static String message(String raw) {
        String m = raw == null ? "" : raw.strip();
        if (m.isEmpty()) {
            throw new IllegalArgumentException("message is required");
        }
        if (m.length() > MAX_MESSAGE) {
            throw new IllegalArgumentException("message: at most " + MAX_MESSAGE + " characters (got " + m.length() + ")");
        }
        return m;
    }

    private List<String> targets(List<String> raw) {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            String id = raw.get(i) == null ? "" : raw.get(i).strip();
            if (id.isEmpty()) {
                continue;
            }
            if (live.target(id).isEmpty() && live.group(id).isEmpty()) {
                throw new IllegalArgumentException("targets[" + i + "]: no target or group '" + id + "'");
            }
            out.add(id);
        }
        if (out.size() > MAX_TARGETS) {
            throw new IllegalArgumentException("targets: at most " + MAX_TARGETS + " (name a group instead)");
        }
        return List.copyOf(out);
    }

    /** Times a window may name: stored as epoch milliseconds, shown as four-digit years. */
    private static final Instant EARLIEST = Instant.EPOCH;
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private static void window(Instant start, Instant end) {
        if (start.isBefore(EARLIEST) || start.isAfter(LATEST)) {
            throw new IllegalArgumentException("starts_at: must lie between the years 1970 and 9999");
        }
        if (end.isBefore(EARLIEST) || end.isAfter(LATEST)) {
            throw new IllegalArgumentException("ends_at: must lie between the years 1970 and 9999");
        }
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("ends_at must be after starts_at");
        }
        if (Duration.between(start, end).compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("ends_at: a window is at most 366 days long");
        }
    }

    private static void requireIncidentStatus(NoticeStatus s) {
        if (!NoticeStatus.INCIDENT.contains(s)) {
            throw new IllegalArgumentException("status: an incident is investigating, identified, monitoring or resolved (got '"
                    + s.id() + "')");
        }
    }

    // ---------------------------------------------------------------- maintenance holds

    /**
     * Holds the targets of every open window and releases the rest. Call before the live state
     * starts (claims the holds a restart restored), then ticks keep it current.
     */
    public void start() {
        reconcile();
        ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("watchpost-notices").daemon(true).factory());
        ticker.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** Reconciles when a window opened or closed, a notice changed, or a full pass is due. */
    void tick() {
        try {
            Instant now = clock.instant();
            Instant next = nextChange;
            boolean due = dirty || (next != null && !now.isBefore(next))
                    || (!applied.isEmpty() && !now.isBefore(lastFull.plus(FULL_EVERY)));
            if (due) {
                reconcile();
            }
        } catch (RuntimeException e) {
            LOG.error("event=notice.tick_failed error=\"{}\"", e.getMessage(), e);
        }
    }

    /** Makes the holds match the windows open now. Package-private: tests drive it with their clock. */
    void reconcile() {
        synchronized (writes) {
            Instant now = clock.instant();
            dirty = false;
            lastFull = now;
            List<Notice> notices = kept;
            Map<String, Map<String, String>> wanted = new LinkedHashMap<>();
            for (Notice n : Windows.active(notices, now)) {
                String holder = HOLDER + n.id();
                String message = "maintenance: " + n.title();
                for (String target : expand(n.targets())) {
                    wanted.computeIfAbsent(target, t -> new LinkedHashMap<>()).put(holder, message);
                }
            }
            for (Map.Entry<String, Map<String, String>> e : applied.entrySet()) {
                Map<String, String> still = wanted.getOrDefault(e.getKey(), Map.of());
                for (String holder : e.getValue().keySet()) {
                    if (!still.containsKey(holder)) {
                        live.release(e.getKey(), holder, "maintenance ended");
                    }
                }
            }
            for (Map.Entry<String, Map<String, String>> e : wanted.entrySet()) {
                Map<String, String> before = applied.getOrDefault(e.getKey(), Map.of());
                Optional<Held> held = live.held(e.getKey());
                for (Map.Entry<String, String> h : e.getValue().entrySet()) {
                    // Held again when the target lost the hold (removed and created again, restored)
                    // or the title changed; otherwise left alone, so a full pass writes nothing.
                    if (held.isEmpty() || !held.get().holders().contains(h.getKey())
                            || !h.getValue().equals(before.get(h.getKey()))) {
                        live.hold(e.getKey(), h.getKey(), h.getValue());
                    }
                }
            }
            Map<String, Map<String, String>> next = wanted;
            applied = next;
            nextChange = Windows.nextChange(notices, now).orElse(null);
        }
    }

    /** Target ids a notice's list stands for: targets as named, groups as every target in them (nested too). */
    private List<String> expand(List<String> ids) {
        Set<String> out = new LinkedHashSet<>();
        List<String> groups = new ArrayList<>();
        for (String id : ids) {
            if (live.target(id).isPresent()) {
                out.add(id);
            } else if (live.group(id).isPresent()) {
                groups.add(id);
            }
        }
        if (!groups.isEmpty()) {
            live.forEachTarget(v -> {
                if (v.groupId() != null) {
                    for (String g : groups) {
                        if (v.groupId().equals(g) || v.groupId().startsWith(g + "/")) {
                            out.add(v.id());
                            break;
                        }
                    }
                }
            });
        }
        return List.copyOf(out);
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }
}
