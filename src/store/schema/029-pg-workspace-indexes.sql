-- 029-pg-workspace-indexes.sql: on PostgreSQL, indexes for the workspace-wide
-- reads of the kept sums and customer activity (a goal's SMART history, the
-- dashboard's like-for-like year, a workspace-wide customer count).
--
-- Those reads name every project through the keys that lead with the project
-- (project_id IN (SELECT id FROM projects)), which SQLite walks project by
-- project. PostgreSQL plans them by its statistics of projects, which a small
-- table seldom has (autovacuum analyzes one after 50 changes): without them it
-- guesses hundreds of projects and scans every row of sale_rollup instead
-- (1.7 ms a window at 33,000 rows, 54 windows per dashboard after a write).
-- With an index by dimension and key first, either plan seeks.

-- @postgresql
CREATE INDEX IF NOT EXISTS sale_rollup_workspace ON sale_rollup (dim, key_id, day);
CREATE INDEX IF NOT EXISTS customer_activity_workspace
  ON customer_activity (dim, key_id, first_on);
-- @end
