-- 033-closed-terms.sql: the workspace-level terms a project was closed with
-- (core/closed_terms.c), so that closing freezes its report's figures.
--
-- A closed project's evaluation reads channels' cost rates, promotions'
-- dates, budgets and scopes, and the price points of its products, which
-- live at workspace level and may change after it closed (another project's
-- adjustment, a plain edit, a back-dated price). Closing copies them here,
-- one row per channel ('channel': cost_rate_bp), promotion ('promotion':
-- starts_on, ends_on, budget_minor, products, channels, segments) and price
-- change inside the project's dates of a product it sold ('price': the day in
-- starts_on, price_minor and the price before it in before_minor); the report
-- of a closed project reads these instead. A reopen deletes them.

CREATE TABLE project_closed_terms (
  id           INTEGER PRIMARY KEY,
  project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL CHECK (kind IN ('channel', 'promotion', 'price')),
  ref_id       INTEGER NOT NULL,
  cost_rate_bp INTEGER,
  starts_on    INTEGER,
  ends_on      INTEGER,
  budget_minor INTEGER,
  products     TEXT NOT NULL DEFAULT '',
  channels     TEXT NOT NULL DEFAULT '',
  segments     TEXT NOT NULL DEFAULT '',
  price_minor  INTEGER,
  before_minor INTEGER
) STRICT;
CREATE INDEX project_closed_terms_project ON project_closed_terms(project_id, kind);

-- the projects closed already: their terms as they are now (the best there is)
INSERT INTO project_closed_terms (project_id, kind, ref_id, cost_rate_bp)
SELECT p.id, 'channel', c.id, c.cost_rate_bp FROM projects p JOIN channels c
    ON c.id IN (SELECT channel_id FROM project_channels WHERE project_id = p.id)
    OR c.id IN (SELECT key_id FROM sale_rollup WHERE project_id = p.id AND dim = 'channel')
 WHERE p.status = 'closed';
INSERT INTO project_closed_terms (project_id, kind, ref_id, starts_on, ends_on, budget_minor,
                                  products, channels, segments)
SELECT p.id, 'promotion', m.id, m.starts_on, m.ends_on, m.budget_minor, m.products,
       m.channels, m.segments FROM projects p JOIN promotions m
    ON m.id IN (SELECT promotion_id FROM project_promotions WHERE project_id = p.id)
    OR m.id IN (SELECT key_id FROM sale_rollup WHERE project_id = p.id AND dim = 'promotion')
 WHERE p.status = 'closed';
INSERT INTO project_closed_terms (project_id, kind, ref_id, starts_on, price_minor, before_minor)
SELECT p.id, 'price', h.product_id, h.effective_on, h.price_minor,
       (SELECT o.price_minor FROM price_history o WHERE o.product_id = h.product_id
           AND o.effective_on < h.effective_on ORDER BY o.effective_on DESC LIMIT 1)
  FROM projects p JOIN price_history h ON h.effective_on BETWEEN p.start_on + 1 AND p.end_on
 WHERE p.status = 'closed'
   AND h.product_id IN (SELECT key_id FROM sale_rollup WHERE project_id = p.id AND dim = 'product');
