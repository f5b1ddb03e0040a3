-- 031-deal-tables-catch-up.sql: the pipeline's tables a database made before
-- 017 had them lacks (017 was extended after some databases had run it):
-- the project's stale threshold, the won-deal rollup and the saved board
-- views. A database that has them keeps them as they are; one that did not
-- gets them, and its won deals counted into the rollup, as a deal's win
-- counts there (core/deal.c: once a day for the project, its owner, its
-- channel, its segment or its customer's, and once for each product it
-- sells with that product's lines' amount). tests/ops/test_upgrade.py opens
-- such a database (tests/fixtures/schema-20) and compares its schema with a
-- new one's.

CREATE TABLE IF NOT EXISTS deal_pipelines (
  project_id  INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  stale_days  INTEGER NOT NULL DEFAULT 30 CHECK (stale_days BETWEEN 1 AND 365),
  version     INTEGER NOT NULL DEFAULT 1,
  updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS deal_views (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  filters     TEXT NOT NULL DEFAULT '{}',
  created_at  INTEGER NOT NULL,
  UNIQUE (project_id, user_id, name)
) STRICT;

CREATE TABLE IF NOT EXISTS deal_rollup (
  project_id   INTEGER NOT NULL,
  dim          TEXT NOT NULL,
  key_id       INTEGER NOT NULL,
  day          INTEGER NOT NULL,
  deals        INTEGER NOT NULL DEFAULT 0,
  amount_minor INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, dim, key_id, day)
) STRICT;

-- the won deals counted only where the rollup is empty: a rollup kept on write
-- is empty only while no deal has been won
CREATE TABLE deal_rollup_catch_up (go INTEGER NOT NULL) STRICT;
INSERT INTO deal_rollup_catch_up (go)
SELECT CASE WHEN EXISTS (SELECT 1 FROM deal_rollup) THEN 0 ELSE 1 END;

INSERT INTO deal_rollup (project_id, dim, key_id, day, deals, amount_minor)
SELECT project_id, 'all', 0, won_on, COUNT(*), SUM(amount_minor) FROM deals
WHERE won_on IS NOT NULL AND (SELECT go FROM deal_rollup_catch_up) = 1
GROUP BY project_id, won_on;

INSERT INTO deal_rollup (project_id, dim, key_id, day, deals, amount_minor)
SELECT project_id, 'rep', owner_id, won_on, COUNT(*), SUM(amount_minor) FROM deals
WHERE won_on IS NOT NULL AND (SELECT go FROM deal_rollup_catch_up) = 1
GROUP BY project_id, owner_id, won_on;

INSERT INTO deal_rollup (project_id, dim, key_id, day, deals, amount_minor)
SELECT project_id, 'channel', channel_id, won_on, COUNT(*), SUM(amount_minor) FROM deals
WHERE won_on IS NOT NULL AND channel_id IS NOT NULL
  AND (SELECT go FROM deal_rollup_catch_up) = 1
GROUP BY project_id, channel_id, won_on;

INSERT INTO deal_rollup (project_id, dim, key_id, day, deals, amount_minor)
SELECT d.project_id, 'segment', COALESCE(d.segment_id, c.segment_id), d.won_on, COUNT(*),
       SUM(d.amount_minor)
FROM deals d JOIN customers c ON c.id = d.customer_id
WHERE d.won_on IS NOT NULL AND COALESCE(d.segment_id, c.segment_id) IS NOT NULL
  AND (SELECT go FROM deal_rollup_catch_up) = 1
GROUP BY d.project_id, COALESCE(d.segment_id, c.segment_id), d.won_on;

INSERT INTO deal_rollup (project_id, dim, key_id, day, deals, amount_minor)
SELECT d.project_id, 'product', l.product_id, d.won_on, COUNT(DISTINCT d.id),
       SUM(l.quantity * l.unit_price_minor - l.discount_minor)
FROM deals d JOIN deal_lines l ON l.deal_id = d.id
WHERE d.won_on IS NOT NULL AND (SELECT go FROM deal_rollup_catch_up) = 1
GROUP BY d.project_id, l.product_id, d.won_on;

DROP TABLE deal_rollup_catch_up;
