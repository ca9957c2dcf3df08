--liquibase formatted sql

--changeset todo:007-task-change-notify splitStatements:false
-- Live updates (GET /api/events): every statement that writes tasks announces, on the channel
-- task_changes, the users whose tasks it changed. A trigger, so that every write path announces
-- (one task, the bulk routes, a script) and one that writes nothing (an idempotent replay, a
-- no-op patch) announces nothing; NOTIFY is delivered at commit, so a rolled-back change never
-- is. The payload is the user id alone (at most 255 characters, far below the 8,000-byte limit):
-- the listening instance reads what changed from the delta-sync feed, where every change has its
-- position. PostgreSQL folds identical payloads of one transaction into one.
CREATE FUNCTION tasks_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('task_changes', changed.user_id) FROM (SELECT DISTINCT user_id FROM changed) AS changed;
    RETURN NULL;
END
$$;
CREATE TRIGGER tasks_notify_insert AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tasks_notify_change();
CREATE TRIGGER tasks_notify_update AFTER UPDATE ON tasks
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tasks_notify_change();
-- Deletions are announced by their tombstones, which the delete trigger writes
CREATE TRIGGER task_tombstones_notify_insert AFTER INSERT ON task_tombstones
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tasks_notify_change();
--rollback DROP TRIGGER task_tombstones_notify_insert ON task_tombstones; DROP TRIGGER tasks_notify_update ON tasks; DROP TRIGGER tasks_notify_insert ON tasks; DROP FUNCTION tasks_notify_change();

--changeset todo:007-event-tickets
-- One-time tickets for EventSource, which cannot send an Authorization header: only a digest
-- of the ticket is kept, so that a copy of the table opens no stream. A ticket is consumed by
-- the DELETE that reads it, so it serves once, on whichever replica it reaches.
CREATE TABLE event_tickets (
    ticket_hash      bytea       PRIMARY KEY,
    user_id          text        NOT NULL CHECK (length(user_id) BETWEEN 1 AND 255),
    token_expires_at timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL
);
CREATE INDEX event_tickets_expires_idx ON event_tickets (expires_at);
--rollback DROP TABLE event_tickets;
