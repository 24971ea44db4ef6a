-- Groups declared "public: false" through the API: they and everything inside them are left out of
-- what readers without a token see. Targets keep the flag in their stored declaration (spec).
ALTER TABLE target_group ADD COLUMN is_public INTEGER NOT NULL DEFAULT 1;
