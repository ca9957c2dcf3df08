--liquibase formatted sql

--changeset todo:005-credentials
-- The built-in accounts: a users row (keyed by the token subject) with a password. The email
-- signs in, so it is unique whatever its case; Better Auth users have no row here.
CREATE TABLE credentials (
    user_id       text        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    email         text        NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX credentials_email_idx ON credentials (lower(email));
--rollback DROP TABLE credentials;

--changeset todo:005-signing-keys
-- The private keys the API signs its own tokens with, one per purpose. Replicas that start at
-- once each offer a new key and keep whichever was inserted first.
CREATE TABLE signing_keys (
    purpose     text        PRIMARY KEY,
    key_id      text        NOT NULL UNIQUE,
    private_jwk text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
--rollback DROP TABLE signing_keys;
