package dev.watchpost.probe;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Where a probed target is checked from, and how many of those places must agree before its state
 * changes (see {@link Quorum}). The server's own checks are the location {@link #LOCAL}; the others
 * are named by the probers that run there.
 *
 * <p>Declared as {@code locations: [eu, us, asia]} (these, in this order) or {@code locations: all}
 * (every location the server knows when it decides, {@code local} included: a prober that joins
 * later counts without redeclaring the target), with {@code quorum: k}. Without {@code quorum} the
 * quorum is a majority of the locations, worked out against the locations actually in use, so a
 * target on {@code all} keeps a majority as probers come and go.
 *
 * @param all    every known location rather than {@code named}
 * @param named  the declared locations in declared order (no duplicates); empty when {@code all}
 * @param quorum the declared quorum, or empty for a majority
 */
public record ProbeLocations(boolean all, List<String> named, OptionalInt quorum) {

    /** The location of the server's own checks. */
    public static final String LOCAL = "local";

    /** The word that selects every location; never a location's own name. */
    public static final String ALL = "all";

    /** A location's name: what a prober is started with and targets list. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,32}");

    /** The most locations a target names, and the largest quorum: a summary naming them stays readable. */
    public static final int MAX = 64;

    /** Today's behaviour and the default: checked by this server alone, its result decides. */
    public static final ProbeLocations LOCAL_ONLY = new ProbeLocations(false, List.of(LOCAL), OptionalInt.empty());

    public ProbeLocations {
        Objects.requireNonNull(named, "named");
        Objects.requireNonNull(quorum, "quorum");
        named = List.copyOf(named);
        if (all != named.isEmpty()) {
            throw new IllegalArgumentException("give either every location or at least one named location");
        }
        if (named.size() > MAX) {
            throw new IllegalArgumentException("at most " + MAX + " locations: " + named.size());
        }
        if (new HashSet<>(named).size() != named.size()) {
            throw new IllegalArgumentException("locations must not repeat: " + named);
        }
        for (String n : named) {
            if (!isName(n)) {
                throw new IllegalArgumentException("not a location name: '" + n + "'");
            }
        }
        if (quorum.isPresent() && (quorum.getAsInt() < 1 || quorum.getAsInt() > (all ? MAX : named.size()))) {
            throw new IllegalArgumentException("quorum must be 1-" + (all ? MAX : named.size()) + ": " + quorum.getAsInt());
        }
    }

    /** A usable location name: matches {@link #NAME} and is not the reserved {@link #ALL}. */
    public static boolean isName(String s) {
        return s != null && NAME.matcher(s).matches() && !s.equals(ALL);
    }

    /** A majority of {@code n} locations: {@code floor(n/2) + 1}, so two disjoint majorities cannot exist. */
    public static int majority(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1: " + n);
        }
        return n / 2 + 1;
    }

    /**
     * The locations the target uses now.
     *
     * @param known the remote locations the server knows (those with a prober); ignored unless {@code all}
     * @return the named ones as declared, or {@code local} followed by the known ones in name order
     */
    public List<String> resolve(Collection<String> known) {
        if (!all) {
            return named;
        }
        List<String> out = new ArrayList<>();
        out.add(LOCAL);
        for (String k : new TreeSet<>(known)) {
            if (!k.equals(LOCAL)) {
                out.add(k);
            }
        }
        return List.copyOf(out);
    }

    /**
     * How many of {@code n} locations in use must agree: the declared quorum, else a majority. With
     * {@code all} a declared quorum may exceed {@code n} (too few probers at the moment); the
     * decision then says so rather than deciding.
     */
    public int quorumOf(int n) {
        return quorum.isPresent() ? quorum.getAsInt() : majority(n);
    }

    /** Whether the target is checked from {@code location}: it is named, or the target takes every location. */
    public boolean uses(String location) {
        return all || named.contains(location);
    }

    /** The target is checked by this server alone, as before locations existed. */
    public boolean localOnly() {
        return !all && named.equals(List.of(LOCAL));
    }
}
