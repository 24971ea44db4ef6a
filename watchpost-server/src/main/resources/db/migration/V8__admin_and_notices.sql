-- The operator dashboard (package admin), notices (package notice) and maintenance holds (package live).
-- Times are epoch milliseconds (UTC).

-- The dashboard's password, set by `watchpost password set`: one row (id 1) at most. The hash is
-- PBKDF2-HMAC-SHA256 with its salt and iteration count: pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>.
CREATE TABLE admin_password (
    id          INTEGER PRIMARY KEY,
    hash        TEXT    NOT NULL,
    updated_at  BIGINT  NOT NULL
);

-- Dashboard sessions. Only the SHA-256 of the session id (the cookie) is stored, so a copy of the
-- database signs no one in. A session ends when idle too long, when too old, or at sign-out.
CREATE TABLE admin_session (
    id_hash     TEXT    PRIMARY KEY,  -- hex SHA-256 of the cookie's value
    csrf        TEXT    NOT NULL,     -- the synchronizer token of the session's forms
    via         TEXT    NOT NULL,     -- password | token (what signed in)
    token_id    BIGINT,               -- the stored API token that signed in; NULL for password or configured tokens
    created_at  BIGINT  NOT NULL,
    last_seen   BIGINT  NOT NULL
);
CREATE INDEX admin_session_last_seen ON admin_session (last_seen);

-- Notices: incidents (status investigating | identified | monitoring | resolved) and maintenance
-- windows (their phase follows the clock: scheduled, in progress, completed).
CREATE TABLE notice (
    id          ${id},
    kind        TEXT    NOT NULL,     -- incident | maintenance
    title       TEXT    NOT NULL,
    status      TEXT    NOT NULL,     -- incidents: their status; maintenance: 'scheduled' (the phase is computed)
    targets     TEXT    NOT NULL,     -- JSON array of the affected target and group ids, in order
    starts_at   BIGINT  NOT NULL,     -- incidents: when posted; maintenance: start of the window
    ends_at     BIGINT,               -- incidents: when resolved (NULL while open); maintenance: end of the window
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE INDEX notice_ends_at ON notice (ends_at);

-- The timestamped updates of a notice (the first is posted with it).
CREATE TABLE notice_update (
    id          ${id},
    notice_id   BIGINT  NOT NULL REFERENCES notice (id) ON DELETE CASCADE,
    at          BIGINT  NOT NULL,
    status      TEXT    NOT NULL,     -- the notice's status this update set (incidents) or 'update'
    message     TEXT    NOT NULL
);
CREATE INDEX notice_update_notice ON notice_update (notice_id, at);

-- A target held in maintenance (paused, or in a maintenance window) shows 'maintenance'; its
-- checkpoint also keeps the state its reports led to meanwhile, which it returns to when released.
ALTER TABLE target_state ADD COLUMN hold_state TEXT;
ALTER TABLE target_state ADD COLUMN hold_message TEXT;
