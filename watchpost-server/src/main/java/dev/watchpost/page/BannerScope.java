package dev.watchpost.page;

import dev.watchpost.live.Glob;
import dev.watchpost.live.GroupView;
import dev.watchpost.live.Snapshot;
import dev.watchpost.live.TargetView;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which targets decide the status page's banner ({@code status-page.banner}): target ids, group ids
 * (everything inside) and globs, as alert rules select targets; none means every public target.
 * Always decided over the public view, so a private target never counts, whatever is selected.
 *
 * <p>Areas stay what {@link Banner} says: the targets chosen inside one top-level group are one area
 * (half of them down is a major outage), each chosen target outside any group is its own.
 *
 * <p><b>Cost.</b> Which targets are chosen is worked out once per structure (targets and groups defined
 * or removed), not per snapshot: a selected group counts through its roll-up, without visiting its
 * targets; only targets chosen one by one are looked up per snapshot. The verdict is kept per version.
 */
final class BannerScope {

    private final List<Glob> selectors;

    /** What the selectors mean for one structure. */
    private record Resolved(long structure, Set<String> groups, Set<String> targets) {
    }

    private record Decided(long version, Banner banner) {
    }

    private volatile Resolved resolved;
    private volatile Decided decided;

    private BannerScope(List<Glob> selectors) {
        this.selectors = List.copyOf(selectors);
    }

    /**
     * @throws IllegalArgumentException starting with {@code banner[i]} when a selector is no target
     *                                  id, group id or glob
     */
    static BannerScope of(List<String> selectors) {
        List<Glob> globs = new ArrayList<>();
        for (int i = 0; i < selectors.size(); i++) {
            try {
                globs.add(Glob.of(selectors.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("banner[" + i + "]: " + e.getMessage());
            }
        }
        return new BannerScope(globs);
    }

    /** Every public target decides. */
    boolean everything() {
        return selectors.isEmpty();
    }

    /** The banner for {@code pub}, the public view of a snapshot. */
    Banner decide(Snapshot pub) {
        Decided d = decided;
        if (d != null && d.version() == pub.version()) {
            return d.banner();
        }
        Banner b;
        if (everything()) {
            List<TargetView> ungrouped = new ArrayList<>();
            pub.forEachTarget(v -> {
                if (v.groupId() == null) {
                    ungrouped.add(v);
                }
            });
            b = Banner.decide(pub.groups(), ungrouped);
        } else {
            b = chosen(pub);
        }
        decided = new Decided(pub.version(), b);
        return b;
    }

    private Banner chosen(Snapshot pub) {
        Resolved r = resolve(pub);
        Map<String, Banner.Tally> areas = new LinkedHashMap<>();
        for (GroupView g : pub.groups()) {
            if (r.groups().contains(g.id())) {
                areas.computeIfAbsent(top(g.id()), k -> new Banner.Tally()).add(g);
            }
        }
        if (!r.targets().isEmpty()) {
            pub.forEachTarget(v -> {
                if (r.targets().contains(v.id())) {
                    String area = v.groupId() == null ? "\u0000" + v.id() : top(v.groupId());
                    areas.computeIfAbsent(area, k -> new Banner.Tally()).add(v.state(), 1);
                }
            });
        }
        return Banner.decide(areas.values());
    }

    /** The top-level group a group is in (itself when it is one): the first segment of its id. */
    private static String top(String groupId) {
        int slash = groupId.indexOf('/');
        return slash < 0 ? groupId : groupId.substring(0, slash);
    }

    /**
     * Groups named outright count whole (the outermost of them, through their roll-ups); every other
     * target is matched one by one. Once per structure.
     */
    private Resolved resolve(Snapshot pub) {
        Resolved r = resolved;
        if (r != null && r.structure() == pub.structure()) {
            return r;
        }
        Map<String, GroupView> byId = new HashMap<>();
        for (GroupView g : pub.groups()) {
            byId.put(g.id(), g);
        }
        Set<String> named = new HashSet<>();
        for (Glob s : selectors) {
            if (s.literal() && byId.containsKey(s.pattern())) {
                named.add(s.pattern());
            }
        }
        // Groups covered by a named group (themselves or inside one); only the outermost are counted.
        Set<String> covered = new HashSet<>();
        Set<String> outermost = new HashSet<>();
        for (GroupView g : pub.groups()) {
            String outer = null;
            for (GroupView a = g; a != null; a = a.parentId() == null ? null : byId.get(a.parentId())) {
                if (named.contains(a.id())) {
                    outer = a.id();
                }
            }
            if (outer != null) {
                covered.add(g.id());
                outermost.add(outer);
            }
        }
        Set<String> targets = new HashSet<>();
        pub.forEachTarget(v -> {
            if (v.groupId() != null && covered.contains(v.groupId())) {
                return;
            }
            for (Glob s : selectors) {
                if (s.matches(v.id(), v.groupId())) {
                    targets.add(v.id());
                    return;
                }
            }
        });
        r = new Resolved(pub.structure(), outermost, targets);
        resolved = r;
        return r;
    }
}
