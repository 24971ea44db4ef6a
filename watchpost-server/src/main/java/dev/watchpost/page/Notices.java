package dev.watchpost.page;

import dev.watchpost.live.Snapshot;
import dev.watchpost.live.State;
import dev.watchpost.live.TargetView;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Where the page's notices area gets its messages: the seam the notices feature (operators'
 * incidents and maintenance announcements) plugs into later. Until then
 * {@link #manualTargetMessages()} shows the newest messages operators set on manual targets.
 */
@FunctionalInterface
public interface Notices {

    /** One notice as the page shows it. {@code targetId} may be null for a notice about no one target. */
    record Notice(String title, String message, State state, Instant at, String targetId) {
        public Notice {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(at, "at");
        }
    }

    /** At most {@code limit} notices to show now, newest first. */
    List<Notice> current(Snapshot snapshot, int limit);

    /** Manual targets that carry a message, newest report first. */
    static Notices manualTargetMessages() {
        return (snapshot, limit) -> {
            List<TargetView> withMessage = new ArrayList<>();
            snapshot.forEachTarget(v -> {
                if ("manual".equals(v.kind()) && v.message() != null && !v.message().isBlank()) {
                    withMessage.add(v);
                }
            });
            return withMessage.stream()
                    .sorted(Comparator.comparingLong(TargetView::lastSeen).reversed())
                    .limit(limit)
                    .map(v -> new Notice(v.name(), v.message(), v.state(),
                            Instant.ofEpochMilli(Math.max(0, v.lastSeen())), v.id()))
                    .toList();
        };
    }
}
