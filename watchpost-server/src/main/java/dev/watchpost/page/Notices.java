package dev.watchpost.page;

import dev.watchpost.live.TargetKind;
import dev.watchpost.live.Snapshot;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;

import dev.watchpost.notice.NoticeBoard;
import dev.watchpost.notice.NoticeKind;
import dev.watchpost.notice.NoticeService;
import dev.watchpost.notice.NoticeStatus;
import dev.watchpost.web.Times;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Where the page's notices area gets its messages: operators' incidents and maintenance windows
 * ({@link #board}) and the newest messages operators set on manual targets
 * ({@link #manualTargetMessages()}), or both ({@link #both}).
 */
@FunctionalInterface
public interface Notices {

    /**
     * One notice as the page shows it.
     *
     * @param state    decides its colour and symbol
     * @param label    the words beside the symbol ("Incident: investigating", "Maintenance: scheduled")
     * @param targetId may be null for a notice about no one target
     */
    record Notice(String title, String message, State state, String label, Instant at, String targetId) {
        public Notice {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(at, "at");
        }
    }

    /** At most {@code limit} notices to show now, newest first. */
    List<Notice> current(Snapshot snapshot, int limit);

    /** Manual targets that carry a message, newest report first. */
    static Notices manualTargetMessages() {
        return oncePerSnapshot((snapshot, limit) -> {
            List<TargetView> withMessage = new ArrayList<>();
            snapshot.forEachTarget(v -> {
                if (v.kind() == TargetKind.MANUAL && v.message() != null && !v.message().isBlank()) {
                    withMessage.add(v);
                }
            });
            return withMessage.stream()
                    .sorted(Comparator.comparingLong(TargetView::lastSeen).reversed())
                    .limit(limit)
                    .map(v -> new Notice(v.name(), v.message(), v.state(), Format.state(v.state()),
                            Instant.ofEpochMilli(Math.max(0, v.lastSeen())), v.id()))
                    .toList();
        });
    }

    /** One snapshot's answer, kept: the answer depends on the snapshot alone. */
    record Kept(Snapshot snapshot, int limit, List<Notice> notices) {
    }

    /**
     * {@code inner}, asked once per snapshot: every request for the page asks, and the scan of every
     * target must not be paid per request. One snapshot's answer is kept for each audience (the full
     * snapshot and its public view are different snapshots), as that is how often they alternate.
     */
    static Notices oncePerSnapshot(Notices inner) {
        java.util.concurrent.atomic.AtomicReferenceArray<Kept> kept = new java.util.concurrent.atomic.AtomicReferenceArray<>(2);
        return (snapshot, limit) -> {
            for (int i = 0; i < 2; i++) {
                Kept k = kept.get(i);
                if (k != null && k.snapshot() == snapshot && k.limit() == limit) {
                    return k.notices();
                }
            }
            List<Notice> out = List.copyOf(inner.current(snapshot, limit));
            kept.set(1, kept.get(0));
            kept.set(0, new Kept(snapshot, limit, out));
            return out;
        };
    }

    /**
     * Operators' notices: every current one (open incidents, maintenance in progress or scheduled),
     * then those finished within the last 7 days, newest first, up to {@code limit} in all.
     * Incidents show as degraded, maintenance as maintenance, finished ones as online.
     */
    static Notices board(NoticeService service, java.time.Clock clock, Times times) {
        return (snapshot, limit) -> {
            Instant now = clock.instant();
            NoticeBoard b = service.board(now, RECENT);
            List<Notice> out = new ArrayList<>();
            for (dev.watchpost.notice.Notice n : b.current()) {
                out.add(page(n, now, times));
            }
            for (dev.watchpost.notice.Notice n : b.recent()) {
                if (out.size() >= limit) {
                    break;
                }
                out.add(page(n, now, times));
            }
            return out;
        };
    }

    /** The board's notices first, then manual targets' messages, up to {@code limit} in all. */
    static Notices both(Notices first, Notices second) {
        return (snapshot, limit) -> {
            List<Notice> out = new ArrayList<>(first.current(snapshot, limit));
            if (out.size() < limit) {
                out.addAll(second.current(snapshot, limit - out.size()));
            }
            return out;
        };
    }

    /**
     * One operator's notice as a page shows it at {@code now} (status page, target pages), a
     * maintenance window's times written by {@code times}.
     */
    static Notice page(dev.watchpost.notice.Notice n, Instant now, Times times) {
        NoticeStatus status = n.statusAt(now);
        State state = !n.currentAt(now) ? State.ONLINE
                : n.kind() == NoticeKind.MAINTENANCE ? State.MAINTENANCE : State.DEGRADED;
        String kind = n.kind() == NoticeKind.MAINTENANCE ? "Maintenance" : "Incident";
        String label = kind + ": " + status.id().replace('_', ' ');
        Instant at = n.kind() == NoticeKind.MAINTENANCE && status == NoticeStatus.SCHEDULED ? n.startsAt() : n.updatedAt();
        String message = n.latestMessage();
        if (n.kind() == NoticeKind.MAINTENANCE) {
            message = "From " + times.text(n.startsAt()) + " to " + times.text(n.endsAt().orElseThrow())
                    + (message.isBlank() ? "" : ". " + message);
        }
        return new Notice(n.title(), message, state, label, at, null);
    }

    Duration RECENT = Duration.ofDays(7);
}
