package dev.watchpost.targets;

import dev.watchpost.composite.CompositeEngine;
import dev.watchpost.live.LiveState;
import dev.watchpost.probe.ProbeScheduler;

/**
 * Puts each declaration into effect: a paused target is held in the live state (shown as
 * maintenance, its probe stopped) until resumed; any other target has its probe scheduled as
 * declared; a composite's parts follow its declaration.
 */
public record Activation(LiveState live, ProbeScheduler probes, CompositeEngine composites) implements TopologyListener {

    /** The live state's holder of paused targets (see {@link TargetDecl#paused()}). */
    public static final String PAUSED = "paused";

    @Override
    public void defined(TargetDecl target) {
        if (target.paused()) {
            probes.unschedule(target.id());
            live.hold(target.id(), PAUSED, "paused");
        } else {
            // Scheduled while still held: a resumed target is checked afresh, soon.
            target.probe().ifPresentOrElse(p -> probes.schedule(target.id(), p), () -> probes.unschedule(target.id()));
            live.release(target.id(), PAUSED, "resumed");
        }
        composites.defined(target.id(), target.composite());
    }

    @Override
    public void removed(String targetId) {
        probes.unschedule(targetId);
        composites.removed(targetId);
    }
}
