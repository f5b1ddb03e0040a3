-- 023-meetings.sql: a project's meetings (core/meeting.c): a title, a day, a
-- start and end time on the workspace's wall clock (starts_at / ends_at the
-- same as UTC instants, kept by the server for the calendar feed), a
-- location, the organiser, agenda, minutes and decisions; the attendees
-- (members of the project) and the action items, each with an assignee, a
-- due day and the task it became (set once, by "make tasks": never twice).
-- And each user's calendar feed (core/calendar.c): only the hash of the
-- secret in the feed's URL is kept, as for sessions and API tokens.

CREATE TABLE meetings (
  id           INTEGER PRIMARY KEY,
  project_id   INTEGER NOT NULL REFERENCES projects(id),
  title        TEXT NOT NULL,
  held_on      INTEGER NOT NULL,
  start_time   TEXT NOT NULL,
  end_time     TEXT NOT NULL,
  starts_at    INTEGER NOT NULL DEFAULT 0,
  ends_at      INTEGER NOT NULL DEFAULT 0,
  location     TEXT NOT NULL DEFAULT '',
  organizer_id INTEGER NOT NULL REFERENCES users(id),
  agenda       TEXT NOT NULL DEFAULT '',
  minutes      TEXT NOT NULL DEFAULT '',
  decisions    TEXT NOT NULL DEFAULT '',
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  CHECK (end_time >= start_time)
) STRICT;
CREATE INDEX meetings_project ON meetings(project_id, held_on);
CREATE INDEX meetings_organizer ON meetings(organizer_id);

CREATE TABLE meeting_attendees (
  meeting_id   INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (meeting_id, user_id)
) STRICT;
CREATE INDEX meeting_attendees_user ON meeting_attendees(user_id);

CREATE TABLE meeting_items (
  id           INTEGER PRIMARY KEY,
  meeting_id   INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  position     INTEGER NOT NULL,
  text         TEXT NOT NULL,
  assignee_id  INTEGER NOT NULL REFERENCES users(id),
  due_on       INTEGER NOT NULL,
  task_id      INTEGER REFERENCES tasks(id) ON DELETE SET NULL
) STRICT;
CREATE INDEX meeting_items_meeting ON meeting_items(meeting_id, position);

CREATE TABLE calendar_feeds (
  user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  token_hash   TEXT NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL
) STRICT;
