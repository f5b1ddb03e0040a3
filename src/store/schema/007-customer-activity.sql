-- 007-customer-activity.sql: customers' purchase days kept current on write,
-- so new customers and retention never read the sales (src/core/activity.h).
--
-- customer_activity has one row per (project, dimension, key, customer):
-- first_on, the first day the customer bought in that scope, and days, the
-- days they bought with the lines of each ("D:N" entries separated by commas;
-- the write path writes "+D" for a day D days after the previous one). Every
-- project has its 'all' rows (key 0); 'segment', 'channel', 'product' and 'rep'
-- rows exist for the keys in customer_scopes: those a new-customers or
-- retention goal names (a goal naming a new one builds it from the sales).

CREATE TABLE customer_activity (
  project_id  INTEGER NOT NULL,
  dim         TEXT NOT NULL,
  key_id      INTEGER NOT NULL,
  customer_id INTEGER NOT NULL,
  first_on    INTEGER NOT NULL,
  days        TEXT NOT NULL,
  PRIMARY KEY (project_id, dim, key_id, customer_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE customer_scopes (
  dim    TEXT NOT NULL,
  key_id INTEGER NOT NULL,
  PRIMARY KEY (dim, key_id)
) STRICT, WITHOUT ROWID;

INSERT INTO customer_scopes (dim, key_id)
SELECT DISTINCT 'segment', scope_segment_id FROM goals
 WHERE metric IN ('new_customers', 'retention_rate') AND scope_segment_id IS NOT NULL;
INSERT INTO customer_scopes (dim, key_id)
SELECT DISTINCT 'channel', scope_channel_id FROM goals
 WHERE metric IN ('new_customers', 'retention_rate') AND scope_channel_id IS NOT NULL;
INSERT INTO customer_scopes (dim, key_id)
SELECT DISTINCT 'product', scope_product_id FROM goals
 WHERE metric IN ('new_customers', 'retention_rate') AND scope_product_id IS NOT NULL;
INSERT INTO customer_scopes (dim, key_id)
SELECT DISTINCT 'rep', scope_rep_id FROM goals
 WHERE metric IN ('new_customers', 'retention_rate') AND scope_rep_id IS NOT NULL;

INSERT INTO customer_activity (project_id, dim, key_id, customer_id, first_on, days)
SELECT d.project_id, 'all', 0, d.customer_id, MIN(d.sold_on), group_concat(d.sold_on || ':' || d.n, ',')
  FROM (SELECT project_id, customer_id, sold_on, COUNT(*) AS n FROM sales
         GROUP BY project_id, customer_id, sold_on) d
 GROUP BY d.project_id, d.customer_id;
INSERT INTO customer_activity (project_id, dim, key_id, customer_id, first_on, days)
SELECT d.project_id, 'segment', d.key_id, d.customer_id, MIN(d.sold_on), group_concat(d.sold_on || ':' || d.n, ',')
  FROM (SELECT s.project_id, s.segment_id AS key_id, s.customer_id, s.sold_on, COUNT(*) AS n
          FROM sales s JOIN customer_scopes c ON c.dim = 'segment' AND c.key_id = s.segment_id
         GROUP BY s.project_id, s.segment_id, s.customer_id, s.sold_on) d
 GROUP BY d.project_id, d.key_id, d.customer_id;
INSERT INTO customer_activity (project_id, dim, key_id, customer_id, first_on, days)
SELECT d.project_id, 'channel', d.key_id, d.customer_id, MIN(d.sold_on), group_concat(d.sold_on || ':' || d.n, ',')
  FROM (SELECT s.project_id, s.channel_id AS key_id, s.customer_id, s.sold_on, COUNT(*) AS n
          FROM sales s JOIN customer_scopes c ON c.dim = 'channel' AND c.key_id = s.channel_id
         GROUP BY s.project_id, s.channel_id, s.customer_id, s.sold_on) d
 GROUP BY d.project_id, d.key_id, d.customer_id;
INSERT INTO customer_activity (project_id, dim, key_id, customer_id, first_on, days)
SELECT d.project_id, 'product', d.key_id, d.customer_id, MIN(d.sold_on), group_concat(d.sold_on || ':' || d.n, ',')
  FROM (SELECT s.project_id, s.product_id AS key_id, s.customer_id, s.sold_on, COUNT(*) AS n
          FROM sales s JOIN customer_scopes c ON c.dim = 'product' AND c.key_id = s.product_id
         GROUP BY s.project_id, s.product_id, s.customer_id, s.sold_on) d
 GROUP BY d.project_id, d.key_id, d.customer_id;
INSERT INTO customer_activity (project_id, dim, key_id, customer_id, first_on, days)
SELECT d.project_id, 'rep', d.key_id, d.customer_id, MIN(d.sold_on), group_concat(d.sold_on || ':' || d.n, ',')
  FROM (SELECT s.project_id, s.rep_id AS key_id, s.customer_id, s.sold_on, COUNT(*) AS n
          FROM sales s JOIN customer_scopes c ON c.dim = 'rep' AND c.key_id = s.rep_id
         GROUP BY s.project_id, s.rep_id, s.customer_id, s.sold_on) d
 GROUP BY d.project_id, d.key_id, d.customer_id;

-- customers.first_sale_on as the sales give it (a delete used to recompute it from the sales)
UPDATE customers SET first_sale_on = (SELECT MIN(first_on) FROM customer_activity a
 WHERE a.dim = 'all' AND a.key_id = 0 AND a.customer_id = customers.id);
