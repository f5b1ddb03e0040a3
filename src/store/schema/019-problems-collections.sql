-- 019-problems-collections.sql: problems and collections (step 4 of the
-- method: execution; core/problem.c and core/collection.c).
--
-- 1. Problems a customer meets (product, service, delivery, pricing, other),
--    with a severity, an owner on the project, a status (open, in_progress,
--    resolved, closed), a resolution, and the customer, deal or sale they
--    concern. due_at is opened_at plus the project's SLA for the severity
--    when the problem was opened; every status change is kept.
-- 2. A project's SLA table: the hours a problem of each severity has until it
--    is resolved (a severity without a row takes the standard hours).
-- 3. Collections (回款): the payments planned for a won deal, each with its due
--    date and amount, and the receipts against it (amount and day received).
--    Receipts are read by project and day (the collections goal metric).

CREATE TABLE problems (
  id           INTEGER PRIMARY KEY,
  project_id   INTEGER NOT NULL REFERENCES projects(id),
  type         TEXT NOT NULL CHECK (type IN ('product', 'service', 'delivery', 'pricing', 'other')),
  severity     TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  title        TEXT NOT NULL,
  description  TEXT NOT NULL DEFAULT '',
  owner_id     INTEGER NOT NULL REFERENCES users(id),
  customer_id  INTEGER NOT NULL REFERENCES customers(id),
  deal_id      INTEGER REFERENCES deals(id),
  sale_id      INTEGER REFERENCES sales(id),
  status       TEXT NOT NULL DEFAULT 'open'
               CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
  opened_at    INTEGER NOT NULL DEFAULT 0, -- both set in the write that inserts the row
  due_at       INTEGER NOT NULL DEFAULT 0,
  resolved_at  INTEGER,
  closed_at    INTEGER,
  resolution   TEXT NOT NULL DEFAULT '',
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX problems_project ON problems(project_id, status);
CREATE INDEX problems_owner ON problems(owner_id);
CREATE INDEX problems_customer ON problems(customer_id);

CREATE TABLE problem_history (
  id           INTEGER PRIMARY KEY,
  problem_id   INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
  from_status  TEXT,
  to_status    TEXT NOT NULL,
  note         TEXT NOT NULL DEFAULT '',
  changed_by   INTEGER REFERENCES users(id),
  changed_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX problem_history_problem ON problem_history(problem_id, id);

CREATE TABLE problem_sla (
  project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  severity     TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  hours        INTEGER NOT NULL CHECK (hours BETWEEN 1 AND 8760),
  updated_by   INTEGER REFERENCES users(id),
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (project_id, severity)
) STRICT;

CREATE TABLE collections (
  id           INTEGER PRIMARY KEY,
  project_id   INTEGER NOT NULL REFERENCES projects(id),
  deal_id      INTEGER NOT NULL REFERENCES deals(id),
  due_on       INTEGER NOT NULL,
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  note         TEXT NOT NULL DEFAULT '',
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX collections_project ON collections(project_id, due_on);
CREATE INDEX collections_deal ON collections(deal_id);

CREATE TABLE receipts (
  id            INTEGER PRIMARY KEY,
  collection_id INTEGER NOT NULL REFERENCES collections(id),
  project_id    INTEGER NOT NULL REFERENCES projects(id),
  amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
  received_on   INTEGER NOT NULL,
  note          TEXT NOT NULL DEFAULT '',
  created_by    INTEGER REFERENCES users(id),
  created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX receipts_collection ON receipts(collection_id);
CREATE INDEX receipts_project_day ON receipts(project_id, received_on);
