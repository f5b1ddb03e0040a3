-- 014-strategy.sql: a project's strategy (step 2 of the method; core/strategy.c)
-- and what it needs to be measured against the sales.
--
-- 1. Target markets say who belongs in words of their own: region, industry
--    and company size beside the free criteria.
-- 2. A channel may be taken out of use (active), as a product may.
-- 2b. A product carries a competitor's reference price (NULL: none known).
-- 3. A promotion's scope: the product SKUs, channel codes and segment codes it
--    applies to, each a comma-separated list ('' = all).
-- 4. The project's plan lines: the segments it targets with the share of the
--    revenue target each should bring, the channels it sells through with
--    their share and budget, and the promotions it runs.
-- 5. sale_rollup sums the discounts given (discount_minor) beside revenue and
--    cost, and gains the 'promotion' dimension (per project and promotion, all
--    time, day 0) that a promotion's cost and revenue are read from; it is
--    rebuilt from the sales with both.

ALTER TABLE segments ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE segments ADD COLUMN industry TEXT NOT NULL DEFAULT '';
ALTER TABLE segments ADD COLUMN company_size TEXT NOT NULL DEFAULT '';

ALTER TABLE products ADD COLUMN competitor_price_minor INTEGER
  CHECK (competitor_price_minor IS NULL OR competitor_price_minor >= 0);

ALTER TABLE channels ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));

ALTER TABLE promotions ADD COLUMN products TEXT NOT NULL DEFAULT '';
ALTER TABLE promotions ADD COLUMN channels TEXT NOT NULL DEFAULT '';
ALTER TABLE promotions ADD COLUMN segments TEXT NOT NULL DEFAULT '';

CREATE TABLE project_segments (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  segment_id  INTEGER NOT NULL REFERENCES segments(id),
  share_bp    INTEGER NOT NULL DEFAULT 0 CHECK (share_bp BETWEEN 0 AND 10000),
  note        TEXT NOT NULL DEFAULT '',
  version     INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (project_id, segment_id)
) STRICT;
CREATE INDEX project_segments_segment ON project_segments(segment_id);

CREATE TABLE project_channels (
  id           INTEGER PRIMARY KEY,
  project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  channel_id   INTEGER NOT NULL REFERENCES channels(id),
  share_bp     INTEGER NOT NULL DEFAULT 0 CHECK (share_bp BETWEEN 0 AND 10000),
  budget_minor INTEGER NOT NULL DEFAULT 0 CHECK (budget_minor >= 0),
  note         TEXT NOT NULL DEFAULT '',
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  UNIQUE (project_id, channel_id)
) STRICT;
CREATE INDEX project_channels_channel ON project_channels(channel_id);

CREATE TABLE project_promotions (
  id           INTEGER PRIMARY KEY,
  project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  promotion_id INTEGER NOT NULL REFERENCES promotions(id),
  note         TEXT NOT NULL DEFAULT '',
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  UNIQUE (project_id, promotion_id)
) STRICT;
CREATE INDEX project_promotions_promotion ON project_promotions(promotion_id);

ALTER TABLE sale_rollup ADD COLUMN discount_minor INTEGER NOT NULL DEFAULT 0;
DELETE FROM sale_rollup;
INSERT INTO sale_rollup (project_id, day, dim, key_id, lines, quantity, amount_minor, cost_minor,
                         discount_minor)
SELECT project_id, sold_on, 'all', 0, COUNT(*), CAST(TOTAL(quantity) AS INTEGER),
       CAST(TOTAL(amount_minor) AS INTEGER), CAST(TOTAL(cost_minor) AS INTEGER),
       CAST(TOTAL(discount_minor) AS INTEGER)
  FROM sales GROUP BY project_id, sold_on;
INSERT INTO sale_rollup (project_id, day, dim, key_id, lines, quantity, amount_minor, cost_minor,
                         discount_minor)
SELECT project_id, sold_on, 'channel', channel_id, COUNT(*), CAST(TOTAL(quantity) AS INTEGER),
       CAST(TOTAL(amount_minor) AS INTEGER), CAST(TOTAL(cost_minor) AS INTEGER),
       CAST(TOTAL(discount_minor) AS INTEGER)
  FROM sales GROUP BY project_id, channel_id, sold_on;
INSERT INTO sale_rollup (project_id, day, dim, key_id, lines, quantity, amount_minor, cost_minor,
                         discount_minor)
SELECT project_id, sold_on, 'product', product_id, COUNT(*), CAST(TOTAL(quantity) AS INTEGER),
       CAST(TOTAL(amount_minor) AS INTEGER), CAST(TOTAL(cost_minor) AS INTEGER),
       CAST(TOTAL(discount_minor) AS INTEGER)
  FROM sales GROUP BY project_id, product_id, sold_on;
INSERT INTO sale_rollup (project_id, day, dim, key_id, lines, quantity, amount_minor, cost_minor,
                         discount_minor)
SELECT project_id, sold_on, 'rep', rep_id, COUNT(*), CAST(TOTAL(quantity) AS INTEGER),
       CAST(TOTAL(amount_minor) AS INTEGER), CAST(TOTAL(cost_minor) AS INTEGER),
       CAST(TOTAL(discount_minor) AS INTEGER)
  FROM sales GROUP BY project_id, rep_id, sold_on;
INSERT INTO sale_rollup (project_id, day, dim, key_id, lines, quantity, amount_minor, cost_minor,
                         discount_minor)
SELECT project_id, sold_on, 'segment', COALESCE(segment_id, 0), COUNT(*),
       CAST(TOTAL(quantity) AS INTEGER), CAST(TOTAL(amount_minor) AS INTEGER),
       CAST(TOTAL(cost_minor) AS INTEGER), CAST(TOTAL(discount_minor) AS INTEGER)
  FROM sales GROUP BY project_id, COALESCE(segment_id, 0), sold_on;
INSERT INTO sale_rollup (project_id, day, dim, key_id, lines, quantity, amount_minor, cost_minor,
                         discount_minor)
SELECT project_id, 0, 'customer', customer_id, COUNT(*), CAST(TOTAL(quantity) AS INTEGER),
       CAST(TOTAL(amount_minor) AS INTEGER), CAST(TOTAL(cost_minor) AS INTEGER),
       CAST(TOTAL(discount_minor) AS INTEGER)
  FROM sales GROUP BY project_id, customer_id;
INSERT INTO sale_rollup (project_id, day, dim, key_id, lines, quantity, amount_minor, cost_minor,
                         discount_minor)
SELECT project_id, 0, 'promotion', promotion_id, COUNT(*), CAST(TOTAL(quantity) AS INTEGER),
       CAST(TOTAL(amount_minor) AS INTEGER), CAST(TOTAL(cost_minor) AS INTEGER),
       CAST(TOTAL(discount_minor) AS INTEGER)
  FROM sales WHERE promotion_id IS NOT NULL GROUP BY project_id, promotion_id;
INSERT INTO sale_rollup (project_id, day, dim, key_id, lines, quantity, amount_minor, cost_minor,
                         discount_minor)
SELECT 0, 0, 'total', 0, COUNT(*), CAST(TOTAL(quantity) AS INTEGER),
       CAST(TOTAL(amount_minor) AS INTEGER), CAST(TOTAL(cost_minor) AS INTEGER),
       CAST(TOTAL(discount_minor) AS INTEGER)
  FROM sales HAVING COUNT(*) > 0;
