package dev.watchpost.live;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What anonymous readers may see: everything but targets declared {@code public: false} and groups
 * declared so, with everything nested in them (a group's setting covers its groups and targets,
 * whatever they say themselves). Readers with a read or admin token see everything.
 *
 * <p>Immutable. The live state makes a new one only when a definition changes (never per report or
 * request), and every {@link Snapshot} carries the one in force when it was built, so a snapshot and
 * the decision about what of it is public always agree. With nothing private (the default) every
 * check is one field read and {@link Snapshot#publicView()} is the snapshot itself.
 *
 * <p>How to ask, from any feature:
 * <ul>
 *   <li>a whole view: {@code snapshot.publicView()} (targets and groups filtered, group counts
 *       without the hidden ones; built once per snapshot);</li>
 *   <li>one id now: {@link LiveState#isPublic(String)} (a target or a group);</li>
 *   <li>a view of a snapshot: {@code snapshot.visibility().isPublic(view)}.</li>
 * </ul>
 */
public final class Visibility {

    /** Nothing is private. */
    static final Visibility EVERYTHING = new Visibility(Set.of(), Set.of());

    private final Set<String> privateTargets;
    private final Set<String> hiddenGroups;
    private final boolean everything;

    /**
     * @param privateTargets targets declared {@code public: false}
     * @param hiddenGroups   groups declared {@code public: false} and every group nested in one
     */
    Visibility(Set<String> privateTargets, Set<String> hiddenGroups) {
        // HashSet, not Set.of: contains(null) must answer false for a target outside any group.
        this.privateTargets = new HashSet<>(privateTargets);
        this.hiddenGroups = new HashSet<>(hiddenGroups);
        this.everything = privateTargets.isEmpty() && hiddenGroups.isEmpty();
    }

    /** Nothing is private: every view is public as it is. */
    public boolean everythingPublic() {
        return everything;
    }

    /** Whether anonymous readers see this target. */
    public boolean isPublic(TargetView v) {
        return everything || (!hiddenGroups.contains(v.groupId()) && !privateTargets.contains(v.id()));
    }

    /** Whether anonymous readers see target {@code id} in group {@code groupId} (null: none). */
    public boolean isPublicTarget(String id, String groupId) {
        return everything || (!hiddenGroups.contains(groupId) && !privateTargets.contains(id));
    }

    /** Whether anonymous readers see this group (false for a private group and any group inside one). */
    public boolean isPublicGroup(String groupId) {
        return everything || !hiddenGroups.contains(groupId);
    }

    /**
     * The snapshot as anonymous readers see it: hidden targets and groups left out, and the counts of
     * the groups that remain without what is hidden inside them. O(targets); run once per snapshot.
     */
    Snapshot filter(Snapshot s) {
        Map<String, GroupView> byId = new HashMap<>();
        for (GroupView g : s.groups()) {
            byId.put(g.id(), g);
        }
        // What each public group's counts must lose: its private targets, its hidden subgroups.
        Map<String, int[]> minus = new HashMap<>();
        List<TargetView> kept = new ArrayList<>();
        s.forEachTarget(v -> {
            if (isPublic(v)) {
                kept.add(v);
            } else if (v.groupId() != null && !hiddenGroups.contains(v.groupId())) {
                int[] one = new int[State.values().length];
                one[v.state().ordinal()] = 1;
                subtract(minus, byId, v.groupId(), one);
            }
        });
        for (GroupView g : s.groups()) {
            if (hiddenGroups.contains(g.id()) && g.parentId() != null && !hiddenGroups.contains(g.parentId())) {
                int[] counts = new int[State.values().length];
                g.counts().forEach((state, n) -> counts[state.ordinal()] = n);
                subtract(minus, byId, g.parentId(), counts);
            }
        }
        List<GroupView> groups = new ArrayList<>();
        for (GroupView g : s.groups()) {
            if (hiddenGroups.contains(g.id())) {
                continue;
            }
            int[] less = minus.get(g.id());
            groups.add(less == null ? g : without(g, less));
        }
        return new Snapshot(s.version(), s.generatedAt(), kept.toArray(new TargetView[0]), groups, s.structure(),
                EVERYTHING, s.mark());
    }

    /** Adds {@code counts} to what {@code groupId} and each of its ancestors must lose. */
    private static void subtract(Map<String, int[]> minus, Map<String, GroupView> byId, String groupId, int[] counts) {
        for (GroupView g = byId.get(groupId); g != null; g = g.parentId() == null ? null : byId.get(g.parentId())) {
            int[] m = minus.computeIfAbsent(g.id(), k -> new int[State.values().length]);
            for (int i = 0; i < m.length; i++) {
                m[i] += counts[i];
            }
        }
    }

    private static GroupView without(GroupView g, int[] less) {
        Map<State, Integer> counts = new EnumMap<>(State.class);
        int total = 0;
        Severity worst = null;
        for (State st : State.values()) {
            int n = g.counts().getOrDefault(st, 0) - less[st.ordinal()];
            if (n > 0) {
                counts.put(st, n);
                total += n;
                worst = LiveState.worse(worst, st.severity());
            }
        }
        return new GroupView(g.id(), g.name(), g.parentId(), g.shards(), g.lease(), counts,
                worst == null ? Severity.UNKNOWN : worst, total);
    }

    @Override
    public String toString() {
        return "Visibility[private targets=" + privateTargets.size() + ", hidden groups=" + hiddenGroups.size() + "]";
    }
}
