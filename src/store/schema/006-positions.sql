-- 006-positions.sql: open positions of the sales team (core/position.c describes them).

CREATE TABLE positions (
  id           INTEGER PRIMARY KEY,
  title        TEXT NOT NULL,
  openings     INTEGER NOT NULL,
  status       TEXT NOT NULL,
  manager_id   INTEGER REFERENCES users(id),
  requirements TEXT NOT NULL DEFAULT '',
  opened_on    INTEGER,
  target_on    INTEGER,
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX positions_manager ON positions(manager_id);
