/*
 * sales_row.h - the row both SQLite ceilings write (insert_ceiling.c,
 * commit_ceiling.c): the sales table's shape (15 integer columns, no indexes,
 * no foreign keys), its table, its INSERT and the values of row i.
 */
#ifndef BENCH_SALES_ROW_H
#define BENCH_SALES_ROW_H

#include <sqlite3.h>

#define SALES_ROW_TABLE                                                                            \
	"CREATE TABLE t (id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL,"                     \
	" sold_on INTEGER NOT NULL, customer_id INTEGER NOT NULL,"                                 \
	" product_id INTEGER NOT NULL, channel_id INTEGER NOT NULL,"                               \
	" rep_id INTEGER NOT NULL, promotion_id INTEGER, segment_id INTEGER,"                      \
	" quantity INTEGER NOT NULL, unit_price_minor INTEGER NOT NULL,"                           \
	" discount_minor INTEGER NOT NULL, amount_minor INTEGER NOT NULL,"                         \
	" cost_minor INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 1,"                        \
	" created_by INTEGER NOT NULL, created_at INTEGER NOT NULL) STRICT"

#define SALES_ROW_INSERT                                                                           \
	"INSERT INTO t (project_id, sold_on, customer_id, product_id, "                            \
	"channel_id, rep_id, promotion_id, segment_id, quantity, "                                 \
	"unit_price_minor, discount_minor, amount_minor, cost_minor, created_by, "                 \
	"created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"

static inline void sales_row_bind(sqlite3_stmt *s, long i)
{
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
}

#endif
