package dev.watchpost.composite;

import dev.watchpost.live.TargetKind;
import dev.watchpost.live.Severity;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Judges a composite from its parts' views: a pure function of the declaration, the views, the time
 * and when the composite was first seen. No I/O, no clock of its own.
 *
 * <p>A part is <em>present</em> when its target exists and its state is not unknown (a target that
 * never reported knows nothing), and <em>OK</em> when it is present, its state counts as up
 * ({@link State#up()}: online, or degraded, starting, stopping, resuming) and, with
 * {@code stale-after}, its last report is recent enough. Degraded-like states are OK for
 * availability but are issues ("degraded &lt;part&gt;"), so they keep the composite from being
 * healthy: it reports degraded, not online. Maintenance counts as not OK: a part deliberately out of
 * service cannot be used.
 *
 * <p>Rules:
 * <ul>
 * <li>all: healthy = no issues; available = every required part OK.</li>
 * <li>worst: as all for healthy and available; the state is the worst of the parts' (missing,
 *     unhealthy or stale → down, degraded → degraded, else online), so an optional part that is down
 *     makes the composite down while it stays available.</li>
 * <li>at-least k: available = at least k parts OK and every required part OK; healthy = at least k
 *     parts fully OK (online) and every required part fully OK.</li>
 * </ul>
 */
final class Assessor {

    private Assessor() {
    }

    /**
     * @param parts     one entry per declared part, in declaration order
     * @param firstSeen when the composite was first seen; nothing is assessed before {@code firstSeen + startupGrace}
     */
    static Assessment assess(CompositeDef def, List<PartViews> parts, Instant now, Instant firstSeen) {
        Instant assessFrom = firstSeen.plus(def.startupGrace());
        boolean assessed = !now.isBefore(assessFrom);
        long nowMs = now.toEpochMilli();
        long staleMs = def.staleAfter().map(java.time.Duration::toMillis).orElse(-1L);
        Instant recheck = assessed ? null : assessFrom;
        boolean anyStale = false;

        List<PartStatus> statuses = new ArrayList<>();
        for (PartViews p : parts) {
            boolean required = def.isRequired(p.part());
            if (p.members().isEmpty()) {
                statuses.add(new PartStatus(p.part(), p.part(), required, State.UNKNOWN, PartStatus.Condition.MISSING));
                continue;
            }
            for (TargetView v : p.members()) {
                PartStatus.Condition c = condition(v);
                // A composite part reports only when it changes, so its age says nothing about it.
                if (staleMs >= 0 && c != PartStatus.Condition.MISSING && v.kind() != TargetKind.COMPOSITE) {
                    long freshUntil = v.lastSeen() < 0 ? Long.MIN_VALUE : v.lastSeen() + staleMs;
                    if (nowMs > freshUntil) {
                        c = PartStatus.Condition.STALE;
                        anyStale = true;
                    } else {
                        recheck = earlier(recheck, Instant.ofEpochMilli(freshUntil + 1));
                    }
                }
                statuses.add(new PartStatus(v.id(), p.part(), required, v.state(), c));
            }
        }
        if (anyStale) {
            recheck = now;
        }

        List<String> issues = issues(statuses);
        boolean requiredOk = statuses.stream().filter(PartStatus::required).allMatch(PartStatus::ok);
        boolean healthy;
        boolean available;
        State state;
        switch (def.rule()) {
            case AT_LEAST -> {
                long ok = statuses.stream().filter(PartStatus::ok).count();
                long fullyOk = statuses.stream().filter(s -> s.condition() == PartStatus.Condition.OK).count();
                boolean requiredFullyOk = statuses.stream().filter(PartStatus::required)
                        .allMatch(s -> s.condition() == PartStatus.Condition.OK);
                available = ok >= def.atLeast() && requiredOk;
                healthy = fullyOk >= def.atLeast() && requiredFullyOk;
                if (ok < def.atLeast()) {
                    issues.add(ok + " of " + def.atLeast() + " needed parts OK");
                }
                state = healthy ? State.ONLINE : available ? State.DEGRADED : State.DOWN;
            }
            case WORST -> {
                healthy = issues.isEmpty();
                available = requiredOk;
                state = worst(statuses);
            }
            default -> {
                healthy = issues.isEmpty();
                available = requiredOk;
                state = healthy ? State.ONLINE : available ? State.DEGRADED : State.DOWN;
            }
        }
        return new Assessment(now, assessed, assessFrom, state, healthy, available, issues, statuses,
                Optional.ofNullable(recheck));
    }

    static PartStatus.Condition condition(TargetView v) {
        State s = v.state();
        if (s == State.UNKNOWN) {
            return PartStatus.Condition.MISSING;
        }
        if (s.severity() == Severity.OK) {
            return PartStatus.Condition.OK;
        }
        return s.up() ? PartStatus.Condition.DEGRADED : PartStatus.Condition.UNHEALTHY;
    }

    /** The contract's order: missing optional, missing required, unhealthy, then degraded; each in declaration order. */
    private static List<String> issues(List<PartStatus> statuses) {
        List<String> out = new ArrayList<>();
        for (PartStatus s : statuses) {
            if (s.condition() == PartStatus.Condition.MISSING && !s.required()) {
                out.add("missing " + s.id());
            }
        }
        for (PartStatus s : statuses) {
            if (s.condition() == PartStatus.Condition.MISSING && s.required()) {
                out.add("missing required " + s.id());
            }
        }
        for (PartStatus s : statuses) {
            if (s.condition() == PartStatus.Condition.UNHEALTHY || s.condition() == PartStatus.Condition.STALE) {
                out.add("unhealthy " + s.id());
            }
        }
        for (PartStatus s : statuses) {
            if (s.condition() == PartStatus.Condition.DEGRADED) {
                out.add("degraded " + s.id());
            }
        }
        return out;
    }

    private static State worst(List<PartStatus> statuses) {
        State worst = State.ONLINE;
        for (PartStatus s : statuses) {
            if (!s.ok()) {
                return State.DOWN;
            }
            if (s.condition() == PartStatus.Condition.DEGRADED) {
                worst = State.DEGRADED;
            }
        }
        return worst;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }
}
