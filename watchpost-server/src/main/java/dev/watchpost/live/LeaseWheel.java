package dev.watchpost.live;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongConsumer;

/**
 * Finds overdue targets without scanning them all: a timing wheel of {@link #SLOTS} slots of
 * {@link #TICK_MS} each, holding each leased target once, in the slot of the deadline it had when
 * it was (re)inserted.
 *
 * <p>Heartbeats do not touch the wheel: they only move the cell's deadline. When the wheel reaches
 * a slot it looks at the cells there: overdue ones expire; ones whose deadline moved meanwhile are
 * re-inserted at their new deadline. So a tick costs O(cells in the slot), and each target is looked
 * at about once per lease, however often it reports. Deadlines further out than the wheel's span
 * simply come round again.
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

    /** Hands a cell to the wheel. Callers set {@code cell.inWheel} under the cell's lock first. */
    void offer(TargetCell cell) {
        inbox.add(cell);
    }

    /** Processes every tick that has fully elapsed by {@code nowMs}, expiring overdue targets. */
    void tick(long nowMs) {
        for (TargetCell c; (c = inbox.poll()) != null; ) {
            long d;
            synchronized (c) {
                d = c.deadline;
            }
            insert(c, d);
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
                visit(c, nowMs);
                c = next;
            }
        }
        cursor = Math.max(cursor, last);
    }

    private void visit(TargetCell c, long nowMs) {
        long reinsertAt = -1;
        synchronized (c) {
            if (c.removed || c.deadline == Long.MAX_VALUE) {
                c.inWheel = false;
            } else if (c.deadline <= nowMs) {
                LeasePolicy lease = c.lease();
                lateness.accept(nowMs - c.deadline);
                c.deadline = Long.MAX_VALUE;
                c.inWheel = false;
                StateMachine.expired(c.state).ifPresent(to -> expirer.expireLocked(c, to, nowMs,
                        "no report for " + (lease == null ? "its lease" : lease.describe())));
            } else {
                reinsertAt = c.deadline;
            }
        }
        if (reinsertAt >= 0) {
            insert(c, reinsertAt);
        }
    }

    private void insert(TargetCell c, long deadlineMs) {
        long t = Math.max(deadlineMs / TICK_MS, cursor);
        int slot = (int) (t & MASK);
        c.wheelNext = heads[slot];
        heads[slot] = c;
    }
}
