package dev.watchpost.targets;

/**
 * Told about every target defined, replaced or removed, after the live state knows it: the probe
 * scheduler and the composite engine follow the topology this way. Called under the topology's
 * lock; must not block.
 */
public interface TopologyListener {

    /** A target was defined or its declaration replaced. */
    void defined(TargetDecl target);

    /** A target was removed. */
    void removed(String targetId);
}
