--liquibase formatted sql

--changeset todo:008-token-revocations
-- Per user, the time before which their tokens are refused although unexpired: set by signing out
-- everywhere and by deleting the account. Not tied to users: it must outlive the account it
-- closes, or a token issued before the deletion would work again. Whole seconds (tokens' iat are).
CREATE TABLE token_revocations (
    user_id            text        PRIMARY KEY CHECK (length(user_id) BETWEEN 1 AND 255),
    tokens_valid_after timestamptz NOT NULL
);
--rollback DROP TABLE token_revocations;
