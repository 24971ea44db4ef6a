package dev.watchpost.live;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongConsumer;

/**
 * Finds overdue targets without scanning them all: a timing wheel of {@link #SLOTS} slots of
 * {@link #TICK_MS} each, holding each leased target at most once, in the slot of the deadline it
 * had when it was (re)placed.
 *
 * <p>Heartbeats that move a deadline later do not touch the wheel: they only move the cell's
 * deadline. When the wheel reaches a slot it looks at the cells there: overdue ones expire; ones
 * whose deadline moved meanwhile are placed again at their new deadline. So a tick costs O(cells in
 * the slot), and each target is looked at about once per lease, however often it reports. Deadlines
 * further out than the wheel's span simply come round again.
 *
 * <p>A deadline that moves earlier (a started run, a shorter lease) may lie before the slot the
 * cell sits in, which would find it late by up to a whole turn of the wheel. Whoever moves it
 * earlier offers the cell again ({@link #moveDeadline} says when), and the wheel moves it to the
 * earlier slot. The slots are doubly linked behind a sentinel each, so unlinking is O(1), a cell is
 * never in two slots, and a cell costs one more reference and no other field. Why offering only on
 * an earlier deadline suffices: a cell sits in the slot of a deadline no later than its current
 * one, since its deadline has only moved later since it was placed, or else it was offered again.
 *
 * <p>Only the wheel's own thread calls {@link #tick}; any thread may call {@link #offer}.
 */
final class LeaseWheel {

    static final int SLOTS = 4096;
    static final long TICK_MS = 100;
    private static final int MASK = SLOTS - 1;

    /** Each slot's sentinel: its wheelNext is the slot's first cell. */
    private final TargetCell[] slots = new TargetCell[SLOTS];
    private final ConcurrentLinkedQueue<TargetCell> inbox = new ConcurrentLinkedQueue<>();
    /** The first tick not yet processed. */
    private long cursor;

    private final LongConsumer lateness;
    private final Expirer expirer;
    private final java.util.function.Predicate<String> owned;

    /** Applies an expiry; called with the cell's monitor held, so it is ordered with the cell's other changes. */
    @FunctionalInterface
    interface Expirer {
        void expireLocked(TargetCell cell, State to, long nowMs, String reason);
    }

    /**
     * @param lateness receives, for each expiry, how many ms after its deadline it was found
     * @param owned whether this node acts for a target: an overdue target it does not own leaves the
     *              wheel without expiring (its owner expires it), and comes back with its next report
     *              or when this node takes it over
     */
    LeaseWheel(long nowMs, LongConsumer lateness, Expirer expirer, java.util.function.Predicate<String> owned) {
        this.cursor = nowMs / TICK_MS;
        this.lateness = lateness;
        this.expirer = expirer;
        this.owned = owned;
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new TargetCell("", null, null, -1, -1);
        }
    }

    /**
     * Sets a cell's deadline. Caller holds the cell's monitor; when this answers true (the deadline
     * moved earlier, or the cell had none and so is in no slot) it calls {@link #offer} after
     * releasing it. One comparison: heartbeats that move a deadline later pay nothing more.
     */
    static boolean moveDeadline(TargetCell cell, long deadlineMs) {
        boolean earlier = deadlineMs < cell.deadline;
        cell.deadline = deadlineMs;
        return earlier;
    }

    /** Hands a cell to the wheel; see {@link #moveDeadline}. An offer that turns out stale is harmless. */
    void offer(TargetCell cell) {
        inbox.add(cell);
    }

    /** Processes every tick that has fully elapsed by {@code nowMs}, expiring overdue targets. */
    void tick(long nowMs) {
        for (TargetCell c; (c = inbox.poll()) != null; ) {
            place(c);
        }
        long last = nowMs / TICK_MS; // ticks before this one have fully elapsed
        long from = Math.max(cursor, last - SLOTS);
        for (long t = from; t < last; t++) {
            TargetCell sentinel = slots[(int) (t & MASK)];
            TargetCell c = sentinel.wheelNext;
            sentinel.wheelNext = null;
            while (c != null) {
                TargetCell next = c.wheelNext;
                c.wheelNext = null;
                c.wheelPrev = null;
                visit(c, nowMs);
                c = next;
            }
        }
        cursor = Math.max(cursor, last);
    }

    /** An offered cell: moves it to the slot of its current deadline, wherever it was. */
    private void place(TargetCell c) {
        long deadline;
        synchronized (c) {
            deadline = c.deadline;
        }
        if (deadline == Long.MAX_VALUE) {
            return; // expired or removed meanwhile; if still in a slot, its visit lets it go
        }
        unlink(c);
        link(c, deadline);
    }

    private void visit(TargetCell c, long nowMs) {
        long reinsertAt = Long.MAX_VALUE;
        synchronized (c) {
            if (c.removed || c.deadline == Long.MAX_VALUE) {
                return;
            }
            if (c.deadline <= nowMs && !owned.test(c.id)) {
                c.deadline = Long.MAX_VALUE;
            } else if (c.deadline <= nowMs) {
                LeasePolicy lease = c.lease();
                lateness.accept(nowMs - c.deadline);
                c.deadline = Long.MAX_VALUE;
                c.started = false;
                StateMachine.expired(c.state).ifPresent(to -> expirer.expireLocked(c, to, nowMs,
                        "no report for " + (lease == null ? "its lease" : lease.describe())));
            } else {
                reinsertAt = c.deadline;
            }
        }
        if (reinsertAt != Long.MAX_VALUE) {
            link(c, reinsertAt);
        }
    }

    /** Links a cell that is in no slot into the slot of {@code deadlineMs} (never one already processed). */
    private void link(TargetCell c, long deadlineMs) {
        long t = Math.max(deadlineMs / TICK_MS, cursor);
        TargetCell sentinel = slots[(int) (t & MASK)];
        TargetCell first = sentinel.wheelNext;
        c.wheelNext = first;
        c.wheelPrev = sentinel;
        if (first != null) {
            first.wheelPrev = c;
        }
        sentinel.wheelNext = c;
    }

    private void unlink(TargetCell c) {
        TargetCell prev = c.wheelPrev;
        if (prev == null) {
            return; // in no slot
        }
        TargetCell next = c.wheelNext;
        prev.wheelNext = next;
        if (next != null) {
            next.wheelPrev = prev;
        }
        c.wheelNext = null;
        c.wheelPrev = null;
    }
}
