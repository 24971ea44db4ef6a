package dev.watchpost.composite;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A composite target's declaration: its health follows from its parts (practable's experiments).
 *
 * @param parts               the targets (or groups, standing for all their targets) it is made of, in order
 * @param required            the parts availability depends on; a subset of {@code parts}
 * @param rule                how the parts' states combine
 * @param atLeast             for {@link Rule#AT_LEAST}: how many parts (a group counts its targets) must be OK;
 *                            may exceed the declared parts when a group is among them
 * @param startupGrace        nothing is assessed before this long after the composite is first seen
 * @param staleAfter          a part whose last report is older than this is not OK; empty = leases decide
 * @param availabilityWebhook called with the new availability whenever it changes
 * @param healthEvents        how many health events are kept (newest), 1..{@link #MAX_HEALTH_EVENTS}
 */
public record CompositeDef(List<String> parts, Set<String> required, Rule rule, int atLeast, Duration startupGrace,
                           Optional<Duration> staleAfter, Optional<URI> availabilityWebhook, int healthEvents) {

    public static final Duration DEFAULT_STARTUP_GRACE = Duration.ofMinutes(1);
    /** practable's {@code health_events} default. */
    public static final int DEFAULT_HEALTH_EVENTS = 100;
    public static final int MAX_HEALTH_EVENTS = 10_000;

    /** How the parts' states combine into the composite's. */
    public enum Rule {
        /** practable: healthy when every part is present and OK; available when every required part is. */
        ALL,
        /** the composite takes the worst state of its parts. */
        WORST,
        /** OK when at least {@code atLeast} parts are OK. */
        AT_LEAST
    }

    public CompositeDef {
        parts = List.copyOf(parts);
        required = Set.copyOf(required);
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(startupGrace, "startupGrace");
        Objects.requireNonNull(staleAfter, "staleAfter");
        Objects.requireNonNull(availabilityWebhook, "availabilityWebhook");
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a composite needs at least one part");
        }
        if (!parts.containsAll(required)) {
            throw new IllegalArgumentException("every required part must be one of the parts");
        }
        if (rule == Rule.AT_LEAST && atLeast < 1) {
            throw new IllegalArgumentException("at-least must be 1 or more: " + atLeast);
        }
        if (startupGrace.isNegative()) {
            throw new IllegalArgumentException("startup-grace must not be negative: " + startupGrace);
        }
        if (healthEvents < 1 || healthEvents > MAX_HEALTH_EVENTS) {
            throw new IllegalArgumentException("health-events must be 1-" + MAX_HEALTH_EVENTS + ": " + healthEvents);
        }
    }

    /** True when {@code part} counts for availability. */
    public boolean isRequired(String part) {
        return required.contains(part);
    }
}
