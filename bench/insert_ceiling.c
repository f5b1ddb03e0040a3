/*
 * insert_ceiling.c - this machine's raw SQLite insert rate, the ceiling the
 * import benchmark is compared with: N rows of the sales table's shape
 * (15 integer columns, no indexes, no foreign keys, no validation) bound and
 * inserted in one transaction with synchronous=FULL and WAL, as salespm runs.
 * usage: insert_ceiling DBFILE ROWS   -> prints rows/s
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

int main(int argc, char **argv)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long rows = argc > 2 ? strtol(argv[2], NULL, 10) : 1000000;
	double t0, t1;

	if (argc < 2 || sqlite3_open(argv[1], &db) != SQLITE_OK)
		return fprintf(stderr, "usage: insert_ceiling DBFILE ROWS\n"), 2;
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			 "PRAGMA cache_size=-262144;"
			 SALES_ROW_TABLE,
		     NULL, NULL, NULL);
	sqlite3_prepare_v2(db,
			   SALES_ROW_INSERT,
			   -1, &s, NULL);
	t0 = now();
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (long i = 0; i < rows; i++) {
		sales_row_bind(s, i);
		if (sqlite3_step(s) != SQLITE_DONE)
			return fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db)), 1;
		sqlite3_reset(s);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	t1 = now();
	printf("%.0f\n", (double)rows / (t1 - t0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return 0;
}
