-- 008-kept-answers.sql: answers computed from the data (a project's dashboard)
-- kept across restarts of the server (src/analytics/kept.h): the answer as it
-- is sent, and the stamp of the data it was computed from (the audit log's
-- largest id and count, as every write adds its audit row in its transaction).
-- A row is valid while the stamp is unchanged; a cache, never the source of
-- any figure: deleting every row changes nothing but the next start's speed.
-- (IF NOT EXISTS: a test runs the migrations from 007 again.)

CREATE TABLE IF NOT EXISTS kept_answers (
  key   TEXT NOT NULL PRIMARY KEY,
  stamp TEXT NOT NULL,
  body  TEXT NOT NULL
) STRICT;
