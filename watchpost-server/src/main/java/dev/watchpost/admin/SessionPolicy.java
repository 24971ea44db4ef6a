package dev.watchpost.admin;

import java.time.Duration;
import java.time.Instant;

/**
 * When a dashboard session ends: after {@code idle} without a request, and in any case
 * {@code absolute} after sign-in, so a stolen cookie is not good forever. Pure: the caller gives {@code now}.
 *
 * @param touchEvery how stale the stored last use may get before a request records it again (fewer writes)
 */
record SessionPolicy(Duration idle, Duration absolute, Duration touchEvery) {

    /** 12 hours idle (a working day), 7 days at most (a week of the same browser). */
    static final SessionPolicy DEFAULT = new SessionPolicy(Duration.ofHours(12), Duration.ofDays(7), Duration.ofMinutes(1));

    Instant expiresAt(Session s) {
        Instant idleEnd = s.lastSeen().plus(idle);
        Instant hardEnd = s.createdAt().plus(absolute);
        return idleEnd.isBefore(hardEnd) ? idleEnd : hardEnd;
    }

    boolean valid(Session s, Instant now) {
        return now.isBefore(expiresAt(s));
    }

    boolean touchDue(Session s, Instant now) {
        return !now.isBefore(s.lastSeen().plus(touchEvery));
    }
}
