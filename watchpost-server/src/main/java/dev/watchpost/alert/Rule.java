package dev.watchpost.alert;

import dev.watchpost.live.Glob;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which transitions of which targets go to which channels, and how.
 *
 * @param targets     target ids, group ids or globs; empty = every target
 * @param tags        the rule takes only targets carrying one of these tags; empty = any (with
 *                    {@code targets} as well, a target must match both)
 * @param on          the transitions that alert
 * @param notifies    channels alerts go to; empty for a digest-only rule
 * @param damping     ({@code for}) a problem is notified only once it has lasted this long; a
 *                    recovery before then sends nothing
 * @param remindEvery while a notified problem lasts, remind this often
 * @param template    overrides the default one-line text of this rule's alerts
 * @param digest      a scheduled list of everything down among {@code targets}
 * @param spec        the declaration in its canonical JSON form (secrets: none in rules)
 */
record Rule(String id, List<Glob> targets, Set<String> tags, Set<On> on, List<String> notifies, Duration damping,
            Optional<Duration> remindEvery, Optional<String> template, Optional<Digest> digest, ObjectNode spec,
            String source) {

    /** What a rule's {@code on} list can name. */
    enum On {
        DOWN, DEGRADED, RECOVERED, AVAILABILITY;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A scheduled message listing every matching target that is down, sent only when at least one is. */
    record Digest(Schedule schedule, List<String> notifies) {
        Digest {
            Objects.requireNonNull(schedule, "schedule");
            notifies = List.copyOf(notifies);
        }
    }

    static final Set<On> DEFAULT_ON = Set.of(On.DOWN, On.RECOVERED);

    Rule {
        Objects.requireNonNull(id, "id");
        targets = List.copyOf(targets);
        tags = Set.copyOf(tags);
        on = Set.copyOf(on);
        notifies = List.copyOf(notifies);
        Objects.requireNonNull(damping, "damping");
        Objects.requireNonNull(remindEvery, "remindEvery");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(source, "source");
    }

    boolean matches(String targetId, String groupId, Set<String> targetTags) {
        if (!tags.isEmpty() && targetTags.stream().noneMatch(tags::contains)) {
            return false;
        }
        if (targets.isEmpty()) {
            return true;
        }
        for (Glob g : targets) {
            if (g.matches(targetId, groupId)) {
                return true;
            }
        }
        return false;
    }

    /** Whether this rule sends the problem {@code e} (down, degraded, unavailable). */
    boolean takes(Event e) {
        return switch (e) {
            case DOWN -> on.contains(On.DOWN);
            case DEGRADED -> on.contains(On.DEGRADED);
            case UNAVAILABLE, AVAILABLE -> on.contains(On.AVAILABILITY);
            case RECOVERED -> on.contains(On.RECOVERED);
            default -> false;
        };
    }

    /** Whether transitions alert at all (a digest-only rule notifies nobody of transitions). */
    boolean alerts() {
        return !notifies.isEmpty();
    }

    /** Every channel this rule may send to. */
    List<String> channels() {
        List<String> all = new java.util.ArrayList<>(notifies);
        digest.ifPresent(d -> d.notifies().stream().filter(c -> !all.contains(c)).forEach(all::add));
        return all;
    }
}
