package dev.watchpost.notice;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The pure maintenance-window and board logic: every answer follows from the notices and {@code now}. */
final class Windows {

    private Windows() {
    }

    /** Maintenance windows open at {@code now} ({@code start <= now < end}), by id. */
    static List<Notice> active(Collection<Notice> notices, Instant now) {
        return notices.stream().filter(n -> n.activeAt(now)).sorted(Comparator.comparingLong(Notice::id)).toList();
    }

    /** The next moment after {@code now} at which some window opens or closes; empty when none will. */
    static Optional<Instant> nextChange(Collection<Notice> notices, Instant now) {
        Instant next = null;
        for (Notice n : notices) {
            if (n.kind() != NoticeKind.MAINTENANCE) {
                continue;
            }
            for (Instant t : List.of(n.startsAt(), n.endsAt().orElseThrow())) {
                if (t.isAfter(now) && (next == null || t.isBefore(next))) {
                    next = t;
                }
            }
        }
        return Optional.ofNullable(next);
    }

    /**
     * The board at {@code now}: current notices (open incidents newest first, then windows in progress,
     * then scheduled ones soonest first) and those finished since {@code recentFrom}, most recent first.
     */
    static NoticeBoard board(Collection<Notice> notices, Instant now, Instant recentFrom) {
        List<Notice> incidents = new ArrayList<>();
        List<Notice> inProgress = new ArrayList<>();
        List<Notice> scheduled = new ArrayList<>();
        List<Notice> recent = new ArrayList<>();
        for (Notice n : notices) {
            switch (n.statusAt(now)) {
                case SCHEDULED -> scheduled.add(n);
                case IN_PROGRESS -> inProgress.add(n);
                case RESOLVED, COMPLETED -> {
                    Instant end = n.endsAt().orElseThrow();
                    if (!end.isBefore(recentFrom)) {
                        recent.add(n);
                    }
                }
                default -> incidents.add(n);
            }
        }
        Comparator<Notice> newest = Comparator.comparing(Notice::startsAt).thenComparingLong(Notice::id).reversed();
        Comparator<Notice> soonest = Comparator.comparing(Notice::startsAt).thenComparingLong(Notice::id);
        incidents.sort(newest);
        inProgress.sort(soonest);
        scheduled.sort(soonest);
        recent.sort(Comparator.comparing((Notice n) -> n.endsAt().orElseThrow()).thenComparingLong(Notice::id).reversed());
        List<Notice> current = new ArrayList<>(incidents);
        current.addAll(inProgress);
        current.addAll(scheduled);
        return new NoticeBoard(current, recent);
    }
}
