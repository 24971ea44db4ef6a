-- The sum of squared latencies per bucket (ms²), beside their sum and their histogram: with it a
-- bucket knows how widely its latencies spread, so a page can estimate median and 95th percentile
-- within a histogram bin instead of guessing across the whole bin. Added like the sum, so buckets
-- still merge by addition. Rows written before it read 0: spread unknown.
ALTER TABLE history_bucket ADD COLUMN latency_sq_sum DOUBLE PRECISION NOT NULL DEFAULT 0;
