package dev.watchpost.composite;

import dev.watchpost.live.State;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A composite's health at one moment, as {@link Assessor} judged it. Immutable.
 *
 * @param at         when it was made
 * @param assessed   false during the start-up grace: the values are computed (the API shows them) but
 *                   nothing acts on them: no state is reported, no event recorded, no webhook called
 * @param assessFrom when the start-up grace ends
 * @param state      the state the composite reports: healthy → online, available → degraded, else down
 *                   (rule worst: the worst of its parts)
 * @param issues     what is wrong, in the contract's order: missing optional parts, missing required
 *                   parts, unhealthy parts (stale ones included), degraded parts, then for rule
 *                   at-least a count that fell short; each kind in declaration order
 * @param parts      every part (group parts expanded to their targets), in declaration order
 * @param recheckAt  the earliest time at which time alone may change the answer (grace ending, a part
 *                   going stale); {@code at} itself when a part is stale, since the report that makes it
 *                   fresh again changes no state and so announces nothing; empty when only a change of a
 *                   part's state can change it
 */
record Assessment(Instant at, boolean assessed, Instant assessFrom, State state, boolean healthy,
                         boolean available, List<String> issues, List<PartStatus> parts,
                         Optional<Instant> recheckAt) {

    /** The longest message reported to the live state, in issues; the rest are counted. */
    static final int MESSAGE_ISSUES = 10;

    public Assessment {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(assessFrom, "assessFrom");
        Objects.requireNonNull(state, "state");
        issues = List.copyOf(issues);
        parts = List.copyOf(parts);
        Objects.requireNonNull(recheckAt, "recheckAt");
    }

    /** The live state's message: the issues joined with "; ", or "all parts OK". */
    public String message() {
        if (issues.isEmpty()) {
            return "all parts OK";
        }
        if (issues.size() <= MESSAGE_ISSUES) {
            return String.join("; ", issues);
        }
        return String.join("; ", issues.subList(0, MESSAGE_ISSUES)) + "; and " + (issues.size() - MESSAGE_ISSUES)
                + " more";
    }

    /** Each part's id → whether it is OK (usable), in declaration order; unmodifiable. */
    public Map<String, Boolean> partOk() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        for (PartStatus p : parts) {
            m.put(p.id(), p.ok());
        }
        return Collections.unmodifiableMap(m);
    }
}
