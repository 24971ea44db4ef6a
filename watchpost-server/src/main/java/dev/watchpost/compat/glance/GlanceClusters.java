package dev.watchpost.compat.glance;

import dev.watchpost.config.ConfigException;
import dev.watchpost.config.WatchpostConfig;
import dev.watchpost.live.GroupDef;
import dev.watchpost.live.GroupNode;
import dev.watchpost.live.Lease;
import dev.watchpost.live.LiveState;
import dev.watchpost.targets.Topology;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Glance's clusters and the sharded groups they map to. {@code GLANCE_BOTS=main:360} makes a group
 * {@code main} with 360 shards, unless the config file already declares a sharded group whose id
 * or last segment is {@code main} (e.g. {@code bots/main}), which is then used.
 */
public final class GlanceClusters {

    private final Map<String, String> clusterToGroup;
    private final LiveState live;

    private GlanceClusters(Map<String, String> clusterToGroup, LiveState live) {
        this.clusterToGroup = clusterToGroup;
        this.live = live;
    }

    public static GlanceClusters resolve(WatchpostConfig.Glance settings, LiveState live, Topology topology) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : settings.bots().entrySet()) {
            String cluster = e.getKey();
            int shards = e.getValue();
            if (shards < 1 || shards > GroupDef.MAX_SHARDS) {
                throw invalid(settings, "shard counts of 1-" + GroupDef.MAX_SHARDS + " (cluster '" + cluster + "' has " + shards + ")");
            }
            Optional<GroupNode> existing = find(cluster, live);
            if (existing.isPresent()) {
                if (existing.get().def().shards() != shards) {
                    throw invalid(settings, "cluster '" + cluster + "' to have the " + existing.get().def().shards()
                            + " shards its group '" + existing.get().id() + "' declares (got " + shards + ")");
                }
                map.put(cluster, existing.get().id());
            } else {
                if (!GroupDef.ID.matcher(cluster).matches() || cluster.contains("/")) {
                    throw invalid(settings, "cluster names of lower-case letters, digits, '.', '_' and '-' (got '" + cluster + "')");
                }
                topology.defineFromSettings(new GroupDef(cluster, cluster, shards,
                        Optional.of(new Lease(settings.healthTimeout())), "config"));
                map.put(cluster, cluster);
            }
        }
        return new GlanceClusters(map, live);
    }

    private static ConfigException invalid(WatchpostConfig.Glance settings, String allowed) {
        return new ConfigException("glance.bots", settings.botsText(), "GLANCE_BOTS", allowed);
    }

    private static Optional<GroupNode> find(String cluster, LiveState live) {
        Optional<GroupNode> exact = live.group(cluster).filter(g -> g.def().sharded());
        if (exact.isPresent()) {
            return exact;
        }
        List<GroupNode> byLeaf = live.groups().stream()
                .filter(g -> g.def().sharded() && g.def().leaf().equals(cluster)).toList();
        return byLeaf.size() == 1 ? Optional.of(byLeaf.get(0)) : Optional.empty();
    }

    /** The group of a Glance cluster, if it is one. */
    Optional<GroupNode> group(String cluster) {
        String id = clusterToGroup.get(cluster);
        return id == null ? Optional.empty() : live.group(id);
    }

    /** Glance cluster name → group id, in declaration order. */
    Map<String, String> clusters() {
        return clusterToGroup;
    }

    /** The cluster a shard target belongs to, or null when it is not a Glance shard. */
    String clusterOfGroup(String groupId) {
        for (Map.Entry<String, String> e : clusterToGroup.entrySet()) {
            if (e.getValue().equals(groupId)) {
                return e.getKey();
            }
        }
        return null;
    }
}
