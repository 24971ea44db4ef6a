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

    /**
     * Whether Argus is used here: a member is known or some Argus setting was given. Only then does
     * the status page offer the fleet view. Cheap (no Prometheus query): asked on every page render.
     */
    default boolean inUse() {
        return false;
    }

    /** The group Argus' clusters are targets in: when it is private, so are the fleet pages. */
    default String group() {
        return "fleet";
    }

    /** No fleet: the fleet pages say so. */
    FleetSource NONE = of(Map::of, (f, n) -> Optional.empty());

    static FleetSource of(Supplier<Map<String, Object>> view,
                          BiFunction<String, Integer, Optional<Map<String, Object>>> cluster) {
        return of(view, cluster, () -> false, "fleet");
    }

    /**
     * @param inUse see {@link #inUse()}
     * @param group see {@link #group()}
     */
    static FleetSource of(Supplier<Map<String, Object>> view,
                          BiFunction<String, Integer, Optional<Map<String, Object>>> cluster,
                          java.util.function.BooleanSupplier inUse, String group) {
        return new FleetSource() {
            @Override
            public boolean inUse() {
                return inUse.getAsBoolean();
            }

            @Override
            public String group() {
                return group;
            }

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
