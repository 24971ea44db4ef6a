package dev.watchpost.page;

import dev.watchpost.live.GroupView;
import dev.watchpost.live.Severity;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;

import java.util.List;
import java.util.Map;

/**
 * The overall verdict at the top of the status page, decided from the roll-ups of the top-level
 * areas: each top-level group (with everything nested in it) and each target outside any group.
 * A target is <em>down</em> in a state of severity BAD, <em>degraded</em> in one of severity WARN;
 * targets with no report yet (UNKNOWN) and in MAINTENANCE are not observed and count for neither.
 *
 * <ol>
 *   <li><b>Major outage</b>: some area has half or more of its observed targets down (a sharded bot
 *       with half its shards gone, a standalone service that is down).</li>
 *   <li><b>Partial outage</b>: otherwise, some target is down or degraded.</li>
 *   <li><b>Maintenance</b>: nothing down or degraded, something in maintenance.</li>
 *   <li><b>All systems operational</b>: every observed target is fine.</li>
 *   <li><b>No data yet</b>: nothing is observed (no targets, or none has reported).</li>
 * </ol>
 *
 * @param level a stable id for styling and tests ({@code major}, {@code partial}, {@code maintenance},
 *              {@code ok}, {@code none})
 */
record Banner(String level, String title) {

    static final Banner MAJOR = new Banner("major", "Major outage");
    static final Banner PARTIAL = new Banner("partial", "Partial outage");
    static final Banner MAINTENANCE = new Banner("maintenance", "Under maintenance");
    static final Banner OK = new Banner("ok", "All systems operational");
    static final Banner NONE = new Banner("none", "No data yet");

    /**
     * @param groups     every group (only top-level ones are looked at: their counts include nested groups)
     * @param ungrouped  targets outside any group
     */
    static Banner decide(List<GroupView> groups, List<TargetView> ungrouped) {
        List<Tally> areas = new java.util.ArrayList<>();
        for (GroupView g : groups) {
            if (g.parentId() != null) {
                continue;
            }
            Tally t = new Tally();
            t.add(g);
            areas.add(t);
        }
        for (TargetView v : ungrouped) {
            Tally t = new Tally();
            t.add(v.state(), 1);
            areas.add(t);
        }
        return decide(areas);
    }

    /** The verdict over areas already counted (see {@link BannerScope} for a chosen set of targets). */
    static Banner decide(java.util.Collection<Tally> areas) {
        Tally all = new Tally();
        boolean majorArea = false;
        for (Tally t : areas) {
            majorArea |= t.halfDown();
            all.add(t);
        }
        if (majorArea) {
            return MAJOR;
        }
        if (all.down > 0 || all.degraded > 0) {
            return PARTIAL;
        }
        if (all.maintenance > 0) {
            return MAINTENANCE;
        }
        return all.observed > 0 ? OK : NONE;
    }

    /** Counts of one area. */
    static final class Tally {
        int observed;
        int down;
        int degraded;
        int maintenance;

        void add(State s, int n) {
            Severity sev = s.severity();
            switch (sev) {
                case BAD -> {
                    down += n;
                    observed += n;
                }
                case WARN -> {
                    degraded += n;
                    observed += n;
                }
                case OK -> observed += n;
                case MAINTENANCE -> maintenance += n;
                case UNKNOWN -> { }
            }
        }

        /** Every target a group counts (its nested groups' included). */
        void add(GroupView g) {
            for (Map.Entry<State, Integer> e : g.counts().entrySet()) {
                add(e.getKey(), e.getValue());
            }
        }

        void add(Tally t) {
            observed += t.observed;
            down += t.down;
            degraded += t.degraded;
            maintenance += t.maintenance;
        }

        boolean halfDown() {
            return down > 0 && down * 2 >= observed;
        }
    }
}
