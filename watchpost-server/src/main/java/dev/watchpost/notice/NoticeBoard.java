package dev.watchpost.notice;

import java.util.List;

/**
 * What a status page shows at one moment (see {@link NoticeService#board}).
 *
 * @param current open incidents (newest first), then maintenance in progress, then scheduled
 *                maintenance (soonest first)
 * @param recent  incidents resolved and windows ended within the period asked for, most recently finished first
 */
public record NoticeBoard(List<Notice> current, List<Notice> recent) {
    public NoticeBoard {
        current = List.copyOf(current);
        recent = List.copyOf(recent);
    }
}
