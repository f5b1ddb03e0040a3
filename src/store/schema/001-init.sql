-- 001-init.sql: the foundation schema. Money columns are integer minor units
-- (*_minor), calendar dates are days since 1970-01-01 (*_on), instants are UTC
-- seconds (*_at). Every record carries a version for optimistic concurrency.

CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL
) STRICT;

CREATE TABLE users (
  id         INTEGER PRIMARY KEY,
  login      TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  email      TEXT NOT NULL DEFAULT '',
  role       TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'rep', 'viewer')),
  pw_hash    TEXT,
  active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  pw_changed_at INTEGER NOT NULL DEFAULT 0,
  version    INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE projects (
  id           INTEGER PRIMARY KEY,
  code         TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  description  TEXT NOT NULL DEFAULT '',
  objective    TEXT NOT NULL DEFAULT '',
  start_on     INTEGER NOT NULL,
  end_on       INTEGER NOT NULL,
  status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'closed')),
  budget_minor INTEGER NOT NULL DEFAULT 0 CHECK (budget_minor >= 0),
  owner_id     INTEGER REFERENCES users(id),
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  CHECK (end_on >= start_on)
) STRICT;

CREATE TABLE members (
  id         INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  role       TEXT NOT NULL CHECK (role IN ('owner', 'manager', 'member', 'viewer')),
  version    INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (project_id, user_id)
) STRICT;

CREATE TABLE segments (
  id         INTEGER PRIMARY KEY,
  code       TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  criteria   TEXT NOT NULL DEFAULT '',
  priority   INTEGER NOT NULL DEFAULT 0,
  version    INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE channels (
  id           INTEGER PRIMARY KEY,
  code         TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  type         TEXT NOT NULL CHECK (type IN ('direct', 'distributor', 'ecommerce', 'partner',
                                            'retail', 'telesales')),
  cost_rate_bp INTEGER NOT NULL DEFAULT 0 CHECK (cost_rate_bp BETWEEN 0 AND 10000),
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE products (
  id          INTEGER PRIMARY KEY,
  sku         TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  cost_minor  INTEGER NOT NULL CHECK (cost_minor >= 0),
  price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
  active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  version     INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;

-- Every cost or list price a product has had, from the day it took effect.
CREATE TABLE price_history (
  id           INTEGER PRIMARY KEY,
  product_id   INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  effective_on INTEGER NOT NULL,
  cost_minor   INTEGER NOT NULL,
  price_minor  INTEGER NOT NULL,
  reason       TEXT NOT NULL DEFAULT '',
  changed_by   INTEGER REFERENCES users(id),
  changed_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX price_history_product ON price_history (product_id, effective_on);

CREATE TABLE promotions (
  id           INTEGER PRIMARY KEY,
  code         TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('percent', 'amount', 'gift', 'points', 'bundle')),
  value        INTEGER NOT NULL DEFAULT 0,
  starts_on    INTEGER,
  ends_on      INTEGER,
  budget_minor INTEGER NOT NULL DEFAULT 0 CHECK (budget_minor >= 0),
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE customers (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  segment_id    INTEGER REFERENCES segments(id),
  first_sale_on INTEGER,
  version       INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) STRICT;

-- The source of truth for revenue. No secondary indexes: they cost 20-40x on
-- import; readers use the rollups below.
CREATE TABLE sales (
  id               INTEGER PRIMARY KEY,
  project_id       INTEGER NOT NULL REFERENCES projects(id),
  sold_on          INTEGER NOT NULL,
  customer_id      INTEGER NOT NULL REFERENCES customers(id),
  product_id       INTEGER NOT NULL REFERENCES products(id),
  channel_id       INTEGER NOT NULL REFERENCES channels(id),
  rep_id           INTEGER NOT NULL REFERENCES users(id),
  promotion_id     INTEGER REFERENCES promotions(id),
  segment_id       INTEGER REFERENCES segments(id),
  quantity         INTEGER NOT NULL CHECK (quantity > 0),
  unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0),
  discount_minor   INTEGER NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
  amount_minor     INTEGER NOT NULL,
  cost_minor       INTEGER NOT NULL,
  version          INTEGER NOT NULL DEFAULT 1,
  created_by       INTEGER NOT NULL,
  created_at       INTEGER NOT NULL
) STRICT;

-- Daily sums per project and dimension, kept current inside each write's
-- transaction: dim is 'all' (key 0), 'channel', 'product', 'rep' or 'segment'
-- (key 0 = no segment).
CREATE TABLE sale_rollup (
  project_id   INTEGER NOT NULL,
  day          INTEGER NOT NULL,
  dim          TEXT NOT NULL,
  key_id       INTEGER NOT NULL,
  lines        INTEGER NOT NULL,
  quantity     INTEGER NOT NULL,
  amount_minor INTEGER NOT NULL,
  cost_minor   INTEGER NOT NULL,
  PRIMARY KEY (project_id, dim, key_id, day)
) STRICT, WITHOUT ROWID;

CREATE TABLE goals (
  id               INTEGER PRIMARY KEY,
  project_id       INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name             TEXT NOT NULL DEFAULT '',
  metric           TEXT NOT NULL CHECK (metric IN ('revenue', 'gross_margin', 'units',
                     'deals_won', 'new_customers', 'retention_rate', 'avg_deal_size', 'custom')),
  target           INTEGER,
  baseline         INTEGER,
  baseline_start_on INTEGER,
  baseline_end_on  INTEGER,
  scope_segment_id INTEGER REFERENCES segments(id),
  scope_channel_id INTEGER REFERENCES channels(id),
  scope_product_id INTEGER REFERENCES products(id),
  scope_rep_id     INTEGER REFERENCES users(id),
  start_on         INTEGER,
  due_on           INTEGER,
  owner_id         INTEGER REFERENCES users(id),
  rationale        TEXT NOT NULL DEFAULT '',
  objective        TEXT NOT NULL DEFAULT '',
  checkin_rule     TEXT NOT NULL DEFAULT '',
  custom_unit      TEXT NOT NULL DEFAULT '',
  version          INTEGER NOT NULL DEFAULT 1,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX goals_project ON goals (project_id);

-- Each saved state of a goal, written in the same transaction as the change.
CREATE TABLE goal_revisions (
  id         INTEGER PRIMARY KEY,
  goal_id    INTEGER NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
  version    INTEGER NOT NULL,
  changed_by INTEGER,
  changed_at INTEGER NOT NULL,
  reason     TEXT NOT NULL DEFAULT '',
  snapshot   TEXT NOT NULL
) STRICT;
CREATE INDEX goal_revisions_goal ON goal_revisions (goal_id, version);

-- Manual progress for custom goals.
CREATE TABLE goal_checkins (
  id         INTEGER PRIMARY KEY,
  goal_id    INTEGER NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
  on_date    INTEGER NOT NULL,
  value      INTEGER NOT NULL,
  note       TEXT NOT NULL DEFAULT '',
  created_by INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX goal_checkins_goal ON goal_checkins (goal_id, on_date);

-- One row per write: who, when, what, and the record before and after (JSON).
CREATE TABLE audit (
  id        INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,
  actor_id  INTEGER,
  entity    TEXT NOT NULL,
  entity_id INTEGER,
  action    TEXT NOT NULL,
  before    TEXT,
  after     TEXT
) STRICT;
CREATE INDEX audit_entity ON audit (entity, entity_id);
