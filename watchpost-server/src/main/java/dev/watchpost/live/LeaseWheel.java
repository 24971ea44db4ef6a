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
 * <p>A deadline that moves earlier than the slot a cell sits in (a started run, a shorter lease)
 * would be found late, up to a whole turn of the wheel. Whoever moves it offers the cell again
 * ({@link #sooner}), and the wheel unlinks it from its slot and links it into the earlier one: the
 * slots are doubly linked so that costs O(1), and a cell is never in two slots.
 *
 * <p>Only the wheel's own thread calls {@link #tick}; any thread may call {@link #offer}.
 */
final class LeaseWheel {

    static final int SLOTS = 4096;
    static final long TICK_MS = 100;
    private static final int MASK = SLOTS - 1;

    private final TargetCell[] heads = new TargetCell[SLOTS];
    private final ConcurrentLinkedQueue<TargetCell> inbox = new ConcurrentLinkedQueue<>();
    /** The first tick not yet processed. */
    private long cursor;

    private final LongConsumer lateness;
    private final Expirer expirer;

    /** Applies an expiry; called with the cell's monitor held, so it is ordered with the cell's other changes. */
    @FunctionalInterface
    interface Expirer {
        void expireLocked(TargetCell cell, State to, long nowMs, String reason);
    }

    /** @param lateness receives, for each expiry, how many ms after its deadline it was found */
    LeaseWheel(long nowMs, LongConsumer lateness, Expirer expirer) {
        this.cursor = nowMs / TICK_MS;
        this.lateness = lateness;
        this.expirer = expirer;
    }

    /**
     * Whether a cell whose deadline was just set must be offered: true when the wheel does not hold
     * it or holds it in a slot later than the new deadline. Caller holds the cell's monitor and,
     * when this answers true, calls {@link #offer} after releasing it. One comparison: heartbeats
     * that move a deadline later pay nothing more.
     */
    static boolean sooner(TargetCell cell) {
        if (cell.deadline < cell.wheelDue) {
            cell.wheelDue = cell.deadline; // further offers only for a deadline earlier still
            return true;
        }
        return false;
    }

    /** Hands a cell to the wheel; see {@link #sooner}. An offer that turns out stale is harmless. */
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
            int slot = (int) (t & MASK);
            TargetCell c = heads[slot];
            heads[slot] = null;
            while (c != null) {
                TargetCell next = c.wheelNext;
                c.wheelNext = null;
                c.wheelPrev = null;
                c.wheelSlot = -1;
                visit(c, nowMs);
                c = next;
            }
        }
        cursor = Math.max(cursor, last);
    }

    /** An offered cell: (re)links it at its current deadline, wherever it was. */
    private void place(TargetCell c) {
        long at;
        synchronized (c) {
            if (c.removed || c.deadline == Long.MAX_VALUE) {
                if (c.wheelSlot < 0) {
                    c.wheelDue = Long.MAX_VALUE;
                }
                return; // still linked: its slot's visit cleans up
            }
            at = slotTick(c.deadline);
            c.wheelDue = at * TICK_MS;
        }
        unlink(c);
        link(c, at);
    }

    private void visit(TargetCell c, long nowMs) {
        long reinsertAt = -1;
        synchronized (c) {
            if (c.removed || c.deadline == Long.MAX_VALUE) {
                c.wheelDue = Long.MAX_VALUE;
            } else if (c.deadline <= nowMs) {
                LeasePolicy lease = c.lease();
                lateness.accept(nowMs - c.deadline);
                c.deadline = Long.MAX_VALUE;
                c.wheelDue = Long.MAX_VALUE;
                c.started = false;
                StateMachine.expired(c.state).ifPresent(to -> expirer.expireLocked(c, to, nowMs,
                        "no report for " + (lease == null ? "its lease" : lease.describe())));
            } else {
                reinsertAt = slotTick(c.deadline);
                c.wheelDue = reinsertAt * TICK_MS;
            }
        }
        if (reinsertAt >= 0) {
            link(c, reinsertAt);
        }
    }

    /** The tick whose slot serves {@code deadlineMs}: never one already processed. */
    private long slotTick(long deadlineMs) {
        return Math.max(deadlineMs / TICK_MS, cursor);
    }

    private void link(TargetCell c, long tick) {
        int slot = (int) (tick & MASK);
        TargetCell head = heads[slot];
        c.wheelNext = head;
        c.wheelPrev = null;
        if (head != null) {
            head.wheelPrev = c;
        }
        heads[slot] = c;
        c.wheelSlot = slot;
    }

    private void unlink(TargetCell c) {
        if (c.wheelSlot < 0) {
            return;
        }
        TargetCell prev = c.wheelPrev;
        TargetCell next = c.wheelNext;
        if (prev == null) {
            heads[c.wheelSlot] = next;
        } else {
            prev.wheelNext = next;
        }
        if (next != null) {
            next.wheelPrev = prev;
        }
        c.wheelNext = null;
        c.wheelPrev = null;
        c.wheelSlot = -1;
    }
}
