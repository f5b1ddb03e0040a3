-- 030-adjustments.sql: step 6 of the method, adjustments (core/adjust.c).
--
-- A change made to a running project's goal, channel, price, promotion,
-- channel plan or plan task, kept as one row written in the same transaction
-- as the change: what kind of record, which one (its id and its key as shown),
-- the fields changed with their values before and after (JSON text:
-- {"field":{"before","after"}}, values as a user reads them), the reason
-- (never empty), who and when, the day it takes effect (the effect analysis
-- compares the days before it with the days after), the metric and the
-- sale_rollup dimension and key the change concerns (what the effect reads:
-- a price its product's units, a channel its revenue, a goal its metric in
-- its scope), and the audit row the change itself wrote.

CREATE TABLE adjustments (
  id           INTEGER PRIMARY KEY,
  project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL CHECK (kind IN ('goal', 'channel', 'price', 'promotion',
                                             'channel_plan', 'quota', 'plan')),
  record_id    INTEGER NOT NULL,
  record_key   TEXT NOT NULL,
  changes      TEXT NOT NULL,
  reason       TEXT NOT NULL CHECK (reason <> ''),
  actor_id     INTEGER REFERENCES users(id),
  at           INTEGER NOT NULL,
  effective_on INTEGER NOT NULL,
  metric       TEXT NOT NULL CHECK (metric IN ('revenue', 'units', 'margin')),
  dim          TEXT NOT NULL,
  dim_key      INTEGER NOT NULL,
  audit_id     INTEGER
) STRICT;
CREATE INDEX adjustments_project ON adjustments(project_id, effective_on);
CREATE INDEX adjustments_record ON adjustments(kind, record_id);
