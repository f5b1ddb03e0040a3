-- 003-idempotency.sql: an idempotency key is now written in the same transaction
-- as the request it names and the answer it got, so no row is ever "still being
-- answered" (status 0) after a commit. Rows left in that state by earlier
-- versions (a crash between reserving a key and answering) are dropped: their
-- requests were not answered, and a retry is applied once. request_hash is the
-- hex SHA-256 of the request's method, path, query and body: a key sent again
-- with another body is refused instead of answered with the first answer
-- ('' for rows written before it existed, matched on method and path only).

DELETE FROM idempotency_keys WHERE status = 0;
ALTER TABLE idempotency_keys ADD COLUMN request_hash TEXT NOT NULL DEFAULT '';
