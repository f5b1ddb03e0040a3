-- 035-recent-days.sql: a customer's days from single writes stay in its
-- customer_activity row (recent, "D:N" entries as customer_days.days) until
-- there are more than eight, then move to part 0 of customer_days, appended
-- (core/activity.c). A customer's days in a scope are the sum of its
-- customer_days parts and its recent days.
--
-- Every sale already rewrites the customer's activity row (its spans and
-- sums); part 0 sat on another page, read and rewritten by the same write, so
-- a group-commit batch of n sales to n customers read n rows and wrote n pages
-- more than it needed: about a seventh of a durable write's time (issue 8).
-- The rows already in part 0 stay there: they are part of the sum.

ALTER TABLE customer_activity ADD COLUMN recent TEXT NOT NULL DEFAULT '';
