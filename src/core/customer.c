/*
 * customer.c - customers and their segments.
 */
#include "core/customer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "core/tx.h"
#include "base/banned.h"

#define CUSTOMER_COLS                                                                    \
	"c.id, c.name, c.segment_id, COALESCE(g.code, ''), c.first_sale_on, c.version, " \
	"c.created_at, c.updated_at"

static const char SQL_CUSTOMER_LIST[] =
	"SELECT " CUSTOMER_COLS " FROM customers c LEFT JOIN segments g ON g.id = c.segment_id "
	"WHERE (?1 IS NULL OR c.name LIKE '%' || ?1 || '%' ESCAPE '!') ORDER BY c.name LIMIT ?2";
static const char SQL_CUSTOMER_GET[] =
	"SELECT " CUSTOMER_COLS " FROM customers c LEFT JOIN segments g ON g.id = c.segment_id "
	"WHERE c.name = ?";
static const char SQL_SEGMENT_ID[] = "SELECT id FROM segments WHERE code = ?";
static const char SQL_CUSTOMER_SET_SEGMENT[] =
	"UPDATE customers SET segment_id = ?, version = version + 1, updated_at = ? "
	"WHERE id = ? AND version = ? RETURNING version";

void customer_write_json(struct jw *w, const struct customer *c)
{
	jw_obj(w);
	jw_kint(w, "id", c->id);
	jw_kstr(w, "name", c->name);
	jw_kstr(w, "segment", c->segment[0] ? c->segment : NULL);
	jw_kdate(w, "first_sale", c->first_sale_on);
	jw_kint(w, "version", c->version);
	jw_kts(w, "created_at", c->created_at);
	jw_obj_end(w);
}

static void row_to_customer(struct store *st, struct stmt *s, struct customer *c)
{
	c->id = store_col_int(st, s, 0);
	snprintf(c->name, sizeof(c->name), "%s", store_col_text(st, s, 1));
	c->segment_id = store_col_int_or(st, s, 2, NO_ID);
	snprintf(c->segment, sizeof(c->segment), "%s", store_col_text(st, s, 3));
	c->first_sale_on = (int32_t)store_col_int_or(st, s, 4, NO_DATE);
	c->version = store_col_int(st, s, 5);
	c->created_at = store_col_int(st, s, 6);
	c->updated_at = store_col_int(st, s, 7);
}

int customer_list(struct store *st, const struct actor *a, const char *q, size_t limit,
		  struct customer_list *out, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_CUSTOMER_LIST, err);
	int rc;
	(void)a; /* customers are shared data: every signed-in role reads them */
	if (!s)
		return -1;
	if (q && *q) {
		/* the search text is literal: escape LIKE's wildcards */
		char pat[400];
		size_t n = 0;
		for (const char *p = q; *p && n + 2 < sizeof(pat); p++) {
			if (*p == '%' || *p == '_' || *p == '!')
				pat[n++] = '!';
			pat[n++] = *p;
		}
		pat[n] = '\0';
		store_bind_text(st, s, 1, pat);
	} else {
		store_bind_null(st, s, 1);
	}
	store_bind_int(st, s, 2, limit ? (int64_t)limit : INT64_MAX);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		row_to_customer(st, s, &out->items[out->n++]);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

void customer_list_release(struct customer_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->alloc = 0;
}

int customer_get(struct store *st, const char *name, struct customer *out, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_CUSTOMER_GET, err);
	int rc;
	if (!s)
		return -1;
	store_bind_text(st, s, 1, name);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		row_to_customer(st, s, out);
	store_done(st, s);
	if (rc == STORE_DONE)
		return err_set(err, ERR_NOT_FOUND, "customer", "no_customer:name", "no customer \"%s\"", name);
	return rc < 0 ? -1 : 0;
}

static void customer_json(struct buf *b, const struct customer *c)
{
	struct jw w;
	jw_init(&w, b);
	customer_write_json(&w, c);
}

int customer_set_segment(struct store *st, const struct actor *a, const char *name,
			 const char *segment_code, int64_t version, struct customer *out,
			 struct err *err)
{
	struct customer cur;
	struct tx tx = { 0 };
	struct buf before = BUF_INIT, after = BUF_INIT;
	struct stmt *s;
	int64_t seg = NO_ID;
	int rc, r = -1;

	if (require_role(a, ROLE_MANAGER, "changing customers", err) ||
	    customer_get(st, name, &cur, err))
		return -1;
	if (version != cur.version)
		return tx_version_conflict("customer", name, version, cur.version, err);
	if (tx_begin(&tx, st, a, err))
		return -1;
	if (segment_code && *segment_code) {
		s = store_prepare(st, SQL_SEGMENT_ID, err);
		if (!s)
			goto out;
		store_bind_text(st, s, 1, segment_code);
		if (store_step(st, s, err) == STORE_ROW)
			seg = store_col_int(st, s, 0);
		store_done(st, s);
		if (seg == NO_ID) {
			err_set(err, ERR_INVALID, "segment", "no_segment:code", "no segment \"%s\"", segment_code);
			goto out;
		}
	}
	s = store_prepare(st, SQL_CUSTOMER_SET_SEGMENT, err);
	if (!s)
		goto out;
	store_bind_int_or_null(st, s, 1, seg, NO_ID);
	store_bind_int(st, s, 2, tx.now);
	store_bind_int(st, s, 3, cur.id);
	store_bind_int(st, s, 4, version);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0)
		goto out;
	if (rc == STORE_DONE) {
		tx_version_conflict("customer", name, version, version + 1, err);
		goto out;
	}
	*out = cur;
	out->segment_id = seg;
	snprintf(out->segment, sizeof(out->segment), "%s", seg == NO_ID ? "" : segment_code);
	out->version = cur.version + 1;
	out->updated_at = tx.now;
	customer_json(&before, &cur);
	customer_json(&after, out);
	if (tx_audit(&tx, "customer", cur.id, "update", buf_cstr(&before), buf_cstr(&after), err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	buf_release(&before);
	buf_release(&after);
	return r;
}
