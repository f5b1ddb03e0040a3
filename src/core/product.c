/*
 * product.c - products with their unit cost and list price, and the dated
 * history of both: every cost or price a product has had is a price_history
 * row from the day it took effect, so margins are computed at the cost of the
 * day of each sale. A noun of the entity engine: the description below, and
 * the price history hooked into its reads and writes.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "core/catalog.h"
#include "core/entity.h"
#include "core/sale.h"
#include "core/tx.h"
#include "base/banned.h"

#define F(field) offsetof(struct product, field), sizeof(((struct product *)0)->field)

#define PRICE_COLS                                                                               \
	"id, product_id, effective_on, cost_minor, price_minor, reason, changed_by, changed_at"

static const char SQL_PRODUCT_SALES[] = "SELECT COUNT(*) FROM sales WHERE product_id = ?";
static const char SQL_PRODUCT_GOALS[] = "SELECT COUNT(*) FROM goals WHERE scope_product_id = ?";
static const char SQL_PRICE_INSERT[] =
	"INSERT INTO price_history (product_id, effective_on, cost_minor, price_minor, reason, "
	"changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char SQL_PRICE_LIST[] =
	"SELECT " PRICE_COLS " FROM price_history WHERE product_id = ? ORDER BY effective_on, id";

/* A deleted product's price history goes with it (ON DELETE CASCADE). */
static const struct ent_blocker product_blockers[] = {
	{ SQL_PRODUCT_SALES, "sales record", "sales records" },
	{ SQL_PRODUCT_GOALS, "goal", "goals" },
	{ NULL, NULL, NULL },
};

static int product_check(struct tx *tx, const void *before, void *rec,
			 const struct ent_input *in, struct err *err);
static int product_after(struct tx *tx, const void *before, const void *after,
			 const struct ent_input *in, struct err *err);
static int product_fill(struct store *st, const struct actor *a, void *rec, struct err *err);
static int product_detail(struct store *st, struct jw *w, const void *rec, struct err *err);

static const struct ent_field product_fields[] = {
	{ "id", EK_ID, EF_READONLY, "id", F(id) },
	{ "sku", EK_CODE, EF_KEY | EF_REQUIRED | EF_SORT | EF_FILTER, "sku", F(sku),
	  .help = "the product's stock-keeping unit", .example = "P-100" },
	{ "name", EK_TEXT, EF_REQUIRED | EF_SORT | EF_FILTER, "name", F(name),
	  .help = "its name", .example = "智能手表" },
	{ "cost", EK_MONEY, EF_REQUIRED | EF_SORT, "cost_minor", F(cost_minor), 0, MONEY_UNIT_MAX,
	  .help = "unit cost in major units; a new one is kept in the price history",
	  .example = "120.00" },
	{ "price", EK_MONEY, EF_REQUIRED | EF_SORT, "price_minor", F(price_minor), 0,
	  MONEY_UNIT_MAX, .help = "list price in major units; a new one is kept in the price history",
	  .example = "199.00" },
	{ "margin", EK_RATIO, EF_READONLY | EF_NULLABLE, NULL, F(margin_bp),
	  .help = "the gross margin of the list price" },
	{ "competitor_price", EK_MONEY, EF_NULLABLE | EF_SORT, "competitor_price_minor",
	  F(competitor_price_minor), 0, MONEY_UNIT_MAX,
	  .help = "a competitor's price for the like product, for reference (none: not known)",
	  .example = "189.00" },
	{ "competitor_gap", EK_RATIO, EF_READONLY | EF_NULLABLE, NULL, F(competitor_gap_bp),
	  .help = "how far the list price is above (or below) the competitor's" },
	{ "active", EK_BOOL, EF_FILTER, "active", F(active),
	  .help = "whether the product is still sold (a new one is)" },
	{ "effective", EK_DATE, EF_INPUT, NULL, F(effective_on),
	  .help = "when a new cost or price takes effect (default today)", .example = "2026-01-01" },
	{ "reason", EK_TEXT, EF_INPUT, NULL, F(reason),
	  .help = "why the cost or price changed, kept in the history" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

ENTITY(product) = {
	.name = "product",
	.plural = "products",
	.table = "products",
	.summary = "a product with its cost and price",
	.size = sizeof(struct product),
	.fields = product_fields,
	.scope = ENT_WORKSPACE,
	.read_role = ROLE_VIEWER,
	.write_role = ROLE_MANAGER,
	.blockers = product_blockers,
	.order = "t.sku",
	.section = "strategy",
	.section_rank = 3,
	.hooks = {
		.check = product_check,
		.after = product_after,
		.fill = product_fill,
		.write_detail = product_detail,
	},
	.detail_schema = "{\"prices\":{\"type\":\"array\",\"description\":\"the cost and price "
			 "history, oldest first\",\"items\":{\"$ref\":\"#/components/schemas/PriceChange\"}}}",
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

/* The gross margin of the list price, in basis points (NO_ID without a price). */
static void set_margin(struct product *p)
{
	int64_t diff;

	if (p->price_minor <= 0 || money_add(p->price_minor, -p->cost_minor, &diff) ||
	    money_mul(diff, 10000, &diff))
		p->margin_bp = NO_ID;
	else
		p->margin_bp = diff / p->price_minor;
}

/*
 * The cost and price in force today (the stored columns when there is no
 * history): the columns hold what was in force at the last change, and a
 * dated one may have come into force since.
 */
static int product_fill(struct store *st, const struct actor *a, void *rec, struct err *err)
{
	struct product *p = rec;
	struct price_point *pts;
	const struct price_point *e;
	size_t n;

	(void)a;
	if (product_points(st, p->id, &pts, &n, err))
		return -1;
	if ((e = price_point_on(pts, n, date_today()))) {
		p->cost_minor = e->cost;
		p->price_minor = e->price;
	}
	free(pts);
	set_margin(p);
	/* both within a unit price's limits: the difference cannot overflow */
	if (p->competitor_price_minor == NO_ID ||
	    ratio_bp(p->price_minor - p->competitor_price_minor, p->competitor_price_minor,
		     &p->competitor_gap_bp))
		p->competitor_gap_bp = NO_ID;
	return 0;
}

/* A new product is on sale unless told otherwise; a date needs something to take effect. */
static int product_check(struct tx *tx, const void *before, void *rec,
			 const struct ent_input *in, struct err *err)
{
	struct product *p = rec;

	(void)tx;
	if (!before && !entity_given(&product_entity, in, "active"))
		p->active = 1;
	if (before && p->effective_on != NO_DATE && !entity_given(&product_entity, in, "cost") &&
	    !entity_given(&product_entity, in, "price"))
		return err_set(err, ERR_INVALID, "effective", "effective_without_change",
			       "an effective date needs a new cost or price to take effect");
	return 0;
}

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
 * re-costed by the rule when its costs moved. A create sets both.
 */
static int product_after(struct tx *tx, const void *before, const void *after,
			 const struct ent_input *in, struct err *err)
{
	/* after is the record being written (the engine's out): it is told what is in force */
	struct product *p = (struct product *)after;
	struct price_point *pts = NULL;
	const struct price_point *e;
	size_t n;
	unsigned set;
	int32_t day;
	int64_t cost, price, old_cost = -1;
	int r = -1;

	if (!p)
		return 0; /* a delete */
	set = !before ? PRODUCT_SET_COST | PRODUCT_SET_PRICE
		      : (entity_given(&product_entity, in, "cost") ? PRODUCT_SET_COST : 0) |
				(entity_given(&product_entity, in, "price") ? PRODUCT_SET_PRICE : 0);
	day = p->effective_on == NO_DATE ? date_today() : p->effective_on;
	set_margin(p);
	if (!set)
		return 0;
	if (product_points(tx->st, p->id, &pts, &n, err))
		return -1;
	e = price_point_on(pts, n, day);
	cost = set & PRODUCT_SET_COST || !e ? p->cost_minor : e->cost;
	price = set & PRODUCT_SET_PRICE || !e ? p->price_minor : e->price;
	/* nothing moves when the entry in force that day already says so */
	if (e && e->cost == cost && e->price == price) {
		r = 0;
		goto today;
	}
	if (e)
		old_cost = e->cost;
	if (write_entry(tx, p->id, day, cost, price, p->reason, err))
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
		set_margin(p);
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

/* A product's price history, oldest first, appended to out. */
static int prices_of(struct store *st, int64_t product_id, struct price_list *out,
		     struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_PRICE_LIST, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, product_id);
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

/* One product shown alone carries its price history under "prices". */
static int product_detail(struct store *st, struct jw *w, const void *rec, struct err *err)
{
	const struct product *p = rec;
	struct price_list l = { 0 };

	if (prices_of(st, p->id, &l, err))
		return -1;
	jw_key(w, "prices");
	jw_arr(w);
	for (size_t i = 0; i < l.n; i++)
		price_change_write_json(w, &l.items[i]);
	jw_arr_end(w);
	price_list_release(&l);
	return 0;
}

int product_prices(struct store *st, const struct actor *a, const char *sku,
		   struct price_list *out, struct err *err)
{
	struct product p;

	if (entity_get(st, a, &product_entity, NULL, sku, &p, err))
		return -1;
	return prices_of(st, p.id, out, err);
}

void price_list_release(struct price_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->alloc = 0;
}

int product_create(struct store *st, const struct actor *a, const struct product *in,
		   int32_t effective_on, struct product *out, struct err *err)
{
	struct product p = *in;

	p.effective_on = effective_on;
	p.active = 1; /* a new product is on sale; it is taken off with an update */
	return entity_create_rec(st, a, &product_entity, NULL, &p, out, err);
}

int product_update(struct store *st, const struct actor *a, const struct product *want,
		   unsigned set, int32_t effective_on, const char *reason, struct product *out,
		   struct err *err)
{
	const struct entity *e = &product_entity;
	struct product rec = *want;
	struct ent_input in = { 0 };

	in.rec = &rec;
	in.version = want->version;
	rec.effective_on = effective_on;
	snprintf(rec.reason, sizeof(rec.reason), "%s", reason ? reason : "");
	if (set & PRODUCT_SET_COST)
		entity_input_set(e, &in, entity_field(e, "cost"), 0);
	if (set & PRODUCT_SET_PRICE)
		entity_input_set(e, &in, entity_field(e, "price"), 0);
	if (effective_on != NO_DATE)
		entity_input_set(e, &in, entity_field(e, "effective"), 0);
	entity_input_set(e, &in, entity_field(e, "reason"), 0);
	return entity_update(st, a, e, NULL, want->sku, &in, out, err);
}
