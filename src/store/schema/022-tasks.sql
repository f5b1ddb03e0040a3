-- 022-tasks.sql: a project's plan (core/task.c): tasks and milestones with an
-- assignee on the project, start and due days, a status (todo, doing, done)
-- that moves only by a status move, an optional link to a goal, deal or
-- problem of the project, and finish-to-start dependencies between tasks of
-- the same project (no cycles: checked by the server before each insert).

CREATE TABLE tasks (
  id           INTEGER PRIMARY KEY,
  project_id   INTEGER NOT NULL REFERENCES projects(id),
  title        TEXT NOT NULL,
  description  TEXT NOT NULL DEFAULT '',
  assignee_id  INTEGER NOT NULL REFERENCES users(id),
  start_on     INTEGER NOT NULL,
  due_on       INTEGER NOT NULL,
  status       TEXT NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'doing', 'done')),
  milestone    INTEGER NOT NULL DEFAULT 0 CHECK (milestone IN (0, 1)),
  goal_id      INTEGER REFERENCES goals(id),
  deal_id      INTEGER REFERENCES deals(id),
  problem_id   INTEGER REFERENCES problems(id),
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  CHECK (due_on >= start_on)
) STRICT;
CREATE INDEX tasks_project ON tasks(project_id, status, due_on);
CREATE INDEX tasks_assignee ON tasks(assignee_id);

CREATE TABLE task_deps (
  task_id      INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  depends_on   INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  project_id   INTEGER NOT NULL REFERENCES projects(id),
  created_by   INTEGER REFERENCES users(id),
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (task_id, depends_on),
  CHECK (task_id <> depends_on)
) STRICT;
CREATE INDEX task_deps_project ON task_deps(project_id);
CREATE INDEX task_deps_on ON task_deps(depends_on);
