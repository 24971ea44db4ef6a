package dev.watchpost.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.config.ConfigException;
import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.live.GroupDef;
import dev.watchpost.live.LiveState;
import dev.watchpost.live.TargetDef;
import dev.watchpost.live.TargetKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which groups and targets exist, from the config file, the API and protocols' first contact. The
 * config file wins for objects it declares: they are defined last on start and cannot be changed or
 * removed through the API.
 */
public final class Topology {

    private static final Logger LOG = LoggerFactory.getLogger(Topology.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] KEY_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /** The object cannot be changed or removed here; the message says why. */
    public static final class Conflict extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Conflict(String message) {
            super(message, null, false, false);
        }
    }

    private final LiveState live;
    private final TopologyStore store;
    private final Clock clock;
    private final Set<String> managedByConfig = new HashSet<>();
    /** Groups the config file declares (not those protocols' settings declare): what a reload may change. */
    private final Set<String> fileGroups = new HashSet<>();
    /** Target id → its index in the config file's {@code targets}, for messages. */
    private final Map<String, Integer> configIndex = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, TargetDecl> declarations = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<TopologyListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile dev.watchpost.store.ChangeFeed changes = dev.watchpost.store.ChangeFeed.NONE;
    /** Parts that may name nothing yet (see {@link #requireCompositeParts}); kept for reloads. */
    private volatile java.util.function.Predicate<String> appearsLater = id -> false;

    public Topology(LiveState live, TopologyStore store, Clock clock) {
        this.live = live;
        this.store = store;
        this.clock = clock;
    }

    /** Registers a listener; it is told about targets defined from now on (register before {@link #load}). */
    public void addListener(TopologyListener listener) {
        listeners.add(listener);
    }

    /** Cluster mode: the other nodes hear of every target and group changed through this node's API. */
    public void publishChangesTo(dev.watchpost.store.ChangeFeed changes) {
        this.changes = java.util.Objects.requireNonNull(changes, "changes");
    }

    /**
     * Another node changed target {@code id} through its API: defines it as stored, or removes it
     * when it is no longer stored. Nothing is written: the other node did that.
     */
    public synchronized void reloadTarget(String id) {
        if (!managedByConfig.contains(id)) {
            applyStored(id, store.targetSpec(id));
        }
    }

    /** Defines {@code id} as {@code spec} says, or removes it when it is no longer stored (empty). */
    private void applyStored(String id, Optional<JsonNode> spec) {
        if (spec.isPresent()) {
            try {
                define(Specs.target(spec.get(), "stored target", "api", g -> live.group(g).isPresent()));
            } catch (IllegalArgumentException e) {
                LOG.error("event=topology.stored_target_invalid id={} error=\"{}\"", id, e.getMessage());
            }
        } else if (declarations.containsKey(id) && live.removeTarget(id)) {
            undeclare(id);
        }
    }

    /** A target the live state no longer has: its declaration and its listeners' state go too. */
    private void undeclare(String id) {
        declarations.remove(id);
        for (TopologyListener l : listeners) {
            l.removed(id);
        }
    }

    /** Another node changed group {@code id} through its API: defines it as stored, or removes it. */
    public synchronized void reloadGroup(String id) {
        if (managedByConfig.contains(id)) {
            return;
        }
        Optional<GroupDef> stored = store.groups().stream().filter(g -> g.id().equals(id)).findFirst();
        try {
            if (stored.isPresent()) {
                live.defineGroup(stored.get());
            } else {
                live.removeGroup(id);
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.error("event=topology.stored_group_invalid id={} error=\"{}\"", id, e.getMessage());
        }
    }

    /**
     * After losing contact with the other nodes' changes: every stored group and target read again,
     * and the API-made targets no longer stored removed.
     */
    public synchronized void reloadAll() {
        List<GroupDef> groups = new ArrayList<>(store.groups());
        groups.sort(Comparator.comparingLong(g -> g.id().chars().filter(c -> c == '/').count()));
        for (GroupDef g : groups) {
            if (!managedByConfig.contains(g.id())) {
                defineQuietly(g);
            }
        }
        Set<String> stored = new HashSet<>();
        for (JsonNode spec : store.targetSpecs()) {
            String id = spec.path("id").asText();
            stored.add(id);
            if (!managedByConfig.contains(id)) {
                applyStored(id, Optional.of(spec));
            }
        }
        for (String id : List.copyOf(declarations.keySet())) {
            if (!stored.contains(id) && !managedByConfig.contains(id)) {
                applyStored(id, Optional.empty());
            }
        }
    }

    /** A declared target (not a shard), as declared. */
    public Optional<TargetDecl> declaration(String id) {
        return Optional.ofNullable(declarations.get(id));
    }

    /** Every declared target (not shards), in no particular order. */
    public java.util.Collection<TargetDecl> declarations() {
        return java.util.Collections.unmodifiableCollection(declarations.values());
    }

    private void define(TargetDecl d) {
        live.defineTarget(d.def());
        declarations.put(d.id(), d);
        for (TopologyListener l : listeners) {
            l.defined(d);
        }
    }

    /**
     * Defines everything at start: stored API objects first, then the config file's (which win).
     *
     * @throws ConfigException naming the item when a declaration in the config file is invalid
     */
    public void load(WatchpostConfig.Declarations declared) {
        // Groups first, parents before children, whoever declared them: a target or group made
        // through the API may live inside a group the config file declares, and the file's
        // definition replaces a stored one with the same id.
        Map<String, GroupDef> groups = new LinkedHashMap<>();
        for (GroupDef g : store.groups()) {
            groups.put(g.id(), g);
        }
        List<JsonNode> declaredGroups = declared.groups();
        for (int i = 0; i < declaredGroups.size(); i++) {
            String where = "groups[" + i + "]";
            try {
                for (GroupDef g : Specs.groups(declaredGroups.get(i), where, "config")) {
                    groups.put(g.id(), g);
                    managedByConfig.add(g.id());
                    fileGroups.add(g.id());
                }
            } catch (IllegalArgumentException e) {
                throw ConfigException.inItem(where, ConfigException.idOf(declaredGroups.get(i)), e.getMessage());
            }
        }
        List<GroupDef> ordered = new ArrayList<>(groups.values());
        ordered.sort(Comparator.comparingLong(g -> g.id().chars().filter(c -> c == '/').count()));
        for (GroupDef g : ordered) {
            if (managedByConfig.contains(g.id())) {
                try {
                    live.defineGroup(g);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("group '" + g.id() + "': " + e.getMessage());
                }
            } else {
                defineQuietly(g);
            }
        }
        for (JsonNode spec : store.targetSpecs()) {
            try {
                define(Specs.target(spec, "stored target", "api", id -> live.group(id).isPresent()));
            } catch (IllegalArgumentException e) {
                LOG.error("event=topology.stored_target_invalid error=\"{}\"", e.getMessage());
            }
        }
        List<JsonNode> targets = declared.targets();
        for (int i = 0; i < targets.size(); i++) {
            String where = "targets[" + i + "]";
            try {
                TargetDecl t = Specs.target(targets.get(i), where, "config", id -> live.group(id).isPresent());
                requireAddressable(t, where);
                define(t);
                managedByConfig.add(t.id());
                configIndex.put(t.id(), i);
            } catch (IllegalArgumentException e) {
                throw ConfigException.inItem(where, ConfigException.idOf(targets.get(i)), e.getMessage());
            }
        }
    }

    /**
     * What a reload of the config file changed: ids of groups and targets added, changed (declared
     * differently) and removed.
     */
    public record ConfigChanges(List<String> groupsAdded, List<String> groupsChanged, List<String> groupsRemoved,
                                List<String> targetsAdded, List<String> targetsChanged, List<String> targetsRemoved) {
        public ConfigChanges {
            groupsAdded = List.copyOf(groupsAdded);
            groupsChanged = List.copyOf(groupsChanged);
            groupsRemoved = List.copyOf(groupsRemoved);
            targetsAdded = List.copyOf(targetsAdded);
            targetsChanged = List.copyOf(targetsChanged);
            targetsRemoved = List.copyOf(targetsRemoved);
        }

        public boolean none() {
            return groupsAdded.isEmpty() && groupsChanged.isEmpty() && groupsRemoved.isEmpty() && targetsAdded.isEmpty()
                    && targetsChanged.isEmpty() && targetsRemoved.isEmpty();
        }
    }

    /**
     * What applying {@code declared} would change, checked as {@link #reloadConfig} checks it;
     * nothing is applied.
     *
     * @throws ConfigException naming the item
     */
    public synchronized ConfigChanges diffConfig(WatchpostConfig.Declarations declared) {
        return plan(declared).changes();
    }

    /**
     * Applies a config file read again, in place: groups and targets it adds are defined, those it
     * declares differently are defined anew (a replaced target keeps its live state, history and
     * ping key, as a target replaced through the API does), and those it no longer declares are
     * removed; what the API or protocols made is left alone. Every item is read and checked first,
     * against what exists and what the file itself declares, so nothing changes when anything is wrong.
     *
     * @throws ConfigException naming the item; nothing was applied
     */
    public synchronized ConfigChanges reloadConfig(WatchpostConfig.Declarations declared) {
        Plan plan = plan(declared);
        ConfigChanges c = plan.changes();
        for (GroupDef g : plan.groups()) { // parents first
            if (c.groupsAdded().contains(g.id()) || c.groupsChanged().contains(g.id())) {
                live.defineGroup(g);
            }
            managedByConfig.add(g.id());
            fileGroups.add(g.id());
        }
        configIndex.clear();
        for (int i = 0; i < plan.targets().size(); i++) {
            TargetDecl t = plan.targets().get(i);
            if (c.targetsAdded().contains(t.id()) || c.targetsChanged().contains(t.id())) {
                define(t);
            }
            managedByConfig.add(t.id());
            configIndex.put(t.id(), i);
        }
        for (String id : c.targetsRemoved()) {
            managedByConfig.remove(id);
            if (live.removeTarget(id)) {
                undeclare(id);
            }
        }
        List<String> groupsGone = new ArrayList<>(c.groupsRemoved());
        groupsGone.sort(Comparator.comparingLong((String id) -> id.chars().filter(ch -> ch == '/').count()).reversed());
        for (String id : groupsGone) { // children first
            managedByConfig.remove(id);
            fileGroups.remove(id);
            try {
                live.removeGroup(id);
            } catch (IllegalStateException e) {
                // checked in plan(); a member added through the API meanwhile keeps it, as an API group now
                LOG.warn("event=config.group_kept group={} error=\"{}\"", id, e.getMessage());
            }
        }
        return c;
    }

    private record Plan(List<GroupDef> groups, List<TargetDecl> targets, ConfigChanges changes) {
    }

    private Plan plan(WatchpostConfig.Declarations declared) {
        Map<String, GroupDef> groups = new LinkedHashMap<>();
        List<JsonNode> declaredGroups = declared.groups();
        for (int i = 0; i < declaredGroups.size(); i++) {
            String where = "groups[" + i + "]";
            try {
                for (GroupDef g : Specs.groups(declaredGroups.get(i), where, "config")) {
                    if (groups.put(g.id(), g) != null) {
                        throw new IllegalArgumentException(where + ".id: '" + g.id() + "' is declared twice");
                    }
                    if (managedByConfig.contains(g.id()) && !fileGroups.contains(g.id())) {
                        throw new IllegalArgumentException(where + ".id: '" + g.id() + "' is declared by a protocol's settings");
                    }
                }
            } catch (IllegalArgumentException e) {
                throw ConfigException.inItem(where, ConfigException.idOf(declaredGroups.get(i)), e.getMessage());
            }
        }
        List<GroupDef> ordered = new ArrayList<>(groups.values());
        ordered.sort(Comparator.comparingLong(g -> g.id().chars().filter(c -> c == '/').count()));
        List<String> groupsAdded = new ArrayList<>();
        List<String> groupsChanged = new ArrayList<>();
        for (GroupDef g : ordered) {
            if (g.parentId().isPresent() && !groups.containsKey(g.parentId().get())
                    && (live.group(g.parentId().get()).isEmpty() || fileGroups.contains(g.parentId().get()))) {
                throw new ConfigException("group '" + g.id() + "': its parent group '" + g.parentId().get() + "' is not declared");
            }
            Optional<GroupDef> now = live.group(g.id()).map(n -> n.def());
            if (now.isEmpty() || !fileGroups.contains(g.id())) {
                groupsAdded.add(g.id());
            } else if (!now.get().equals(g)) {
                groupsChanged.add(g.id());
            }
        }
        java.util.function.Predicate<String> groupExists = id -> groups.containsKey(id)
                || (live.group(id).isPresent() && !fileGroups.contains(id));
        List<TargetDecl> targets = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        List<JsonNode> declaredTargets = declared.targets();
        List<String> targetsAdded = new ArrayList<>();
        List<String> targetsChanged = new ArrayList<>();
        for (int i = 0; i < declaredTargets.size(); i++) {
            String where = "targets[" + i + "]";
            try {
                TargetDecl t = Specs.target(declaredTargets.get(i), where, "config", groupExists);
                if (!ids.add(t.id())) {
                    throw new IllegalArgumentException(where + ".id: '" + t.id() + "' is declared twice");
                }
                if (managedByConfig.contains(t.id()) && !configIndex.containsKey(t.id())) {
                    throw new IllegalArgumentException(where + ".id: '" + t.id() + "' is declared by a protocol's settings");
                }
                TargetDecl now = declarations.get(t.id());
                if (now == null || !configIndex.containsKey(t.id())) {
                    requireAddressable(t, where);
                    targetsAdded.add(t.id());
                } else if (!now.spec().equals(t.spec())) {
                    targetsChanged.add(t.id());
                }
                targets.add(t);
            } catch (IllegalArgumentException e) {
                throw ConfigException.inItem(where, ConfigException.idOf(declaredTargets.get(i)), e.getMessage());
            }
        }
        for (TargetDecl t : targets) {
            if (t.composite().isEmpty()) {
                continue;
            }
            for (String part : t.composite().get().parts()) {
                boolean remains = ids.contains(part) || groups.containsKey(part)
                        || (live.target(part).isPresent() && !configIndex.containsKey(part))
                        || (live.group(part).isPresent() && !fileGroups.contains(part)) || appearsLater.test(part);
                if (!remains) {
                    String where = "targets[" + targets.indexOf(t) + "]";
                    throw ConfigException.inItem(where, t.id(), where + ".composite.parts: '" + part + "' is no target or group");
                }
            }
        }
        List<String> targetsRemoved = configIndex.keySet().stream().filter(id -> !ids.contains(id)).sorted().toList();
        List<String> groupsRemoved = fileGroups.stream().filter(id -> !groups.containsKey(id)).sorted().toList();
        for (String id : groupsRemoved) {
            // A group the file drops must be empty once the file's own targets and groups are gone.
            boolean kept = declarations.values().stream().anyMatch(d -> !targetsRemoved.contains(d.id())
                    && d.def().groupId().filter(id::equals).isPresent() && !ids.contains(d.id()))
                    || targets.stream().anyMatch(t -> t.def().groupId().filter(id::equals).isPresent())
                    || groups.values().stream().anyMatch(g -> g.parentId().filter(id::equals).isPresent());
            if (kept) {
                throw new ConfigException("group '" + id + "' is no longer declared but still holds targets or groups; "
                        + "move or remove them first");
            }
        }
        return new Plan(ordered, targets, new ConfigChanges(groupsAdded, groupsChanged, groupsRemoved, targetsAdded,
                targetsChanged, targetsRemoved));
    }

    /**
     * Refuses a composite of the config file whose part names nothing: a typo ({@code web/shopp})
     * would otherwise be a part that is missing for ever. Call once everything declared at start
     * exists (the config file, stored API objects, protocols' settings such as {@code GLANCE_BOTS}).
     * Composites made through the API may still name targets that come later.
     *
     * @param appearsLater ids that may name nothing yet because their members appear on first
     *                     contact (the Argus Fleet group's clusters)
     * @throws ConfigException naming the composite and the part
     */
    public void requireCompositeParts(java.util.function.Predicate<String> appearsLater) {
        this.appearsLater = appearsLater;
        configIndex.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> {
            TargetDecl d = declarations.get(e.getKey());
            if (d == null || d.composite().isEmpty()) {
                return;
            }
            for (String part : d.composite().get().parts()) {
                if (live.target(part).isEmpty() && live.group(part).isEmpty() && !appearsLater.test(part)) {
                    String where = "targets[" + e.getValue() + "]";
                    throw ConfigException.inItem(where, d.id(),
                            where + ".composite.parts: '" + part + "' is no target or group");
                }
            }
        });
    }

    private void defineQuietly(GroupDef g) {
        try {
            live.defineGroup(g);
        } catch (IllegalArgumentException e) {
            LOG.error("event=topology.stored_group_invalid id={} error=\"{}\"", g.id(), e.getMessage());
        }
    }

    /**
     * Defines a group that a protocol's settings declare (Glance's {@code GLANCE_BOTS}); like the
     * config file's, it cannot be changed through the API.
     */
    public synchronized void defineFromSettings(GroupDef g) {
        live.defineGroup(g);
        managedByConfig.add(g.id());
    }

    public boolean managedByConfig(String id) {
        return managedByConfig.contains(id);
    }

    /** Creates or replaces an API-managed group. */
    public synchronized GroupDef putGroup(JsonNode spec, boolean mustBeNew) {
        List<GroupDef> defs = Specs.groups(spec, "body", "api");
        for (GroupDef g : defs) {
            refuseConfigManaged(g.id());
            if (mustBeNew && live.group(g.id()).isPresent()) {
                throw new Conflict("group '" + g.id() + "' already exists");
            }
            if (g.parentId().isPresent() && live.group(g.parentId().get()).isEmpty()
                    && defs.stream().noneMatch(d -> d.id().equals(g.parentId().get()))) {
                throw new IllegalArgumentException("body: parent group '" + g.parentId().get() + "' does not exist; create it first");
            }
        }
        for (GroupDef g : defs) {
            live.defineGroup(g);
            store.saveGroup(g, clock.instant());
            changes.changed(dev.watchpost.store.ChangeFeed.Kind.GROUP, g.id());
        }
        return defs.get(0);
    }

    public synchronized boolean removeGroup(String id) {
        refuseConfigManaged(id);
        if (live.group(id).isEmpty()) {
            return false;
        }
        int shards = live.group(id).map(g -> g.def().shards()).orElse(0);
        try {
            live.removeGroup(id);
        } catch (IllegalStateException e) {
            throw new Conflict(e.getMessage());
        }
        store.deleteGroup(id, shards);
        changes.changed(dev.watchpost.store.ChangeFeed.Kind.GROUP, id);
        return true;
    }

    /**
     * {@code GET /api/v1/targets/web/history} reads the target {@code web/history} when there is one
     * ({@link TopologyRoutes#exactReads}), else the history of {@code web}. So a new target may not
     * take a path that is already another target's route, nor make one of its own routes a target's.
     */
    private void requireAddressable(TargetDecl t, String where) {
        String id = t.id();
        if (live.target(id).isPresent()) {
            return; // replaced, not new: its paths are settled
        }
        int slash = id.lastIndexOf('/');
        if (slash > 0) {
            String parent = id.substring(0, slash);
            String last = id.substring(slash + 1);
            Optional<TargetKind> parentKind = live.definition(parent).map(TargetDef::kind);
            if (parentKind.isPresent() && serves(parentKind.get(), last)) {
                throw new IllegalArgumentException(where + ".id: '" + id + "' would hide the " + last + " of target '"
                        + parent + "' (/api/v1/targets/" + id + "); choose another last part");
            }
        }
        for (String suffix : Specs.ROUTE_SUFFIXES) {
            if (serves(t.def().kind(), suffix) && live.target(id + "/" + suffix).isPresent()) {
                throw new IllegalArgumentException(where + ".id: the target '" + id + "/" + suffix + "' exists, so /api/v1/targets/"
                        + id + "/" + suffix + " would not reach the " + suffix + " of '" + id + "'; choose another id");
            }
        }
    }

    /** Whether a target of {@code kind} has the route {@code /api/v1/targets/{id}/<suffix>}. */
    private static boolean serves(TargetKind kind, String suffix) {
        return switch (suffix) {
            case "history" -> true;
            case "events" -> kind == TargetKind.MANUAL;
            case "probe" -> kind.probed();
            case "health" -> kind == TargetKind.COMPOSITE;
            default -> false;
        };
    }

    /**
     * Creates or replaces an API-managed target. A target without a ping key gets a random one, so
     * it can be pinged with {@code /ping/{key}} at once.
     */
    public synchronized TargetDecl putTarget(JsonNode spec, boolean mustBeNew) {
        ObjectNode body = spec.isObject() ? ((ObjectNode) spec).deepCopy() : null;
        if (body != null && !body.hasNonNull("ping-key") && body.has("push")) {
            // Replacing a target keeps its ping key, so the URLs its jobs use keep working.
            Optional<String> existingKey = body.hasNonNull("id")
                    ? live.definition(body.get("id").asText()).flatMap(TargetDef::pingKey) : Optional.empty();
            body.put("ping-key", existingKey.orElseGet(Topology::newPingKey));
        }
        TargetDecl decl = Specs.target(body == null ? spec : body, "body", "api", id -> live.group(id).isPresent());
        requireAddressable(decl, "body");
        TargetDef def = decl.def();
        refuseConfigManaged(def.id());
        if (mustBeNew && live.target(def.id()).isPresent()) {
            throw new Conflict("target '" + def.id() + "' already exists");
        }
        if (def.pingKey().isPresent()) {
            Optional<String> owner = live.targetForPingKey(def.pingKey().get());
            if (owner.isPresent() && !owner.get().equals(def.id())) {
                throw new Conflict("ping key is already used by another target");
            }
        }
        define(decl);
        store.saveTarget(def, decl.spec(), clock.instant());
        changes.changed(dev.watchpost.store.ChangeFeed.Kind.TARGET, def.id());
        return decl;
    }

    public synchronized boolean removeTarget(String id) {
        refuseConfigManaged(id);
        if (!live.removeTarget(id)) {
            if (live.target(id).isPresent()) {
                throw new Conflict("'" + id + "' is a shard; change its group's shard count instead");
            }
            return false;
        }
        store.deleteTarget(id);
        undeclare(id);
        changes.changed(dev.watchpost.store.ChangeFeed.Kind.TARGET, id);
        return true;
    }

    private void refuseConfigManaged(String id) {
        if (managedByConfig.contains(id)) {
            throw new Conflict("'" + id + "' is declared in the configuration; change it there");
        }
    }

    static String newPingKey() {
        StringBuilder sb = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            sb.append(KEY_CHARS[RANDOM.nextInt(KEY_CHARS.length)]);
        }
        return sb.toString();
    }
}
