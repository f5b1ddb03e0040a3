/*
 * kept.c - answers kept across restarts in kept_answers, each with the stamp
 * of the data it was computed from (kept.h).
 */
#include "analytics/kept.h"

#include <stdio.h>
#include <string.h>

#include "base/banned.h"

/* Bumped when an answer's form changes, so that answers kept by an older salespm are not sent. */
#define KEPT_FORMAT 2

/*
 * SQLite commits one writer at a time, each audit id after the largest: the
 * largest alone moves with every write (audit rows are never deleted).
 * PostgreSQL's ids come from a sequence, and a transaction may commit a
 * smaller id after a larger one: the count moves then.
 */
static const char SQL_STAMP[] = "SELECT COALESCE(MAX(id), 0), 0 FROM audit";
static const char SQL_STAMP_COUNTED[] = "SELECT COALESCE(MAX(id), 0), COUNT(*) FROM audit";
static const char SQL_GET[] = "SELECT body FROM kept_answers WHERE key = ?1 AND stamp = ?2";
static const char SQL_DROP_OLD[] = "DELETE FROM kept_answers WHERE stamp <> ?1";
static const char SQL_PUT[] =
	"INSERT INTO kept_answers (key, stamp, body) VALUES (?1, ?2, ?3) "
	"ON CONFLICT (key) DO UPDATE SET stamp = excluded.stamp, body = excluded.body";

int kept_stamp(struct store *st, char stamp[KEPT_STAMP_MAX], struct err *err)
{
	struct stmt *s = store_prepare(
		st, strcmp(store_backend(st), "sqlite") ? SQL_STAMP_COUNTED : SQL_STAMP, err);
	int rc;
	if (!s)
		return -1;
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		snprintf(stamp, KEPT_STAMP_MAX, "f%d/%lld/%lld", KEPT_FORMAT,
			 (long long)store_col_int(st, s, 0), (long long)store_col_int(st, s, 1));
	store_done(st, s);
	if (rc == STORE_DONE)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "no audit stamp");
	return rc < 0 ? -1 : 0;
}

int kept_get(struct store *st, const char *key, const char *stamp, struct buf *body, int *found,
	     struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_GET, err);
	int rc;
	*found = 0;
	if (!s)
		return -1;
	store_bind_text(st, s, 1, key);
	store_bind_text(st, s, 2, stamp);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		const char *t = store_col_text(st, s, 0);
		*found = buf_adds(body, t ? t : "") == 0;
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* Run s (key at 1, stamp at 2, body at 3 if given) once. */
static int run_put(struct store *st, const char *sql, const char *key, const char *stamp,
		   const char *body, size_t len, struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;
	if (!s)
		return -1;
	if (key) {
		store_bind_text(st, s, 1, key);
		store_bind_text(st, s, 2, stamp);
		store_bind_textn(st, s, 3, body, len);
	} else {
		store_bind_text(st, s, 1, stamp);
	}
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int kept_put(struct store *st, const char *key, const char *stamp, const char *body, size_t len,
	     struct err *err)
{
	return run_put(st, SQL_DROP_OLD, NULL, stamp, NULL, 0, err) ||
			       run_put(st, SQL_PUT, key, stamp, body, len, err)
		       ? -1
		       : 0;
}
