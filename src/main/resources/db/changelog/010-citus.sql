--liquibase formatted sql

--changeset todo:010-change-seq splitStatements:false
-- Delta sync, live updates, tombstones and the users' counts without triggers, so that the same
-- schema runs on one PostgreSQL and on a Citus cluster (where a table with triggers cannot be
-- distributed, and a transaction id means nothing across workers).
--
-- users.change_seq is a per-user change counter: every statement of the API that changes a
-- user's tasks first advances it on the user's row and stamps the rows it writes (tasks, and
-- the tombstones of the tasks it deletes) with the new value. The row lock it takes serialises
-- a user's writers, so a user's sequence numbers follow the order in which their changes commit,
-- and a sync token is the counter as a reader saw it: every change it has not seen has a
-- higher number. The statements also write the tombstones, count tasks and tombstones on the
-- users row and announce the change (pg_notify), which the triggers below did; a row written
-- outside the API keeps change_seq 0, seen by a full sync only (it is the default for the rows
-- written before this change, and keeps seeding scripts working).
DROP TRIGGER tasks_stamp_change_xid ON tasks;
DROP TRIGGER tasks_leave_tombstones ON tasks;
DROP TRIGGER tasks_notify_insert ON tasks;
DROP TRIGGER tasks_notify_update ON tasks;
DROP TRIGGER task_tombstones_notify_insert ON task_tombstones;
DROP TRIGGER task_tombstones_uncount ON task_tombstones;
DROP FUNCTION tasks_stamp_change_xid();
DROP FUNCTION tasks_leave_tombstones();
DROP FUNCTION tasks_notify_change();
DROP FUNCTION task_tombstones_uncount();

ALTER TABLE users ADD COLUMN change_seq bigint NOT NULL DEFAULT 0;
DROP INDEX tasks_user_change_idx;
ALTER TABLE tasks DROP COLUMN change_xid;
ALTER TABLE tasks ADD COLUMN change_seq bigint NOT NULL DEFAULT 0;
CREATE INDEX tasks_user_change_idx ON tasks (user_id, change_seq, id);
DROP INDEX task_tombstones_user_change_idx;
ALTER TABLE task_tombstones DROP COLUMN change_xid;
ALTER TABLE task_tombstones ADD COLUMN change_seq bigint NOT NULL DEFAULT 0;
CREATE INDEX task_tombstones_user_change_idx ON task_tombstones (user_id, change_seq, task_id);


--changeset todo:010-completed-at-function splitStatements:false
-- When a task was completed, for the statements that set it: the previous time while it stays
-- completed, the given time (now()) when it becomes so, none when it is not. A function and not
-- a CASE in each statement because Citus refuses a CASE or COALESCE holding now() (a STABLE
-- function, which it evaluates on the coordinator) in an UPDATE of a distributed table; as an
-- argument, now() is evaluated on the coordinator, as now() elsewhere in the statement. PL/pgSQL,
-- not SQL, which the planner would inline back into the CASE that Citus refuses; one call per
-- row written.
CREATE FUNCTION todo_completed_at(completed boolean, previous timestamptz, at timestamptz) RETURNS timestamptz
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN CASE WHEN completed THEN coalesce(previous, at) END;
END
$$;
--rollback DROP FUNCTION todo_completed_at(boolean, timestamptz, timestamptz);

--changeset todo:010-keys-led-by-user
-- Citus requires every primary key and unique constraint of a distributed table to include its
-- distribution column. Ids stay unique in practice (an identity, tombstones one per task); every
-- statement names the owner, so the owner-led keys also serve every lookup.
ALTER TABLE tasks DROP CONSTRAINT tasks_pkey, ADD PRIMARY KEY (user_id, id);
ALTER TABLE task_tombstones DROP CONSTRAINT task_tombstones_pkey, ADD PRIMARY KEY (user_id, task_id);
--rollback ALTER TABLE task_tombstones DROP CONSTRAINT task_tombstones_pkey, ADD PRIMARY KEY (task_id); ALTER TABLE tasks DROP CONSTRAINT tasks_pkey, ADD PRIMARY KEY (id);

--changeset todo:010-credentials-without-foreign-key
-- The email must be unique across all users, which no table distributed by user can enforce, so
-- on Citus credentials stays a plain table of the coordinator (its unique index on lower(email)
-- intact, sign-in's lookup by email local to the node the API connects to; sign-ups are rare). A
-- table of the coordinator cannot keep a foreign key to a distributed one, so the key to users
-- goes, here too: account deletion deletes the credentials itself (UserRepository), in the
-- transaction that deletes the user.
ALTER TABLE credentials DROP CONSTRAINT credentials_user_id_fkey;
--rollback ALTER TABLE credentials ADD FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;

--changeset todo:010-citus-table-visibility splitStatements:false
--preconditions onFail:CONTINUE
--precondition-sql-check expectedResult:1 SELECT count(*) FROM pg_extension WHERE extname = 'citus'
-- Citus hides shards from catalog queries by rewriting them (citus.override_table_visibility);
-- in Citus 13.2 the rewrite breaks pgjdbc's DatabaseMetaData.getColumns ("negative bitmapset
-- member not allowed"), which Liquibase calls at every start: once the tables are distributed
-- the API would not start again. The coordinator holds only the reference table's copy (the
-- tables distributed by user are on workers), which needs no hiding from the API: the rewrite is
-- turned off for this database's new sessions.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET citus.override_table_visibility = off', current_database());
END
$$;

--changeset todo:010-citus-distribution runInTransaction:false
--preconditions onFail:CONTINUE
--precondition-sql-check expectedResult:1 SELECT count(*) FROM pg_extension WHERE extname = 'citus'
-- Only where the database is a Citus coordinator (the citus extension exists): on a plain
-- PostgreSQL the precondition fails and the changeset is skipped, and tried again at each start
-- (onFail CONTINUE, not MARK_RAN), so that a database restored into a Citus coordinator is
-- distributed by the API's next start: the operator changes DATABASE_URL only.
--
-- Each user's rows on one shard: users by id, and the tables of a user's rows by user_id in the
-- same colocation group, so that every statement of the API, which names its user, runs on one
-- worker (a router plan) and a user's foreign keys and multi-table statements stay local to it.
-- token_revocations is a reference table (a copy on every node): the refresh of a session reads
-- it in the statement that updates the user's refresh_tokens row, which runs on the user's
-- worker; it is written rarely (sign-out everywhere, password change, account deletion).
-- credentials (see 010-credentials-without-foreign-key), signing_keys and event_tickets stay
-- plain tables of the coordinator: few rows, never joined with users' tables but by sign-up's one
-- statement (which Citus runs in steps), read or written one at a time by the API, which connects
-- to the coordinator; as reference tables, every write would be a two-phase commit on every node.
--
-- Outside a transaction, each call commits on its own (a distribution cannot always run in a
-- transaction block that has already written), and each is guarded by pg_dist_partition so that
-- a run interrupted half-way completes at the next start.
SELECT create_reference_table('token_revocations')
WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'token_revocations'::regclass);
SELECT create_distributed_table('users', 'id')
WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'users'::regclass);
SELECT create_distributed_table('tasks', 'user_id', colocate_with => 'users')
WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'tasks'::regclass);
SELECT create_distributed_table('task_tombstones', 'user_id', colocate_with => 'users')
WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'task_tombstones'::regclass);
SELECT create_distributed_table('idempotency_keys', 'user_id', colocate_with => 'users')
WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'idempotency_keys'::regclass);
SELECT create_distributed_table('refresh_tokens', 'user_id', colocate_with => 'users')
WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'refresh_tokens'::regclass);
-- On every node, as the workers run the statements that call it (Citus also propagates a
-- function created while it has workers; a table's own dependencies, such as the search index's
-- functions and extensions, go with the table)
SELECT create_distributed_function('todo_completed_at(boolean, timestamptz, timestamptz)');
--rollback SELECT undistribute_table('token_revocations'); SELECT undistribute_table('refresh_tokens'); SELECT undistribute_table('idempotency_keys'); SELECT undistribute_table('task_tombstones'); SELECT undistribute_table('tasks'); SELECT undistribute_table('users');
