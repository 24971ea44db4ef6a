package dev.watchpost.page;

import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The Argus fleet figures the fleet pages draw: exactly the bodies of {@code GET /api/fleet/view} and
 * {@code GET /api/fleet/cluster} (grades included), so the page and the API never disagree. The
 * composition root passes the Argus adapter's methods; tests can pass fixed bodies.
 */
public interface FleetSource {

    /** The body of {@code GET /api/fleet/view}. */
    Map<String, Object> view();

    /** The body of {@code GET /api/fleet/cluster?fleet=&number=}; empty when there is no such cluster. */
    Optional<Map<String, Object>> cluster(String fleet, int number);

    /** No fleet: the fleet pages say so. */
    FleetSource NONE = of(Map::of, (f, n) -> Optional.empty());

    static FleetSource of(Supplier<Map<String, Object>> view,
                          BiFunction<String, Integer, Optional<Map<String, Object>>> cluster) {
        return new FleetSource() {
            @Override
            public Map<String, Object> view() {
                return view.get();
            }

            @Override
            public Optional<Map<String, Object>> cluster(String fleet, int number) {
                return cluster.apply(fleet, number);
            }
        };
    }
}
