-- 025-webhooks.sql: webhooks (core/webhook.c) driven by the audit log as an
-- outbox. A webhook names a URL, the events it wants ('*' or a comma list of
-- the catalogue's names) and holds the signing secret the server generated.
-- webhook_cursor holds the last audit id turned into deliveries, moved in the
-- transaction that inserts them (a delivery per webhook and audit row at most,
-- by the unique key), so an acknowledged write is never missed. A delivery is
-- claimed by one server at a time (claimed_until) and each attempt is logged.

CREATE TABLE webhooks (
  id             INTEGER PRIMARY KEY,
  url            TEXT NOT NULL,
  description    TEXT NOT NULL DEFAULT '',
  events         TEXT NOT NULL DEFAULT '*',
  active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  secret         TEXT NOT NULL,
  since_audit_id INTEGER NOT NULL DEFAULT 0,
  created_by     INTEGER REFERENCES users(id),
  version        INTEGER NOT NULL DEFAULT 1,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
) STRICT;

CREATE TABLE webhook_deliveries (
  id             INTEGER PRIMARY KEY,
  webhook_id     INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  audit_id       INTEGER,
  redelivery_of  INTEGER,
  event          TEXT NOT NULL,
  body           TEXT NOT NULL,
  state          TEXT NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts       INTEGER NOT NULL DEFAULT 0,
  next_at        INTEGER NOT NULL,
  claimed_until  INTEGER NOT NULL DEFAULT 0,
  last_status    INTEGER,
  last_error     TEXT NOT NULL DEFAULT '',
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  delivered_at   INTEGER,
  UNIQUE (webhook_id, audit_id)
) STRICT;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_at);

CREATE TABLE webhook_attempts (
  id             INTEGER PRIMARY KEY,
  delivery_id    INTEGER NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  at             INTEGER NOT NULL,
  http_status    INTEGER,
  error          TEXT NOT NULL DEFAULT '',
  duration_ms    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id);

CREATE TABLE webhook_cursor (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  audit_id       INTEGER NOT NULL
) STRICT;
INSERT INTO webhook_cursor (id, audit_id) VALUES (1, 0);

-- The hosts (host or host:port) an admin allows past the address guard.
CREATE TABLE webhook_settings (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  allowed_hosts  TEXT NOT NULL DEFAULT '',
  version        INTEGER NOT NULL DEFAULT 1,
  updated_at     INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO webhook_settings (id, allowed_hosts, version, updated_at) VALUES (1, '', 1, 0);
