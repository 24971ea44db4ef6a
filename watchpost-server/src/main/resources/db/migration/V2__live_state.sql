-- Groups nest by id path ("bots", "bots/main"); a sharded group owns targets <id>/0 .. <id>/<shards-1>.
CREATE TABLE target_group (
    id          TEXT    PRIMARY KEY,
    parent_id   TEXT,
    name        TEXT    NOT NULL,
    shards      INTEGER,
    lease_ms    BIGINT,
    source      TEXT    NOT NULL,   -- config | api | protocol
    created_at  BIGINT  NOT NULL
);

-- Targets declared explicitly (shards of a sharded group are implied by the group, not stored here).
CREATE TABLE target (
    id          TEXT    PRIMARY KEY,
    group_id    TEXT,
    kind        TEXT    NOT NULL,   -- push, cron, ...
    name        TEXT    NOT NULL,
    spec        TEXT    NOT NULL,   -- JSON: the kind's settings (lease, schedule, grace, ...)
    ping_key    TEXT    UNIQUE,
    source      TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);

-- Checkpoint of each target's live state: written coalesced (last value wins), restored on start.
CREATE TABLE target_state (
    target_id   TEXT    PRIMARY KEY,
    state       TEXT    NOT NULL,
    since       BIGINT  NOT NULL,
    last_seen   BIGINT,
    message     TEXT,
    latency_ms  DOUBLE PRECISION,
    metrics     TEXT,               -- JSON object of the last reported numbers
    updated_at  BIGINT  NOT NULL
);

-- Every state change, in order. Times are epoch milliseconds (UTC).
CREATE TABLE transition (
    id          ${id},
    target_id   TEXT    NOT NULL,
    from_state  TEXT    NOT NULL,
    to_state    TEXT    NOT NULL,
    at          BIGINT  NOT NULL,
    reason      TEXT    NOT NULL
);
CREATE INDEX transition_target_at ON transition (target_id, at);
CREATE INDEX transition_at ON transition (at);
