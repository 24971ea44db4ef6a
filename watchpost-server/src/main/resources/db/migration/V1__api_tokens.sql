-- API tokens: only a SHA-256 hash of each token is stored; the token itself is shown once at creation.
CREATE TABLE api_token (
    id           ${id},
    name         TEXT    NOT NULL,
    scope        TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    hint         TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
