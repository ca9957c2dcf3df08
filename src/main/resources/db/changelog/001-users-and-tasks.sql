--liquibase formatted sql

--changeset todo:001-users
CREATE TABLE users (
    id            text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 255),
    email         text,
    name          text,
    first_seen_at timestamptz NOT NULL DEFAULT now()
);
--rollback DROP TABLE users;

--changeset todo:001-tasks
CREATE TABLE tasks (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      text        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title        text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    description  text        CHECK (char_length(description) <= 1000),
    completed    boolean     NOT NULL DEFAULT false,
    -- 0 low, 1 medium, 2 high: sorting by priority is sorting by number
    priority     smallint    NOT NULL DEFAULT 1 CHECK (priority BETWEEN 0 AND 2),
    due_date     timestamptz,
    tags         text[]      NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    version      integer     NOT NULL DEFAULT 1,
    CHECK (completed = (completed_at IS NOT NULL))
);
--rollback DROP TABLE tasks;

--changeset todo:001-task-list-indexes
-- One index per sort order of the list, each led by the owner, so that a page is a short
-- range scan of the caller's own rows. Due dates sort last when missing, in both directions.
CREATE INDEX tasks_user_created_idx ON tasks (user_id, created_at, id);
CREATE INDEX tasks_user_updated_idx ON tasks (user_id, updated_at, id);
CREATE INDEX tasks_user_priority_idx ON tasks (user_id, priority, id);
CREATE INDEX tasks_user_title_idx ON tasks (user_id, lower(title), id);
CREATE INDEX tasks_user_due_asc_idx ON tasks (user_id, coalesce(due_date, 'infinity'::timestamptz), id);
CREATE INDEX tasks_user_due_desc_idx ON tasks (user_id, coalesce(due_date, '-infinity'::timestamptz), id);
--rollback DROP INDEX tasks_user_created_idx, tasks_user_updated_idx, tasks_user_priority_idx, tasks_user_title_idx, tasks_user_due_asc_idx, tasks_user_due_desc_idx;
