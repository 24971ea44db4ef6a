package dev.watchpost.alert;

import dev.watchpost.live.Glob;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.watchpost.live.TargetKind;
import dev.watchpost.live.TargetRef;

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
 * @param per         whether members of a group alert one by one or as their group (see {@link #grouped})
 * @param minDown     group alerts: how many of a group's members must have the problem
 * @param settle      group alerts: how long a group's problem is held before it is sent, so a burst
 *                    of members going down is one alert
 * @param spec        the declaration in its canonical JSON form (secrets: none in rules)
 */
record Rule(String id, List<Glob> targets, Set<String> tags, Set<On> on, List<String> notifies, Duration damping,
            Optional<Duration> remindEvery, Optional<String> template, Optional<Digest> digest, Per per,
            Threshold minDown, Duration settle, ObjectNode spec, String source) {

    /** {@code per:}, how members of a group alert. */
    enum Per {
        /** Not given: shards of a sharded group as their group, other targets one by one. */
        DEFAULT,
        /** Members of any group as their group (targets in no group one by one). */
        GROUP,
        /** Every target on its own, shards included (as before group alerts). */
        TARGET
    }

    /**
     * {@code min-down:}, how many of a group's members must have a problem for the group to alert: a
     * count ({@code 3}) or a share ({@code 10%}, rounded up). Never more than the members: a whole
     * group down always alerts.
     *
     * @param count   the count; 0 when a share is given
     * @param percent the share in percent (0 &lt; p &le; 100); 0 when a count is given
     */
    record Threshold(int count, double percent) {

        static final Threshold ONE = new Threshold(1, 0);

        Threshold {
            if ((count > 0) == (percent > 0) || count < 0 || percent < 0 || percent > 100) {
                throw new IllegalArgumentException("a threshold is a count of 1 or more, or a share over 0% up to 100%");
            }
        }

        /** The members that must have the problem in a group of {@code total}: at least 1, at most {@code total}. */
        int of(int total) {
            int n = percent > 0 ? (int) Math.ceil(total * percent / 100.0 - 1e-9) : count;
            return Math.max(1, Math.min(n, Math.max(total, 1)));
        }

        String describe() {
            if (count > 0) {
                return Integer.toString(count);
            }
            return (percent == Math.rint(percent) ? Long.toString((long) percent) : Double.toString(percent)) + "%";
        }
    }

    static final Duration DEFAULT_SETTLE = Duration.ofSeconds(10);

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
        Objects.requireNonNull(per, "per");
        Objects.requireNonNull(minDown, "minDown");
        Objects.requireNonNull(settle, "settle");
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

    /**
     * Whether a transition of {@code target} counts towards its group's alert rather than alerting on
     * its own: with {@code per: group} for members of any group, by default for shards of a sharded
     * group (a bot's 48 shards are one outage, not 48), never with {@code per: target}. A composite
     * is its own roll-up and alerts on its own.
     */
    boolean grouped(TargetRef target) {
        if (target.groupId() == null || target.kind() == TargetKind.COMPOSITE) {
            return false;
        }
        return switch (per) {
            case TARGET -> false;
            case GROUP -> true;
            case DEFAULT -> target.shard() >= 0;
        };
    }

    /** Whether this rule sends the problem {@code e} (down, degraded, unavailable). */
    boolean takes(Event e) {
        return switch (e) {
            case DOWN -> on.contains(On.DOWN);
            case DEGRADED -> on.contains(On.DEGRADED);
            case UNAVAILABLE, AVAILABLE -> on.contains(On.AVAILABILITY);
            case RECOVERED -> on.contains(On.RECOVERED);
            case NEVER_REPORTED, LOCATION_LOST -> on.contains(On.DOWN);
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
