-- History buckets: per target per period (MINUTE 60, HOUR 3600, DAY 86400 seconds, periods aligned
-- to UTC), holding the sums of every delta flushed into them. Rows grow with targets x periods,
-- never with heartbeat volume. Times are epoch milliseconds (UTC).
CREATE TABLE history_bucket (
    target_id       TEXT             NOT NULL,
    period_s        INTEGER          NOT NULL,   -- 60 | 3600 | 86400
    starts_at       BIGINT           NOT NULL,   -- period start, a multiple of period_s * 1000
    samples         BIGINT           NOT NULL,   -- observations (heartbeats, probe results)
    failures        BIGINT           NOT NULL,   -- observations that were not ok
    down_ms         BIGINT           NOT NULL,   -- time in a state of severity BAD
    unobserved_ms   BIGINT           NOT NULL,   -- time in UNKNOWN or MAINTENANCE: neither up nor down
    latency_sum_ms  DOUBLE PRECISION NOT NULL,   -- over observations that carried a latency
    latency_max_ms  DOUBLE PRECISION NOT NULL,   -- 0 when none did
    -- latency histogram: observations with latency <= the bound (ms) and above the previous one
    le_50           BIGINT           NOT NULL,
    le_100          BIGINT           NOT NULL,
    le_250          BIGINT           NOT NULL,
    le_500          BIGINT           NOT NULL,
    le_1000         BIGINT           NOT NULL,
    le_2500         BIGINT           NOT NULL,
    le_5000         BIGINT           NOT NULL,
    le_inf          BIGINT           NOT NULL,
    PRIMARY KEY (target_id, period_s, starts_at)
) ${without_rowid};

-- Retention deletes by resolution and age.
CREATE INDEX history_bucket_age ON history_bucket (period_s, starts_at);

-- For each target in a down (or unobserved) interval: the instant up to which that interval is
-- already in history_bucket. Written in the same transaction as the buckets, so a restart resumes
-- the interval from here instead of counting it twice. Rows: targets currently down, not history.
CREATE TABLE history_open (
    target_id    TEXT    PRIMARY KEY,
    accounted_to BIGINT  NOT NULL
);
