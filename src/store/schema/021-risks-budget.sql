-- 021-risks-budget.sql: a project's risks and its budget (the plan around the
-- method's steps; core/risk.c and core/budget.c).
--
-- 1. Risks: a description, a category, a probability and an impact from 1 to
--    5, their product the score (written by the server with every change), a
--    mitigation, an owner on the project, a status (open, mitigating, closed,
--    occurred) and the day it is next reviewed.
-- 2. Budget lines: money allocated to a category of spending (marketing,
--    promotion, channel, travel, training, staff, other) under a name.
-- 3. Expenses: money spent against a line of the same project, on a day, with
--    a note and who recorded it.

CREATE TABLE risks (
  id           INTEGER PRIMARY KEY,
  project_id   INTEGER NOT NULL REFERENCES projects(id),
  description  TEXT NOT NULL,
  category     TEXT NOT NULL CHECK (category IN ('market', 'competition', 'pricing', 'channel',
                                                 'team', 'supply', 'finance', 'other')),
  probability  INTEGER NOT NULL CHECK (probability BETWEEN 1 AND 5),
  impact       INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 5),
  score        INTEGER NOT NULL DEFAULT 0,
  mitigation   TEXT NOT NULL DEFAULT '',
  owner_id     INTEGER NOT NULL REFERENCES users(id),
  status       TEXT NOT NULL DEFAULT 'open'
               CHECK (status IN ('open', 'mitigating', 'closed', 'occurred')),
  review_on    INTEGER,
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX risks_project ON risks(project_id, status);
CREATE INDEX risks_owner ON risks(owner_id);

CREATE TABLE budget_lines (
  id              INTEGER PRIMARY KEY,
  project_id      INTEGER NOT NULL REFERENCES projects(id),
  category        TEXT NOT NULL CHECK (category IN ('marketing', 'promotion', 'channel', 'travel',
                                                    'training', 'staff', 'other')),
  name            TEXT NOT NULL,
  allocated_minor INTEGER NOT NULL CHECK (allocated_minor >= 0),
  version         INTEGER NOT NULL DEFAULT 1,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX budget_lines_project ON budget_lines(project_id, category);

CREATE TABLE expenses (
  id           INTEGER PRIMARY KEY,
  project_id   INTEGER NOT NULL REFERENCES projects(id),
  line_id      INTEGER NOT NULL REFERENCES budget_lines(id),
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  spent_on     INTEGER NOT NULL,
  note         TEXT NOT NULL DEFAULT '',
  recorded_by  INTEGER NOT NULL REFERENCES users(id),
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX expenses_project ON expenses(project_id, spent_on);
CREATE INDEX expenses_line ON expenses(line_id);
