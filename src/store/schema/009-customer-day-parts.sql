-- 008-customer-day-parts.sql: customer_days in parts, so that an import adds
-- rows instead of rewriting every customer's whole history (src/core/activity.h).
--
-- A (project, dimension, key, customer)'s days are the sum of its parts' days.
-- Part 0 is what single writes merge into (and what a removal compacts every
-- part into); an import of many days per customer adds its own part, numbered
-- by its first sale id (two imports that share a number concatenate their
-- texts, which is the same sum). customer_activity, what the metrics read, is
-- unchanged: one row per (project, dimension, key, customer).
--
-- The part leads the key, so an import's parts lie together after the rows
-- already there (it writes new pages only, whatever the history), and the
-- index, not a walk of the scope's every customer, finds one customer's
-- parts for a removal.

CREATE TABLE customer_day_parts (
  project_id  INTEGER NOT NULL,
  dim         TEXT NOT NULL,
  key_id      INTEGER NOT NULL,
  customer_id INTEGER NOT NULL,
  part        INTEGER NOT NULL,
  days        TEXT NOT NULL,
  PRIMARY KEY (part, project_id, dim, key_id, customer_id)
) STRICT, WITHOUT ROWID;

INSERT INTO customer_day_parts (project_id, dim, key_id, customer_id, part, days)
SELECT project_id, dim, key_id, customer_id, 0, days FROM customer_days;

DROP TABLE customer_days;
ALTER TABLE customer_day_parts RENAME TO customer_days;
CREATE INDEX customer_days_customer ON customer_days (project_id, dim, key_id, customer_id);
