-- 034-customer-totals.sql: a customer's all-time sums in a project (lines,
-- units, amount, cost, discount: the customer screens' totals) move from
-- sale_rollup's 'customer' rows into the customer's 'all' row of
-- customer_activity (core/rollup.c). Every sale rewrites that row already
-- (its days); the sums' own row sat on another page, one per customer, so a
-- group-commit batch of n sales to n customers wrote n pages more than it
-- needed, about a sixth of a durable write's cost (issue 8).

ALTER TABLE customer_activity ADD COLUMN lines INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customer_activity ADD COLUMN quantity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customer_activity ADD COLUMN amount_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customer_activity ADD COLUMN cost_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customer_activity ADD COLUMN discount_minor INTEGER NOT NULL DEFAULT 0;

UPDATE customer_activity SET lines = r.lines, quantity = r.quantity,
       amount_minor = r.amount_minor, cost_minor = r.cost_minor,
       discount_minor = r.discount_minor
  FROM sale_rollup r
 WHERE customer_activity.dim = 'all' AND customer_activity.key_id = 0
   AND r.project_id = customer_activity.project_id AND r.dim = 'customer'
   AND r.key_id = customer_activity.customer_id AND r.day = 0;

DELETE FROM sale_rollup WHERE dim = 'customer';
