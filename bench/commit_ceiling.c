/*
 * commit_ceiling.c - this machine's raw durable one-row commit rate, the
 * ceiling the durable-write benchmark is compared with: one INSERT of a row of
 * the sales table's shape and one COMMIT per row, on one connection, with the
 * pragmas salespm's SQLite driver sets (src/store/sqlite.c: journal_mode=WAL,
 * synchronous=FULL, foreign_keys=ON), for SECONDS seconds.
 * usage: commit_ceiling DBFILE SECONDS   -> prints commits/s
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sales_row.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
	return 1;
}

int main(int argc, char **argv)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	double seconds = argc > 2 ? strtod(argv[2], NULL) : 2.0, t0, t1;
	long i;

	if (argc < 2 || sqlite3_open(argv[1], &db) != SQLITE_OK)
		return fprintf(stderr, "usage: commit_ceiling DBFILE SECONDS\n"), 2;
	if (exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA "
	             "foreign_keys=ON;" SALES_ROW_TABLE))
		return 1;
	if (sqlite3_prepare_v2(db, SALES_ROW_INSERT, -1, &s, NULL) != SQLITE_OK)
		return fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db)), 1;
	t0 = now();
	for (i = 0; (t1 = now()) - t0 < seconds; i++) {
		if (exec(db, "BEGIN"))
			return 1;
		sales_row_bind(s, i);
		if (sqlite3_step(s) != SQLITE_DONE)
			return fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db)), 1;
		sqlite3_reset(s);
		if (exec(db, "COMMIT"))
			return 1;
	}
	printf("%.0f\n", (double)i / (t1 - t0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return 0;
}
