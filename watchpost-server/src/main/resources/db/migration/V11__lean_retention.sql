-- Retention deletes per target through the primary keys (history_bucket's, transition_target_at)
-- instead of by age alone: these two indexes repeated every key (about a fifth of a year's file)
-- for one delete an hour, and no read uses them. On SQLite the freed pages are reused as the file
-- grows; VACUUM returns them to the file system.
DROP INDEX history_bucket_age;
DROP INDEX transition_at;
