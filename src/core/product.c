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

static void row(struct store *st, struct stmt *s, void *rec)
{
	struct product *p = rec;

	p->cost_minor = store_col_int(st, s, 6);
	p->price_minor = store_col_int(st, s, 7);
	p->active = (int)store_col_int(st, s, 8);
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

	if (in->cost_minor < 0)
		return err_set(err, ERR_INVALID, "cost", "negative", "a unit cost cannot be negative");
	if (in->price_minor < 0)
		return err_set(err, ERR_INVALID, "price", "negative", "a list price cannot be negative");
	out->cost_minor = in->cost_minor;
	out->price_minor = in->price_minor;
	out->active = in->active ? 1 : 0;
	return 0;
}

/* When and why a cost or price changes: the hook's argument. */
struct price_note {
	int32_t effective_on; /* NO_DATE = today */
	char reason[500];
};

static const char SQL_PRICE_NEXT[] =
	"SELECT MIN(effective_on) FROM price_history WHERE product_id = ? AND effective_on > ?";
static const char SQL_PRICE_FIRST[] =
	"SELECT MIN(effective_on) FROM price_history WHERE product_id = ?";

static int min_date(struct store *st, const char *sql, int64_t product_id, int32_t day,
		    int32_t *out, struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, product_id);
	if (sql == SQL_PRICE_NEXT)
		store_bind_int(st, s, 2, day);
	rc = store_step(st, s, err);
	*out = rc == STORE_ROW && !store_col_is_null(st, s, 0) ? (int32_t)store_col_int(st, s, 0)
							       : NO_DATE;
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/*
 * A cost that takes effect on day reaches the sales dated from day up to the
 * next change (from the very first sale when it is the earliest cost known):
 * re-cost them so margins stay "the cost in force on the sale's date".
 */
static int recost_sales(struct tx *tx, int64_t product_id, int32_t day, int64_t cost,
			struct err *err)
{
	int32_t next, first;
	if (min_date(tx->st, SQL_PRICE_NEXT, product_id, day, &next, err) ||
	    min_date(tx->st, SQL_PRICE_FIRST, product_id, day, &first, err))
		return -1;
	return sale_recost(tx, product_id, day <= first ? NO_DATE : day, next, cost, err);
}

/* Append a price_history row when the product is new or its cost or price changed. */
static int record_price(struct tx *tx, const void *before, const void *after, const void *arg,
			struct err *err)
{
	const struct product *old = before, *p = after;
	const struct price_note *note = arg;
	struct stmt *s;
	int32_t day = note->effective_on == NO_DATE ? date_today() : note->effective_on;
	int rc;

	if (old && old->cost_minor == p->cost_minor && old->price_minor == p->price_minor)
		return 0;
	s = store_prepare(tx->st, SQL_PRICE_INSERT, err);
	if (!s)
		return -1;
	store_bind_int(tx->st, s, 1, p->id);
	store_bind_int(tx->st, s, 2, day);
	store_bind_int(tx->st, s, 3, p->cost_minor);
	store_bind_int(tx->st, s, 4, p->price_minor);
	store_bind_text(tx->st, s, 5, note->reason);
	store_bind_int_or_null(tx->st, s, 6, tx->actor ? tx->actor->user_id : NO_ID, NO_ID);
	store_bind_int(tx->st, s, 7, tx->now);
	rc = store_step(tx->st, s, err);
	store_done(tx->st, s);
	if (rc < 0)
		return -1;
	if (old && old->cost_minor != p->cost_minor)
		return recost_sales(tx, p->id, day, p->cost_minor, err);
	return 0;
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
	struct price_note note = { effective_on, "" };
	struct product p = *in;

	/* A new product is on sale; it is taken off with an update. */
	p.active = 1;
	return catalog_create(st, a, &product_noun, &p, out, record_price, &note, err);
}

int product_update(struct store *st, const struct actor *a, const struct product *want,
		   int32_t effective_on, const char *reason, struct product *out,
		   struct err *err)
{
	struct price_note note = { effective_on, "" };

	if (text_field(note.reason, sizeof(note.reason), reason, 0, 0, "reason", err))
		return -1;
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

/* Run a one-integer query about product_id (day bound second when given); 1 = found. */
