--liquibase formatted sql

--changeset todo:003-idempotency-keys
-- The first answer to a create with an Idempotency-Key, per user, for 24 hours (purged by the
-- application). The row is claimed in the transaction that creates the task, so that of two
-- concurrent requests with one key exactly one creates it.
CREATE TABLE idempotency_keys (
    user_id         text        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idempotency_key text        NOT NULL CHECK (idempotency_key ~ '^[!-~]{1,255}$'),
    request_hash    bytea       NOT NULL,
    location        text,
    response        text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, idempotency_key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
--rollback DROP TABLE idempotency_keys;
