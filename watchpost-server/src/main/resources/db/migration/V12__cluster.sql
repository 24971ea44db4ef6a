-- Cluster mode (several nodes on one PostgreSQL). Unused by a single node; on SQLite it stays empty.
-- Times are the database's clock in epoch milliseconds: the nodes' own clocks may disagree, and a
-- lease is only safe when one clock decides whether it has run out.

-- Every node that has joined: how peers reach it, what configuration it runs (a digest per
-- section, so a node started with another file is refused and told which section differs), and
-- when it last renewed. A node whose seen_at is older than the lease has left.
CREATE TABLE cluster_node (
    node_id       TEXT    PRIMARY KEY,
    advertise_url TEXT    NOT NULL,
    config_digest TEXT    NOT NULL,   -- JSON object: section -> SHA-256 (hex), never a value
    version       TEXT    NOT NULL,
    incarnation   TEXT    NOT NULL,   -- random per process start: tells a restart from the same process
    started_at    BIGINT  NOT NULL,
    seen_at       BIGINT  NOT NULL
);

-- The partitions targets are hashed into, each owned by at most one node at a time. epoch grows by
-- one each time ownership changes hands: a write made for a partition carries the epoch its node
-- holds, and the database refuses it once the epoch has moved on (fencing).
CREATE TABLE cluster_partition (
    partition_no  INTEGER PRIMARY KEY,
    owner         TEXT,               -- node_id, or NULL when released
    epoch         BIGINT  NOT NULL,
    lease_until   BIGINT  NOT NULL    -- the owner keeps it while it renews before this
);
