-- 007-customer-activity.sql: customers' purchase days kept current on write,
-- so new customers and retention never read the sales (src/core/activity.h).
--
-- Per (project, dimension, key, customer), in two tables of the same key:
-- customer_activity, what the metrics read: first_on, the first day the
-- customer bought in that scope, and spans, the days they bought as 9-character
-- entries (in any order) of a 32-day span and the bitmap of its days, in
-- base64 (activity.h); customer_days, what a write merges into: the same days
-- with the lines of each ("D:N" entries separated by commas, "+D" for D days
-- after the previous one), so a delete takes a day away exactly. Every project
-- has its 'all' rows (key 0); 'segment', 'channel', 'product' and 'rep' rows
-- exist for the keys in customer_scopes: those a new-customers or retention
-- goal names (a goal naming a new one builds it from the sales).

CREATE TABLE customer_activity (
  project_id  INTEGER NOT NULL,
  dim         TEXT NOT NULL,
  key_id      INTEGER NOT NULL,
  customer_id INTEGER NOT NULL,
  first_on    INTEGER NOT NULL,
  spans       TEXT NOT NULL,
  PRIMARY KEY (project_id, dim, key_id, customer_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE customer_days (
  project_id  INTEGER NOT NULL,
  dim         TEXT NOT NULL,
  key_id      INTEGER NOT NULL,
  customer_id INTEGER NOT NULL,
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

INSERT INTO customer_days (project_id, dim, key_id, customer_id, days)
SELECT d.project_id, 'all', 0, d.customer_id, group_concat(d.sold_on || ':' || d.n, ',')
  FROM (SELECT project_id, customer_id, sold_on, COUNT(*) AS n FROM sales
         GROUP BY project_id, customer_id, sold_on) d
 GROUP BY d.project_id, d.customer_id;
INSERT INTO customer_days (project_id, dim, key_id, customer_id, days)
SELECT d.project_id, 'segment', d.key_id, d.customer_id, group_concat(d.sold_on || ':' || d.n, ',')
  FROM (SELECT s.project_id, s.segment_id AS key_id, s.customer_id, s.sold_on, COUNT(*) AS n
          FROM sales s JOIN customer_scopes c ON c.dim = 'segment' AND c.key_id = s.segment_id
         GROUP BY s.project_id, s.segment_id, s.customer_id, s.sold_on) d
 GROUP BY d.project_id, d.key_id, d.customer_id;
INSERT INTO customer_days (project_id, dim, key_id, customer_id, days)
SELECT d.project_id, 'channel', d.key_id, d.customer_id, group_concat(d.sold_on || ':' || d.n, ',')
  FROM (SELECT s.project_id, s.channel_id AS key_id, s.customer_id, s.sold_on, COUNT(*) AS n
          FROM sales s JOIN customer_scopes c ON c.dim = 'channel' AND c.key_id = s.channel_id
         GROUP BY s.project_id, s.channel_id, s.customer_id, s.sold_on) d
 GROUP BY d.project_id, d.key_id, d.customer_id;
INSERT INTO customer_days (project_id, dim, key_id, customer_id, days)
SELECT d.project_id, 'product', d.key_id, d.customer_id, group_concat(d.sold_on || ':' || d.n, ',')
  FROM (SELECT s.project_id, s.product_id AS key_id, s.customer_id, s.sold_on, COUNT(*) AS n
          FROM sales s JOIN customer_scopes c ON c.dim = 'product' AND c.key_id = s.product_id
         GROUP BY s.project_id, s.product_id, s.customer_id, s.sold_on) d
 GROUP BY d.project_id, d.key_id, d.customer_id;
INSERT INTO customer_days (project_id, dim, key_id, customer_id, days)
SELECT d.project_id, 'rep', d.key_id, d.customer_id, group_concat(d.sold_on || ':' || d.n, ',')
  FROM (SELECT s.project_id, s.rep_id AS key_id, s.customer_id, s.sold_on, COUNT(*) AS n
          FROM sales s JOIN customer_scopes c ON c.dim = 'rep' AND c.key_id = s.rep_id
         GROUP BY s.project_id, s.rep_id, s.customer_id, s.sold_on) d
 GROUP BY d.project_id, d.key_id, d.customer_id;

-- customer_activity: per 32-day span the bitmap of its days (a sum of distinct powers of two
-- is their OR), the span + 131072 in three base64 digits and the bitmap in six
INSERT INTO customer_activity (project_id, dim, key_id, customer_id, first_on, spans)
SELECT d.project_id, 'all', d.key_id, d.customer_id, MIN(d.first), group_concat(
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((((d.sold_on >> 5) + 131072) >> 12) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((((d.sold_on >> 5) + 131072) >> 6) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST((((d.sold_on >> 5) + 131072) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 30) & 3) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 24) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 18) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 12) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 6) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST((d.m & 63) + 1 AS INT), 1), '')
  FROM (SELECT s.project_id, 0 AS key_id, s.customer_id, MIN(s.sold_on) AS first,
               MIN(s.sold_on) AS sold_on,
               CAST(SUM(DISTINCT CAST(1 AS INTEGER) << CAST(s.sold_on & 31 AS INT)) AS INTEGER) AS m
          FROM sales s
         GROUP BY s.project_id, s.customer_id, s.sold_on >> 5) d
 GROUP BY d.project_id, d.key_id, d.customer_id;
INSERT INTO customer_activity (project_id, dim, key_id, customer_id, first_on, spans)
SELECT d.project_id, 'segment', d.key_id, d.customer_id, MIN(d.first), group_concat(
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((((d.sold_on >> 5) + 131072) >> 12) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((((d.sold_on >> 5) + 131072) >> 6) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST((((d.sold_on >> 5) + 131072) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 30) & 3) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 24) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 18) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 12) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 6) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST((d.m & 63) + 1 AS INT), 1), '')
  FROM (SELECT s.project_id, s.segment_id AS key_id, s.customer_id, MIN(s.sold_on) AS first,
               MIN(s.sold_on) AS sold_on,
               CAST(SUM(DISTINCT CAST(1 AS INTEGER) << CAST(s.sold_on & 31 AS INT)) AS INTEGER) AS m
          FROM sales s JOIN customer_scopes c ON c.dim = 'segment' AND c.key_id = s.segment_id
         GROUP BY s.project_id, s.segment_id, s.customer_id, s.sold_on >> 5) d
 GROUP BY d.project_id, d.key_id, d.customer_id;
INSERT INTO customer_activity (project_id, dim, key_id, customer_id, first_on, spans)
SELECT d.project_id, 'channel', d.key_id, d.customer_id, MIN(d.first), group_concat(
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((((d.sold_on >> 5) + 131072) >> 12) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((((d.sold_on >> 5) + 131072) >> 6) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST((((d.sold_on >> 5) + 131072) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 30) & 3) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 24) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 18) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 12) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 6) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST((d.m & 63) + 1 AS INT), 1), '')
  FROM (SELECT s.project_id, s.channel_id AS key_id, s.customer_id, MIN(s.sold_on) AS first,
               MIN(s.sold_on) AS sold_on,
               CAST(SUM(DISTINCT CAST(1 AS INTEGER) << CAST(s.sold_on & 31 AS INT)) AS INTEGER) AS m
          FROM sales s JOIN customer_scopes c ON c.dim = 'channel' AND c.key_id = s.channel_id
         GROUP BY s.project_id, s.channel_id, s.customer_id, s.sold_on >> 5) d
 GROUP BY d.project_id, d.key_id, d.customer_id;
INSERT INTO customer_activity (project_id, dim, key_id, customer_id, first_on, spans)
SELECT d.project_id, 'product', d.key_id, d.customer_id, MIN(d.first), group_concat(
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((((d.sold_on >> 5) + 131072) >> 12) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((((d.sold_on >> 5) + 131072) >> 6) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST((((d.sold_on >> 5) + 131072) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 30) & 3) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 24) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 18) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 12) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 6) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST((d.m & 63) + 1 AS INT), 1), '')
  FROM (SELECT s.project_id, s.product_id AS key_id, s.customer_id, MIN(s.sold_on) AS first,
               MIN(s.sold_on) AS sold_on,
               CAST(SUM(DISTINCT CAST(1 AS INTEGER) << CAST(s.sold_on & 31 AS INT)) AS INTEGER) AS m
          FROM sales s JOIN customer_scopes c ON c.dim = 'product' AND c.key_id = s.product_id
         GROUP BY s.project_id, s.product_id, s.customer_id, s.sold_on >> 5) d
 GROUP BY d.project_id, d.key_id, d.customer_id;
INSERT INTO customer_activity (project_id, dim, key_id, customer_id, first_on, spans)
SELECT d.project_id, 'rep', d.key_id, d.customer_id, MIN(d.first), group_concat(
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((((d.sold_on >> 5) + 131072) >> 12) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((((d.sold_on >> 5) + 131072) >> 6) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST((((d.sold_on >> 5) + 131072) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 30) & 3) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 24) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 18) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 12) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST(((d.m >> 6) & 63) + 1 AS INT), 1) ||
         substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', CAST((d.m & 63) + 1 AS INT), 1), '')
  FROM (SELECT s.project_id, s.rep_id AS key_id, s.customer_id, MIN(s.sold_on) AS first,
               MIN(s.sold_on) AS sold_on,
               CAST(SUM(DISTINCT CAST(1 AS INTEGER) << CAST(s.sold_on & 31 AS INT)) AS INTEGER) AS m
          FROM sales s JOIN customer_scopes c ON c.dim = 'rep' AND c.key_id = s.rep_id
         GROUP BY s.project_id, s.rep_id, s.customer_id, s.sold_on >> 5) d
 GROUP BY d.project_id, d.key_id, d.customer_id;

-- customers.first_sale_on as the sales give it (a delete used to recompute it from the sales)
UPDATE customers SET first_sale_on = (SELECT MIN(first_on) FROM customer_activity a
 WHERE a.dim = 'all' AND a.key_id = 0 AND a.customer_id = customers.id);
