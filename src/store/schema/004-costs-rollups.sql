-- 004-costs-rollups.sql: one cost rule, bounded sums, customer totals.
--
-- 1. A product has at most one price_history entry per effective date: a second
--    change on the same day replaces that day's entry (the last one entered is
--    kept here, as it was the one in force).
-- 2. Every sale is re-costed by the one rule: quantity x the unit cost of the
--    entry with the latest effective date on or before the sale's date (before
--    the first entry, the first entry's). Older versions could leave a sale at
--    another cost after some sequences of dated changes.
-- 3. sale_rollup is rebuilt from the sales, with two new dimensions:
--    'customer' (per project and customer, all time, day 0), which the
--    customer screens read instead of the sales, and one 'total' row (project
--    0, key 0, day 0) of the whole workspace, which every write checks against
--    the limit of any total (MONEY_TOTAL_MAX in src/base/money.h). TOTAL() is
--    exact for integer sums below 2^53 and never fails on a corrupt database
--    (a sum past int64 saturates; `salespm db check` then reports the row).

DELETE FROM price_history
 WHERE id NOT IN (SELECT MAX(id) FROM price_history GROUP BY product_id, effective_on);
DROP INDEX price_history_product;
CREATE UNIQUE INDEX price_history_product ON price_history (product_id, effective_on);

CREATE TEMP TABLE unit_cost AS
SELECT s.id AS id,
       COALESCE((SELECT h.cost_minor FROM price_history h
                  WHERE h.product_id = s.product_id AND h.effective_on <= s.sold_on
                  ORDER BY h.effective_on DESC LIMIT 1),
                (SELECT h.cost_minor FROM price_history h
                  WHERE h.product_id = s.product_id ORDER BY h.effective_on LIMIT 1),
                (SELECT p.cost_minor FROM products p WHERE p.id = s.product_id)) AS unit
  FROM sales s;
UPDATE sales SET cost_minor = quantity * u.unit
  FROM unit_cost u
 WHERE u.id = sales.id AND sales.quantity * 1.0 * u.unit < 9.0e18
   AND sales.cost_minor <> sales.quantity * u.unit;
DROP TABLE unit_cost;

DELETE FROM sale_rollup;
INSERT INTO sale_rollup (project_id, day, dim, key_id, lines, quantity, amount_minor, cost_minor)
SELECT project_id, sold_on, 'all', 0, COUNT(*), CAST(TOTAL(quantity) AS INTEGER),
       CAST(TOTAL(amount_minor) AS INTEGER), CAST(TOTAL(cost_minor) AS INTEGER)
  FROM sales GROUP BY project_id, sold_on;
INSERT INTO sale_rollup (project_id, day, dim, key_id, lines, quantity, amount_minor, cost_minor)
SELECT project_id, sold_on, 'channel', channel_id, COUNT(*), CAST(TOTAL(quantity) AS INTEGER),
       CAST(TOTAL(amount_minor) AS INTEGER), CAST(TOTAL(cost_minor) AS INTEGER)
  FROM sales GROUP BY project_id, channel_id, sold_on;
INSERT INTO sale_rollup (project_id, day, dim, key_id, lines, quantity, amount_minor, cost_minor)
SELECT project_id, sold_on, 'product', product_id, COUNT(*), CAST(TOTAL(quantity) AS INTEGER),
       CAST(TOTAL(amount_minor) AS INTEGER), CAST(TOTAL(cost_minor) AS INTEGER)
  FROM sales GROUP BY project_id, product_id, sold_on;
INSERT INTO sale_rollup (project_id, day, dim, key_id, lines, quantity, amount_minor, cost_minor)
SELECT project_id, sold_on, 'rep', rep_id, COUNT(*), CAST(TOTAL(quantity) AS INTEGER),
       CAST(TOTAL(amount_minor) AS INTEGER), CAST(TOTAL(cost_minor) AS INTEGER)
  FROM sales GROUP BY project_id, rep_id, sold_on;
INSERT INTO sale_rollup (project_id, day, dim, key_id, lines, quantity, amount_minor, cost_minor)
SELECT project_id, sold_on, 'segment', COALESCE(segment_id, 0), COUNT(*),
       CAST(TOTAL(quantity) AS INTEGER), CAST(TOTAL(amount_minor) AS INTEGER),
       CAST(TOTAL(cost_minor) AS INTEGER)
  FROM sales GROUP BY project_id, COALESCE(segment_id, 0), sold_on;
INSERT INTO sale_rollup (project_id, day, dim, key_id, lines, quantity, amount_minor, cost_minor)
SELECT project_id, 0, 'customer', customer_id, COUNT(*), CAST(TOTAL(quantity) AS INTEGER),
       CAST(TOTAL(amount_minor) AS INTEGER), CAST(TOTAL(cost_minor) AS INTEGER)
  FROM sales GROUP BY project_id, customer_id;
INSERT INTO sale_rollup (project_id, day, dim, key_id, lines, quantity, amount_minor, cost_minor)
SELECT 0, 0, 'total', 0, COUNT(*), CAST(TOTAL(quantity) AS INTEGER),
       CAST(TOTAL(amount_minor) AS INTEGER), CAST(TOTAL(cost_minor) AS INTEGER)
  FROM sales HAVING COUNT(*) > 0;
