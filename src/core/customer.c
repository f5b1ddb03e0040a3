/*
 * customer.c - customers, their segments, and what they bought in the projects
 * the caller may see (totals from the rollups, the list of sales from the sales).
 */
#include "core/customer.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "core/catalog.h"
#include "core/entity.h"
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
/* a customer's all-time sums, one row per project (034-customer-totals.sql): point lookups */
static const char SQL_CUSTOMER_TOTALS[] =
	"SELECT COALESCE(SUM(lines), 0), COALESCE(SUM(amount_minor), 0) FROM customer_activity "
	"WHERE project_id IN " VISIBLE("?2", "?3") " AND dim = 'all' AND key_id = 0 "
	"AND customer_id = ?1";
static const char SQL_CUSTOMER_SALES[] =
	"SELECT s.id, s.sold_on, pj.code, p.sku, p.name, s.quantity, s.amount_minor "
	"FROM sales s JOIN projects pj ON pj.id = s.project_id "
	"JOIN products p ON p.id = s.product_id "
	"WHERE s.customer_id = ?1 AND s.project_id IN " VISIBLE("?2", "?3") " "
	"ORDER BY s.sold_on DESC, s.id DESC LIMIT ?4 OFFSET ?5";

#define F(field) offsetof(struct customer, field), sizeof(((struct customer *)0)->field)

static int customer_fill(struct store *st, const struct actor *a, void *rec, struct err *err);
static int customer_check(struct tx *tx, const void *before, void *rec,
			  const struct ent_input *in, struct err *err);

/*
 * A customer is made by a sale (core/sale.c), never by hand, and never
 * deleted; a manager sets its segment. Its lines and revenue are no column:
 * they are the reader's view, filled from the rollups.
 */
static const struct ent_field customer_fields[] = {
	{ "id", EK_ID, EF_READONLY, "id", F(id) },
	{ "name", EK_TEXT, EF_READONLY | EF_SORT | EF_FILTER, "name", F(name),
	  .help = "the customer's name, as its first sale gave it" },
	{ "segment", EK_REF, EF_NULLABLE | EF_FILTER | EF_SORT, "segment_id", F(segment_id),
	  .ref = &segment_entity, .key_off = offsetof(struct customer, segment),
	  .key_size = sizeof(((struct customer *)0)->segment),
	  .help = "its segment from now on (sales already made keep theirs; \"\" for none)",
	  .example = "smb" },
	{ "first_sale", EK_DATE, EF_READONLY | EF_NULLABLE, "first_sale_on", F(first_sale_on),
	  .help = "the day of its first-ever purchase" },
	{ "lines", EK_COUNT, EF_READONLY, NULL, F(lines),
	  .help = "its sales lines in the projects you may see" },
	{ "revenue", EK_MONEY, EF_READONLY, NULL, F(revenue_minor),
	  .help = "its revenue in the projects you may see" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

ENTITY(customer) = {
	.name = "customer",
	.plural = "customers",
	.table = "customers",
	.summary = "a customer (made by its first sale)",
	.size = sizeof(struct customer),
	.fields = customer_fields,
	.scope = ENT_WORKSPACE,
	.read_role = ROLE_VIEWER,
	.write_role = ROLE_MANAGER,
	.order = "t.name",
	.hooks = { .check = customer_check, .fill = customer_fill },
	/* listed, shown (by name on the CLI) and made by core/customer.c and core/sale.c */
	.omit = ENT_NO_LIST | ENT_NO_GET | ENT_NO_CREATE | ENT_NO_DELETE,
};

/* The segment is all a change of a customer says: a change that names none is refused. */
static int customer_check(struct tx *tx, const void *before, void *rec,
			  const struct ent_input *in, struct err *err)
{
	const struct ent_field *f = entity_field(&customer_entity, "segment");

	(void)tx;
	(void)before;
	(void)rec;
	if (!(in->set >> entity_field_index(&customer_entity, f) & 1))
		return err_set(err, ERR_INVALID, "segment", "required",
			       "segment is required (null or \"\" for none)");
	return 0;
}

void customer_write_json(struct jw *w, const struct customer *c)
{
	entity_write_json(w, &customer_entity, c);
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

static int fill_totals(struct store *st, const struct actor *a, struct customer *c,
		       struct err *err);

static int customer_fill(struct store *st, const struct actor *a, void *rec, struct err *err)
{
	return fill_totals(st, a, rec, err);
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
	c->lines = c->revenue_minor = 0;
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
	if (entity_ref_id(st, &segment_entity, code, id, err))
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

int customer_set_segment(struct store *st, const struct actor *a, int64_t id,
			 const char *segment_code, int64_t version, struct customer *out,
			 struct err *err)
{
	const struct ent_field *f = entity_field(&customer_entity, "segment");
	struct customer want;
	struct ent_input in = { 0 };
	char key[24];

	memset(&want, 0, sizeof(want));
	in.rec = &want;
	in.version = version;
	if (entity_parse_text(f, segment_code ? segment_code : "", &want, err))
		return -1;
	entity_input_set(&customer_entity, &in, f, 0);
	snprintf(key, sizeof(key), "%lld", (long long)id);
	return entity_update(st, a, &customer_entity, NULL, key, &in, out, err);
}
