package dev.watchpost.live;

import java.util.Map;

/**
 * A group's roll-up at one moment.
 *
 * @param counts   targets per state, including nested groups' targets (states with zero omitted)
 * @param severity the worst severity among its targets (unknown when it has none)
 */
public record GroupView(String id, String name, String parentId, int shards, String lease, Map<State, Integer> counts,
                        Severity severity, int total) {
}
