package dev.watchpost.alert;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The remote locations as the alert engine watches them for "location lost" and "location back"
 * alerts (see {@link LocationAlerts}). Called on the engine's thread once a round; answers from memory.
 */
public interface LocationSource {

    /** One target checked from a location, as rules select it. */
    record Checked(String id, String groupId) {
        public Checked {
            Objects.requireNonNull(id, "id");
        }
    }

    /** The remote locations lost at {@code now}, each with when it was last heard from. */
    Map<String, Instant> lost(Instant now);

    /** The remote locations heard from recently enough at {@code now} not to be lost. */
    Set<String> live(Instant now);

    /** The targets checked from {@code location} now (declared for it by name, or for {@code all}). */
    List<Checked> checkedFrom(String location);

    /** No remote locations (a server without probers, and tests). */
    LocationSource NONE = new LocationSource() {
        @Override
        public Map<String, Instant> lost(Instant now) {
            return Map.of();
        }

        @Override
        public Set<String> live(Instant now) {
            return Set.of();
        }

        @Override
        public List<Checked> checkedFrom(String location) {
            return List.of();
        }
    };
}
