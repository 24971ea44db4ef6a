-- Composite targets (package composite). Times are epoch milliseconds (UTC); booleans are 0/1.

-- Health events: one row per change of a composite's health (healthy, available or issues), the
-- newest health-events (default 100) kept per composite. Each row is a snapshot of that moment.
CREATE TABLE composite_event (
    id          ${id},
    target_id   TEXT    NOT NULL,
    at          BIGINT  NOT NULL,
    state       TEXT    NOT NULL,
    healthy     INTEGER NOT NULL,
    available   INTEGER NOT NULL,
    issues      TEXT    NOT NULL,   -- JSON array of texts, in order
    parts       TEXT    NOT NULL    -- JSON object: part id -> ok, in declaration order
);
CREATE INDEX composite_event_target ON composite_event (target_id, id);

-- Availability actions (the webhook to a booking system): written, status pending, before the first
-- try, so a restart resumes them. A newer change supersedes a pending one (kept for the record).
CREATE TABLE composite_action (
    id          ${id},
    target_id   TEXT    NOT NULL,
    available   INTEGER NOT NULL,
    healthy     INTEGER NOT NULL,
    issues      TEXT    NOT NULL,   -- JSON array of texts, in order
    changed_at  BIGINT  NOT NULL,   -- when availability changed: the body's "at"
    status      TEXT    NOT NULL,   -- pending | delivered | superseded | abandoned
    attempts    INTEGER NOT NULL,   -- every attempt made, also those no longer listed below
    next_at     BIGINT,             -- while pending: when to try next
    finished_at BIGINT              -- when it stopped being pending
);
CREATE INDEX composite_action_target ON composite_action (target_id, id);
CREATE INDEX composite_action_status ON composite_action (status);

-- The result of each delivery attempt (the newest 100 per action).
CREATE TABLE composite_attempt (
    id          ${id},
    action_id   BIGINT  NOT NULL,
    at          BIGINT  NOT NULL,
    url         TEXT    NOT NULL,
    status_code INTEGER,            -- the HTTP status; NULL when no answer came
    error       TEXT                -- why it failed; NULL when it was delivered (2xx)
);
CREATE INDEX composite_attempt_action ON composite_attempt (action_id, id);
