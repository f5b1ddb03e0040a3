-- 018-activities.sql: what a sales team does with its customers, and what the
-- customers say back (step 4 of the method: execution).
--
-- 1. Activities (core/engagement.c): a call, visit, demo, email, meeting or
--    other contact on a day (and a time), by a member, with a customer and/or
--    a deal of the project, tagged pre-sale, in-sale or after-sale; planned
--    ones are the member's to-dos, due at due_at (their day and time, the end
--    of the day without a time), done ones say when they were marked done.
-- 2. Customer feedback (core/feedback.c): a rating 1-5 and/or an NPS score
--    0-10, a category, a comment; a customer, optionally one of its sales or
--    deals in the project and the member who served. The sale's product and
--    channel are kept on the row when it is written, so NPS by product or
--    channel (a goal's scope, the summary) never reads the sales table.

CREATE TABLE activities (
  id           INTEGER PRIMARY KEY,
  project_id   INTEGER NOT NULL REFERENCES projects(id),
  kind         TEXT NOT NULL CHECK (kind IN ('call', 'visit', 'demo', 'email', 'meeting', 'other')),
  happened_on  INTEGER NOT NULL,
  at_time      TEXT NOT NULL DEFAULT '',
  user_id      INTEGER NOT NULL REFERENCES users(id),
  customer_id  INTEGER REFERENCES customers(id),
  deal_id      INTEGER REFERENCES deals(id),
  phase        TEXT NOT NULL CHECK (phase IN ('pre_sale', 'in_sale', 'after_sale')),
  status       TEXT NOT NULL DEFAULT 'done' CHECK (status IN ('planned', 'done')),
  due_at       INTEGER,
  done_at      INTEGER,
  outcome      TEXT NOT NULL DEFAULT '',
  notes        TEXT NOT NULL DEFAULT '',
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  CHECK (customer_id IS NOT NULL OR deal_id IS NOT NULL)
) STRICT;
CREATE INDEX activities_project ON activities(project_id, happened_on);
CREATE INDEX activities_todo ON activities(project_id, status, due_at);
CREATE INDEX activities_user ON activities(user_id);
CREATE INDEX activities_customer ON activities(customer_id, happened_on);
CREATE INDEX activities_deal ON activities(deal_id) WHERE deal_id IS NOT NULL;

CREATE TABLE feedback (
  id           INTEGER PRIMARY KEY,
  project_id   INTEGER NOT NULL REFERENCES projects(id),
  given_on     INTEGER NOT NULL,
  customer_id  INTEGER NOT NULL REFERENCES customers(id),
  rating       INTEGER CHECK (rating BETWEEN 1 AND 5),
  nps          INTEGER CHECK (nps BETWEEN 0 AND 10),
  category     TEXT NOT NULL CHECK (category IN ('product', 'service', 'price', 'delivery')),
  comment      TEXT NOT NULL DEFAULT '',
  sale_id      INTEGER REFERENCES sales(id) ON DELETE SET NULL,
  deal_id      INTEGER REFERENCES deals(id),
  product_id   INTEGER REFERENCES products(id),
  channel_id   INTEGER REFERENCES channels(id),
  user_id      INTEGER REFERENCES users(id),
  taken_by     INTEGER NOT NULL REFERENCES users(id),
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  CHECK (rating IS NOT NULL OR nps IS NOT NULL)
) STRICT;
CREATE INDEX feedback_project ON feedback(project_id, given_on);
CREATE INDEX feedback_customer ON feedback(customer_id, given_on);
CREATE INDEX feedback_sale ON feedback(sale_id) WHERE sale_id IS NOT NULL;
CREATE INDEX feedback_deal ON feedback(deal_id) WHERE deal_id IS NOT NULL;
