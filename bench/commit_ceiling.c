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
	if (exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
	             "CREATE TABLE t (id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL,"
	             " sold_on INTEGER NOT NULL, customer_id INTEGER NOT NULL,"
	             " product_id INTEGER NOT NULL, channel_id INTEGER NOT NULL,"
	             " rep_id INTEGER NOT NULL, promotion_id INTEGER, segment_id INTEGER,"
	             " quantity INTEGER NOT NULL, unit_price_minor INTEGER NOT NULL,"
	             " discount_minor INTEGER NOT NULL, amount_minor INTEGER NOT NULL,"
	             " cost_minor INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 1,"
	             " created_by INTEGER NOT NULL, created_at INTEGER NOT NULL) STRICT"))
		return 1;
	if (sqlite3_prepare_v2(
	            db,
	            "INSERT INTO t (project_id, sold_on, customer_id, product_id, "
	            "channel_id, rep_id, promotion_id, segment_id, quantity, "
	            "unit_price_minor, discount_minor, amount_minor, cost_minor, created_by, "
	            "created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	            -1, &s, NULL) != SQLITE_OK)
		return fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db)), 1;
	t0 = now();
	for (i = 0; (t1 = now()) - t0 < seconds; i++) {
		if (exec(db, "BEGIN"))
			return 1;
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
		if (exec(db, "COMMIT"))
			return 1;
	}
	printf("%.0f\n", (double)i / (t1 - t0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return 0;
}
