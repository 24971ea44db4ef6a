-- Service lists (Stashboard's "lists"): named groups of manual targets for status pages. A list is
-- presentation only: it changes no state. A target is in at most one list; the membership goes
-- with the target (deleted, or no longer manual) and with the list.
CREATE TABLE manual_list (
    slug        TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL    -- epoch ms
);

CREATE TABLE manual_list_member (
    target_id   TEXT    PRIMARY KEY,
    list_slug   TEXT    NOT NULL REFERENCES manual_list (slug)
);
CREATE INDEX manual_list_member_list ON manual_list_member (list_slug);
