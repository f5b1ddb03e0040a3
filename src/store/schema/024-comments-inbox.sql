-- 024-comments-inbox.sql: comments on records and the inbox (core/comment.c,
-- core/notify.c). A comment is on one record, named by its kind and id; the
-- record's project is copied onto it (NULL for a customer, a workspace record)
-- so that reading by project needs no lookup per kind. A notification is for
-- one user, of one kind, about one record; events (a mention, an assignment, a
-- stage change) have no day, time-derived ones (due, overdue, past SLA) name
-- the day the record fell due, so materialising them twice adds nothing (the
-- unique index; NULL days are distinct in both engines). What each user wants
-- to receive: a row per kind turned on or off (none = on).

CREATE TABLE comments (
  id           INTEGER PRIMARY KEY,
  on_kind      TEXT NOT NULL
               CHECK (on_kind IN ('deal', 'goal', 'task', 'problem', 'risk', 'customer', 'meeting')),
  on_id        INTEGER NOT NULL,
  project_id   INTEGER REFERENCES projects(id) ON DELETE CASCADE,
  author_id    INTEGER NOT NULL REFERENCES users(id),
  body         TEXT NOT NULL,
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX comments_on ON comments(on_kind, on_id, id);
CREATE INDEX comments_project ON comments(project_id);

CREATE TABLE notifications (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  kind         TEXT NOT NULL
               CHECK (kind IN ('mention', 'assigned', 'due', 'overdue', 'stage', 'sla')),
  project_id   INTEGER REFERENCES projects(id) ON DELETE CASCADE,
  on_kind      TEXT NOT NULL,
  on_id        INTEGER NOT NULL,
  day          INTEGER,
  actor_id     INTEGER REFERENCES users(id),
  params       TEXT NOT NULL DEFAULT '{}',
  created_at   INTEGER NOT NULL,
  read_at      INTEGER
) STRICT;
CREATE UNIQUE INDEX notifications_once ON notifications(user_id, kind, on_kind, on_id, day);
CREATE INDEX notifications_user ON notifications(user_id, id);

CREATE TABLE notification_settings (
  user_id      INTEGER NOT NULL REFERENCES users(id),
  kind         TEXT NOT NULL
               CHECK (kind IN ('mention', 'assigned', 'due', 'overdue', 'stage', 'sla')),
  enabled      INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (user_id, kind)
) STRICT;
