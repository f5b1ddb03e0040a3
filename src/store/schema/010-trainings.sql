-- 010-trainings.sql: the team's training sessions and who attended each
-- (core/training.c describes both).

CREATE TABLE trainings (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  category    TEXT NOT NULL,
  held_on     INTEGER NOT NULL,
  hours       INTEGER,
  trainer_id  INTEGER REFERENCES users(id),
  location    TEXT NOT NULL DEFAULT '',
  notes       TEXT NOT NULL DEFAULT '',
  version     INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX trainings_trainer ON trainings(trainer_id);

-- One row per person on a session's list: whether they came, and their score.
CREATE TABLE attendances (
  id          INTEGER PRIMARY KEY,
  training_id INTEGER NOT NULL REFERENCES trainings(id),
  user_id     INTEGER NOT NULL REFERENCES users(id),
  attended    INTEGER NOT NULL DEFAULT 1 CHECK (attended IN (0, 1)),
  score       INTEGER,
  note        TEXT NOT NULL DEFAULT '',
  version     INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (training_id, user_id)
) STRICT;
CREATE INDEX attendances_user ON attendances(user_id);
