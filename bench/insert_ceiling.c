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
			 "CREATE TABLE t (id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL,"
			 " sold_on INTEGER NOT NULL, customer_id INTEGER NOT NULL,"
			 " product_id INTEGER NOT NULL, channel_id INTEGER NOT NULL,"
			 " rep_id INTEGER NOT NULL, promotion_id INTEGER, segment_id INTEGER,"
			 " quantity INTEGER NOT NULL, unit_price_minor INTEGER NOT NULL,"
			 " discount_minor INTEGER NOT NULL, amount_minor INTEGER NOT NULL,"
			 " cost_minor INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 1,"
			 " created_by INTEGER NOT NULL, created_at INTEGER NOT NULL) STRICT",
		     NULL, NULL, NULL);
	sqlite3_prepare_v2(db,
			   "INSERT INTO t (project_id, sold_on, customer_id, product_id, "
			   "channel_id, rep_id, promotion_id, segment_id, quantity, "
			   "unit_price_minor, discount_minor, amount_minor, cost_minor, created_by, "
			   "created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			   -1, &s, NULL);
	t0 = now();
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (long i = 0; i < rows; i++) {
		sqlite3_bind_int64(s, 1, 1);
		sqlite3_bind_int64(s, 2, 20454 + i % 365);
		sqlite3_bind_int64(s, 3, 1 + i % 20000);
		sqlite3_bind_int64(s, 4, 1 + i % 50);
		sqlite3_bind_int64(s, 5, 1 + i % 6);
		sqlite3_bind_int64(s, 6, 1 + i % 20);
		sqlite3_bind_null(s, 7);
		sqlite3_bind_int64(s, 8, 1 + i % 5);
		sqlite3_bind_int64(s, 9, 1 + i % 9);
		sqlite3_bind_int64(s, 10, 19900);
		sqlite3_bind_int64(s, 11, 0);
		sqlite3_bind_int64(s, 12, 19900 * (1 + i % 9));
		sqlite3_bind_int64(s, 13, 9900 * (1 + i % 9));
		sqlite3_bind_int64(s, 14, 1);
		sqlite3_bind_int64(s, 15, 1764300000);
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
