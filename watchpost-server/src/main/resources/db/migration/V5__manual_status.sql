-- Manual targets (targets of kind manual, Stashboard's services): the catalog of statuses an
-- operator can set and the events that set them. The target's live state follows its newest
-- non-informational event; the live state's own checkpoints restore it after a restart.

-- The status catalog. Exactly one row is the default: the status a target without events is in
-- and the one an event without a status gets when its target has no current event either.
CREATE TABLE manual_status (
    slug        TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    image       TEXT,               -- an icon name for pages (Stashboard's), or NULL
    severity    TEXT    NOT NULL,   -- ok | warn | bad | maintenance: decides the live state
    is_default  BOOLEAN NOT NULL,
    created_at  BIGINT  NOT NULL    -- epoch ms; 0 for the built-in statuses below
);

-- Stashboard's three statuses, with its texts and icon names.
INSERT INTO manual_status (slug, name, description, image, severity, is_default, created_at)
    VALUES ('up', 'Up', 'The service is up', 'tick-circle', 'ok', TRUE, 0);
INSERT INTO manual_status (slug, name, description, image, severity, is_default, created_at)
    VALUES ('down', 'Down', 'The service is currently down', 'cross-circle', 'bad', FALSE, 0);
INSERT INTO manual_status (slug, name, description, image, severity, is_default, created_at)
    VALUES ('warning', 'Warning', 'The service is experiencing intermittent problems', 'exclamation', 'warn', FALSE, 0);

-- Events, per target. Written before they are answered; deleted with their target. A status is
-- never deleted while events use it (the service refuses; the foreign key is the backstop).
CREATE TABLE manual_event (
    sid           ${id},
    target_id     TEXT    NOT NULL,
    at            BIGINT  NOT NULL,   -- epoch ms (UTC)
    status        TEXT    NOT NULL REFERENCES manual_status (slug),
    message       TEXT    NOT NULL,
    informational BOOLEAN NOT NULL    -- listed, but does not change the target's state
);
CREATE INDEX manual_event_target_at ON manual_event (target_id, at);
CREATE INDEX manual_event_status ON manual_event (status);
