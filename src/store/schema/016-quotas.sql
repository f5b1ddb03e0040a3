-- 016-quotas.sql: a goal's quotas, one line per project member, summing to the
-- goal's target (core/quota.c), with one version per goal's split; and the
-- accounts and segments assigned to members of a project (core/assignment.c).

CREATE TABLE quota_splits (
  id          INTEGER PRIMARY KEY,
  goal_id     INTEGER NOT NULL UNIQUE REFERENCES goals(id) ON DELETE CASCADE,
  project_id  INTEGER NOT NULL REFERENCES projects(id),
  version     INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE quotas (
  id          INTEGER PRIMARY KEY,
  goal_id     INTEGER NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  target      INTEGER NOT NULL CHECK (target >= 0),
  UNIQUE (goal_id, user_id)
) STRICT;
CREATE INDEX quotas_user ON quotas(user_id);

CREATE TABLE assignments (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES projects(id),
  user_id     INTEGER NOT NULL REFERENCES users(id),
  customer_id INTEGER REFERENCES customers(id),
  segment_id  INTEGER REFERENCES segments(id) ON DELETE CASCADE,
  note        TEXT NOT NULL DEFAULT '',
  version     INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX assignments_project ON assignments(project_id, user_id);
CREATE INDEX assignments_customer ON assignments(customer_id);
