-- 005-auth-limits.sql: the limits on failed sign-ins and on wrong current passwords
-- live in the database, so every `salespm serve` on it counts together (several
-- servers behind a load balancer share one limit) and a restart forgets nothing.
-- key is the hex BLAKE2b of what is limited (a login and the address it signs in
-- from, or a user whose current password is checked): never a login in clear.

CREATE TABLE auth_limits (
  key          TEXT PRIMARY KEY,
  failures     INTEGER NOT NULL,
  window_start INTEGER NOT NULL
) STRICT;
