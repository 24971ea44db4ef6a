package dev.watchpost.targets;

import dev.watchpost.config.SpecReader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.watchpost.composite.CompositeDef;
import dev.watchpost.live.GroupDef;
import dev.watchpost.live.TargetDef;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import static dev.watchpost.config.SpecReader.at;
import static dev.watchpost.config.SpecReader.keys;
import static dev.watchpost.config.SpecReader.object;
import static dev.watchpost.config.SpecReader.optionalDuration;
import static dev.watchpost.config.SpecReader.optionalDurationOrZero;
import static dev.watchpost.config.SpecReader.optionalInt;
import static dev.watchpost.config.SpecReader.optionalText;
import static dev.watchpost.config.SpecReader.requiredText;

/**
 * Reads a target's {@code composite:} section:
 * <pre>
 * composite:
 *   parts: [lab/p1/data, lab/p1/video, lab/p1/jump]   # targets, or groups standing for all their targets
 *   required: [lab/p1/data, lab/p1/video]             # default: every part (none with rule at-least)
 *   rule: all | worst | at-least                      # default all
 *   at-least: 2                                       # with rule at-least; a group counts its targets
 *   startup-grace: 1m                                 # 0 (or 0s, PT0S) = judged at once
 *   stale-after: 10s                                  # optional
 *   health-events: 100                                # events kept, default 100
 *   on-availability-change: { webhook: https://book.example.com/hooks/availability }
 * </pre>
 */
final class CompositeSpecs {

    private static final Set<String> KEYS = Set.of("parts", "required", "rule", "at-least", "startup-grace",
            "stale-after", "health-events", "on-availability-change");

    private CompositeSpecs() {
    }

    /** @param selfId the composite's own id, which cannot be one of its parts */
    static CompositeDef parse(JsonNode spec, String where, String selfId) {
        object(spec, where);
        keys(spec, where, KEYS);
        List<String> parts = ids(spec.get("parts"), where + ".parts");
        if (parts.isEmpty()) {
            throw new IllegalArgumentException(where + ".parts: a composite needs at least one part");
        }
        if (parts.contains(selfId)) {
            throw new IllegalArgumentException(where + ".parts: a composite cannot be a part of itself");
        }
        String ruleText = optionalText(spec, "rule", where).orElse("all");
        CompositeDef.Rule rule = switch (ruleText.toLowerCase(Locale.ROOT)) {
            case "all" -> CompositeDef.Rule.ALL;
            case "worst", "worst-of" -> CompositeDef.Rule.WORST;
            case "at-least", "k-of-n" -> CompositeDef.Rule.AT_LEAST;
            default -> throw new IllegalArgumentException(where + ".rule: '" + ruleText + "' is not one of all, worst, at-least");
        };
        // No upper bound from the declared parts: a group part counts each of its targets.
        int atLeast = optionalInt(spec, "at-least", where, 1, GroupDef.MAX_SHARDS).orElse(0);
        if (rule == CompositeDef.Rule.AT_LEAST && atLeast == 0) {
            throw new IllegalArgumentException(where + ".at-least: required with rule at-least (a whole number, 1 or more)");
        }
        if (rule != CompositeDef.Rule.AT_LEAST && spec.has("at-least")) {
            throw new IllegalArgumentException(where + ".at-least: only used with rule at-least");
        }
        Duration grace = optionalDurationOrZero(spec, "startup-grace", where).orElse(CompositeDef.DEFAULT_STARTUP_GRACE);
        // With at-least the count is the availability rule, so no part is required unless named.
        List<String> required = spec.hasNonNull("required") ? ids(spec.get("required"), where + ".required")
                : rule == CompositeDef.Rule.AT_LEAST ? List.of() : parts;
        for (String r : required) {
            if (!parts.contains(r)) {
                throw new IllegalArgumentException(where + ".required: '" + r + "' is not one of the parts");
            }
        }
        Optional<Duration> stale = optionalDuration(spec, "stale-after", where);
        int events = optionalInt(spec, "health-events", where, 1, CompositeDef.MAX_HEALTH_EVENTS)
                .orElse(CompositeDef.DEFAULT_HEALTH_EVENTS);
        Optional<URI> webhook = Optional.empty();
        JsonNode action = spec.get("on-availability-change");
        if (action != null && !action.isNull()) {
            String w = where + ".on-availability-change";
            object(action, w);
            keys(action, w, Set.of("webhook"));
            String url = requiredText(action, "webhook", w);
            webhook = Optional.of(at(w + ".webhook", () -> {
                // The URL is a secret (its path or query is often the receiver's token): never repeated.
                URI u = SpecReader.url(url, w + ".webhook");
                if (u.getScheme() == null || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))
                        || u.getHost() == null) {
                    throw new IllegalArgumentException("expected an absolute http:// or https:// URL");
                }
                return u;
            }));
        }
        Optional<URI> hook = webhook;
        return at(where, () -> new CompositeDef(parts, new LinkedHashSet<>(required), rule, atLeast, grace, stale, hook,
                events));
    }

    private static List<String> ids(JsonNode list, String where) {
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException(where + ": expected a list of target ids");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : list) {
            String id = n.isTextual() ? n.asText().strip() : "";
            if (!TargetDef.ID.matcher(id).matches()) {
                throw new IllegalArgumentException(where + ": '" + n.asText() + "' is not a target id");
            }
            if (out.contains(id)) {
                throw new IllegalArgumentException(where + ": '" + id + "' is listed twice");
            }
            out.add(id);
        }
        return out;
    }
}
