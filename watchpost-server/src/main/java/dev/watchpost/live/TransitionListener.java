package dev.watchpost.live;

import java.util.List;

/** Receives transitions after they are durable, in order, on the transition writer's thread. Must not block. */
@FunctionalInterface
public interface TransitionListener {
    void onTransitions(List<Transition> transitions);
}
