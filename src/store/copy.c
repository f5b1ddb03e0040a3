/*
 * copy.c - a database copied into another of the same schema, whatever the
 * two backends: the way a team moves its SQLite file to PostgreSQL
 * (`salespm db copy --from sales.db --to postgresql://...`). Tables and their
 * columns come from each backend's own catalog; values travel as integers or
 * text, as the schema holds nothing else; ids are copied as they are, and the
 * destination's id generators are moved past them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "store/store.h"
#include "base/banned.h"

#define MAX_TABLES 128
#define MAX_COLS 64

struct table {
	char name[64];
	int ncols;
	char col[MAX_COLS][64];
	int is_int[MAX_COLS];
};

/* A name the catalog gave: letters, digits and '_' only (so it may stand in SQL text). */
static int plain_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return 0;
	return 1;
}

static int list_tables(struct store *st, struct table *t, int *n, struct err *err)
{
	struct stmt *s = store_prepare(st, st->drv->sql_tables, err);
	int rc;

	*n = 0;
	if (!s)
		return -1;
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		const char *name = store_col_text(st, s, 0);
		if (!strcmp(name, "schema_migrations") || !plain_name(name) || *n >= MAX_TABLES)
			continue;
		snprintf(t[*n].name, sizeof(t[*n].name), "%s", name);
		(*n)++;
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static int list_columns(struct store *st, struct table *t, struct err *err)
{
	struct stmt *s = store_prepare(st, st->drv->sql_columns, err);
	int rc;

	t->ncols = 0;
	if (!s)
		return -1;
	store_bind_text(st, s, 1, t->name);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		const char *name = store_col_text(st, s, 0), *type = store_col_text(st, s, 1);
		if (t->ncols >= MAX_COLS || !plain_name(name))
			continue;
		snprintf(t->col[t->ncols], sizeof(t->col[0]), "%s", name);
		t->is_int[t->ncols] = !strncmp(type, "INT", 3) || !strncmp(type, "int", 3) ||
				      !strcmp(type, "bigint") || !strcmp(type, "BIGINT");
		t->ncols++;
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/*
 * The tables a migration fills with one row of settings (025-webhooks.sql):
 * a new database holds that row already, and the source's replaces it.
 */
static const char *const SEEDED[] = { "webhook_cursor", "webhook_settings" };

static int seeded(const char *table)
{
	for (size_t i = 0; i < sizeof(SEEDED) / sizeof(SEEDED[0]); i++)
		if (!strcmp(table, SEEDED[i]))
			return 1;
	return 0;
}

/* Whether to's table is empty (a seeded one: emptied, its row is the source's to give). */
static int empty(struct store *to, const char *table, struct err *err)
{
	struct buf sql = BUF_INIT;
	int64_t n = 0;
	int r;

	if (seeded(table)) {
		buf_addf(&sql, "DELETE FROM %s", table);
		r = store_exec(to, buf_cstr(&sql), err);
		buf_release(&sql);
		return r;
	}
	buf_addf(&sql, "SELECT COUNT(*) FROM %s", table);
	r = store_query_dyn_int(to, buf_cstr(&sql), &n, err);
	buf_release(&sql);
	if (r)
		return -1;
	if (n)
		return err_set(err, ERR_CONFLICT, "to", "copy_target_not_empty:table,count",
			       "the destination's %s already holds %lld rows; copy into a new "
			       "database",
			       table, (long long)n);
	return 0;
}

/* Copy one table's rows: read by a statement written from the catalog, loaded in bulk. */
static int copy_table(struct store *from, struct store *to, const struct table *t,
		      int64_t *rows, struct err *err)
{
	struct buf sel = BUF_INIT;
	const char *cols[MAX_COLS];
	struct stmt *s = NULL;
	struct store_load *l = NULL;
	int rc, r = -1, has_id = 0;

	buf_adds(&sel, "SELECT ");
	for (int i = 0; i < t->ncols; i++) {
		buf_addf(&sel, "%s%s", i ? ", " : "", t->col[i]);
		cols[i] = t->col[i];
		has_id |= !strcmp(t->col[i], "id");
	}
	buf_addf(&sel, " FROM %s", t->name);
	*rows = 0;
	if (!(s = store_prepare_dyn(from, buf_cstr(&sel), err)) ||
	    !(l = store_load_begin(to, t->name, t->ncols, cols, err)))
		goto out;
	while ((rc = store_step(from, s, err)) == STORE_ROW) {
		for (int i = 0; i < t->ncols; i++) {
			if (store_col_is_null(from, s, i))
				store_load_null(l);
			else if (t->is_int[i])
				store_load_int(l, store_col_int(from, s, i));
			else
				store_load_text(l, store_col_text(from, s, i));
		}
		if (store_load_row(l, err))
			goto out;
		(*rows)++;
	}
	if (rc < 0)
		goto out;
	rc = store_load_end(l, 1, err);
	l = NULL;
	if (rc)
		goto out;
	r = has_id && to->drv->ids_follow ? to->drv->ids_follow(to, t->name, err) : 0;
out:
	if (l)
		store_load_end(l, 0, NULL);
	if (s)
		store_finalize_dyn(from, s);
	buf_release(&sel);
	return r;
}

int store_copy(struct store *from, struct store *to,
	       void (*progress)(void *ctx, const char *table, int64_t rows), void *ctx,
	       struct err *err)
{
	struct table *t = xcalloc(MAX_TABLES, sizeof(*t));
	int n = 0, r = -1;

	if (store_begin(from, 0, err))
		goto done;
	if (list_tables(from, t, &n, err))
		goto out;
	for (int i = 0; i < n; i++)
		if (list_columns(from, &t[i], err))
			goto out;
	store_bulk(to, 1);
	if (store_begin(to, 1, err))
		goto out;
	for (int i = 0; i < n; i++)
		if (empty(to, t[i].name, err))
			goto fail;
	for (int i = 0; i < n; i++) {
		int64_t rows;
		if (copy_table(from, to, &t[i], &rows, err))
			goto fail;
		if (progress)
			progress(ctx, t[i].name, rows);
	}
	if (store_commit(to, err))
		goto out;
	r = store_analyze(to, NULL, err); /* its plans made for the tables as they now are */
	goto out;
fail:
	store_rollback(to);
out:
	store_bulk(to, 0);
	store_rollback(from);
done:
	free(t);
	return r;
}
