--liquibase formatted sql

--changeset todo:009-refresh-tokens
-- The sessions of the built-in accounts: one row per family of refresh tokens (one sign-in and
-- the tokens each refresh handed on), holding only a SHA-256 digest of the family's current
-- token, so that a copy of the table refreshes nothing. A refresh replaces the digest, and so
-- marks the token it was given as used: a used token coming back (one of two copies was stolen)
-- still names its family, which it then ends. One row per session, not per token, so that a
-- client refreshing in a loop does not grow the table. Keyed by the user first, as every
-- per-user table, and gone with the user.
CREATE TABLE refresh_tokens (
    user_id      text        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id    uuid        NOT NULL,
    token_hash   bytea       NOT NULL CHECK (length(token_hash) = 32),
    -- The sign-in: a family started before the user's token_revocations time is refused
    started_at   timestamptz NOT NULL,
    refreshed_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (user_id, family_id)
);
CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_at);
--rollback DROP TABLE refresh_tokens;
