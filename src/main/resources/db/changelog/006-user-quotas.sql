--liquibase formatted sql

--changeset todo:006-user-counts splitStatements:false
-- What each user keeps, counted where it changes, so that a create checks its quota on the
-- user's own row (locked by the statement that counts it) instead of counting rows: tasks are
-- counted by the statement that creates them and by the delete trigger, tombstones by the delete
-- trigger and by a trigger on their purge.
ALTER TABLE users ADD COLUMN task_count integer NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN tombstone_count integer NOT NULL DEFAULT 0;
UPDATE users SET
    task_count = (SELECT count(*) FROM tasks WHERE tasks.user_id = users.id),
    tombstone_count = (SELECT count(*) FROM task_tombstones WHERE task_tombstones.user_id = users.id);

CREATE OR REPLACE FUNCTION tasks_leave_tombstones() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO task_tombstones (task_id, user_id)
    SELECT gone.id, gone.user_id FROM gone
    WHERE EXISTS (SELECT 1 FROM users WHERE users.id = gone.user_id);
    UPDATE users SET task_count = greatest(0, users.task_count - counted.tasks),
        tombstone_count = users.tombstone_count + counted.tasks
    FROM (SELECT user_id, count(*)::integer AS tasks FROM gone GROUP BY user_id) AS counted
    WHERE users.id = counted.user_id;
    RETURN NULL;
END
$$;

CREATE FUNCTION task_tombstones_uncount() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- In id order: two instances purging at once lock the same users in the same order
    PERFORM 1 FROM users WHERE id IN (SELECT user_id FROM purged) ORDER BY id FOR UPDATE;
    UPDATE users SET tombstone_count = greatest(0, users.tombstone_count - counted.tombstones)
    FROM (SELECT user_id, count(*)::integer AS tombstones FROM purged GROUP BY user_id) AS counted
    WHERE users.id = counted.user_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER task_tombstones_uncount AFTER DELETE ON task_tombstones
    REFERENCING OLD TABLE AS purged FOR EACH STATEMENT EXECUTE FUNCTION task_tombstones_uncount();
--rollback DROP TRIGGER task_tombstones_uncount ON task_tombstones; DROP FUNCTION task_tombstones_uncount(); ALTER TABLE users DROP COLUMN tombstone_count; ALTER TABLE users DROP COLUMN task_count;
