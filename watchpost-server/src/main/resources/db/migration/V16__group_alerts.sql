-- Group alerts (package alert): one alert for a group's members (a sharded group's shards) rather
-- than one per member. Such a row's target_id is the group's id.
--   scope     'group' for a group alert; NULL for a target's own (every row before this version)
--   notified  a group problem's count of members the last message about it told (set when it is
--             first sent; a follow-up "worse" raises it), so a growing outage is told again only
--             when it has grown materially
ALTER TABLE alert ADD COLUMN scope TEXT;
ALTER TABLE alert ADD COLUMN notified INTEGER;
