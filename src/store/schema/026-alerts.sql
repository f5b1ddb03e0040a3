-- 026-alerts.sql: alerts (analytics/alert.c). alert_settings holds a
-- project's thresholds (a row once a manager changed them; none = the
-- defaults): the probability under which a goal alerts, the days a collection
-- may be overdue before it alerts, and each kind on or off. alerts holds the
-- alerts raised, one row per cause while it lasts: (project, kind, record,
-- cause) is unique among the open ones (resolved_at NULL), so evaluating twice,
-- or on two servers at once, raises one; a cause that resolved and comes back
-- raises a new row. The inbox gains the kind 'alert'.

CREATE TABLE alert_settings (
  project_id          INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  probability_bp      INTEGER NOT NULL DEFAULT 5000 CHECK (probability_bp BETWEEN 0 AND 10000),
  collection_days     INTEGER NOT NULL DEFAULT 0 CHECK (collection_days BETWEEN 0 AND 365),
  goal_status         INTEGER NOT NULL DEFAULT 1 CHECK (goal_status IN (0, 1)),
  goal_probability    INTEGER NOT NULL DEFAULT 1 CHECK (goal_probability IN (0, 1)),
  deal_stalled        INTEGER NOT NULL DEFAULT 1 CHECK (deal_stalled IN (0, 1)),
  task_overdue        INTEGER NOT NULL DEFAULT 1 CHECK (task_overdue IN (0, 1)),
  problem_sla         INTEGER NOT NULL DEFAULT 1 CHECK (problem_sla IN (0, 1)),
  promotion_budget    INTEGER NOT NULL DEFAULT 1 CHECK (promotion_budget IN (0, 1)),
  collection_overdue  INTEGER NOT NULL DEFAULT 1 CHECK (collection_overdue IN (0, 1)),
  budget_overspent    INTEGER NOT NULL DEFAULT 1 CHECK (budget_overspent IN (0, 1)),
  version             INTEGER NOT NULL DEFAULT 1,
  updated_at          INTEGER NOT NULL
) STRICT;

CREATE TABLE alerts (
  id           INTEGER PRIMARY KEY,
  project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL
               CHECK (kind IN ('goal_status', 'goal_probability', 'deal_stalled', 'task_overdue',
                               'problem_sla', 'promotion_budget', 'collection_overdue',
                               'budget_overspent')),
  severity     TEXT NOT NULL CHECK (severity IN ('warning', 'critical')),
  on_kind      TEXT NOT NULL,
  on_id        INTEGER NOT NULL,
  cause        TEXT NOT NULL,
  title        TEXT NOT NULL DEFAULT '',
  params       TEXT NOT NULL DEFAULT '{}',
  recipients   TEXT NOT NULL DEFAULT '',
  raised_at    INTEGER NOT NULL,
  resolved_at  INTEGER
) STRICT;
CREATE UNIQUE INDEX alerts_once ON alerts(project_id, kind, on_kind, on_id, cause)
  WHERE resolved_at IS NULL;
CREATE INDEX alerts_project ON alerts(project_id, resolved_at);

-- @sqlite
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '''stage'', ''sla'')', '''stage'', ''sla'', ''alert'')')
 WHERE type = 'table' AND name IN ('notifications', 'notification_settings')
   AND sql NOT LIKE '%''alert''%';
PRAGMA writable_schema = RESET;
-- @end
-- @postgresql
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
  CHECK (kind IN ('mention', 'assigned', 'due', 'overdue', 'stage', 'sla', 'alert'));
ALTER TABLE notification_settings DROP CONSTRAINT notification_settings_kind_check;
ALTER TABLE notification_settings ADD CONSTRAINT notification_settings_kind_check
  CHECK (kind IN ('mention', 'assigned', 'due', 'overdue', 'stage', 'sla', 'alert'));
-- @end
