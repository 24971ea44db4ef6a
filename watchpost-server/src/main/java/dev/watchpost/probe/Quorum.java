package dev.watchpost.probe;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * What a target's locations agree on, from each location's latest result. Pure: the caller passes
 * the results and {@code now}; nothing here keeps state. The decided outcome is one step for the
 * target's {@link DampingState} ({@link Decision#damp}), which confirms it as it confirms a single
 * location's results today.
 *
 * <p>Rules, applied by {@link #decide}:
 * <ul>
 *   <li><b>Live or silent.</b> A location is live while its latest check started at most
 *       {@link #silentAfter() 2 × every + 5 s} ago. Its next result is due one interval after that
 *       check, may take up to its timeout (at most another interval), and gets {@link #GRACE} for
 *       start drift and delivery; past that it is overdue and the location is silent: left out of
 *       the count, never counted as down (a prober cut off from the server is not an outage of the
 *       target). A result dated more than the grace after {@code now} is not trusted either (the
 *       server puts remote check times on its own clock, so such a date is a fault) and counts as
 *       silent.</li>
 *   <li><b>Too few.</b> With fewer live locations than {@code k} nothing is decided and the reason
 *       says so ("only 1 of 3 locations reporting (us and asia silent); quorum needs 2").</li>
 *   <li><b>One interval.</b> Results agree only when they were checked within one interval of each
 *       other (checked less than {@code every} apart). Every location runs a target on the same
 *       grid ({@link ProbeSchedule} hashes the id the same way everywhere), so one round's results
 *       lie within the start drift of each other, and a location one round behind is not mixed
 *       with the others' newer round.</li>
 *   <li><b>Down.</b> DOWN when {@code k} live locations see DOWN within one interval.</li>
 *   <li><b>Answering.</b> Otherwise, when {@code k} live locations see the target answering (UP or
 *       DEGRADED) within one interval: DEGRADED if {@code k} of them see DEGRADED within one
 *       interval, else UP. Worse wins at the same threshold, as for down.</li>
 *   <li><b>Ties</b> (with {@code k} at most half the locations both may reach {@code k}, e.g. 2 of
 *       4 down and 2 up): DOWN. {@code k} is the operator's word for how many locations seeing a
 *       failure make an outage (Datadog's "n of N locations"); keeping the state instead would make
 *       {@code quorum: 1} of 3 mean "every live location", the opposite of what it says. With the
 *       default majority a tie cannot happen: two disjoint majorities do not exist.</li>
 *   <li><b>Otherwise</b> no decision: the target keeps its state, and the reason lists what each
 *       location sees.</li>
 * </ul>
 * With one location (today's {@code local} alone, quorum 1) the decided result is that location's
 * result itself, reason and all: the same as before locations existed.
 *
 * @param locations the locations the target uses now ({@link ProbeLocations#resolve}), in the order
 *                  summaries name them
 * @param k         how many must agree; at least 1, and may exceed the locations in use (a target
 *                  on {@code all} with fewer probers than its quorum), which then never decides
 * @param every     the target's interval
 */
public record Quorum(List<String> locations, int k, Duration every) {

    /** Allowance beyond the interval and the timeout for start drift and for results in transit. */
    public static final Duration GRACE = Duration.ofSeconds(5);

    public Quorum {
        Objects.requireNonNull(locations, "locations");
        Objects.requireNonNull(every, "every");
        locations = List.copyOf(locations);
        if (locations.isEmpty()) {
            throw new IllegalArgumentException("a quorum needs at least one location");
        }
        if (new HashSet<>(locations).size() != locations.size()) {
            throw new IllegalArgumentException("locations must not repeat: " + locations);
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1: " + k);
        }
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("every must be positive: " + every);
        }
    }

    /** The quorum of a plan, over the locations it uses now. */
    public static Quorum of(ProbePlan plan, Collection<String> knownLocations) {
        List<String> in = plan.locations().resolve(knownLocations);
        return new Quorum(in, plan.locations().quorumOf(in.size()), plan.every());
    }

    /** One location's latest result, and when its check started (on the server's clock). */
    public record Seen(String location, ProbeResult result, Instant at) {
        public Seen {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(at, "at");
        }

        Outcome outcome() {
            return result.outcome();
        }
    }

    /** Why a decision is what it is. */
    public enum Kind {
        /** {@code k} live locations agree: {@link Decision#outcome()} is set. */
        AGREED,
        /** Fewer live locations than {@code k}: nothing can be decided. */
        TOO_FEW,
        /** Enough live locations, but not {@code k} agreeing within one interval. */
        SPLIT
    }

    /**
     * The quorum's verdict.
     *
     * @param outcome present only when {@link Kind#AGREED}
     * @param summary what each location sees, for the target's message and alerts ("down from eu
     *                and us: status 503; asia sees status 200"); the reason itself with one location
     * @param result  the agreed outcome as one result for damping: the summary as its reason, the
     *                median latency of the agreeing locations, the status and stats of the newest
     *                of them; with one location, its own result unchanged
     * @param live    the live locations, in the quorum's order
     * @param silent  the silent ones, in the quorum's order
     */
    public record Decision(Kind kind, Optional<Outcome> outcome, String summary, Optional<ProbeResult> result,
                           List<String> live, List<String> silent) {

        public Decision {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(summary, "summary");
            Objects.requireNonNull(result, "result");
            live = List.copyOf(live);
            silent = List.copyOf(silent);
            if ((kind == Kind.AGREED) != outcome.isPresent() || outcome.isPresent() != result.isPresent()) {
                throw new IllegalArgumentException("an outcome and its result come with agreement only");
            }
        }

        public boolean decided() {
            return kind == Kind.AGREED;
        }

        /**
         * The damping state after this decision: one step with the agreed result, or unchanged when
         * nothing was decided (the target keeps its state, and no streak grows or breaks). The
         * caller takes one decision per round of the target's grid, so a threshold keeps counting
         * rounds, not the locations' individual results.
         */
        public DampingState damp(DampingState d, DampingState.Thresholds t) {
            Objects.requireNonNull(d, "damping");
            Objects.requireNonNull(t, "thresholds");
            return result.map(r -> d.next(r, t)).orElse(d);
        }
    }

    /** A location whose latest check started longer ago than this is silent. */
    public Duration silentAfter() {
        return every.multipliedBy(2).plus(GRACE);
    }

    /** Whether a result still counts at {@code now}: not older than {@link #silentAfter()}, not from the future. */
    public boolean live(Instant at, Instant now) {
        return !at.isBefore(now.minus(silentAfter())) && !at.isAfter(now.plus(GRACE));
    }

    /**
     * The verdict at {@code now}.
     *
     * @param latest each location's latest result; locations the target does not use are ignored, and
     *               of several results for one location the newest counts
     */
    public Decision decide(Collection<Seen> latest, Instant now) {
        Objects.requireNonNull(latest, "latest");
        Objects.requireNonNull(now, "now");
        Map<String, Seen> newest = new HashMap<>();
        for (Seen s : latest) {
            if (locations.contains(s.location())) {
                newest.merge(s.location(), s, (a, b) -> b.at().isAfter(a.at()) ? b : a);
            }
        }
        List<Seen> live = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        for (String l : locations) {
            Seen s = newest.get(l);
            if (s != null && live(s.at(), now)) {
                live.add(s);
            } else {
                silent.add(l);
            }
        }
        List<String> liveNames = live.stream().map(Seen::location).toList();
        if (live.size() < k) {
            String reason = (live.isEmpty() ? "no location reporting" : "only " + live.size() + " of " + locations.size()
                    + (locations.size() == 1 ? " location" : " locations") + " reporting")
                    + (silent.isEmpty() ? "" : " (" + listing(silent) + " silent)")
                    + "; quorum needs " + k;
            return new Decision(Kind.TOO_FEW, Optional.empty(), reason, Optional.empty(), liveNames, silent);
        }
        Optional<List<Seen>> down = agreeing(live, s -> s.outcome() == Outcome.DOWN);
        Outcome outcome;
        List<Seen> agreed;
        if (down.isPresent()) {
            outcome = Outcome.DOWN;
            agreed = down.get();
        } else {
            Optional<List<Seen>> answering = agreeing(live, s -> s.outcome() != Outcome.DOWN);
            if (answering.isEmpty()) {
                String reason = "quorum of " + k + " not reached: " + String.join("; ", byOutcome(live))
                        + (silent.isEmpty() ? "" : "; " + listing(silent) + " silent");
                return new Decision(Kind.SPLIT, Optional.empty(), reason, Optional.empty(), liveNames, silent);
            }
            Optional<List<Seen>> degraded = agreeing(live, s -> s.outcome() == Outcome.DEGRADED);
            if (degraded.isPresent()) {
                outcome = Outcome.DEGRADED;
                agreed = degraded.get();
            } else {
                outcome = Outcome.UP;
                agreed = answering.get().stream().filter(s -> s.outcome() == Outcome.UP).toList();
            }
        }
        if (locations.size() == 1) {
            Seen only = agreed.get(0);
            return new Decision(Kind.AGREED, Optional.of(outcome), only.result().reason(), Optional.of(only.result()),
                    liveNames, silent);
        }
        String summary = summary(outcome, agreed, live, silent);
        return new Decision(Kind.AGREED, Optional.of(outcome), summary, Optional.of(combined(outcome, summary, agreed)),
                liveNames, silent);
    }

    /**
     * The newest set of at least {@code k} live results that pass {@code test} and were checked
     * less than one interval apart, in the quorum's order; empty when there is none.
     */
    private Optional<List<Seen>> agreeing(List<Seen> live, Predicate<Seen> test) {
        List<Seen> passing = live.stream().filter(test).sorted(Comparator.comparing(Seen::at).reversed()).toList();
        for (Seen newest : passing) {
            Instant after = newest.at().minus(every);
            List<Seen> window = live.stream().filter(test)
                    .filter(s -> s.at().isAfter(after) && !s.at().isAfter(newest.at()))
                    .toList();
            if (window.size() >= k) {
                return Optional.of(window);
            }
        }
        return Optional.empty();
    }

    /** "down from eu and us: status 503; asia sees status 200; sa silent". */
    private static String summary(Outcome outcome, List<Seen> agreed, List<Seen> live, List<String> silent) {
        List<String> parts = new ArrayList<>();
        parts.add(from(outcome, agreed));
        List<Seen> others = live.stream().filter(s -> !agreed.contains(s)).toList();
        for (Map.Entry<String, List<String>> e : byReason(others).entrySet()) {
            List<String> who = e.getValue();
            parts.add(listing(who) + (who.size() == 1 ? " sees " : " see ") + e.getKey());
        }
        if (!silent.isEmpty()) {
            parts.add(listing(silent) + " silent");
        }
        return String.join("; ", parts);
    }

    /** "down from eu and us: status 503", or with reasons that differ "down from eu (status 503) and us (timeout after 5 s)". */
    private static String from(Outcome outcome, List<Seen> seen) {
        Map<String, List<String>> reasons = byReason(seen);
        String word = outcome.name().toLowerCase(java.util.Locale.ROOT) + " from ";
        if (reasons.size() == 1) {
            Map.Entry<String, List<String>> e = reasons.entrySet().iterator().next();
            return word + listing(e.getValue()) + ": " + e.getKey();
        }
        List<String> groups = new ArrayList<>();
        reasons.forEach((reason, who) -> groups.add(listing(who) + " (" + reason + ")"));
        return word + listing(groups);
    }

    /** Each outcome seen, worst first: "down from eu: status 503", "up from us: status 200". */
    private static List<String> byOutcome(List<Seen> live) {
        List<String> out = new ArrayList<>();
        for (Outcome o : List.of(Outcome.DOWN, Outcome.DEGRADED, Outcome.UP)) {
            List<Seen> these = live.stream().filter(s -> s.outcome() == o).toList();
            if (!these.isEmpty()) {
                out.add(from(o, these));
            }
        }
        return out;
    }

    /** Locations by reason, reasons in the order their first location comes. */
    private static Map<String, List<String>> byReason(List<Seen> seen) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Seen s : seen) {
            out.computeIfAbsent(s.result().reason(), r -> new ArrayList<>()).add(s.location());
        }
        return out;
    }

    /** "eu", "eu and us", "eu, us and asia". */
    static String listing(List<String> items) {
        int n = items.size();
        if (n <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, n - 1)) + " and " + items.get(n - 1);
    }

    /** The agreement as one result: the summary, the agreeing locations' median latency, the newest one's status and stats. */
    private static ProbeResult combined(Outcome outcome, String summary, List<Seen> agreed) {
        double[] latencies = agreed.stream().mapToDouble(s -> s.result().latencyMs()).filter(l -> !Double.isNaN(l))
                .sorted().toArray();
        double latency = latencies.length == 0 ? Double.NaN
                : latencies.length % 2 == 1 ? latencies[latencies.length / 2]
                : (latencies[latencies.length / 2 - 1] + latencies[latencies.length / 2]) / 2;
        ProbeResult newest = agreed.stream().max(Comparator.comparing(Seen::at)).orElseThrow().result();
        OptionalInt status = newest.statusCode();
        return new ProbeResult(outcome, summary, latency, status, newest.stats());
    }
}
