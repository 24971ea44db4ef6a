package dev.watchpost.feed;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The newest events of the live feed, so that a viewer who already has a recent state gets only
 * what it missed instead of the whole snapshot: a browser reconnecting after a dropped connection
 * (its {@code Last-Event-ID}), or a status page rendered a moment ago connecting with the position
 * its snapshot includes ({@code ?since=}, {@link dev.watchpost.live.Snapshot#mark()}). When a storm of viewers arrives during an outage,
 * each costs a few small frames rather than a copy of a megabyte snapshot.
 *
 * <p>Bounded by count: a change of more targets than it holds sends the snapshot again, as before.
 * Called from the one thread that publishes transitions and from any number of readers.
 */
final class Recent {

    /**
     * One event as published.
     *
     * @param seq      this feed's own sequence number (the SSE {@code id})
     * @param isPublic false for a change of a private target: replayed only to readers with a token
     */
    record Entry(long seq, byte[] frame, boolean isPublic) {
    }

    private final int capacity;
    private final ArrayDeque<Entry> entries;
    private long lastSeq;

    Recent(int capacity) {
        this.capacity = capacity;
        this.entries = new ArrayDeque<>(capacity);
    }

    /** The sequence number the next event will get. */
    synchronized long nextSeq() {
        return lastSeq + 1;
    }

    synchronized void add(Entry e) {
        if (e.seq() != lastSeq + 1) {
            throw new IllegalStateException("event " + e.seq() + " after " + lastSeq);
        }
        if (entries.size() == capacity) {
            entries.removeFirst();
        }
        entries.addLast(e);
        lastSeq = e.seq();
    }

    /** The newest sequence number handed out (0 before the first event). */
    synchronized long lastSeq() {
        return lastSeq;
    }

    /**
     * Every event after {@code seq}, or empty when some of them are no longer held (or {@code seq}
     * was never handed out): then only a snapshot can bring the viewer up to date.
     */
    synchronized Optional<List<Entry>> after(long seq) {
        if (seq < 0 || seq > lastSeq) {
            return Optional.empty();
        }
        long oldest = entries.isEmpty() ? lastSeq + 1 : entries.peekFirst().seq();
        if (oldest > seq + 1) {
            return Optional.empty();
        }
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.seq() > seq) {
                out.add(e);
            }
        }
        return Optional.of(out);
    }
}
