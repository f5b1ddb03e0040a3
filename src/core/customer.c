/*
 * customer.c - customers, their segments, and what they bought in the projects
 * the caller may see (totals from the rollups, the list of sales from the sales).
 */
#include "core/customer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "core/sale.h"
#include "core/tx.h"
#include "base/banned.h"

#define CUSTOMER_COLS                                                                    \
	"c.id, c.name, c.segment_id, COALESCE(g.code, ''), c.first_sale_on, c.version, " \
	"c.created_at, c.updated_at"
#define CUSTOMER_FROM " FROM customers c LEFT JOIN segments g ON g.id = c.segment_id "
#define CUSTOMER_WHERE                                                                        \
	"WHERE (CAST(?1 AS TEXT) IS NULL OR LOWER(c.name) LIKE ?1 ESCAPE '!') "               \
	"AND (CAST(?2 AS BIGINT) IS NULL OR c.segment_id = ?2) "
/* The projects the actor may see (project_sees_all: ?A = 1, all), else the memberships of user ?B. */
#define VISIBLE(A, B)                                                                        \
	"(SELECT id FROM projects WHERE " A " = 1 UNION ALL "                               \
	"SELECT project_id FROM members WHERE user_id = " B " AND " A " = 0)"

static const char SQL_CUSTOMER_LIST[] =
	"SELECT " CUSTOMER_COLS CUSTOMER_FROM CUSTOMER_WHERE "ORDER BY c.name, c.id LIMIT ?3 OFFSET ?4";
static const char SQL_CUSTOMER_COUNT[] = "SELECT COUNT(*) FROM customers c " CUSTOMER_WHERE;
static const char SQL_CUSTOMER_GET[] = "SELECT " CUSTOMER_COLS CUSTOMER_FROM "WHERE c.name = ?";
static const char SQL_CUSTOMER_GET_ID[] = "SELECT " CUSTOMER_COLS CUSTOMER_FROM "WHERE c.id = ?";
static const char SQL_SEGMENT_ID[] = "SELECT id FROM segments WHERE code = ?";
static const char SQL_CUSTOMER_SET_SEGMENT[] =
	"UPDATE customers SET segment_id = ?, version = version + 1, updated_at = ? "
	"WHERE id = ? AND version = ? RETURNING version";
/* a customer's all-time rows of the rollup, one per project: point lookups by key */
static const char SQL_CUSTOMER_TOTALS[] =
	"SELECT COALESCE(SUM(lines), 0), COALESCE(SUM(amount_minor), 0) FROM sale_rollup "
	"WHERE project_id IN " VISIBLE("?2", "?3") " AND dim = 'customer' AND key_id = ?1 "
	"AND day = 0";
static const char SQL_CUSTOMER_SALES[] =
	"SELECT s.id, s.sold_on, pj.code, p.sku, p.name, s.quantity, s.amount_minor "
	"FROM sales s JOIN projects pj ON pj.id = s.project_id "
	"JOIN products p ON p.id = s.product_id "
	"WHERE s.customer_id = ?1 AND s.project_id IN " VISIBLE("?2", "?3") " "
	"ORDER BY s.sold_on DESC, s.id DESC LIMIT ?4 OFFSET ?5";

void customer_write_json(struct jw *w, const struct customer *c)
{
	jw_obj(w);
	jw_kint(w, "id", c->id);
	jw_kstr(w, "name", c->name);
	jw_kstr(w, "segment", c->segment[0] ? c->segment : NULL);
	jw_kdate(w, "first_sale", c->first_sale_on);
	jw_kint(w, "lines", c->lines);
	jw_kint(w, "revenue", c->revenue_minor);
	jw_kint(w, "version", c->version);
	jw_kts(w, "created_at", c->created_at);
	jw_obj_end(w);
}

void customer_sale_write_json(struct jw *w, const struct customer_sale *s)
{
	jw_obj(w);
	jw_kint(w, "id", s->id);
	jw_kdate(w, "date", s->sold_on);
	jw_kstr(w, "project", s->project);
	jw_kstr(w, "product", s->product);
	jw_kstr(w, "product_name", s->product_name);
	jw_kint(w, "quantity", s->quantity);
	jw_kint(w, "amount", s->amount_minor);
	jw_obj_end(w);
}

static void row_to_customer(struct store *st, struct stmt *s, struct customer *c)
{
	memset(c, 0, sizeof(*c));
	c->id = store_col_int(st, s, 0);
	snprintf(c->name, sizeof(c->name), "%s", store_col_text(st, s, 1));
	c->segment_id = store_col_int_or(st, s, 2, NO_ID);
	snprintf(c->segment, sizeof(c->segment), "%s", store_col_text(st, s, 3));
	c->first_sale_on = (int32_t)store_col_int_or(st, s, 4, NO_DATE);
	c->version = store_col_int(st, s, 5);
	c->created_at = store_col_int(st, s, 6);
	c->updated_at = store_col_int(st, s, 7);
}

/* Bind the actor's view of the projects at ?A (sees every project) and ?B (user id). */
static void bind_visible(struct store *st, struct stmt *s, int at, const struct actor *a)
{
	store_bind_int(st, s, at, project_sees_all(a) ? 1 : 0);
	store_bind_int(st, s, at + 1, a->user_id);
}

/* c's lines and revenue over the projects a may see, from the rollups. */
static int fill_totals(struct store *st, const struct actor *a, struct customer *c,
		       struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_CUSTOMER_TOTALS, err);
	int rc;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, c->id);
	bind_visible(st, s, 2, a);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		c->lines = store_col_int(st, s, 0);
		c->revenue_minor = store_col_int(st, s, 1);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* The id of segment code, or ERR_INVALID naming it. */
static int segment_id(struct store *st, const char *code, int64_t *id, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_SEGMENT_ID, err);
	int rc;
	*id = NO_ID;
	if (!s)
		return -1;
	store_bind_text(st, s, 1, code);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		*id = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (*id == NO_ID)
		return err_set(err, ERR_INVALID, "segment", "no_segment:code", "no segment \"%s\"", code);
	return 0;
}

static void bind_filter(struct store *st, struct stmt *s, const char *like, int64_t seg)
{
	if (like)
		store_bind_text(st, s, 1, like);
	else
		store_bind_null(st, s, 1);
	store_bind_int_or_null(st, s, 2, seg, NO_ID);
}

int customer_list(struct store *st, const struct actor *a, const struct customer_filter *f,
		  struct customer_list *out, struct err *err)
{
	char like[2 * 200 + 3];
	const char *pat = NULL;
	int64_t seg = NO_ID;
	struct stmt *s;
	int rc;

	if (f->limit < 0 || f->offset < 0)
		return err_set(err, ERR_INVALID, f->limit < 0 ? "limit" : "offset", "negative",
			       "limit and offset cannot be negative");
	if (f->q && *f->q) {
		if (strlen(f->q) > 199)
			return err_set(err, ERR_INVALID, "q", "too_long:max", "the search text is longer than %d bytes", 199);
		sale_like_pattern(f->q, like, sizeof(like));
		pat = like;
	}
	if (f->segment && *f->segment && segment_id(st, f->segment, &seg, err))
		return -1;
	/* one read transaction: the page, its count and its totals from one snapshot */
	if (store_begin(st, 0, err))
		return -1;
	s = store_prepare(st, SQL_CUSTOMER_COUNT, err);
	if (!s)
		goto fail;
	bind_filter(st, s, pat, seg);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		out->total = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0)
		goto fail;
	s = store_prepare(st, SQL_CUSTOMER_LIST, err);
	if (!s)
		goto fail;
	bind_filter(st, s, pat, seg);
	store_bind_int(st, s, 3, f->limit ? f->limit : INT64_MAX);
	store_bind_int(st, s, 4, f->offset);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		row_to_customer(st, s, &out->items[out->n++]);
	}
	store_done(st, s);
	if (rc < 0)
		goto fail;
	for (size_t i = 0; i < out->n; i++)
		if (fill_totals(st, a, &out->items[i], err))
			goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return -1;
}

void customer_list_release(struct customer_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->alloc = 0;
}

/* Load the customer named by key (text for sql by name, or an id) into out, without totals. */
static int load(struct store *st, const char *sql, const char *name, int64_t id,
		struct customer *out, struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;
	if (!s)
		return -1;
	if (name)
		store_bind_text(st, s, 1, name);
	else
		store_bind_int(st, s, 1, id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		row_to_customer(st, s, out);
	store_done(st, s);
	if (rc == STORE_DONE) {
		if (name)
			return err_set(err, ERR_NOT_FOUND, "customer", "no_customer:name", "no customer \"%s\"", name);
		return err_set(err, ERR_NOT_FOUND, "customer", "no_customer_id:id", "no customer %lld", (long long)id);
	}
	return rc < 0 ? -1 : 0;
}

int customer_get(struct store *st, const struct actor *a, const char *name,
		 struct customer *out, struct err *err)
{
	return load(st, SQL_CUSTOMER_GET, name, 0, out, err) || fill_totals(st, a, out, err) ? -1
												  : 0;
}

int customer_get_id(struct store *st, const struct actor *a, int64_t id, struct customer *out,
		    struct err *err)
{
	return load(st, SQL_CUSTOMER_GET_ID, NULL, id, out, err) || fill_totals(st, a, out, err)
		       ? -1
		       : 0;
}

int customer_sales(struct store *st, const struct actor *a, int64_t id, int64_t limit,
		   int64_t offset, struct customer_sales *out, struct err *err)
{
	struct customer c;
	struct stmt *s;
	int rc;

	if (limit < 0 || offset < 0)
		return err_set(err, ERR_INVALID, limit < 0 ? "limit" : "offset", "negative",
			       "limit and offset cannot be negative");
	if (store_begin(st, 0, err))
		return -1;
	if (customer_get_id(st, a, id, &c, err))
		goto fail;
	out->total = c.lines;
	s = store_prepare(st, SQL_CUSTOMER_SALES, err);
	if (!s)
		goto fail;
	store_bind_int(st, s, 1, id);
	bind_visible(st, s, 2, a);
	store_bind_int(st, s, 4, limit ? limit : INT64_MAX);
	store_bind_int(st, s, 5, offset);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct customer_sale *x;
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		x = &out->items[out->n++];
		x->id = store_col_int(st, s, 0);
		x->sold_on = (int32_t)store_col_int(st, s, 1);
		snprintf(x->project, sizeof(x->project), "%s", store_col_text(st, s, 2));
		snprintf(x->product, sizeof(x->product), "%s", store_col_text(st, s, 3));
		snprintf(x->product_name, sizeof(x->product_name), "%s", store_col_text(st, s, 4));
		x->quantity = store_col_int(st, s, 5);
		x->amount_minor = store_col_int(st, s, 6);
	}
	store_done(st, s);
	if (rc < 0)
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return -1;
}

void customer_sales_release(struct customer_sales *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->alloc = 0;
}

static void customer_json(struct buf *b, const struct customer *c)
{
	struct jw w;
	jw_init(&w, b);
	customer_write_json(&w, c);
}

int customer_set_segment(struct store *st, const struct actor *a, int64_t id,
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
	    customer_get_id(st, a, id, &cur, err))
		return -1;
	if (version != cur.version)
		return tx_version_conflict("customer", cur.name, version, cur.version, err);
	if (tx_begin(&tx, st, a, err))
		return -1;
	/* the customer's segment from now on; sales already made keep theirs */
	if (segment_code && *segment_code && segment_id(st, segment_code, &seg, err))
		goto out;
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
		tx_version_conflict("customer", cur.name, version, version + 1, err);
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
