package dev.watchpost.manual;

import dev.watchpost.live.TargetKind;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.Observation;
import dev.watchpost.live.Severity;
import dev.watchpost.live.State;
import dev.watchpost.store.Database;
import dev.watchpost.targets.TargetDecl;
import dev.watchpost.targets.Topology;
import dev.watchpost.targets.TopologyListener;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Manual targets: the status catalog, the events operators record, and the live state those
 * events set.
 *
 * <p><b>Events and state.</b> Recording an event writes it to the database, then reports the
 * status's state ({@link ManualStatus#state()}) with the event's message to the live state, so the
 * target's state, message and transitions follow its newest event like any other report. An
 * <em>informational</em> event is stored and listed but changes nothing: it is a note ("we are
 * still looking into it"), not a change of status, and it is never the current event. After a
 * restart the live state's own checkpoints restore the state; the events are the history.
 *
 * <p><b>Statuses.</b> A catalog of slugs, each with a severity: {@code ok} → Online, {@code warn}
 * → Degraded, {@code bad} → Down, {@code maintenance} → Maintenance. Exactly one is the default
 * (Stashboard's {@code up} at first). A status used by events cannot be deleted, nor can its
 * severity change (the states already set from it would no longer match it); the default cannot
 * be deleted.
 *
 * <p><b>Service lists.</b> Named groups of manual targets (Stashboard's lists), presentation only. A
 * target is in at most one; it leaves its list when it is deleted or stops being manual, and every
 * target leaves a list that is deleted.
 *
 * <p><b>Threading.</b> Reads are lock-free (an immutable catalog swapped on change, a concurrent
 * map of current events). Writes — rare, made by people — are serialised by one lock, so a
 * target's events reach the live state in the order they were stored and a status cannot be
 * deleted while an event using it is being recorded. The lock is never held while calling into
 * {@link Topology}'s synchronized methods; topology callbacks take it after the topology's lock.
 */
public final class ManualService implements TopologyListener {

    /** The target, status or event does not exist. */
    public static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message, null, false, false);
        }
    }

    /** The change contradicts what exists (a duplicate, a status in use, a target of another kind). */
    public static final class Conflict extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Conflict(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The fields of a status to create or change; an empty field was not given (a change keeps the
     * old value, a creation uses the default: empty description, no image, severity {@code ok} (as
     * Stashboard's new statuses were NORMAL), not the default status).
     */
    public record StatusFields(Optional<String> name, Optional<String> description, Optional<String> image,
                               Optional<Severity> severity, Optional<Boolean> isDefault) {
        public StatusFields {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(severity, "severity");
            Objects.requireNonNull(isDefault, "isDefault");
        }
    }

    private final ManualStore store;
    private final LiveState live;
    private final Topology topology;
    private final Clock clock;
    private final Object writes = new Object();
    /** Immutable, in catalog order (built-in statuses, then by creation); swapped under {@link #writes}. */
    private volatile Map<String, ManualStatus> catalog;
    /** Each manual target's newest non-informational event. */
    private final ConcurrentHashMap<String, ManualEvent> current = new ConcurrentHashMap<>();
    /** Targets with any event, so topology callbacks know whose events to drop without asking the database. */
    private final Set<String> withEvents = ConcurrentHashMap.newKeySet();
    /** Immutable, by name; swapped under {@link #writes}. */
    private volatile Map<String, ServiceList> lists;
    /** Each target in a list → the list's slug. */
    private final ConcurrentHashMap<String, String> members = new ConcurrentHashMap<>();

    /**
     * Loads the catalog and the current events. Register it with {@link Topology#addListener} before
     * the topology loads, so events of targets that stopped being manual are dropped.
     */
    public ManualService(Database db, LiveState live, Topology topology, Clock clock) {
        this.store = new ManualStore(db);
        this.live = live;
        this.topology = topology;
        this.clock = clock;
        this.catalog = index(store.statuses());
        this.current.putAll(store.currentEvents());
        this.withEvents.addAll(store.targetsWithEvents());
        this.lists = indexLists(store.lists());
        this.members.putAll(store.members());
    }

    // ---------------------------------------------------------------- catalog

    /** Every status, built-in ones first, then in the order they were created. */
    public List<ManualStatus> statuses() {
        return List.copyOf(catalog.values());
    }

    public Optional<ManualStatus> status(String slug) {
        return Optional.ofNullable(catalog.get(slug));
    }

    /** The default status: what a target without events is in, and what its first event defaults to. */
    public ManualStatus defaultStatus() {
        return catalog.values().stream().filter(ManualStatus::isDefault).findFirst()
                .orElseThrow(() -> new IllegalStateException("the status catalog has no default status"));
    }

    /**
     * Creates a status whose slug is made from its name.
     *
     * @throws IllegalArgumentException when the name is missing or has nothing to make a slug from
     * @throws Conflict                 when a status with that slug exists
     */
    public ManualStatus createStatus(StatusFields fields) {
        String name = fields.name().map(String::strip).filter(n -> !n.isEmpty())
                .orElseThrow(() -> new IllegalArgumentException("name is required"));
        String slug = slugOf(name);
        synchronized (writes) {
            if (catalog.containsKey(slug)) {
                throw new Conflict("status '" + slug + "' already exists");
            }
            ManualStatus s = new ManualStatus(slug, name, fields.description().orElse(""), image(fields.image()),
                    fields.severity().orElse(Severity.OK), fields.isDefault().orElse(false));
            store.insertStatus(s, clock.instant());
            reloadCatalog();
            published();
            return catalog.get(slug);
        }
    }

    /**
     * Changes the given fields of a status (never its slug). Making it the default takes the flag
     * from the previous default.
     *
     * @throws NotFound                 when there is no such status
     * @throws IllegalArgumentException when the name is empty or the default would be left without a successor
     * @throws Conflict                 when the severity would change while events use the status
     */
    public ManualStatus updateStatus(String slug, StatusFields fields) {
        synchronized (writes) {
            ManualStatus old = status(slug).orElseThrow(() -> new NotFound("no status '" + slug + "'"));
            String name = fields.name().map(String::strip).orElse(old.name());
            if (name.isEmpty()) {
                throw new IllegalArgumentException("name must not be empty");
            }
            if (old.isDefault() && fields.isDefault().equals(Optional.of(false))) {
                throw new IllegalArgumentException("status '" + slug + "' is the default; make another status the "
                        + "default instead");
            }
            Severity severity = fields.severity().orElse(old.severity());
            if (severity != old.severity()) {
                long using = store.eventsUsing(slug);
                if (using > 0) {
                    throw new Conflict("status '" + slug + "' is used by " + events(using) + "; its severity cannot "
                            + "change (create another status instead)");
                }
            }
            ManualStatus s = new ManualStatus(slug, name, fields.description().orElse(old.description()),
                    fields.image().isPresent() ? image(fields.image()) : old.image(), severity,
                    fields.isDefault().orElse(old.isDefault()));
            store.updateStatus(s);
            reloadCatalog();
            published();
            return catalog.get(slug);
        }
    }

    /**
     * Deletes a status that no event uses.
     *
     * @return the deleted status
     * @throws NotFound when there is no such status
     * @throws Conflict when it is the default or events use it (the message says how many)
     */
    public ManualStatus deleteStatus(String slug) {
        synchronized (writes) {
            ManualStatus old = status(slug).orElseThrow(() -> new NotFound("no status '" + slug + "'"));
            if (old.isDefault()) {
                throw new Conflict("status '" + slug + "' is the default status; make another status the default "
                        + "before deleting it");
            }
            long using = store.deleteStatusIfUnused(slug);
            if (using > 0) {
                throw new Conflict("status '" + slug + "' is used by " + events(using)
                        + "; delete those events (or their services) first");
            }
            reloadCatalog();
            published();
            return old;
        }
    }

    private volatile dev.watchpost.store.ChangeFeed changes = dev.watchpost.store.ChangeFeed.NONE;

    /** Cluster mode: the other nodes hear of every status, list and event changed through this node. */
    public void publishChangesTo(dev.watchpost.store.ChangeFeed changes) {
        this.changes = java.util.Objects.requireNonNull(changes, "changes");
    }

    private void published() {
        changes.changed(dev.watchpost.store.ChangeFeed.Kind.MANUAL, "*");
    }

    /**
     * Another node changed statuses, lists or events: read them all again. The state an event sets
     * reaches this node as the owner's transition, not from here.
     */
    public void reloadFromStore() {
        synchronized (writes) {
            reloadCatalog();
            Map<String, ManualEvent> events = store.currentEvents();
            current.keySet().retainAll(events.keySet());
            current.putAll(events);
            java.util.Set<String> with = new java.util.HashSet<>(store.targetsWithEvents());
            withEvents.retainAll(with);
            withEvents.addAll(with);
            lists = indexLists(store.lists());
            Map<String, String> m = store.members();
            members.keySet().retainAll(m.keySet());
            members.putAll(m);
        }
    }

    private void reloadCatalog() {
        catalog = index(store.statuses());
    }

    private static Map<String, ManualStatus> index(List<ManualStatus> statuses) {
        Map<String, ManualStatus> m = new LinkedHashMap<>();
        statuses.forEach(s -> m.put(s.slug(), s));
        return java.util.Collections.unmodifiableMap(m);
    }

    private static String slugOf(String name) {
        String slug = Slugs.of(name);
        if (slug.isEmpty()) {
            throw new IllegalArgumentException("name '" + name + "' has no letter or digit to make an id from");
        }
        return slug;
    }

    private static String image(Optional<String> image) {
        return image.map(String::strip).filter(i -> !i.isEmpty()).orElse(null);
    }

    private static String events(long n) {
        return n == 1 ? "1 event" : n + " events";
    }

    // ---------------------------------------------------------------- service lists

    /** Every service list, by name. */
    public List<ServiceList> lists() {
        return List.copyOf(lists.values());
    }

    public Optional<ServiceList> list(String slug) {
        return Optional.ofNullable(lists.get(slug));
    }

    /**
     * Creates a service list whose slug is made from its name.
     *
     * @throws IllegalArgumentException when the name is blank or has nothing to make a slug from
     * @throws Conflict                 when a list with that slug exists
     */
    public ServiceList createList(String name, String description) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty()) {
            throw new IllegalArgumentException("name is required");
        }
        String slug = slugOf(n);
        synchronized (writes) {
            if (lists.containsKey(slug)) {
                throw new Conflict("service list '" + slug + "' already exists");
            }
            ServiceList l = new ServiceList(slug, n, description == null ? "" : description);
            store.insertList(l, clock.instant());
            lists = indexLists(store.lists());
            published();
            return l;
        }
    }

    /**
     * Changes the given fields of a list (never its slug); an empty field keeps its value.
     *
     * @throws NotFound                 when there is no such list
     * @throws IllegalArgumentException when the name would be empty
     */
    public ServiceList updateList(String slug, Optional<String> name, Optional<String> description) {
        synchronized (writes) {
            ServiceList old = list(slug).orElseThrow(() -> new NotFound("List " + slug + " not found"));
            String n = name.map(String::strip).orElse(old.name());
            if (n.isEmpty()) {
                throw new IllegalArgumentException("name must not be empty");
            }
            ServiceList l = new ServiceList(slug, n, description.orElse(old.description()));
            store.updateList(l);
            lists = indexLists(store.lists());
            published();
            return l;
        }
    }

    /**
     * Deletes a list; its targets are then in none.
     *
     * @return the deleted list
     * @throws NotFound when there is no such list
     */
    public ServiceList deleteList(String slug) {
        synchronized (writes) {
            ServiceList old = list(slug).orElseThrow(() -> new NotFound("List " + slug + " not found"));
            store.deleteList(slug);
            members.values().removeIf(slug::equals);
            lists = indexLists(store.lists());
            published();
            return old;
        }
    }

    /** The list the target is in, if any. */
    public Optional<ServiceList> listOf(String targetId) {
        return Optional.ofNullable(members.get(targetId)).flatMap(this::list);
    }

    /**
     * Puts a manual target in a list, or in none when {@code slug} is empty.
     *
     * @throws IllegalArgumentException when there is no such list
     * @throws NotFound                 when the target does not exist
     * @throws Conflict                 when the target is not a manual target
     */
    public void setList(String targetId, Optional<String> slug) {
        synchronized (writes) {
            requireManual(targetId);
            if (slug.isPresent() && !lists.containsKey(slug.get())) {
                throw new IllegalArgumentException("list: there is no service list '" + slug.get() + "'");
            }
            store.setMember(targetId, slug.orElse(null));
            if (slug.isPresent()) {
                members.put(targetId, slug.get());
            } else {
                members.remove(targetId);
            }
            published();
        }
    }

    private static Map<String, ServiceList> indexLists(List<ServiceList> all) {
        Map<String, ServiceList> m = new LinkedHashMap<>();
        all.forEach(l -> m.put(l.slug(), l));
        return java.util.Collections.unmodifiableMap(m);
    }

    // ---------------------------------------------------------------- events

    /** True when {@code targetId} is a declared target of kind manual. */
    public boolean isManual(String targetId) {
        return topology.declaration(targetId).map(d -> d.kind() == TargetKind.MANUAL).orElse(false);
    }

    /**
     * Records an event and, unless it is informational, sets the target's live state from its status.
     *
     * @param status the status slug; empty or blank means the target's current status (its current
     *               event's, or the default when it has none)
     * @throws IllegalArgumentException when the message is blank or the status is not in the catalog
     * @throws NotFound                 when the target does not exist
     * @throws Conflict                 when the target is not a manual target
     */
    public ManualEvent record(String targetId, Optional<String> status, String message, boolean informational) {
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("message is required");
        }
        Optional<String> slug = status.map(String::strip).filter(s -> !s.isEmpty());
        synchronized (writes) {
            requireManual(targetId);
            ManualStatus s = slug.isPresent()
                    ? status(slug.get()).orElseThrow(() -> new IllegalArgumentException("unknown status '" + slug.get()
                            + "' (known: " + String.join(", ", catalog.keySet()) + ")"))
                    : currentStatus(targetId);
            ManualEvent e = store.insertEvent(targetId, clock.instant(), s.slug(), message, informational);
            withEvents.add(targetId);
            published();
            if (!informational) {
                current.put(targetId, e);
                live.observe(targetId, new Observation(Observation.Kind.REPORT, s.state(), message, Double.NaN, null));
            }
            return e;
        }
    }

    /** The target's events recorded in {@code [from, to]} (either open when empty), newest first. */
    public List<ManualEvent> events(String targetId, Optional<Instant> from, Optional<Instant> to) {
        return store.events(targetId, from.map(Instant::toEpochMilli).orElse(Long.MIN_VALUE),
                to.map(Instant::toEpochMilli).orElse(Long.MAX_VALUE));
    }

    public Optional<ManualEvent> event(String targetId, long sid) {
        return store.event(targetId, sid);
    }

    /** The target's newest event that is not informational: the one its state comes from. */
    public Optional<ManualEvent> current(String targetId) {
        return Optional.ofNullable(current.get(targetId));
    }

    /** The status of the target's current event, or the default status when it has none. */
    public ManualStatus currentStatus(String targetId) {
        return current(targetId).flatMap(e -> status(e.status())).orElseGet(this::defaultStatus);
    }

    /**
     * Deletes one event. When it was the current one, the target's state follows the event that is
     * now current, or becomes Unknown when none is left (as before its first event).
     *
     * @return the deleted event, or empty when the target has no such event
     */
    public Optional<ManualEvent> deleteEvent(String targetId, long sid) {
        synchronized (writes) {
            Optional<ManualEvent> e = store.event(targetId, sid);
            if (e.isEmpty() || !store.deleteEvent(targetId, sid)) {
                return Optional.empty();
            }
            published();
            ManualEvent was = current.get(targetId);
            if (was != null && was.sid() == sid) {
                Optional<ManualEvent> now = store.current(targetId);
                if (now.isPresent()) {
                    current.put(targetId, now.get());
                    live.observe(targetId, new Observation(Observation.Kind.REPORT, currentStatus(targetId).state(),
                            now.get().message(), Double.NaN, null));
                } else {
                    current.remove(targetId);
                    live.observe(targetId, new Observation(Observation.Kind.REPORT, State.UNKNOWN,
                            "no current status event", Double.NaN, null));
                }
            }
            return e;
        }
    }

    private void requireManual(String targetId) {
        Optional<TargetDecl> decl = topology.declaration(targetId);
        if (decl.isEmpty()) {
            if (live.target(targetId).isPresent()) {
                throw new Conflict("'" + targetId + "' is a shard, not a manual target");
            }
            throw new NotFound("no target '" + targetId + "'");
        }
        if (decl.get().kind() != TargetKind.MANUAL) {
            throw new Conflict("target '" + targetId + "' is of kind " + decl.get().kind()
                    + "; only manual targets take status events");
        }
    }

    // ---------------------------------------------------------------- topology

    /** A target that is no longer manual loses its events and its list (a manual target declared again keeps them). */
    @Override
    public void defined(TargetDecl target) {
        if (target.kind() != TargetKind.MANUAL) {
            forget(target.id());
        }
    }

    /** A removed target's events and list membership go with it, so a new target with the same id starts clean. */
    @Override
    public void removed(String targetId) {
        forget(targetId);
    }

    private void forget(String targetId) {
        // Under the lock, so an event being recorded for the target right now is either seen here or
        // refused by the recorder (which finds the target gone).
        synchronized (writes) {
            if (withEvents.remove(targetId)) {
                store.deleteEvents(targetId);
                current.remove(targetId);
            }
            if (members.remove(targetId) != null) {
                store.setMember(targetId, null);
            }
        }
    }
}
