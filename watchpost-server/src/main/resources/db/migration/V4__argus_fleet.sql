-- Argus Fleet members (compat/argus). Written synchronously on register (rare), so an acknowledged
-- registration and its number survive a restart. Heartbeats never write here: last-seen times and
-- the last metrics are the live state's checkpoints of target <prefix>/<fleet>/<number>.

-- The last number handed out per fleet. Only ever incremented, never reset or deleted, so a number
-- is never given twice in a fleet, not even after its member was pruned or moved to another fleet.
CREATE TABLE argus_fleet_seq (
    fleet        TEXT    PRIMARY KEY,
    last_number  INTEGER NOT NULL
);

-- One row per member process (an Argus "cluster"), keyed by the identity it registers with.
CREATE TABLE argus_member (
    identity       TEXT    PRIMARY KEY,
    fleet          TEXT    NOT NULL,
    cluster_number INTEGER NOT NULL,
    version        TEXT,
    scrape_target  TEXT,
    lease_hash     TEXT    NOT NULL,   -- SHA-256 (hex) of the opaque lease token; the token is never stored
    registered_at  BIGINT  NOT NULL,   -- first registration, epoch ms
    updated_at     BIGINT  NOT NULL,   -- last registration, epoch ms
    UNIQUE (fleet, cluster_number)
);
