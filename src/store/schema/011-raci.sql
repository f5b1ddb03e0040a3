-- 011-raci.sql: a project's RACI chart, one row per area of work and person
-- (core/raci.c describes it).

CREATE TABLE raci (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES projects(id),
  area        TEXT NOT NULL,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  role        TEXT NOT NULL CHECK (role IN ('responsible', 'accountable', 'consulted', 'informed')),
  note        TEXT NOT NULL DEFAULT '',
  version     INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (project_id, area, user_id)
) STRICT;
CREATE INDEX raci_user ON raci(user_id);
