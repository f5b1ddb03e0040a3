-- 013-member-load.sql: what a project member can carry (core/member.c): their
-- capacity, in basis points of a full-time seller's load (a new hire ramping
-- up: 5000), and their territory, in words.

ALTER TABLE members ADD COLUMN capacity_bp INTEGER NOT NULL DEFAULT 10000;
ALTER TABLE members ADD COLUMN territory TEXT NOT NULL DEFAULT '';
