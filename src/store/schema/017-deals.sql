-- 017-deals.sql: the pipeline (step 4 of the method: execution; core/deal.c).
--
-- 1. A project's deal stages, in order, each with its default probability and
--    its kind: open, won or lost. A project without rows of its own uses the
--    standard stages (lead, qualified, proposal, negotiation, won, lost).
-- 2. Deals: a customer, an owner, a channel, the products with quantities and
--    prices (deal_lines), an amount, a stage with its probability, an expected
--    close date; a lost deal says why. Winning records its sales lines
--    (sales.deal_id), reopening removes them.
-- 3. Every stage change is kept (deal_history) for cycle time and conversion.
--    A project's pipeline settings (deal_pipelines: the days without a stage
--    change after which an open deal is stale), the won deals summed per day
--    and dimension on write (deal_rollup: the deals_won and avg_deal_size
--    goals read it, never the deals) and each user's saved board views.
-- 4. Goals accept two more metrics: collections (money received) and nps.
--    SQLite widens the CHECK in place (the table's rows all pass the wider
--    one, so nothing on disk changes); PostgreSQL replaces the constraint.

CREATE TABLE deal_stages (
  id             INTEGER PRIMARY KEY,
  project_id     INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  code           TEXT NOT NULL,
  name           TEXT NOT NULL DEFAULT '',
  position       INTEGER NOT NULL,
  probability_bp INTEGER NOT NULL CHECK (probability_bp BETWEEN 0 AND 10000),
  kind           TEXT NOT NULL DEFAULT 'open' CHECK (kind IN ('open', 'won', 'lost')),
  version        INTEGER NOT NULL DEFAULT 1,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  UNIQUE (project_id, code)
) STRICT;

CREATE TABLE deals (
  id                INTEGER PRIMARY KEY,
  project_id        INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  title             TEXT NOT NULL,
  customer_id       INTEGER NOT NULL REFERENCES customers(id),
  owner_id          INTEGER NOT NULL REFERENCES users(id),
  channel_id        INTEGER REFERENCES channels(id),
  segment_id        INTEGER REFERENCES segments(id),
  stage             TEXT NOT NULL,
  probability_bp    INTEGER NOT NULL CHECK (probability_bp BETWEEN 0 AND 10000),
  amount_minor      INTEGER NOT NULL DEFAULT 0 CHECK (amount_minor >= 0),
  expected_close_on INTEGER,
  won_on            INTEGER,
  lost_on           INTEGER,
  lost_reason       TEXT NOT NULL DEFAULT '',
  note              TEXT NOT NULL DEFAULT '',
  stage_changed_at  INTEGER NOT NULL DEFAULT 0,
  version           INTEGER NOT NULL DEFAULT 1,
  created_by        INTEGER NOT NULL DEFAULT 0,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX deals_project ON deals(project_id, stage);
CREATE INDEX deals_customer ON deals(customer_id);
CREATE INDEX deals_owner ON deals(owner_id);

CREATE TABLE deal_lines (
  id               INTEGER PRIMARY KEY,
  deal_id          INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
  product_id       INTEGER NOT NULL REFERENCES products(id),
  quantity         INTEGER NOT NULL CHECK (quantity > 0),
  unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0),
  discount_minor   INTEGER NOT NULL DEFAULT 0 CHECK (discount_minor >= 0)
) STRICT;
CREATE INDEX deal_lines_deal ON deal_lines(deal_id);

CREATE TABLE deal_history (
  id             INTEGER PRIMARY KEY,
  deal_id        INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
  from_stage     TEXT,
  to_stage       TEXT NOT NULL,
  probability_bp INTEGER NOT NULL,
  amount_minor   INTEGER NOT NULL,
  changed_by     INTEGER,
  changed_at     INTEGER NOT NULL,
  changed_on     INTEGER NOT NULL
) STRICT;
CREATE INDEX deal_history_deal ON deal_history(deal_id, id);

CREATE TABLE deal_pipelines (
  project_id  INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  stale_days  INTEGER NOT NULL DEFAULT 30 CHECK (stale_days BETWEEN 1 AND 365),
  version     INTEGER NOT NULL DEFAULT 1,
  updated_at  INTEGER NOT NULL
) STRICT;

-- Won deals by day: dim 'all' (key 0), 'segment', 'channel', 'rep' (the owner)
-- and 'product' (a deal counts once for each product it sells, with that
-- product's lines' amount).
CREATE TABLE deal_rollup (
  project_id   INTEGER NOT NULL,
  dim          TEXT NOT NULL,
  key_id       INTEGER NOT NULL,
  day          INTEGER NOT NULL,
  deals        INTEGER NOT NULL DEFAULT 0,
  amount_minor INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, dim, key_id, day)
) STRICT;

CREATE TABLE deal_views (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  filters     TEXT NOT NULL DEFAULT '{}',
  created_at  INTEGER NOT NULL,
  UNIQUE (project_id, user_id, name)
) STRICT;

ALTER TABLE sales ADD COLUMN deal_id INTEGER REFERENCES deals(id);
CREATE INDEX sales_deal ON sales(deal_id) WHERE deal_id IS NOT NULL;

-- @sqlite
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '''avg_deal_size'', ''custom'')', '''avg_deal_size'', ''custom'', ''collections'', ''nps'')')
 WHERE type = 'table' AND name = 'goals' AND sql NOT LIKE '%''collections''%';
PRAGMA writable_schema = RESET;
-- @end
-- @postgresql
ALTER TABLE goals DROP CONSTRAINT goals_metric_check;
ALTER TABLE goals ADD CONSTRAINT goals_metric_check CHECK (metric IN ('revenue', 'gross_margin',
  'units', 'deals_won', 'new_customers', 'retention_rate', 'avg_deal_size', 'custom',
  'collections', 'nps'));
-- @end
