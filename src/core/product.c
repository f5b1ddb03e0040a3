/*
 * product.c - products with their unit cost and list price, and the dated
 * history of both: every cost or price a product has had is a price_history
 * row from the day it took effect, so margins are computed at the cost of the
 * day of each sale.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/date.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "core/catalog.h"
#include "core/catalog_impl.h"
#include "core/sale.h"
#include "base/banned.h"

#define PRODUCT_COLS                                                                             \
	"id, sku, name, version, created_at, updated_at, cost_minor, price_minor, active"
#define PRICE_COLS                                                                               \
	"id, product_id, effective_on, cost_minor, price_minor, reason, changed_by, changed_at"

static const char SQL_PRODUCT_GET[] = "SELECT " PRODUCT_COLS " FROM products WHERE sku = ?";
static const char SQL_PRODUCT_LIST[] = "SELECT " PRODUCT_COLS " FROM products ORDER BY sku";
static const char SQL_PRODUCT_INSERT[] =
	"INSERT INTO products (sku, name, cost_minor, price_minor, active, created_at, updated_at) "
	"VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_PRODUCT_UPDATE[] =
	"UPDATE products SET name = ?, cost_minor = ?, price_minor = ?, active = ?, "
	"version = version + 1, updated_at = ? WHERE id = ? AND version = ? RETURNING version";
static const char SQL_PRODUCT_DELETE[] =
	"DELETE FROM products WHERE id = ? AND version = ? RETURNING id";
static const char SQL_PRODUCT_SALES[] = "SELECT COUNT(*) FROM sales WHERE product_id = ?";
static const char SQL_PRODUCT_GOALS[] = "SELECT COUNT(*) FROM goals WHERE scope_product_id = ?";
static const char SQL_PRICE_INSERT[] =
	"INSERT INTO price_history (product_id, effective_on, cost_minor, price_minor, reason, "
	"changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char SQL_PRICE_LIST[] =
	"SELECT " PRICE_COLS " FROM price_history WHERE product_id = ? ORDER BY effective_on, id";

static const struct catalog_ref product_refs[] = {
	{ SQL_PRODUCT_SALES, "sales record", "sales records" },
	{ SQL_PRODUCT_GOALS, "goal", "goals" },
	{ NULL, NULL, NULL },
};

void price_change_write_json(struct jw *w, const struct price_change *c)
{
	jw_obj(w);
	jw_kint(w, "id", c->id);
	jw_kint(w, "product_id", c->product_id);
	jw_kdate(w, "effective", c->effective_on);
	jw_kint(w, "cost", c->cost_minor);
	jw_kint(w, "price", c->price_minor);
	jw_kstr(w, "reason", c->reason);
	jw_key(w, "changed_by");
	if (c->changed_by == NO_ID)
		jw_null(w);
	else
		jw_int(w, c->changed_by);
	jw_kts(w, "changed_at", c->changed_at);
	jw_obj_end(w);
}

void product_write_json_prices(struct jw *w, const struct product *p,
			       const struct price_list *prices)
{
	jw_obj(w);
	jw_kint(w, "id", p->id);
	jw_kstr(w, "sku", p->sku);
	jw_kstr(w, "name", p->name);
	jw_kint(w, "cost", p->cost_minor);
	jw_kint(w, "price", p->price_minor);
	jw_kbool(w, "active", p->active);
	jw_kint(w, "version", p->version);
	jw_kts(w, "created_at", p->created_at);
	jw_kts(w, "updated_at", p->updated_at);
	if (prices) {
		jw_key(w, "prices");
		jw_arr(w);
		for (size_t i = 0; i < prices->n; i++)
			price_change_write_json(w, &prices->items[i]);
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

void product_write_json(struct jw *w, const struct product *p)
{
	product_write_json_prices(w, p, NULL);
}

static void write_json(struct jw *w, const void *rec)
{
	product_write_json(w, rec);
}

static void in_force_today(struct store *st, struct product *p);

static void row(struct store *st, struct stmt *s, void *rec)
{
	struct product *p = rec;

	p->cost_minor = store_col_int(st, s, 6);
	p->price_minor = store_col_int(st, s, 7);
	p->active = (int)store_col_int(st, s, 8);
	/* the columns hold what was in force at the last change; a dated one may have come into force since */
	in_force_today(st, p);
}

static int bind(struct store *st, struct stmt *s, int i, const void *rec)
{
	const struct product *p = rec;

	store_bind_int(st, s, i, p->cost_minor);
	store_bind_int(st, s, i + 1, p->price_minor);
	store_bind_int(st, s, i + 2, p->active ? 1 : 0);
	return i + 3;
}

static int validate(const void *vin, void *vout, struct err *err)
{
	const struct product *in = vin;
	struct product *out = vout;
	char m[MONEY_FMT_MAX];

	if (in->cost_minor < 0)
		return err_set(err, ERR_INVALID, "cost", "negative", "a unit cost cannot be negative");
	if (in->price_minor < 0)
		return err_set(err, ERR_INVALID, "price", "negative", "a list price cannot be negative");
	if (in->cost_minor > MONEY_UNIT_MAX)
		return err_set(err, ERR_INVALID, "cost", "amount_limit:max",
			       "a unit cost is at most %s", money_format_grouped(MONEY_UNIT_MAX, m));
	if (in->price_minor > MONEY_UNIT_MAX)
		return err_set(err, ERR_INVALID, "price", "amount_limit:max",
			       "a list price is at most %s", money_format_grouped(MONEY_UNIT_MAX, m));
	out->cost_minor = in->cost_minor;
	out->price_minor = in->price_minor;
	out->active = in->active ? 1 : 0;
	return 0;
}

const struct price_point *price_point_on(const struct price_point *pts, size_t n, int32_t day)
{
	size_t lo = 0, hi = n;
	if (n == 0)
		return NULL;
	if (day < pts[0].from)
		return &pts[0];
	/* the last point with from <= day */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (pts[mid].from <= day)
			lo = mid;
		else
			hi = mid;
	}
	return &pts[lo];
}

static const char SQL_PRICE_POINTS[] =
	"SELECT effective_on, cost_minor, price_minor FROM price_history WHERE product_id = ? "
	"ORDER BY effective_on, id";

int product_points(struct store *st, int64_t product_id, struct price_point **pts, size_t *n,
		   struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_PRICE_POINTS, err);
	size_t alloc = 0;
	int rc;

	*pts = NULL;
	*n = 0;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, product_id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int32_t from = (int32_t)store_col_int(st, s, 0);
		/* one entry per date: of two on one date (an old database), the later entered */
		if (*n && (*pts)[*n - 1].from == from)
			(*n)--;
		ALLOC_GROW(*pts, *n + 1, alloc);
		(*pts)[*n].from = from;
		(*pts)[*n].cost = store_col_int(st, s, 1);
		(*pts)[*n].price = store_col_int(st, s, 2);
		(*n)++;
	}
	store_done(st, s);
	if (rc < 0) {
		free(*pts);
		*pts = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* The cost and price in force today (the stored columns when there is no history). */
static void in_force_today(struct store *st, struct product *p)
{
	struct price_point *pts;
	const struct price_point *e;
	size_t n;

	if (product_points(st, p->id, &pts, &n, NULL))
		return;
	if ((e = price_point_on(pts, n, date_today()))) {
		p->cost_minor = e->cost;
		p->price_minor = e->price;
	}
	free(pts);
}

/* When and why a cost or price changes: the hook's argument. */
struct price_note {
	int32_t effective_on; /* NO_DATE = today */
	unsigned set;         /* PRODUCT_SET_COST | PRODUCT_SET_PRICE */
	char reason[500];
};

static const char SQL_PRICE_SAME_DAY[] =
	"SELECT id FROM price_history WHERE product_id = ? AND effective_on = ?";
static const char SQL_PRICE_REPLACE[] =
	"UPDATE price_history SET cost_minor = ?, price_minor = ?, reason = ?, changed_by = ?, "
	"changed_at = ? WHERE id = ?";
static const char SQL_PRODUCT_IN_FORCE[] =
	"UPDATE products SET cost_minor = ?, price_minor = ? WHERE id = ?";

/* Write the history entry of day: a new row, or that day's row replaced. */
static int write_entry(struct tx *tx, int64_t product_id, int32_t day, int64_t cost,
		       int64_t price, const char *reason, struct err *err)
{
	struct store *st = tx->st;
	struct stmt *s = store_prepare(st, SQL_PRICE_SAME_DAY, err);
	int64_t same = NO_ID;
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, product_id);
	store_bind_int(st, s, 2, day);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		same = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0)
		return -1;
	s = store_prepare(st, same == NO_ID ? SQL_PRICE_INSERT : SQL_PRICE_REPLACE, err);
	if (!s)
		return -1;
	if (same == NO_ID) {
		store_bind_int(st, s, 1, product_id);
		store_bind_int(st, s, 2, day);
		store_bind_int(st, s, 3, cost);
		store_bind_int(st, s, 4, price);
		store_bind_text(st, s, 5, reason);
		store_bind_int_or_null(st, s, 6, tx->actor ? tx->actor->user_id : NO_ID, NO_ID);
		store_bind_int(st, s, 7, tx->now);
	} else {
		store_bind_int(st, s, 1, cost);
		store_bind_int(st, s, 2, price);
		store_bind_text(st, s, 3, reason);
		store_bind_int_or_null(st, s, 4, tx->actor ? tx->actor->user_id : NO_ID, NO_ID);
		store_bind_int(st, s, 5, tx->now);
		store_bind_int(st, s, 6, same);
	}
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/*
 * The price history side of a create or update: the entry of the change's day
 * (what it sets, and what was in force that day for the rest), the product's
 * columns set to what is in force today, and every sale of the product
 * re-costed by the rule when its costs moved.
 */
static int record_price(struct tx *tx, const void *before, const void *after, const void *arg,
			struct err *err)
{
	/* after is the record being written (catalog_update's out): it is told what is in force */
	struct product *p = (struct product *)after;
	const struct price_note *note = arg;
	struct price_point *pts = NULL;
	const struct price_point *e;
	size_t n;
	int32_t day = note->effective_on == NO_DATE ? date_today() : note->effective_on;
	int64_t cost, price, old_cost = -1;
	int r = -1;

	(void)before;
	if (!note->set)
		return 0;
	if (product_points(tx->st, p->id, &pts, &n, err))
		return -1;
	e = price_point_on(pts, n, day);
	cost = note->set & PRODUCT_SET_COST || !e ? p->cost_minor : e->cost;
	price = note->set & PRODUCT_SET_PRICE || !e ? p->price_minor : e->price;
	/* nothing moves when the entry in force that day already says so */
	if (e && e->cost == cost && e->price == price) {
		r = 0;
		goto today;
	}
	if (e)
		old_cost = e->cost;
	if (write_entry(tx, p->id, day, cost, price, note->reason, err))
		goto out;
	free(pts);
	if (product_points(tx->st, p->id, &pts, &n, err))
		goto out;
	/* a change of cost re-costs the sales it reaches; a new product has none */
	if (before && old_cost != cost && sale_recost(tx, p->id, pts, n, err))
		goto out;
	r = 0;
today:
	if ((e = price_point_on(pts, n, date_today()))) {
		struct stmt *s = store_prepare(tx->st, SQL_PRODUCT_IN_FORCE, err);
		int rc;
		p->cost_minor = e->cost;
		p->price_minor = e->price;
		if (!s) {
			r = -1;
			goto out;
		}
		store_bind_int(tx->st, s, 1, e->cost);
		store_bind_int(tx->st, s, 2, e->price);
		store_bind_int(tx->st, s, 3, p->id);
		rc = store_step(tx->st, s, err);
		store_done(tx->st, s);
		if (rc < 0)
			r = -1;
	}
out:
	free(pts);
	return r;
}

static const struct catalog_noun product_noun = {
	.entity = "product",
	.plural = "products",
	.key = "sku",
	CATALOG_LAYOUT(struct product, sku),
	.sql_get = SQL_PRODUCT_GET,
	.sql_list = SQL_PRODUCT_LIST,
	.sql_insert = SQL_PRODUCT_INSERT,
	.sql_update = SQL_PRODUCT_UPDATE,
	.sql_delete = SQL_PRODUCT_DELETE,
	.refs = product_refs,
	.row = row,
	.bind = bind,
	.validate = validate,
	.write_json = write_json,
};

/* product_get, _list, _list_release and _delete of catalog.h (a deleted
 * product's price history goes with it: ON DELETE CASCADE). */
CATALOG_FUNCS(product)

int product_create(struct store *st, const struct actor *a, const struct product *in,
		   int32_t effective_on, struct product *out, struct err *err)
{
	struct price_note note = { effective_on, PRODUCT_SET_COST | PRODUCT_SET_PRICE, "" };
	struct product p = *in;

	/* A new product is on sale; it is taken off with an update. */
	p.active = 1;
	return catalog_create(st, a, &product_noun, &p, out, record_price, &note, err);
}

int product_update(struct store *st, const struct actor *a, const struct product *want,
		   unsigned set, int32_t effective_on, const char *reason, struct product *out,
		   struct err *err)
{
	struct price_note note = { effective_on, set & (PRODUCT_SET_COST | PRODUCT_SET_PRICE), "" };

	if (text_field(note.reason, sizeof(note.reason), reason, 0, 0, "reason", err))
		return -1;
	if (effective_on != NO_DATE && !note.set)
		return err_set(err, ERR_INVALID, "effective", "effective_without_change",
			       "an effective date needs a new cost or price to take effect");
	return catalog_update(st, a, &product_noun, want, out, record_price, &note, err);
}

int product_prices(struct store *st, const char *sku, struct price_list *out, struct err *err)
{
	struct product p;
	struct stmt *s;
	int rc;

	if (product_get(st, sku, &p, err))
		return -1;
	s = store_prepare(st, SQL_PRICE_LIST, err);
	if (!s)
		return -1;
	store_bind_int(st, s, 1, p.id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct price_change *c;
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		c = &out->items[out->n++];
		c->id = store_col_int(st, s, 0);
		c->product_id = store_col_int(st, s, 1);
		c->effective_on = (int32_t)store_col_int(st, s, 2);
		c->cost_minor = store_col_int(st, s, 3);
		c->price_minor = store_col_int(st, s, 4);
		snprintf(c->reason, sizeof(c->reason), "%s", store_col_text(st, s, 5));
		c->changed_by = store_col_int_or(st, s, 6, NO_ID);
		c->changed_at = store_col_int(st, s, 7);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

void price_list_release(struct price_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->alloc = 0;
}

