package dev.watchpost.composite;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The newest health events of one composite, at most {@code capacity}. Not thread-safe: the engine's
 * thread owns it; readers get {@link #newestFirst()}, an immutable copy.
 */
final class HealthRing {

    private final ArrayDeque<HealthEvent> events = new ArrayDeque<>();
    private int capacity;
    private List<HealthEvent> published = List.of();

    HealthRing(int capacity) {
        this.capacity = capacity;
    }

    /** Restores events, oldest first, keeping the newest {@code capacity}. */
    void restore(Collection<HealthEvent> oldestFirst) {
        events.clear();
        oldestFirst.forEach(this::addQuietly);
        publish();
    }

    void add(HealthEvent e) {
        addQuietly(e);
        publish();
    }

    /** Changes the capacity, dropping the oldest events beyond it. */
    void resize(int newCapacity) {
        capacity = newCapacity;
        while (events.size() > capacity) {
            events.removeFirst();
        }
        publish();
    }

    Optional<HealthEvent> newest() {
        return Optional.ofNullable(events.peekLast());
    }

    /** The events, newest first; immutable, never changed afterwards. */
    List<HealthEvent> newestFirst() {
        return published;
    }

    private void addQuietly(HealthEvent e) {
        events.addLast(e);
        while (events.size() > capacity) {
            events.removeFirst();
        }
    }

    private void publish() {
        List<HealthEvent> out = new ArrayList<>(events);
        java.util.Collections.reverse(out);
        published = List.copyOf(out);
    }
}
