-- 015-recruitment.sql: recruitment (core/recruit.c): the project a position
-- hires for, its candidates moving through the stages, and their interviews.

-- The project a position hires for (none: the team at large); a hire joins it.
ALTER TABLE positions ADD COLUMN project_id INTEGER REFERENCES projects(id) ON DELETE SET NULL;

CREATE TABLE candidates (
  id          INTEGER PRIMARY KEY,
  position_id INTEGER NOT NULL REFERENCES positions(id),
  name        TEXT NOT NULL,
  email       TEXT NOT NULL DEFAULT '',
  phone       TEXT NOT NULL DEFAULT '',
  source      TEXT NOT NULL,
  stage       TEXT NOT NULL DEFAULT 'applied'
              CHECK (stage IN ('applied', 'screening', 'interview', 'offer', 'hired', 'rejected')),
  stage_on    INTEGER NOT NULL,
  applied_on  INTEGER NOT NULL,
  notes       TEXT NOT NULL DEFAULT '',
  user_id     INTEGER REFERENCES users(id),
  version     INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX candidates_position ON candidates(position_id);

CREATE TABLE interviews (
  id             INTEGER PRIMARY KEY,
  candidate_id   INTEGER NOT NULL REFERENCES candidates(id),
  interviewer_id INTEGER NOT NULL REFERENCES users(id),
  held_on        INTEGER NOT NULL,
  rating         INTEGER CHECK (rating BETWEEN 1 AND 5),
  notes          TEXT NOT NULL DEFAULT '',
  version        INTEGER NOT NULL DEFAULT 1,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX interviews_candidate ON interviews(candidate_id);
CREATE INDEX interviews_interviewer ON interviews(interviewer_id);
