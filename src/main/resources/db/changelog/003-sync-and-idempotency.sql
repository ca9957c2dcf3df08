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

--changeset todo:003-task-change-xid
-- The transaction that last wrote each task, for delta sync: a client's sync token is the
-- oldest transaction still running when it was made, so a change that commits after the token
-- was handed out, however late, is still at or past it (see TaskChangeFeed). Rows written
-- before this change count as written by transaction 0, older than any token.
ALTER TABLE tasks ADD COLUMN change_xid xid8 NOT NULL DEFAULT '0';
ALTER TABLE tasks ALTER COLUMN change_xid SET DEFAULT pg_current_xact_id();
CREATE INDEX tasks_user_change_idx ON tasks (user_id, change_xid, id);
--rollback DROP INDEX tasks_user_change_idx; ALTER TABLE tasks DROP COLUMN change_xid;

--changeset todo:003-task-change-xid-trigger splitStatements:false
-- A trigger, not the application's statements, so that every update stamps it (the bulk
-- actions included); inserts take the column's default.
CREATE FUNCTION tasks_stamp_change_xid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.change_xid := pg_current_xact_id();
    RETURN NEW;
END
$$;
CREATE TRIGGER tasks_stamp_change_xid BEFORE UPDATE ON tasks
    FOR EACH ROW EXECUTE FUNCTION tasks_stamp_change_xid();
--rollback DROP TRIGGER tasks_stamp_change_xid ON tasks; DROP FUNCTION tasks_stamp_change_xid();

--changeset todo:003-task-tombstones
-- What delta sync answers for deleted tasks; purged by the application after the retention
-- (TOMBSTONE_RETENTION, at least 30 days).
CREATE TABLE task_tombstones (
    task_id    bigint      PRIMARY KEY,
    user_id    text        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    deleted_at timestamptz NOT NULL DEFAULT now(),
    change_xid xid8        NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX task_tombstones_user_change_idx ON task_tombstones (user_id, change_xid, task_id);
CREATE INDEX task_tombstones_deleted_idx ON task_tombstones (deleted_at);
--rollback DROP TABLE task_tombstones;

--changeset todo:003-task-tombstones-trigger splitStatements:false
-- One statement-level trigger for every way a task is deleted (one, a bulk clear, or a
-- script), writing all of a statement's tombstones at once. Tasks deleted with their user
-- leave none: there is nobody left to sync.
CREATE FUNCTION tasks_leave_tombstones() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO task_tombstones (task_id, user_id)
    SELECT gone.id, gone.user_id FROM gone
    WHERE EXISTS (SELECT 1 FROM users WHERE users.id = gone.user_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER tasks_leave_tombstones AFTER DELETE ON tasks
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION tasks_leave_tombstones();
--rollback DROP TRIGGER tasks_leave_tombstones ON tasks; DROP FUNCTION tasks_leave_tombstones();
