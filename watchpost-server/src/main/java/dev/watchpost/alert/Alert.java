package dev.watchpost.alert;

import dev.watchpost.live.State;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One row of the outbox: an alert for one channel, as stored.
 *
 * @param targetId   empty for digests; a group alert's is the group's id
 * @param at         when it happened: the transition (for a reminder, its problem's), a digest's slot
 * @param body       digests: the JSON list of targets down at the slot; group alerts: the group as the
 *                   message told it (count and members), written when it is first sent
 * @param nextAt     while pending: not before
 * @param delivery   the idempotency key of the request it went out in, once tried
 * @param remindAt   open problems of rules with remind-every: the next reminder
 * @param log        the attempts, oldest first (only when asked for)
 * @param group      a group alert: about the members of the group {@code targetId} together
 * @param notified   group problems: the count of members the last message about it told
 */
record Alert(long id, String channelId, String ruleId, Optional<String> targetId, Event event, Optional<State> from,
             Optional<State> to, Instant at, String reason, Optional<String> body, Instant createdAt, String status,
             Optional<Instant> nextAt, int attempts, Optional<String> delivery, int reminders,
             Optional<Instant> remindAt, Optional<Instant> finishedAt, List<Attempt> log, boolean group,
             Optional<Integer> notified) {

    static final String PENDING = "pending";
    static final String SENDING = "sending";
    static final String DELIVERED = "delivered";
    static final String CANCELLED = "cancelled";
    static final String ABANDONED = "abandoned";
    static final List<String> STATUSES = List.of(PENDING, SENDING, DELIVERED, CANCELLED, ABANDONED);

    Alert {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(targetId, "targetId");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(at, "at");
        reason = reason == null ? "" : reason;
        log = List.copyOf(log);
        Objects.requireNonNull(notified, "notified");
    }

    /** The same alert with {@code log} as its attempts. */
    Alert withLog(List<Attempt> attempts) {
        return new Alert(id, channelId, ruleId, targetId, event, from, to, at, reason, body, createdAt, status, nextAt, this.attempts,
                delivery, reminders, remindAt, finishedAt, attempts, group, notified);
    }

    /** The same alert with {@code text} as its body (a group alert as composed when it is sent). */
    Alert withBody(Optional<String> text) {
        return new Alert(id, channelId, ruleId, targetId, event, from, to, at, reason, text, createdAt, status, nextAt, attempts,
                delivery, reminders, remindAt, finishedAt, log, group, notified);
    }

    /** One delivery attempt: the HTTP status (SMTP: 250) when an answer came, else why not. */
    record Attempt(Instant at, String delivery, Optional<Integer> statusCode, Optional<String> error) {
        boolean delivered() {
            return error.isEmpty();
        }
    }

    /**
     * An alert to write.
     *
     * @param open     a problem: open until a recovery closes it
     * @param remindAt the first reminder, for open problems of rules with remind-every
     * @param dedup    a key unique among all alerts (reminders, digests; a group's open problem, until
     *                 it ends): a second insert is ignored
     * @param group    a group alert ({@code targetId} is the group's id)
     */
    record New(String channelId, String ruleId, String targetId, Event event, State from, State to, Instant at,
               String reason, String body, Instant nextAt, boolean open, Instant remindAt, String dedup, boolean group) {

        /** About one target. */
        New(String channelId, String ruleId, String targetId, Event event, State from, State to, Instant at,
            String reason, String body, Instant nextAt, boolean open, Instant remindAt, String dedup) {
            this(channelId, ruleId, targetId, event, from, to, at, reason, body, nextAt, open, remindAt, dedup, false);
        }
    }
}
