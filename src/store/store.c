/*
 * store.c - driver selection and the thin wrappers every backend shares.
 */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/driver.h"
#include "base/banned.h"


/* The backends, asked in order which accepts a --db string (the first that does opens it). */
static const struct store_driver *const drivers[] = {
	&store_pg_driver,
	&store_sqlite_driver,
	NULL,
};

void store_global_init(void)
{
	store_sqlite_global_init();
}

void store_global_release(void)
{
	pg_versions_stop();
}

const struct store_driver *store_driver_for(const char *dsn)
{
	for (const struct store_driver *const *d = drivers; *d; d++)
		if ((*d)->accepts(dsn))
			return *d;
	return NULL;
}

const char *store_backend(const struct store *st)
{
	return st->drv->name;
}

/* "sqlite:PATH" names the file PATH. */
static const char *strip_scheme(const char *dsn)
{
	return !strncmp(dsn, "sqlite:", 7) ? dsn + 7 : dsn;
}

static struct store *open_store(const char *dsn, int create, int migrate, struct err *err);

struct store *store_open(const char *dsn, int create, struct err *err)
{
	return open_store(dsn, create, 1, err);
}

struct store *store_open_as_is(const char *dsn, struct err *err)
{
	return open_store(dsn, 0, 0, err);
}

int store_restore(struct store *st, const char *path, int force, int64_t *copy_schema,
		  struct err *err)
{
	int64_t have;
	int known;

	if (!st->drv->restore)
		return err_set(err, ERR_USAGE, "db", "restore_unsupported",
			       "a PostgreSQL database is restored with pg_restore "
			       "(docs/operations.md)");
	if (store_pending(st, &have, &known, NULL, err))
		return -1;
	return st->drv->restore(st, path, force, known, copy_schema, err);
}

static struct store *open_store(const char *dsn, int create, int migrate, struct err *err)
{
	const struct store_driver *drv = store_driver_for(dsn);
	struct store *st;

	if (!drv) {
		err_set(err, ERR_USAGE, "db", "bad_dsn:value",
			"\"%s\" names no database (a file path, or a postgresql:// URL)", dsn);
		return NULL;
	}
	if (drv == &store_sqlite_driver)
		dsn = strip_scheme(dsn);
	if (!create && drv->exists && !drv->exists(dsn)) {
		/* Opening a file that is not there is an error, not a new database. */
		err_set(err, ERR_NOT_FOUND, "db", "no_database",
			"no database at %s (create one with `salespm init`)", dsn);
		return NULL;
	}
	st = xcalloc(1, sizeof(*st));
	st->drv = drv;
	st->dsn = xstrdup(dsn);
	if (st->drv->open(st, dsn, err)) {
		free(st->dsn);
		free(st);
		return NULL;
	}
	if (migrate && store_migrate(st, err)) {
		store_free(st);
		return NULL;
	}
	return st;
}

int64_t store_data_version(struct store *st)
{
	return st->drv->data_version(st);
}

/* A write was made: one on its own moves the version now, one in a transaction at its commit. */
static void note_write(struct store *st)
{
	if (st->in_tx)
		st->tx_wrote = 1;
	else
		st->drv->data_changed(st, 0);
}

void store_free(struct store *st)
{
	if (!st)
		return;
	if (st->in_tx)
		st->drv->rollback(st);
	st->drv->close(st);
	free(st->dsn);
	free(st);
}

void store_bind_int(struct store *st, struct stmt *s, int idx, int64_t v)
{
	st->drv->bind_int(s, idx, v);
}

void store_bind_textn(struct store *st, struct stmt *s, int idx, const char *txt, size_t len)
{
	st->drv->bind_text(s, idx, txt, len);
}

void store_bind_text(struct store *st, struct stmt *s, int idx, const char *txt)
{
	if (!txt)
		st->drv->bind_null(s, idx);
	else
		st->drv->bind_text(s, idx, txt, strlen(txt));
}

void store_bind_null(struct store *st, struct stmt *s, int idx)
{
	st->drv->bind_null(s, idx);
}

void store_bind_int_or_null(struct store *st, struct stmt *s, int idx, int64_t v, int64_t none)
{
	if (v == none)
		st->drv->bind_null(s, idx);
	else
		st->drv->bind_int(s, idx, v);
}

void store_bind_text_or_null(struct store *st, struct stmt *s, int idx, const char *txt)
{
	if (!txt || !*txt)
		st->drv->bind_null(s, idx);
	else
		st->drv->bind_text(s, idx, txt, strlen(txt));
}

int store_step(struct store *st, struct stmt *s, struct err *err)
{
	return st->drv->step(s, err);
}

int64_t store_col_int(struct store *st, struct stmt *s, int col)
{
	return st->drv->col_int(s, col);
}

const char *store_col_text(struct store *st, struct stmt *s, int col)
{
	const char *t = st->drv->col_text(s, col);
	return t ? t : "";
}

int store_col_is_null(struct store *st, struct stmt *s, int col)
{
	return st->drv->col_is_null(s, col);
}

int64_t store_col_int_or(struct store *st, struct stmt *s, int col, int64_t none)
{
	return st->drv->col_is_null(s, col) ? none : st->drv->col_int(s, col);
}

void store_done(struct store *st, struct stmt *s)
{
	int wrote = s && st->drv->wrote(s);
	if (s)
		st->drv->done(s);
	if (wrote)
		note_write(st);
}

int store_exec(struct store *st, const char *sql, struct err *err)
{
	int r = st->drv->exec(st, sql, err);
	note_write(st); /* maintenance and migrations: taken as writes */
	return r;
}

/* The SQL of a savepoint verb for level (2 = the first savepoint). */
static const char *savepoint_sql(char *out, size_t len, const char *verb, int level)
{
	snprintf(out, len, "%s sp%d", verb, level);
	return out;
}

int store_begin(struct store *st, int write, struct err *err)
{
	char sql[48];

	if (st->in_tx) {
		int level = st->in_tx + 1;
		if (write && !st->write_tx)
			return err_set(err, ERR_INTERNAL, NULL, "internal",
				       "a write cannot begin inside a read transaction");
		if (st->released == level) {
			/* the last savepoint of this level is released as this one begins */
			char both[96];
			snprintf(both, sizeof(both), "RELEASE sp%d; SAVEPOINT sp%d", level, level);
			st->released = 0;
			if (st->drv->exec(st, both, err))
				return -1;
		} else if (st->drv->exec(st, savepoint_sql(sql, sizeof(sql), "SAVEPOINT", level),
					 err)) {
			return -1;
		}
		st->in_tx++;
		return 0;
	}
	if (st->drv->begin(st, write, err))
		return -1;
	st->in_tx = 1;
	st->write_tx = write;
	return 0;
}

/* Undo and close the innermost savepoint; when that fails the transaction is gone. */
static void savepoint_rollback(struct store *st)
{
	char sql[48];

	if (st->released >= st->in_tx)
		st->released = 0; /* released with this one, below it */
	if (st->drv->exec(st, savepoint_sql(sql, sizeof(sql), "ROLLBACK TO", st->in_tx), NULL) ||
	    st->drv->exec(st, savepoint_sql(sql, sizeof(sql), "RELEASE", st->in_tx), NULL)) {
		store_rollback_all(st);
		return;
	}
	st->in_tx--;
}

int store_commit(struct store *st, struct err *err)
{
	char sql[48];
	int r;

	if (!st->in_tx)
		return err_set(err, ERR_INTERNAL, NULL, "internal",
			       "no transaction is open to commit (it was rolled back)");
	if (st->in_tx > 1 && st->drv->release_later) {
		/*
		 * Not sent now: what follows runs inside the savepoint until the next
		 * of its level begins and releases it in the same round trip (or the
		 * transaction ends, which releases it): the same outcome, since
		 * undoing, releasing or committing an outer level takes it along.
		 * (A RELEASE fails only where the transaction already did, and the
		 * transaction's end then fails too.)
		 */
		if (!st->released || st->released > st->in_tx)
			st->released = st->in_tx;
		st->in_tx--;
		return 0;
	}
	if (st->in_tx > 1) {
		if (st->drv->exec(st, savepoint_sql(sql, sizeof(sql), "RELEASE", st->in_tx), err)) {
			savepoint_rollback(st);
			return -1;
		}
		st->in_tx--;
		return 0;
	}
	/* a write transaction counts as a write whatever it did: nothing is missed */
	st->tx_wrote |= st->write_tx;
	st->released = 0;
	r = st->drv->commit(st, err);
	if (r)
		st->drv->rollback(st);
	st->in_tx = 0;
	st->write_tx = 0;
	if (st->tx_wrote && !r)
		st->drv->data_changed(st, 1);
	st->tx_wrote = 0;
	return r;
}

void store_rollback(struct store *st)
{
	if (!st->in_tx)
		return;
	if (st->in_tx > 1) {
		savepoint_rollback(st);
		return;
	}
	st->drv->rollback(st);
	st->in_tx = 0;
	st->write_tx = 0;
	st->tx_wrote = 0;
	st->released = 0;
}

void store_rollback_all(struct store *st)
{
	if (st->in_tx)
		st->drv->rollback(st);
	st->in_tx = 0;
	st->write_tx = 0;
	st->tx_wrote = 0;
	st->released = 0;
}

int store_check(struct store *st, struct buf *report, struct err *err)
{
	return st->drv->check(st, report, err);
}

int store_backup(struct store *st, const char *path, struct err *err)
{
	return st->drv->backup(st, path, err);
}

int store_query_int(struct store *st, const char *sql, int64_t *out, struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;

	if (!s)
		return -1;
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		*out = store_col_int(st, s, 0);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

void store_bulk(struct store *st, int on)
{
	if (on) {
		if (st->bulk++ == 0)
			st->drv->bulk(st, 1);
	} else if (st->bulk > 0 && --st->bulk == 0) {
		st->drv->bulk(st, 0);
	}
}

int store_analyze(struct store *st, const char *tables, struct err *err)
{
	return st->drv->analyze ? st->drv->analyze(st, tables, err) : 0;
}

struct stmt *store_prepare_dyn(struct store *st, const char *sql, struct err *err)
{
	return st->drv->prepare_once(st, sql, err);
}

void store_finalize_dyn(struct store *st, struct stmt *s)
{
	int wrote = s && st->drv->wrote(s);
	if (s)
		st->drv->finalize(st, s);
	if (wrote)
		note_write(st);
}

int store_query_dyn_int(struct store *st, const char *sql, int64_t *out, struct err *err)
{
	struct stmt *s = store_prepare_dyn(st, sql, err);
	int rc;

	if (!s)
		return -1;
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		*out = store_col_int(st, s, 0);
	store_finalize_dyn(st, s);
	return rc < 0 ? -1 : 0;
}

struct store_load *store_load_begin(struct store *st, const char *table, int ncols,
				    const char *const *cols, struct err *err)
{
	note_write(st);
	return st->drv->load_begin(st, table, ncols, cols, err);
}

void store_load_int(struct store_load *l, int64_t v)
{
	((struct store_load_head *)l)->drv->load_int(l, v);
}

void store_load_text(struct store_load *l, const char *txt)
{
	((struct store_load_head *)l)->drv->load_text(l, txt);
}

void store_load_null(struct store_load *l)
{
	((struct store_load_head *)l)->drv->load_null(l);
}

int store_load_row(struct store_load *l, struct err *err)
{
	return ((struct store_load_head *)l)->drv->load_row(l, err);
}

int store_load_end(struct store_load *l, int ok, struct err *err)
{
	if (!l)
		return 0;
	return ((struct store_load_head *)l)->drv->load_end(l, ok, err);
}

int store_ids_reserve(struct store *st, const char *table, int64_t n, int64_t *first,
		      struct err *err)
{
	if (!st->write_tx)
		return err_set(err, ERR_INTERNAL, NULL, "internal",
			       "ids of %s reserved outside a write transaction", table);
	return st->drv->ids_reserve(st, table, n < 1 ? 1 : n, first, err);
}

int store_ids_follow(struct store *st, const char *table, struct err *err)
{
	return st->drv->ids_follow ? st->drv->ids_follow(st, table, err) : 0;
}

int store_defer_sync(struct store *st, struct err *err)
{
	if (!st->drv->defer_sync)
		return 1;
	return st->drv->defer_sync(st, err);
}

int store_sync(struct store *st, struct err *err)
{
	return st->drv->sync ? st->drv->sync(st, err) : 0;
}

void store_tidy(struct store *st)
{
	if (st->drv->tidy)
		st->drv->tidy(st);
}
