package dev.watchpost.web;

import java.util.OptionalInt;

/**
 * How many connections the server holds open at once: in total and from one client address.
 * A connection over either limit is answered 503 and closed the moment it is accepted, so an idle
 * flood costs one descriptor for an instant instead of one each for as long as the flood lasts.
 *
 * @param total        the most connections open at once; empty for a number derived from the
 *                     process's descriptor limit (see {@link #resolveTotal})
 * @param perAddress   the most connections open at once from one client address; 0 for no such limit
 *                     (behind a reverse proxy every client has the proxy's address)
 * @param reserve      descriptors the rest of the server may hold at once besides the connections
 *                     and what was open at start (concurrent probes, database connections)
 */
public record ConnectionLimits(OptionalInt total, int perAddress, int reserve) {

    /** The largest total taken by default, whatever the descriptor limit: ~4,000 idle connections cost ~0.5 GB. */
    static final int AUTO_CAP = 4096;
    /** Never fewer than this by default, even when the descriptor limit leaves less (a warning says so). */
    static final int AUTO_FLOOR = 16;
    /** Descriptors kept free beyond every estimate: log files, a backup, an alert channel's connection. */
    static final int SPARE = 64;

    /** What a server started without configuration uses (the stats agent, test servers). */
    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(OptionalInt.empty(), 100, 64);

    public ConnectionLimits {
        if (total.isPresent() && total.getAsInt() < 1) {
            throw new IllegalArgumentException("total must be at least 1: " + total);
        }
        if (perAddress < 0 || reserve < 0) {
            throw new IllegalArgumentException("perAddress and reserve must not be negative");
        }
    }

    /** The total in force and why. */
    record Resolved(int total, long room, boolean fits) {
    }

    /**
     * The total in force, given the process's descriptor limit and how many it had open when the
     * server started. The room is the limit less those, the reserve and a spare: a configured total
     * is kept as given ({@code fits} false when it exceeds the room, which is worth a warning); without
     * one the room is taken, between {@link #AUTO_FLOOR} and {@link #AUTO_CAP}.
     *
     * @param maxDescriptors the process's descriptor limit, or a negative number when unknown
     */
    Resolved resolveTotal(long maxDescriptors, long openDescriptors) {
        long room = maxDescriptors < 0 ? Long.MAX_VALUE : maxDescriptors - openDescriptors - reserve - SPARE;
        if (total.isPresent()) {
            return new Resolved(total.getAsInt(), room, total.getAsInt() <= room);
        }
        int auto = (int) Math.max(AUTO_FLOOR, Math.min(AUTO_CAP, room));
        return new Resolved(auto, room, auto <= room);
    }
}
