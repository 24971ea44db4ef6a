package dev.watchpost.live;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Cells waiting for a background round (snapshot or checkpoint): a lock-free stack linked through a
 * field of the cells themselves, so adding allocates nothing and costs one CAS, and the consumer
 * takes everything at once.
 *
 * <p>A {@code ConcurrentLinkedQueue} did the same job and became the heaviest part of batch ingest:
 * while the consumer drained thousands of entries, producers holding a stale tail fell off the list
 * and re-walked it from the head on every add.
 *
 * <p>A cell is in a list at most once: producers add it only when they set its dirty flag (under
 * the cell's monitor), and the consumer clears the flag only after it has unlinked the whole list,
 * so a link is never rewritten while it is being followed.
 */
final class DirtyList {

    /** Which link field of the cell this list uses. */
    enum Link { SNAPSHOT, CHECKPOINT }

    private final Link link;
    private final AtomicReference<TargetCell> head = new AtomicReference<>();

    DirtyList(Link link) {
        this.link = link;
    }

    /** Adds a cell whose dirty flag the caller has just set. */
    void add(TargetCell cell) {
        TargetCell h;
        do {
            h = head.get();
            setNext(cell, h);
        } while (!head.compareAndSet(h, cell));
    }

    /** Takes every cell added so far (in no particular order) and empties the list. */
    List<TargetCell> takeAll() {
        TargetCell c = head.getAndSet(null);
        List<TargetCell> out = new ArrayList<>();
        while (c != null) {
            out.add(c);
            TargetCell next = next(c);
            setNext(c, null);
            c = next;
        }
        return out;
    }

    boolean isEmpty() {
        return head.get() == null;
    }

    private TargetCell next(TargetCell c) {
        return link == Link.SNAPSHOT ? c.nextSnapshotDirty : c.nextCheckpointDirty;
    }

    private void setNext(TargetCell c, TargetCell next) {
        if (link == Link.SNAPSHOT) {
            c.nextSnapshotDirty = next;
        } else {
            c.nextCheckpointDirty = next;
        }
    }
}
