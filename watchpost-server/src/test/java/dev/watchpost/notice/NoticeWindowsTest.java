package dev.watchpost.notice;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure rules: a window's phase by the clock, which windows are open, when the next change is, the board's order. */
class NoticeWindowsTest {

    static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

    static Notice window(long id, String start, String end) {
        return new Notice(id, NoticeKind.MAINTENANCE, "w" + id, NoticeStatus.SCHEDULED, List.of("a"),
                Instant.parse(start), Optional.of(Instant.parse(end)), T0, T0, List.of());
    }

    static Notice incident(long id, String posted, NoticeStatus status, String resolved) {
        return new Notice(id, NoticeKind.INCIDENT, "i" + id, status, List.of(), Instant.parse(posted),
                Optional.ofNullable(resolved).map(Instant::parse), T0, T0, List.of());
    }

    @Test
    void aWindowIsScheduledThenInProgressFromItsStartUntilJustBeforeItsEnd() {
        Notice w = window(1, "2026-06-01T13:00:00Z", "2026-06-01T14:00:00Z");
        assertThat(w.statusAt(Instant.parse("2026-06-01T12:59:59.999Z"))).isEqualTo(NoticeStatus.SCHEDULED);
        assertThat(w.statusAt(Instant.parse("2026-06-01T13:00:00Z"))).isEqualTo(NoticeStatus.IN_PROGRESS);
        assertThat(w.activeAt(Instant.parse("2026-06-01T13:59:59.999Z"))).isTrue();
        assertThat(w.statusAt(Instant.parse("2026-06-01T14:00:00Z"))).isEqualTo(NoticeStatus.COMPLETED);
        assertThat(w.currentAt(Instant.parse("2026-06-01T14:00:00Z"))).isFalse();
    }

    @Test
    void activeWindowsAndTheNextChange() {
        Notice a = window(1, "2026-06-01T13:00:00Z", "2026-06-01T14:00:00Z");
        Notice b = window(2, "2026-06-01T13:30:00Z", "2026-06-01T15:00:00Z");
        Notice i = incident(3, "2026-06-01T11:00:00Z", NoticeStatus.INVESTIGATING, null);
        List<Notice> all = List.of(b, a, i);
        assertThat(Windows.active(all, T0)).isEmpty();
        assertThat(Windows.nextChange(all, T0)).contains(Instant.parse("2026-06-01T13:00:00Z"));
        Instant t = Instant.parse("2026-06-01T13:45:00Z");
        assertThat(Windows.active(all, t)).extracting(Notice::id).containsExactly(1L, 2L);
        assertThat(Windows.nextChange(all, t)).contains(Instant.parse("2026-06-01T14:00:00Z"));
        assertThat(Windows.nextChange(all, Instant.parse("2026-06-01T15:00:00Z"))).isEmpty();
    }

    @Test
    void theBoardListsOpenIncidentsThenWindowsInProgressThenScheduledAndRecentlyFinished() {
        Instant now = Instant.parse("2026-06-10T12:00:00Z");
        List<Notice> all = List.of(
                incident(1, "2026-06-10T09:00:00Z", NoticeStatus.MONITORING, null),
                incident(2, "2026-06-10T11:00:00Z", NoticeStatus.INVESTIGATING, null),
                incident(3, "2026-06-01T09:00:00Z", NoticeStatus.RESOLVED, "2026-06-01T10:00:00Z"), // too old
                incident(4, "2026-06-09T09:00:00Z", NoticeStatus.RESOLVED, "2026-06-09T10:00:00Z"),
                window(5, "2026-06-12T00:00:00Z", "2026-06-12T02:00:00Z"),
                window(6, "2026-06-11T00:00:00Z", "2026-06-11T02:00:00Z"),
                window(7, "2026-06-10T11:00:00Z", "2026-06-10T13:00:00Z"),
                window(8, "2026-06-10T08:00:00Z", "2026-06-10T10:00:00Z"));
        NoticeBoard b = Windows.board(all, now, now.minus(java.time.Duration.ofDays(7)));
        assertThat(b.current()).extracting(Notice::id).containsExactly(2L, 1L, 7L, 6L, 5L);
        assertThat(b.recent()).extracting(Notice::id).containsExactly(8L, 4L);
    }
}
