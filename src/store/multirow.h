/*
 * multirow.h - one statement for many rows: "INSERT ... VALUES (...), (...),
 * ..." (and "... IN (?, ?, ...)"), so a flush of n rows makes a few round
 * trips to the database rather than n (PostgreSQL pays a network round trip
 * per statement; SQLite a statement's start). The texts are built once per
 * process, for 1 to 8 rows (a single sale's few) and 16, 32 and 64, and kept:
 * a statement's address names it in the statement cache, so each size is
 * prepared once per connection.
 */
#ifndef STORE_MULTIROW_H
#define STORE_MULTIROW_H

#include <stddef.h>

#define MULTIROW_MAX 64
#define MULTIROW_LEVELS 11 /* 1 to 8, 16, 32, 64 */

struct multirow {
	const char *head; /* up to the first row: "INSERT INTO t (a, b) VALUES " */
	const char *row;  /* one row, its parameters bare '?': "(?, ?)"; repeated with ", " */
	const char *tail; /* after the last row: " ON CONFLICT ..." (no parameters) */
	int params;       /* the '?' in row */
	const char *built[MULTIROW_LEVELS];
};

#define MULTIROW(h, r, t, n) { .head = (h), .row = (r), .tail = (t), .params = (n) }

/*
 * The text for the next chunk of n rows (n > 0): the largest size that fits,
 * in *rows. Row i's parameter k (from 0) binds at i * m->params + k + 1.
 */
const char *multirow_sql(struct multirow *m, size_t n, size_t *rows);

#endif
