-- Alerts (package alert). Times are epoch milliseconds (UTC); booleans are 0/1.

-- Channels and rules made through the API (those of the config file are not stored: the file is
-- their source). spec is the declaration as JSON, secrets included: treat the database as secret.
CREATE TABLE alert_channel (
    id          TEXT    PRIMARY KEY,
    spec        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);

CREATE TABLE alert_rule (
    id          TEXT    PRIMARY KEY,
    spec        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);

-- The outbox: one row per alert per channel, written in the transaction of the transition that
-- caused it (or of the round that made a reminder or digest), before any attempt to send it.
CREATE TABLE alert (
    id          ${id},
    channel_id  TEXT    NOT NULL,
    rule_id     TEXT    NOT NULL,
    target_id   TEXT,               -- NULL for digests
    event       TEXT    NOT NULL,   -- down | degraded | unavailable | recovered | available | reminder | digest
    from_state  TEXT,
    to_state    TEXT,
    at          BIGINT  NOT NULL,   -- when it happened (the transition; a digest's slot)
    reason      TEXT,
    body        TEXT,               -- digests: JSON list of the targets down at the slot
    created_at  BIGINT  NOT NULL,
    status      TEXT    NOT NULL,   -- pending | sending | delivered | cancelled | abandoned
    next_at     BIGINT,             -- while pending: not before (damping, start-up grace, back-off)
    attempts    INTEGER NOT NULL,
    delivery    TEXT,               -- idempotency key of the request it went out in (X-Watchpost-Delivery)
    open_problem INTEGER NOT NULL,  -- problems: 1 until a recovery of the target closes it
    remind_at   BIGINT,             -- open problems of rules with remind-every: the next reminder
    reminders   INTEGER NOT NULL,   -- reminders made so far for this problem
    dedup       TEXT    UNIQUE,     -- reminders and digests: one row per problem and number, per slot
    finished_at BIGINT              -- when it stopped being pending
);
CREATE INDEX alert_due ON alert (status, next_at);
CREATE INDEX alert_open ON alert (rule_id, target_id, open_problem);
CREATE INDEX alert_remind ON alert (open_problem, remind_at);
CREATE INDEX alert_target ON alert (target_id, id);
CREATE INDEX alert_channel_id ON alert (channel_id, id);

-- The result of each delivery attempt.
CREATE TABLE alert_attempt (
    id          ${id},
    alert_id    BIGINT  NOT NULL,
    at          BIGINT  NOT NULL,
    delivery    TEXT    NOT NULL,
    status_code INTEGER,            -- the HTTP status (SMTP: 250 when accepted); NULL when no answer came
    error       TEXT                -- why it failed; NULL when it was delivered
);
CREATE INDEX alert_attempt_alert ON alert_attempt (alert_id, id);
