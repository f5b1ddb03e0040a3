/*
 * sale.c - sales records: single writes, filtered lists, and the all-or-nothing
 * CSV import (validated in memory against catalog lookups, then written in one
 * transaction with rollups summed once) and its export.
 */
#include "core/sale.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/date.h"
#include "base/money.h"
#include "base/strmap.h"
#include "base/xalloc.h"
#include "core/catalog.h"
#include "core/project.h"
#include "core/activity.h"
#include "core/rollup.h"
#include "core/tx.h"
#include "base/banned.h"

const char SALE_CSV_HEADER[] =
	"date,customer,product,channel,rep,quantity,unit_price,discount,promotion,segment";

/* --- lookups: the catalog in memory ------------------------------------------ */

struct product_costs {
	int64_t id;
	int64_t current_cost;        /* without any history (an old database): the product's cost */
	int64_t current_price;       /* ... and its list price */
	struct price_point *points; /* by from, ascending, one per date */
	size_t npoints, alloc;
};

struct cust {
	int64_t id; /* NO_ID while new, unless a bulk write assigned it in advance */
	int is_new; /* to be created by this write */
	int64_t segment_id;
	int32_t first_on;     /* first purchase known before this write, NO_DATE if none */
	int32_t min_on;       /* earliest date among this write's lines */
	/* an import's lines of this customer summed here, into the rollup once (no hash per line) */
	int64_t lines, quantity, amount, cost, discount;
	char *name;           /* owned copy for new customers */
	size_t name_len;
};

/* What a promotion a line names asks of it: its dates and its scope. */
struct promo_rule {
	int64_t id;
	int32_t starts_on, ends_on; /* NO_DATE: open */
	char *products, *channels;  /* SKUs, channel codes: "a, b" ("" = all) */
	char *segment_codes;        /* the same, for messages */
	int64_t *segments;          /* their ids */
	size_t nsegments;
};

struct lookups {
	struct store *st;
	int64_t project_id;
	int32_t start_on, end_on; /* the project's dates: a sale lies within them */
	struct strmap products, channels, promotions, segments, reps, customers;
	struct product_costs *prod;
	size_t nprod;
	struct cust *custs;
	size_t ncusts, alloc_custs;
	int all_customers; /* customers map preloaded (bulk) or looked up one by one */
	int64_t next_customer_id; /* bulk: ids handed to new customers, in order */
	struct promo_rule *rules; /* the promotions that may be named */
	size_t nrules, alloc_rules;
};

static const char SQL_LK_PRODUCTS[] =
	"SELECT id, sku, cost_minor, price_minor FROM products ORDER BY id";
static const char SQL_LK_PRICES[] =
	"SELECT product_id, effective_on, cost_minor, price_minor FROM price_history "
	"ORDER BY product_id, effective_on, id";
static const char SQL_LK_CHANNELS[] = "SELECT id, code FROM channels";
static const char SQL_LK_PROMOTIONS[] = "SELECT id, code FROM promotions";
#define PROMO_RULE_COLS "id, starts_on, ends_on, products, channels, segments FROM promotions"
static const char SQL_LK_RULES[] = "SELECT " PROMO_RULE_COLS;
static const char SQL_LK_RULE[] = "SELECT " PROMO_RULE_COLS " WHERE code = ?";
static const char SQL_LK_SEGMENT_ID[] = "SELECT id FROM segments WHERE code = ?";

/*
 * The rules of the promotions sql reads (every one, or the one named code):
 * their dates, and their scope with its segments' ids.
 */
static int load_rules(struct store *st, const char *sql, const char *code, struct lookups *lk,
		      struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;

	if (!s)
		return -1;
	if (code)
		store_bind_text(st, s, 1, code);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct promo_rule *r;
		ALLOC_GROW(lk->rules, lk->nrules + 1, lk->alloc_rules);
		r = &lk->rules[lk->nrules++];
		memset(r, 0, sizeof(*r));
		r->id = store_col_int(st, s, 0);
		r->starts_on = (int32_t)store_col_int_or(st, s, 1, NO_DATE);
		r->ends_on = (int32_t)store_col_int_or(st, s, 2, NO_DATE);
		r->products = xstrdup(store_col_text(st, s, 3));
		r->channels = xstrdup(store_col_text(st, s, 4));
		r->segment_codes = xstrdup(store_col_text(st, s, 5));
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < lk->nrules; i++) {
		struct promo_rule *r = &lk->rules[i];
		char *list = r->segment_codes;
		while (*list) {
			size_t n = strcspn(list, ",");
			char code_[64];
			snprintf(code_, sizeof(code_), "%.*s", (int)n, list);
			if (!(s = store_prepare(st, SQL_LK_SEGMENT_ID, err)))
				return -1;
			store_bind_text(st, s, 1, code_);
			rc = store_step(st, s, err);
			if (rc == STORE_ROW) {
				r->segments = xrealloc(r->segments, (r->nsegments + 1) * sizeof(int64_t));
				r->segments[r->nsegments++] = store_col_int(st, s, 0);
			}
			store_done(st, s);
			if (rc < 0)
				return -1;
			list += n;
			while (*list == ',' || *list == ' ')
				list++;
		}
	}
	return 0;
}
static const char SQL_LK_SEGMENTS[] = "SELECT id, code FROM segments";
static const char SQL_LK_REPS[] =
	"SELECT u.id, u.login FROM members m JOIN users u ON u.id = m.user_id "
	"WHERE m.project_id = ? AND m.role <> 'viewer'";
static const char SQL_LK_CUSTOMERS[] =
	"SELECT id, name, segment_id, first_sale_on FROM customers";
static const char SQL_LK_CUSTOMER[] =
	"SELECT id, name, segment_id, first_sale_on FROM customers WHERE name = ?";

static int load_codes(struct store *st, const char *sql, int64_t bind, struct strmap *m,
		      struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;
	if (!s)
		return -1;
	if (bind != NO_ID)
		store_bind_int(st, s, 1, bind);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		const char *code = store_col_text(st, s, 1);
		strmap_put(m, code, strlen(code), store_col_int(st, s, 0));
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static void cust_add(struct lookups *lk, const char *name, size_t len, int64_t id,
		     int64_t segment_id, int32_t first_on)
{
	struct cust *c;
	ALLOC_GROW(lk->custs, lk->ncusts + 1, lk->alloc_custs);
	c = &lk->custs[lk->ncusts];
	c->id = id;
	c->is_new = id == NO_ID;
	c->segment_id = segment_id;
	c->first_on = first_on;
	c->min_on = NO_DATE;
	c->lines = c->quantity = c->amount = c->cost = c->discount = 0;
	c->name = id == NO_ID ? xstrndup(name, len) : NULL;
	c->name_len = len;
	strmap_put(&lk->customers, name, len, (int64_t)lk->ncusts);
	lk->ncusts++;
}

static void lookups_release(struct lookups *lk)
{
	for (size_t i = 0; i < lk->nrules; i++) {
		free(lk->rules[i].products);
		free(lk->rules[i].channels);
		free(lk->rules[i].segment_codes);
		free(lk->rules[i].segments);
	}
	free(lk->rules);
	strmap_release(&lk->products);
	strmap_release(&lk->channels);
	strmap_release(&lk->promotions);
	strmap_release(&lk->segments);
	strmap_release(&lk->reps);
	strmap_release(&lk->customers);
	for (size_t i = 0; i < lk->nprod; i++)
		free(lk->prod[i].points);
	free(lk->prod);
	for (size_t i = 0; i < lk->ncusts; i++)
		free(lk->custs[i].name);
	free(lk->custs);
}

/*
 * A product's dated cost and price, read in date order: one entry per date,
 * the later entered of two (an old database).
 */
static void price_point_add(struct product_costs *pc, int64_t from, int64_t cost, int64_t price)
{
	if (pc->npoints && pc->points[pc->npoints - 1].from == from)
		pc->npoints--;
	ALLOC_GROW(pc->points, pc->npoints + 1, pc->alloc);
	pc->points[pc->npoints].from = (int32_t)from;
	pc->points[pc->npoints].cost = cost;
	pc->points[pc->npoints].price = price;
	pc->npoints++;
}

static int lookups_load(struct lookups *lk, struct store *st, const struct project *p,
			int all_customers, struct err *err)
{
	struct stmt *s;
	int rc;
	size_t alloc = 0;
	int64_t project_id = p->id;

	memset(lk, 0, sizeof(*lk));
	lk->st = st;
	lk->project_id = project_id;
	lk->start_on = p->start_on;
	lk->end_on = p->end_on;
	lk->all_customers = all_customers;
	strmap_init(&lk->products);
	strmap_init(&lk->channels);
	strmap_init(&lk->promotions);
	strmap_init(&lk->segments);
	strmap_init(&lk->reps);
	strmap_init(&lk->customers);

	s = store_prepare(st, SQL_LK_PRODUCTS, err);
	if (!s)
		return -1;
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		const char *sku = store_col_text(st, s, 1);
		ALLOC_GROW(lk->prod, lk->nprod + 1, alloc);
		memset(&lk->prod[lk->nprod], 0, sizeof(lk->prod[0]));
		lk->prod[lk->nprod].id = store_col_int(st, s, 0);
		lk->prod[lk->nprod].current_cost = store_col_int(st, s, 2);
		lk->prod[lk->nprod].current_price = store_col_int(st, s, 3);
		strmap_put(&lk->products, sku, strlen(sku), (int64_t)lk->nprod);
		lk->nprod++;
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	s = store_prepare(st, SQL_LK_PRICES, err);
	if (!s)
		return -1;
	{
		size_t j = 0;
		while ((rc = store_step(st, s, err)) == STORE_ROW) {
			int64_t pid = store_col_int(st, s, 0);
			/* both lists are ordered by product id */
			while (j < lk->nprod && lk->prod[j].id < pid)
				j++;
			if (j >= lk->nprod || lk->prod[j].id != pid)
				continue;
			price_point_add(&lk->prod[j], store_col_int(st, s, 1), store_col_int(st, s, 2),
					store_col_int(st, s, 3));
		}
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (load_codes(st, SQL_LK_CHANNELS, NO_ID, &lk->channels, err) ||
	    load_codes(st, SQL_LK_PROMOTIONS, NO_ID, &lk->promotions, err) ||
	    load_rules(st, SQL_LK_RULES, NULL, lk, err) ||
	    load_codes(st, SQL_LK_SEGMENTS, NO_ID, &lk->segments, err) ||
	    load_codes(st, SQL_LK_REPS, project_id, &lk->reps, err))
		return -1;
	if (all_customers) {
		s = store_prepare(st, SQL_LK_CUSTOMERS, err);
		if (!s)
			return -1;
		while ((rc = store_step(st, s, err)) == STORE_ROW) {
			const char *name = store_col_text(st, s, 1);
			cust_add(lk, name, strlen(name), store_col_int(st, s, 0),
				 store_col_int_or(st, s, 2, NO_ID),
				 (int32_t)store_col_int_or(st, s, 3, NO_DATE));
		}
		store_done(st, s);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static const char SQL_LK_PRODUCT[] =
	"SELECT id, sku, cost_minor, price_minor FROM products WHERE sku = ?";
static const char SQL_LK_PRICES_OF[] =
	"SELECT product_id, effective_on, cost_minor, price_minor FROM price_history "
	"WHERE product_id = ? ORDER BY effective_on, id";
static const char SQL_LK_CHANNEL[] = "SELECT id, code FROM channels WHERE code = ?";
static const char SQL_LK_PROMOTION[] = "SELECT id, code FROM promotions WHERE code = ?";
static const char SQL_LK_SEGMENT[] = "SELECT id, code FROM segments WHERE code = ?";
static const char SQL_LK_REP[] =
	"SELECT u.id, u.login FROM members m JOIN users u ON u.id = m.user_id "
	"WHERE m.project_id = ? AND m.role <> 'viewer' AND u.login = ?";

/*
 * What a group-commit batch's sale writes read of the catalogue, kept for the
 * batch's next ones (st->batch.memo, tx.h): the project, products with their
 * dated costs, channels, segments and the project's reps, each as found.
 * None of the batch's batched writes changes them, tx_batch_job drops the memo
 * before a write that may, and the batch holds the write lock throughout. What
 * was not found is not kept (it is read again, and refused again).
 */
struct sale_memo {
	struct project project; /* the last one named; id NO_ID: none yet */
	struct strmap products;  /* SKU -> index in prod */
	struct product_costs *prod;
	size_t nprod, alloc_prod;
	struct strmap channels, segments, reps; /* code (login) -> id */
	int64_t reps_of;                        /* the project the reps are members of */
	int64_t open_of; /* the project found open under the batch's write lock (NO_ID: none) */
};

static void sale_memo_free(void *v)
{
	struct sale_memo *m = v;
	strmap_release(&m->products);
	for (size_t i = 0; i < m->nprod; i++)
		free(m->prod[i].points);
	free(m->prod);
	strmap_release(&m->channels);
	strmap_release(&m->segments);
	strmap_release(&m->reps);
	free(m);
}

/* The batch's memo, made on its first use; NULL outside a batched job. */
static struct sale_memo *sale_memo(struct store *st)
{
	struct sale_memo *m;
	if (!st->batch.open || !st->batch.job)
		return NULL;
	if (st->batch.memo)
		return st->batch.memo;
	m = xcalloc(1, sizeof(*m));
	m->project.id = NO_ID;
	m->reps_of = NO_ID;
	m->open_of = NO_ID;
	strmap_init(&m->products);
	strmap_init(&m->channels);
	strmap_init(&m->segments);
	strmap_init(&m->reps);
	st->batch.memo = m;
	st->batch.memo_free = sale_memo_free;
	return m;
}

/* project_load, from the batch's memo when it holds the project named code. */
static int sale_project_load(struct store *st, const char *code, struct project *out,
			     struct err *err)
{
	struct sale_memo *m = sale_memo(st);
	if (m && m->project.id != NO_ID && !strcmp(m->project.code, code)) {
		*out = m->project;
		return 0;
	}
	if (project_load(st, code, out, err))
		return -1;
	if (m)
		m->project = *out;
	return 0;
}

static struct product_costs product_costs_dup(const struct product_costs *pc)
{
	struct product_costs c = *pc;
	c.alloc = c.npoints;
	c.points = NULL;
	if (c.npoints) {
		c.points = xmalloc(c.npoints * sizeof(*c.points));
		memcpy(c.points, pc->points, c.npoints * sizeof(*c.points));
	}
	return c;
}

/*
 * The one row named code (if any) into m: id by its code; kept in (or taken
 * from) memo when one is given.
 */
static int load_code(struct store *st, const char *sql, int64_t project_id, const char *code,
		     struct strmap *m, struct strmap *memo, struct err *err)
{
	struct strmap_entry *e;
	struct stmt *s;
	int rc, i = 1;
	if (!code || !*code)
		return 0;
	if (memo && (e = strmap_get(memo, code, strlen(code)))) {
		strmap_put(m, code, strlen(code), e->value);
		return 0;
	}
	s = store_prepare(st, sql, err);
	if (!s)
		return -1;
	if (project_id != NO_ID)
		store_bind_int(st, s, i++, project_id);
	store_bind_text(st, s, i, code);
	if ((rc = store_step(st, s, err)) == STORE_ROW) {
		const char *c = store_col_text(st, s, 1);
		strmap_put(m, c, strlen(c), store_col_int(st, s, 0));
		if (memo)
			strmap_put(memo, c, strlen(c), store_col_int(st, s, 0));
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* The product of SKU sku with its dated costs into lk (none: not there), from or into memo. */
static int load_product(struct lookups *lk, struct store *st, const char *sku,
			struct sale_memo *memo, struct err *err)
{
	struct strmap_entry *e;
	struct stmt *s;
	int rc;

	if (memo && (e = strmap_get(&memo->products, sku, strlen(sku)))) {
		lk->prod = xmalloc(sizeof(*lk->prod));
		lk->prod[0] = product_costs_dup(&memo->prod[e->value]);
		strmap_put(&lk->products, sku, strlen(sku), 0);
		lk->nprod = 1;
		return 0;
	}
	s = store_prepare(st, SQL_LK_PRODUCT, err);
	if (!s)
		return -1;
	store_bind_text(st, s, 1, sku);
	if ((rc = store_step(st, s, err)) == STORE_ROW) {
		const char *found = store_col_text(st, s, 1);
		lk->prod = xcalloc(1, sizeof(*lk->prod));
		lk->prod[0].id = store_col_int(st, s, 0);
		lk->prod[0].current_cost = store_col_int(st, s, 2);
		lk->prod[0].current_price = store_col_int(st, s, 3);
		strmap_put(&lk->products, found, strlen(found), 0);
		lk->nprod = 1;
	}
	store_done(st, s);
	if (rc < 0 || !lk->nprod)
		return rc < 0 ? -1 : 0;
	s = store_prepare(st, SQL_LK_PRICES_OF, err);
	if (!s)
		return -1;
	store_bind_int(st, s, 1, lk->prod[0].id);
	while ((rc = store_step(st, s, err)) == STORE_ROW)
		price_point_add(&lk->prod[0], store_col_int(st, s, 1), store_col_int(st, s, 2),
				store_col_int(st, s, 3));
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (memo) {
		ALLOC_GROW(memo->prod, memo->nprod + 1, memo->alloc_prod);
		memo->prod[memo->nprod] = product_costs_dup(&lk->prod[0]);
		strmap_put(&memo->products, sku, strlen(sku), (int64_t)memo->nprod);
		memo->nprod++;
	}
	return 0;
}

/*
 * The lookups of one line: only the product (with its dated costs), channel,
 * rep, promotion and segment in names, each found by its key (or in the
 * batch's memo); resolve() then finds what exists and reports what does not,
 * as with the whole catalog.
 */
static int lookups_load_line(struct lookups *lk, struct store *st, const struct project *p,
			     const struct sale_input *in, struct err *err)
{
	struct sale_memo *memo = sale_memo(st);

	memset(lk, 0, sizeof(*lk));
	lk->st = st;
	lk->project_id = p->id;
	lk->start_on = p->start_on;
	lk->end_on = p->end_on;
	strmap_init(&lk->products);
	strmap_init(&lk->channels);
	strmap_init(&lk->promotions);
	strmap_init(&lk->segments);
	strmap_init(&lk->reps);
	strmap_init(&lk->customers);
	if (memo && memo->reps_of != p->id) {
		strmap_release(&memo->reps);
		strmap_init(&memo->reps);
		memo->reps_of = p->id;
	}
	if (in->product && *in->product && load_product(lk, st, in->product, memo, err))
		return -1;
	return load_code(st, SQL_LK_CHANNEL, NO_ID, in->channel, &lk->channels,
			 memo ? &memo->channels : NULL, err) ||
	       load_code(st, SQL_LK_PROMOTION, NO_ID, in->promotion, &lk->promotions, NULL, err) ||
	       (in->promotion && *in->promotion &&
		load_rules(st, SQL_LK_RULE, in->promotion, lk, err)) ||
	       load_code(st, SQL_LK_SEGMENT, NO_ID, in->segment, &lk->segments,
			 memo ? &memo->segments : NULL, err) ||
	       load_code(st, SQL_LK_REP, p->id, in->rep, &lk->reps, memo ? &memo->reps : NULL, err)
		       ? -1
		       : 0;
}

/* The customer index for name, looking it up in the store when not preloaded; -1 if none. */
static int64_t find_customer(struct lookups *lk, const char *name, size_t len, struct err *err)
{
	struct strmap_entry *e = strmap_get(&lk->customers, name, len);
	struct stmt *s;
	int rc;

	if (e)
		return e->value;
	if (lk->all_customers)
		return -1;
	s = store_prepare(lk->st, SQL_LK_CUSTOMER, err);
	if (!s)
		return -2;
	store_bind_textn(lk->st, s, 1, name, len);
	rc = store_step(lk->st, s, err);
	if (rc == STORE_ROW)
		cust_add(lk, name, len, store_col_int(lk->st, s, 0),
			 store_col_int_or(lk->st, s, 2, NO_ID),
			 (int32_t)store_col_int_or(lk->st, s, 3, NO_DATE));
	store_done(lk->st, s);
	if (rc < 0)
		return -2;
	return rc == STORE_ROW ? (int64_t)lk->ncusts - 1 : -1;
}

/* The unit cost on day by the cost rule (price_point_on); without history, the product's cost. */
static int64_t cost_on(const struct product_costs *pc, int32_t day)
{
	const struct price_point *e = price_point_on(pc->points, pc->npoints, day);
	return e ? e->cost : pc->current_cost;
}

/* The list price in force on day: what a sale that names no unit price is sold at. */
static int64_t price_on(const struct product_costs *pc, int32_t day)
{
	const struct price_point *e = price_point_on(pc->points, pc->npoints, day);
	return e ? e->price : pc->current_price;
}

/* --- validation of one line --------------------------------------------------- */

/* A line resolved to ids and computed amounts, ready to insert. */
struct line {
	int32_t sold_on;
	int64_t cust;        /* index into lookups.custs */
	int64_t customer_id; /* known at validation in bulk writes, else after write_customers */
	int64_t product_id, channel_id, rep_id, promotion_id, segment_id;
	int64_t quantity, unit_price, discount, amount, cost;
};

/* Where a validation problem is reported: an import collects, a single add fails. */
struct sink {
	struct sale_import_result *res; /* NULL: stop at the first problem */
	size_t max;
	long line;
	const char *sheet; /* a sheet's name: problems say "sheet S, row N" */
	int bad; /* problems found on the current line */
	int denied; /* a problem was a permission refusal */
	struct err *err;
	/* the columns already reported on this line: one problem per cell is enough */
	const char *cols[16];
	int ncols;
};

/* Start a new line of input. */
static void sink_line(struct sink *k, long line)
{
	k->line = line;
	k->bad = 0;
	k->ncols = 0;
}

/* Whether column already has a problem on the current line. */
static int reported(const struct sink *k, const char *column)
{
	for (int i = 0; i < k->ncols; i++)
		if (!strcmp(k->cols[i], column))
			return 1;
	return 0;
}

/*
 * Record one problem of the current line: its column, reason code and
 * parameters, and the English sentence. Every problem of every bad line is
 * kept (one per cell); a line counts once in errors_total.
 */
static void problem_add(struct sink *k, const char *column, const char *reason,
			const char *params, const char *msg)
{
	struct sale_import_error *e;

	if (reported(k, column))
		return;
	if (k->ncols < (int)(sizeof(k->cols) / sizeof(k->cols[0])))
		k->cols[k->ncols++] = column;
	k->bad++;
	if (!k->res) {
		if (k->bad == 1) {
			err_set(k->err, ERR_INVALID, column, NULL, "%s", msg);
			snprintf(k->err->reason, sizeof(k->err->reason), "%s", reason);
			snprintf(k->err->params, sizeof(k->err->params), "%s", params);
		}
		return;
	}
	if (k->bad == 1)
		k->res->errors_total++;
	if (k->res->nerrors >= k->max)
		return;
	ALLOC_GROW(k->res->errors, k->res->nerrors + 1, k->res->alloc);
	e = &k->res->errors[k->res->nerrors++];
	e->line = k->line;
	snprintf(e->sheet, sizeof(e->sheet), "%s", k->sheet ? k->sheet : "");
	snprintf(e->column, sizeof(e->column), "%s", column);
	snprintf(e->reason, sizeof(e->reason), "%s", reason);
	snprintf(e->params, sizeof(e->params), "%s", params);
	if (k->sheet)
		snprintf(e->message, sizeof(e->message), "sheet %s, row %ld, column %s: %s", k->sheet,
			 k->line, column, msg);
	else
		snprintf(e->message, sizeof(e->message), "line %ld, column %s: %s", k->line, column,
			 msg);
}

/* A problem in the words of err_set(): reason "code:names", then the sentence. */
static void problem(struct sink *k, const char *column, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void problem(struct sink *k, const char *column, const char *reason, const char *fmt, ...)
{
	char msg[200], params[256], code[40];
	const char *colon = strchr(reason, ':');
	va_list ap;

	snprintf(code, sizeof(code), "%.*s", colon ? (int)(colon - reason) : (int)strlen(reason),
		 reason);
	va_start(ap, fmt);
	err_format(msg, sizeof(msg), params, sizeof(params), colon ? colon + 1 : "", fmt, ap);
	va_end(ap);
	problem_add(k, column, code, params, msg);
}

/* A problem a parser reported in e (its reason and parameters kept). */
static void problem_err(struct sink *k, const char *column, const struct err *e)
{
	problem_add(k, column, e->reason[0] ? e->reason : "invalid",
		    e->params[0] ? e->params : "{}", e->msg);
}

/* Whether s[0..len) holds a control character other than tab, CR and LF (as text_field). */
static int has_control(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
			return 1;
	}
	return 0;
}

static int is_blank(const char *s, size_t len)
{
	return len == 0 || (len == 1 && s[0] == ' ');
}

/* A number past its documented limit (money.h): reason amount_limit, the limit as "max". */
static void over_limit(struct sink *k, const char *column, const char *what, int64_t max,
		       int money)
{
	char m[MONEY_FMT_MAX];
	if (money)
		money_format_grouped(max, m);
	else
		snprintf(m, sizeof(m), "%lld", (long long)max);
	problem(k, column, "amount_limit:_,max", "%s is above the limit of %s", what, m);
}

/*
 * Resolve one line's text references and numbers. The actor's own user id
 * limits a project member to their own lines (own_only).
 */
static void resolve(struct lookups *lk, struct sink *k, const struct sale_input *in,
		    size_t customer_len, int64_t own_only, struct line *out)
{
	struct strmap_entry *e;
	int64_t gross, unit_cost = 0, unit_price = in->unit_price_minor;
	size_t plen, clen, rlen;

	memset(out, 0, sizeof(*out));
	out->sold_on = in->sold_on;
	out->promotion_id = NO_ID;
	out->segment_id = NO_ID;
	out->cust = -1;

	plen = in->product ? strlen(in->product) : 0;
	clen = in->channel ? strlen(in->channel) : 0;
	rlen = in->rep ? strlen(in->rep) : 0;
	if (in->sold_on != NO_DATE && (in->sold_on < lk->start_on || in->sold_on > lk->end_on)) {
		char d[DATE_FMT_MAX], d1[DATE_FMT_MAX], d2[DATE_FMT_MAX];
		problem(k, "date", "outside_project:date,start,end",
			"%s is outside the project's dates (%s to %s)", date_format(in->sold_on, d),
			date_format(lk->start_on, d1), date_format(lk->end_on, d2));
	}
	if (!in->customer || customer_len == 0)
		problem(k, "customer", "required", "a customer name is required");
	else if (customer_len > 199)
		problem(k, "customer", "too_long:max", "the customer name is longer than %d bytes", 199);
	else if (!utf8_valid(in->customer, customer_len))
		problem(k, "customer", "not_utf8", "the customer name is not valid UTF-8");
	else if (has_control(in->customer, customer_len))
		/* a NUL would cut the stored name short: two customers would read the same */
		problem(k, "customer", "control_character", "the customer name contains a control character");
	if (plen == 0)
		problem(k, "product", "required", "a product SKU is required");
	else if (!(e = strmap_get(&lk->products, in->product, plen)))
		problem(k, "product", "no_product:sku", "no product with SKU \"%.60s\"", in->product);
	else {
		struct product_costs *pc = &lk->prod[e->value];
		out->product_id = pc->id;
		unit_cost = cost_on(pc, in->sold_on);
		if (unit_price == SALE_PRICE_IN_FORCE)
			unit_price = price_on(pc, in->sold_on);
	}
	if (clen == 0)
		problem(k, "channel", "required", "a channel code is required");
	else if (!(e = strmap_get(&lk->channels, in->channel, clen)))
		problem(k, "channel", "no_channel:code", "no channel \"%.60s\"", in->channel);
	else
		out->channel_id = e->value;
	if (rlen == 0)
		problem(k, "rep", "required", "a rep login is required");
	else if (!(e = strmap_get(&lk->reps, in->rep, rlen)))
		problem(k, "rep", "not_project_rep:login", "\"%.60s\" is not a rep on this project", in->rep);
	else if (own_only != NO_ID && e->value != own_only) {
		/* the answer is a refusal only when the refusal is the problem reported */
		if (!k->bad)
			k->denied = 1;
		problem(k, "rep", "own_sales_only:login", "you may record only your own sales, not %.60s's", in->rep);
	}
	else
		out->rep_id = e->value;
	if (in->promotion && in->promotion[0]) {
		if (!(e = strmap_get(&lk->promotions, in->promotion, strlen(in->promotion))))
			problem(k, "promotion", "no_promotion:code", "no promotion \"%.60s\"", in->promotion);
		else
			out->promotion_id = e->value;
	}
	if (in->segment && in->segment[0]) {
		if (!(e = strmap_get(&lk->segments, in->segment, strlen(in->segment))))
			problem(k, "segment", "no_segment:code", "no segment \"%.60s\"", in->segment);
		else
			out->segment_id = e->value;
	}
	if (in->quantity <= 0)
		problem(k, "quantity", "not_positive:value", "the quantity must be a positive integer, not %lld",
			(long long)in->quantity);
	else if (in->quantity > QUANTITY_MAX)
		over_limit(k, "quantity", "the quantity", QUANTITY_MAX, 0);
	if (unit_price == SALE_PRICE_IN_FORCE)
		unit_price = 0; /* its product is unknown, and so reported: the line is refused */
	else if (unit_price < 0)
		problem(k, "unit_price", "negative", "the unit price cannot be negative");
	else if (unit_price > MONEY_UNIT_MAX)
		over_limit(k, "unit_price", "the unit price", MONEY_UNIT_MAX, 1);
	if (in->discount_minor < 0)
		problem(k, "discount", "negative", "the discount cannot be negative");
	else if (in->discount_minor > MONEY_LINE_MAX)
		over_limit(k, "discount", "the discount", MONEY_LINE_MAX, 1);
	out->quantity = in->quantity;
	out->unit_price = unit_price;
	out->discount = in->discount_minor;
	/* the line's amount and cost, unless one of its numbers was already refused */
	if (!reported(k, "quantity") && !reported(k, "unit_price") && !reported(k, "discount")) {
		char m[MONEY_FMT_MAX];
		if (money_mul(in->quantity, unit_price, &gross) || gross > MONEY_LINE_MAX)
			problem(k, "quantity", "line_too_large:max",
				"quantity times unit price is above the limit of a line, %s",
				money_format_grouped(MONEY_LINE_MAX, m));
		else if (in->discount_minor > gross)
			problem(k, "discount", "discount_above_total", "the discount is larger than the line total");
		else
			out->amount = gross - in->discount_minor;
		if (out->product_id && !reported(k, "quantity")) {
			if (money_mul(in->quantity, unit_cost, &out->cost) || out->cost > MONEY_LINE_MAX)
				problem(k, "quantity", "line_cost_too_large:max",
					"quantity times unit cost is above the limit of a line, %s",
					money_format_grouped(MONEY_LINE_MAX, m));
		}
	}
}

/*
 * A line that names a promotion is dated within the promotion's days, and its
 * product, channel and segment (the line's, else its customer's) are in the
 * promotion's scope.
 */
static void check_promotion(const struct lookups *lk, struct sink *k, const struct sale_input *in,
			    const struct line *ln)
{
	const struct promo_rule *r = NULL;
	char d[DATE_FMT_MAX], d1[DATE_FMT_MAX], d2[DATE_FMT_MAX];
	int in_scope = 0;

	if (ln->promotion_id == NO_ID)
		return;
	for (size_t i = 0; i < lk->nrules && !r; i++)
		if (lk->rules[i].id == ln->promotion_id)
			r = &lk->rules[i];
	if (!r)
		return;
	if ((r->starts_on != NO_DATE && ln->sold_on < r->starts_on) ||
	    (r->ends_on != NO_DATE && ln->sold_on > r->ends_on)) {
		problem(k, "promotion", "promotion_dates:code,date,start,end",
			"promotion %.60s does not run on %s (it runs from %s to %s)", in->promotion,
			date_format(ln->sold_on, d),
			r->starts_on == NO_DATE ? "—" : date_format(r->starts_on, d1),
			r->ends_on == NO_DATE ? "—" : date_format(r->ends_on, d2));
		return;
	}
	if (r->products[0] && !promotion_scope_has(r->products, in->product)) {
		problem(k, "promotion", "promotion_product:code,sku,scope",
			"promotion %.60s does not apply to product %.60s (only %.200s)", in->promotion,
			in->product, r->products);
		return;
	}
	if (r->channels[0] && !promotion_scope_has(r->channels, in->channel)) {
		problem(k, "promotion", "promotion_channel:code,channel,scope",
			"promotion %.60s does not apply to channel %.60s (only %.200s)", in->promotion,
			in->channel, r->channels);
		return;
	}
	if (!r->segment_codes[0])
		return;
	for (size_t i = 0; i < r->nsegments; i++)
		in_scope |= r->segments[i] == ln->segment_id;
	if (!in_scope)
		problem(k, "promotion", "promotion_segment:code,scope",
			"promotion %.60s applies only to the segments %.200s, not this sale's",
			in->promotion, r->segment_codes);
}

/*
 * Attach the line to its customer (creating a new one in memory); -1 on store
 * error. A sale keeps the segment it was made in: the one the line names, else
 * its customer's at the time; a new customer takes the segment of the line that
 * creates it.
 */
static int attach_customer(struct lookups *lk, struct sink *k, const struct sale_input *in,
			   size_t customer_len, struct line *ln, struct err *err)
{
	int64_t ci;
	struct cust *c;

	if (k->bad)
		return 0;
	ci = find_customer(lk, in->customer, customer_len, err);
	if (ci == -2)
		return -1;
	if (ci < 0) {
		cust_add(lk, in->customer, customer_len, NO_ID, ln->segment_id, NO_DATE);
		ci = (int64_t)lk->ncusts - 1;
		if (lk->next_customer_id)
			lk->custs[ci].id = lk->next_customer_id++;
	}
	c = &lk->custs[ci];
	ln->cust = ci;
	ln->customer_id = c->id;
	if (ln->segment_id == NO_ID)
		ln->segment_id = c->segment_id;
	check_promotion(lk, k, in, ln);
	if (c->min_on == NO_DATE || ln->sold_on < c->min_on)
		c->min_on = ln->sold_on;
	return 0;
}

/* --- writing -------------------------------------------------------------------- */

#define SALE_INSERT                                                                           \
	"INSERT INTO sales (project_id, sold_on, customer_id, product_id, channel_id, rep_id, "  \
	"promotion_id, segment_id, quantity, unit_price_minor, discount_minor, amount_minor, "   \
	"cost_minor, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
static const char SQL_SALE_INSERT[] = SALE_INSERT " RETURNING id";
/* A new customer's id comes from the database (a bulk write's from a block it reserved: load_new_customers). */
static const char SQL_CUSTOMER_INSERT[] =
	"INSERT INTO customers (name, segment_id, first_sale_on, created_at, updated_at) "
	"VALUES (?, ?, ?, ?, ?) RETURNING id";
static const char SQL_CUSTOMER_FIRST[] =
	"UPDATE customers SET first_sale_on = ? WHERE id = ? "
	"AND (first_sale_on IS NULL OR first_sale_on > ?)";

/* Create the new customers and move first purchases earlier where this write does. */
static int write_customers(struct tx *tx, struct lookups *lk, int64_t *created, struct err *err)
{
	struct store *st = tx->st;
	for (size_t i = 0; i < lk->ncusts; i++) {
		struct cust *c = &lk->custs[i];
		struct stmt *s;
		int rc;
		if (c->min_on == NO_DATE)
			continue;
		if (c->is_new) {
			s = store_prepare(st, SQL_CUSTOMER_INSERT, err);
			if (!s)
				return -1;
			store_bind_textn(st, s, 1, c->name, c->name_len);
			store_bind_int_or_null(st, s, 2, c->segment_id, NO_ID);
			store_bind_int(st, s, 3, c->min_on);
			store_bind_int(st, s, 4, tx->now);
			store_bind_int(st, s, 5, tx->now);
			rc = store_step(st, s, err);
			if (rc == STORE_ROW)
				c->id = store_col_int(st, s, 0);
			c->is_new = 0;
			store_done(st, s);
			if (rc < 0)
				return -1;
			if (created)
				(*created)++;
		} else if (c->first_on == NO_DATE || c->min_on < c->first_on) {
			s = store_prepare(st, SQL_CUSTOMER_FIRST, err);
			if (!s)
				return -1;
			store_bind_int(st, s, 1, c->min_on);
			store_bind_int(st, s, 2, c->id);
			store_bind_int(st, s, 3, c->min_on);
			rc = store_step(st, s, err);
			store_done(st, s);
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}

static const char *const CUSTOMER_LOAD_COLS[] = { "id", "name", "segment_id", "first_sale_on",
						   "created_at", "updated_at" };

/* A bulk write's new customers (numbered from a reserved block) as one load; the rest is write_customers'. */
static int load_new_customers(struct tx *tx, struct lookups *lk, struct err *err)
{
	struct store_load *l = NULL;

	for (size_t i = 0; i < lk->ncusts; i++) {
		struct cust *c = &lk->custs[i];
		if (!c->is_new || c->min_on == NO_DATE || c->id == NO_ID)
			continue;
		if (!l) {
			l = store_load_begin(tx->st, "customers", 6, CUSTOMER_LOAD_COLS, err);
			if (!l)
				return -1;
		}
		store_load_int(l, c->id);
		store_load_text(l, c->name);
		if (c->segment_id == NO_ID)
			store_load_null(l);
		else
			store_load_int(l, c->segment_id);
		store_load_int(l, c->min_on);
		store_load_int(l, tx->now);
		store_load_int(l, tx->now);
		if (store_load_row(l, err)) {
			store_load_end(l, 0, NULL);
			return -1;
		}
		c->is_new = 0;
		c->first_on = c->min_on; /* loaded with it: write_customers has nothing to move */
	}
	return store_load_end(l, 1, err);
}

/*
 * A line's share of its customer's all-time row in the project (rollup.h): the
 * customer screens read it instead of the sales. tx's rollup is made on first
 * use, as tx_rollup_sale does.
 */
static void rollup_customer(struct tx *tx, int64_t project_id, int64_t customer_id,
			    int64_t lines, int64_t quantity, int64_t amount, int64_t cost,
			    int64_t discount)
{
	rollup_add_customer(tx_rollup(tx), project_id, customer_id, lines, quantity, amount, cost,
			    discount);
}

/* A line as the rollup sums it. */
static struct rollup_line line_sums(int64_t project_id, const struct line *ln)
{
	return (struct rollup_line){ .project_id = project_id, .day = ln->sold_on,
				     .customer_id = ln->customer_id, .channel_id = ln->channel_id,
				     .product_id = ln->product_id, .rep_id = ln->rep_id,
				     .segment_id = ln->segment_id, .promotion_id = ln->promotion_id,
				     .quantity = ln->quantity, .amount_minor = ln->amount,
				     .cost_minor = ln->cost, .discount_minor = ln->discount };
}

static void rollup_line(struct tx *tx, const struct lookups *lk, const struct line *ln)
{
	const struct rollup_line r = line_sums(lk->project_id, ln);

	tx_rollup_sale(tx, &r, 1);
	rollup_customer(tx, lk->project_id, ln->customer_id, 1, ln->quantity, ln->amount,
			ln->cost, ln->discount);
}

/* Insert the row only; its rollup share is the caller's (rollup_line). */
static int insert_row(struct tx *tx, struct lookups *lk, const struct line *ln, int64_t *id,
		      struct err *err)
{
	struct store *st = tx->st;
	struct stmt *s = store_prepare(st, SQL_SALE_INSERT, err);
	int rc;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, lk->project_id);
	store_bind_int(st, s, 2, ln->sold_on);
	store_bind_int(st, s, 3, ln->customer_id);
	store_bind_int(st, s, 4, ln->product_id);
	store_bind_int(st, s, 5, ln->channel_id);
	store_bind_int(st, s, 6, ln->rep_id);
	store_bind_int_or_null(st, s, 7, ln->promotion_id, NO_ID);
	store_bind_int_or_null(st, s, 8, ln->segment_id, NO_ID);
	store_bind_int(st, s, 9, ln->quantity);
	store_bind_int(st, s, 10, ln->unit_price);
	store_bind_int(st, s, 11, ln->discount);
	store_bind_int(st, s, 12, ln->amount);
	store_bind_int(st, s, 13, ln->cost);
	store_bind_int(st, s, 14, tx->actor->user_id);
	store_bind_int(st, s, 15, tx->now);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW && id)
		*id = store_col_int(st, s, 0);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static int insert_line(struct tx *tx, struct lookups *lk, const struct line *ln, int64_t *id,
		       struct err *err)
{
	if (insert_row(tx, lk, ln, id, err))
		return -1;
	rollup_line(tx, lk, ln);
	return 0;
}

/* Which lines the actor may write: NO_ID = any; else only lines with this rep. */
static int write_scope(struct store *st, const struct actor *a, const struct project *p,
		       int64_t *own_only, struct err *err)
{
	enum prole r;
	if (require_project(st, a, p->id, p->code, PROLE_MEMBER, "recording sales", err))
		return -1;
	r = project_access(st, a, p->id, err);
	*own_only = r >= PROLE_MANAGER ? NO_ID : a->user_id;
	/* under the write lock the status is read again: a close that committed since
	   p was loaded (a sale, or an import of thousands of rows, racing it) counts;
	   once per batch, whose batched writes close nothing (a close drops the memo) */
	if (st->in_tx) {
		struct sale_memo *m = sale_memo(st);
		if (m && m->open_of == p->id)
			return 0;
		if (tx_project_open(st, p->id, p->code, err))
			return -1;
		if (m && !st->adjusting)
			m->open_of = p->id;
		return 0;
	}
	if (!strcmp(p->status, "closed"))
		return err_set(err, ERR_CONFLICT, "project", "project_closed:code",
			       "project %s is closed: its figures are frozen; reopen it or "
			       "change them through an adjustment",
			       p->code);
	return 0;
}

/*
 * Begin a sale write and decide again, under the write lock, what the actor may
 * write (a membership changed a moment ago counts). Its sums may wait for the
 * end of the group-commit batch it runs in (tx_begin_batched): a sale's write
 * reads no sum.
 */
static int begin_sale_write(struct tx *tx, struct store *st, const struct actor *a,
			    const struct project *p, int64_t *own_only, struct err *err)
{
	if (tx_begin_batched(tx, st, a, err))
		return -1;
	if (write_scope(st, a, p, own_only, err)) {
		tx_abort(tx);
		return -1;
	}
	return 0;
}

/* --- reading -------------------------------------------------------------------- */

#define SALE_SELECT                                                                               \
	"SELECT s.id, s.project_id, s.sold_on, s.customer_id, c.name, s.product_id, p.sku, "      \
	"s.channel_id, ch.code, s.rep_id, u.login, s.promotion_id, COALESCE(pr.code, ''), "       \
	"s.segment_id, COALESCE(g.code, ''), s.quantity, s.unit_price_minor, s.discount_minor, "  \
	"s.amount_minor, s.cost_minor, s.version, s.created_by, s.created_at "                    \
	"FROM sales s JOIN customers c ON c.id = s.customer_id "                                  \
	"JOIN products p ON p.id = s.product_id JOIN channels ch ON ch.id = s.channel_id "        \
	"JOIN users u ON u.id = s.rep_id LEFT JOIN promotions pr ON pr.id = s.promotion_id "      \
	"LEFT JOIN segments g ON g.id = s.segment_id "
/* A filter not given is NULL; the CASTs type the parameters for PostgreSQL. */
#define SALE_WHERE                                                                          \
	"WHERE s.project_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR s.sold_on >= ?2) "      \
	"AND (CAST(?3 AS BIGINT) IS NULL OR s.sold_on <= ?3) "                              \
	"AND (CAST(?4 AS BIGINT) IS NULL OR s.channel_id = ?4) "                            \
	"AND (CAST(?5 AS BIGINT) IS NULL OR s.product_id = ?5) "                            \
	"AND (CAST(?6 AS BIGINT) IS NULL OR s.rep_id = ?6) "                                \
	"AND (CAST(?8 AS BIGINT) IS NULL OR s.segment_id = ?8) "                            \
	"AND (CAST(?7 AS TEXT) IS NULL OR s.customer_id IN "                                 \
	"(SELECT id FROM customers WHERE LOWER(name) LIKE ?7 ESCAPE '!')) "
#define SALE_PAGE " LIMIT ?9 OFFSET ?10"

static const char *const SQL_SALE_LIST[SALE__SORT_COUNT][2] = {
	[SALE_SORT_DATE] = { SALE_SELECT SALE_WHERE "ORDER BY s.sold_on, s.id" SALE_PAGE,
			     SALE_SELECT SALE_WHERE "ORDER BY s.sold_on DESC, s.id DESC" SALE_PAGE },
	[SALE_SORT_AMOUNT] = { SALE_SELECT SALE_WHERE "ORDER BY s.amount_minor, s.id" SALE_PAGE,
			       SALE_SELECT SALE_WHERE
			       "ORDER BY s.amount_minor DESC, s.id DESC" SALE_PAGE },
	[SALE_SORT_QUANTITY] = { SALE_SELECT SALE_WHERE "ORDER BY s.quantity, s.id" SALE_PAGE,
				 SALE_SELECT SALE_WHERE
				 "ORDER BY s.quantity DESC, s.id DESC" SALE_PAGE },
	[SALE_SORT_CUSTOMER] = { SALE_SELECT SALE_WHERE "ORDER BY c.name, s.id" SALE_PAGE,
				 SALE_SELECT SALE_WHERE "ORDER BY c.name DESC, s.id DESC" SALE_PAGE },
	[SALE_SORT_ID] = { SALE_SELECT SALE_WHERE "ORDER BY s.id" SALE_PAGE,
			   SALE_SELECT SALE_WHERE "ORDER BY s.id DESC" SALE_PAGE },
};
static const char SQL_SALE_COUNT[] =
	"SELECT COUNT(*), COALESCE(SUM(s.quantity), 0), COALESCE(SUM(s.amount_minor), 0), "
	"COALESCE(SUM(s.cost_minor), 0) FROM sales s " SALE_WHERE;
static const char SQL_SALE_GET[] = SALE_SELECT "WHERE s.project_id = ? AND s.id = ?";
static const char SQL_SALE_EXPORT[] =
	"SELECT s.sold_on, c.name, p.sku, ch.code, u.login, s.quantity, s.unit_price_minor, "
	"s.discount_minor, COALESCE(pr.code, ''), COALESCE(g.code, ''), s.id "
	"FROM sales s JOIN customers c ON c.id = s.customer_id "
	"JOIN products p ON p.id = s.product_id JOIN channels ch ON ch.id = s.channel_id "
	"JOIN users u ON u.id = s.rep_id LEFT JOIN promotions pr ON pr.id = s.promotion_id "
	"LEFT JOIN segments g ON g.id = s.segment_id " SALE_WHERE "AND s.id > ?11 ORDER BY s.id" SALE_PAGE;

static const char *const sort_names[SALE__SORT_COUNT] = { "date", "amount", "quantity",
							   "customer", "id" };

int sale_sort_parse(const char *s, enum sale_sort *out, struct err *err)
{
	for (int i = 0; i < SALE__SORT_COUNT; i++)
		if (s && !strcmp(s, sort_names[i])) {
			*out = (enum sale_sort)i;
			return 0;
		}
	return err_set(err, ERR_INVALID, "sort", "bad_sort:value",
		       "cannot sort by \"%s\" (date, amount, quantity, customer or id)",
		       s ? s : "");
}

void sale_write_json(struct jw *w, const struct sale *s)
{
	jw_obj(w);
	jw_kint(w, "id", s->id);
	jw_kdate(w, "date", s->sold_on);
	jw_kstr(w, "customer", s->customer);
	jw_kstr(w, "product", s->product);
	jw_kstr(w, "channel", s->channel);
	jw_kstr(w, "rep", s->rep);
	jw_kint(w, "quantity", s->quantity);
	jw_kint(w, "unit_price", s->unit_price_minor);
	jw_kint(w, "discount", s->discount_minor);
	jw_kint(w, "amount", s->amount_minor);
	jw_kint(w, "cost", s->cost_minor);
	jw_kstr(w, "promotion", s->promotion[0] ? s->promotion : NULL);
	jw_kstr(w, "segment", s->segment[0] ? s->segment : NULL);
	jw_kint(w, "version", s->version);
	jw_kts(w, "created_at", s->created_at);
	jw_obj_end(w);
}

void sale_totals_write_json(struct jw *w, const struct sale_totals *t)
{
	int64_t bp;
	jw_obj(w);
	jw_kint(w, "lines", t->lines);
	jw_kint(w, "quantity", t->quantity);
	jw_kint(w, "amount", t->amount);
	jw_kint(w, "cost", t->cost);
	jw_kint(w, "gross_profit", t->amount - t->cost);
	jw_key(w, "margin");
	if (t->amount > 0 && !ratio_bp(t->amount - t->cost, t->amount, &bp))
		jw_num(w, (double)bp / 10000.0, 4);
	else
		jw_null(w);
	jw_obj_end(w);
}

static void sale_json(struct buf *b, const struct sale *s)
{
	struct jw w;
	jw_init(&w, b);
	sale_write_json(&w, s);
}

static void row_to_sale(struct store *st, struct stmt *s, struct sale *o)
{
	o->id = store_col_int(st, s, 0);
	o->project_id = store_col_int(st, s, 1);
	o->sold_on = (int32_t)store_col_int(st, s, 2);
	o->customer_id = store_col_int(st, s, 3);
	snprintf(o->customer, sizeof(o->customer), "%s", store_col_text(st, s, 4));
	o->product_id = store_col_int(st, s, 5);
	snprintf(o->product, sizeof(o->product), "%s", store_col_text(st, s, 6));
	o->channel_id = store_col_int(st, s, 7);
	snprintf(o->channel, sizeof(o->channel), "%s", store_col_text(st, s, 8));
	o->rep_id = store_col_int(st, s, 9);
	snprintf(o->rep, sizeof(o->rep), "%s", store_col_text(st, s, 10));
	o->promotion_id = store_col_int_or(st, s, 11, NO_ID);
	snprintf(o->promotion, sizeof(o->promotion), "%s", store_col_text(st, s, 12));
	o->segment_id = store_col_int_or(st, s, 13, NO_ID);
	snprintf(o->segment, sizeof(o->segment), "%s", store_col_text(st, s, 14));
	o->quantity = store_col_int(st, s, 15);
	o->unit_price_minor = store_col_int(st, s, 16);
	o->discount_minor = store_col_int(st, s, 17);
	o->amount_minor = store_col_int(st, s, 18);
	o->cost_minor = store_col_int(st, s, 19);
	o->version = store_col_int(st, s, 20);
	o->created_by = store_col_int(st, s, 21);
	o->created_at = store_col_int(st, s, 22);
}

static int get_sale(struct store *st, int64_t project_id, int64_t id, struct sale *out,
		    struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_SALE_GET, err);
	int rc;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, project_id);
	store_bind_int(st, s, 2, id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		row_to_sale(st, s, out);
	store_done(st, s);
	if (rc == STORE_DONE)
		return err_set(err, ERR_NOT_FOUND, "sale", "no_sale:id", "no sale %lld in this project",
			       (long long)id);
	return rc < 0 ? -1 : 0;
}

static const char SQL_SEGMENT_CODE[] = "SELECT code FROM segments WHERE id = ?";

/*
 * The sale a new line of input became, as get_sale() would read it back: its
 * names are the input's own (each matched a stored one exactly), but for a
 * segment that came with the customer, whose code is read. Saves a group-commit
 * write the six-table join of a read-back (~5% of the writer's time).
 */
static int new_sale(struct store *st, const struct tx *tx, const struct lookups *lk,
		    const struct sale_input *in, const struct line *ln, int64_t id, struct sale *o,
		    struct err *err)
{
	memset(o, 0, sizeof(*o));
	o->id = id;
	o->project_id = lk->project_id;
	o->sold_on = ln->sold_on;
	o->customer_id = ln->customer_id;
	snprintf(o->customer, sizeof(o->customer), "%s", in->customer);
	o->product_id = ln->product_id;
	snprintf(o->product, sizeof(o->product), "%s", in->product);
	o->channel_id = ln->channel_id;
	snprintf(o->channel, sizeof(o->channel), "%s", in->channel);
	o->rep_id = ln->rep_id;
	snprintf(o->rep, sizeof(o->rep), "%s", in->rep);
	o->promotion_id = ln->promotion_id;
	if (ln->promotion_id != NO_ID)
		snprintf(o->promotion, sizeof(o->promotion), "%s", in->promotion);
	o->segment_id = ln->segment_id;
	if (in->segment && in->segment[0]) {
		snprintf(o->segment, sizeof(o->segment), "%s", in->segment);
	} else if (ln->segment_id != NO_ID) {
		struct stmt *s = store_prepare(st, SQL_SEGMENT_CODE, err);
		int rc;
		if (!s)
			return -1;
		store_bind_int(st, s, 1, ln->segment_id);
		rc = store_step(st, s, err);
		if (rc == STORE_ROW)
			snprintf(o->segment, sizeof(o->segment), "%s", store_col_text(st, s, 0));
		store_done(st, s);
		if (rc < 0)
			return -1;
	}
	o->quantity = ln->quantity;
	o->unit_price_minor = ln->unit_price;
	o->discount_minor = ln->discount;
	o->amount_minor = ln->amount;
	o->cost_minor = ln->cost;
	o->version = 1; /* the column's default */
	o->created_by = tx->actor->user_id;
	o->created_at = tx->now;
	return 0;
}

int sale_get(struct store *st, const struct actor *a, const char *project_code, int64_t id,
	     struct sale *out, struct err *err)
{
	struct project p;
	if (project_get(st, a, project_code, &p, err))
		return -1;
	return get_sale(st, p.id, id, out, err);
}

/* --- single writes --------------------------------------------------------------- */

int sale_add(struct store *st, const struct actor *a, const char *project_code,
	     const struct sale_input *in, struct sale *out, struct err *err)
{
	return sale_add_json(st, a, project_code, in, out, NULL, err);
}

int sale_add_json(struct store *st, const struct actor *a, const char *project_code,
		  const struct sale_input *in, struct sale *out, struct buf *json, struct err *err)
{
	struct project p;
	struct lookups lk;
	struct line ln;
	struct sink k = { .err = err };
	struct tx tx = { 0 };
	struct buf after = BUF_INIT;
	int64_t own_only, id = 0;
	size_t clen = in->customer ? strlen(in->customer) : 0;
	int r = -1;

	/* outside a transaction, refused before the write lock; begin_sale_write() decides again */
	if (sale_project_load(st, project_code, &p, err) ||
	    (!st->in_tx && write_scope(st, a, &p, &own_only, err)))
		return -1;
	if (in->sold_on == NO_DATE)
		return err_set(err, ERR_INVALID, "date", "required", "a date is required");
	if (begin_sale_write(&tx, st, a, &p, &own_only, err))
		return -1;
	if (lookups_load_line(&lk, st, &p, in, err))
		goto out_lk;
	resolve(&lk, &k, in, clen, own_only, &ln);
	if (k.bad) {
		if (k.denied)
			err->code = ERR_DENIED;
		goto out_lk;
	}
	/* a promotion's rules are judged once the line's segment is known */
	if (attach_customer(&lk, &k, in, clen, &ln, err) || k.bad ||
	    write_customers(&tx, &lk, NULL, err))
		goto out_lk;
	ln.customer_id = lk.custs[ln.cust].id;
	if (insert_line(&tx, &lk, &ln, &id, err) || new_sale(st, &tx, &lk, in, &ln, id, out, err))
		goto out_lk;
	sale_json(&after, out);
	if (tx_audit(&tx, "sale", id, "create", NULL, buf_cstr(&after), err))
		goto out_lk;
	r = tx_commit(&tx, err);
	if (!r && json)
		buf_add(json, after.p, after.len);
out_lk:
	lookups_release(&lk);
	if (r)
		tx_abort(&tx);
	buf_release(&after);
	return r;
}

static const char SQL_SALE_DELETE[] =
	"DELETE FROM sales WHERE id = ? AND version = ? RETURNING id";

/* Remove a stored sale inside tx: the row and its rollup share (the customer's days with it). */
static int remove_sale(struct tx *tx, const struct sale *cur, struct err *err)
{
	struct store *st = tx->st;
	struct stmt *s = store_prepare(st, SQL_SALE_DELETE, err);
	int rc;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, cur->id);
	store_bind_int(st, s, 2, cur->version);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (rc == STORE_DONE) {
		char name[32];
		snprintf(name, sizeof(name), "%lld", (long long)cur->id);
		return tx_version_conflict("sale", name, cur->version, cur->version + 1, err);
	}
	{
		const struct rollup_line r = {
			.project_id = cur->project_id, .day = cur->sold_on,
			.customer_id = cur->customer_id, .channel_id = cur->channel_id,
			.product_id = cur->product_id, .rep_id = cur->rep_id,
			.segment_id = cur->segment_id, .promotion_id = cur->promotion_id,
			.quantity = cur->quantity, .amount_minor = cur->amount_minor,
			.cost_minor = cur->cost_minor, .discount_minor = cur->discount_minor
		};
		tx_rollup_sale(tx, &r, -1);
	}
	/* the customer's first purchase follows from their activity at commit (activity.h) */
	rollup_customer(tx, cur->project_id, cur->customer_id, -1, -cur->quantity,
			-cur->amount_minor, -cur->cost_minor, -cur->discount_minor);
	return 0;
}

static const char SQL_SALE_DEAL[] = "SELECT deal_id FROM sales WHERE id = ? AND deal_id IS NOT NULL";

/* A sale a won deal recorded changes with its deal (core/deal.c), not on its own. */
static int not_of_deal(struct store *st, int64_t id, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_SALE_DEAL, err);
	int64_t deal = NO_ID;
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		deal = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (deal != NO_ID)
		return err_set(err, ERR_CONFLICT, "deal", "sale_of_deal:sale,deal",
			       "sale %lld was recorded by winning deal %lld: move the deal out of the "
			       "won stage to take it back", (long long)id, (long long)deal);
	return 0;
}

/* Load the sale for a change and check the actor may change it at version. */
static int sale_for_change(struct store *st, const struct actor *a, const char *project_code,
			   int64_t id, int64_t version, struct project *p, struct sale *cur,
			   int64_t *own_only, struct err *err)
{
	if (sale_project_load(st, project_code, p, err) || write_scope(st, a, p, own_only, err) ||
	    get_sale(st, p->id, id, cur, err) || not_of_deal(st, id, err))
		return -1;
	if (*own_only != NO_ID && cur->rep_id != *own_only)
		return err_set(err, ERR_DENIED, "rep", "own_records_only:id,owner", "sale %lld is %s's; you may change only your own",
			       (long long)id, cur->rep);
	if (version != cur->version) {
		char name[32];
		snprintf(name, sizeof(name), "%lld", (long long)id);
		return tx_version_conflict("sale", name, version, cur->version, err);
	}
	return 0;
}

int sale_update(struct store *st, const struct actor *a, const char *project_code, int64_t id,
		int64_t version, const struct sale_input *in, struct sale *out, struct err *err)
{
	struct project p;
	struct sale cur;
	struct lookups lk;
	struct line ln;
	struct sink k = { .err = err };
	struct tx tx = { 0 };
	struct buf before = BUF_INIT, after = BUF_INIT;
	int64_t own_only, new_id = 0;
	size_t clen = in->customer ? strlen(in->customer) : 0;
	int r = -1;

	if (sale_for_change(st, a, project_code, id, version, &p, &cur, &own_only, err))
		return -1;
	if (in->sold_on == NO_DATE)
		return err_set(err, ERR_INVALID, "date", "required", "a date is required");
	if (begin_sale_write(&tx, st, a, &p, &own_only, err))
		return -1;
	if (own_only != NO_ID && cur.rep_id != own_only) {
		tx_abort(&tx);
		return err_set(err, ERR_DENIED, "rep", "own_records_only:id,owner", "sale %lld is %s's; you may change only your own",
			       (long long)id, cur.rep);
	}
	if (lookups_load_line(&lk, st, &p, in, err))
		goto out;
	resolve(&lk, &k, in, clen, own_only, &ln);
	if (k.bad) {
		if (k.denied)
			err->code = ERR_DENIED;
		goto out;
	}
	/*
	 * An update is the old line out and the new line in, keeping the id and
	 * bumping the version: rollups and first purchases stay exact.
	 */
	if (remove_sale(&tx, &cur, err) || attach_customer(&lk, &k, in, clen, &ln, err) || k.bad ||
	    write_customers(&tx, &lk, NULL, err))
		goto out;
	ln.customer_id = lk.custs[ln.cust].id;
	if (insert_line(&tx, &lk, &ln, &new_id, err))
		goto out;
	{
		static const char SQL_SALE_KEEP_ID[] =
			"UPDATE sales SET id = ?, version = ? WHERE id = ?";
		struct stmt *s = store_prepare(st, SQL_SALE_KEEP_ID, err);
		int rc;
		if (!s)
			goto out;
		store_bind_int(st, s, 1, cur.id);
		store_bind_int(st, s, 2, cur.version + 1);
		store_bind_int(st, s, 3, new_id);
		rc = store_step(st, s, err);
		store_done(st, s);
		if (rc < 0)
			goto out;
	}
	if (get_sale(st, p.id, cur.id, out, err))
		goto out;
	sale_json(&before, &cur);
	sale_json(&after, out);
	if (tx_audit(&tx, "sale", cur.id, "update", buf_cstr(&before), buf_cstr(&after), err))
		goto out;
	r = tx_commit(&tx, err);
out:
	lookups_release(&lk);
	if (r)
		tx_abort(&tx);
	buf_release(&before);
	buf_release(&after);
	return r;
}

int sale_delete(struct store *st, const struct actor *a, const char *project_code, int64_t id,
		int64_t version, struct err *err)
{
	struct project p;
	struct sale cur;
	struct tx tx = { 0 };
	struct buf before = BUF_INIT;
	int64_t own_only;
	int r = -1;

	if (sale_for_change(st, a, project_code, id, version, &p, &cur, &own_only, err))
		return -1;
	if (begin_sale_write(&tx, st, a, &p, &own_only, err))
		return -1;
	if (own_only != NO_ID && cur.rep_id != own_only) {
		err_set(err, ERR_DENIED, "rep", "own_records_only:id,owner", "sale %lld is %s's; you may change only your own",
			(long long)id, cur.rep);
		goto out;
	}
	if (remove_sale(&tx, &cur, err))
		goto out;
	sale_json(&before, &cur);
	if (tx_audit(&tx, "sale", cur.id, "delete", buf_cstr(&before), NULL, err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	buf_release(&before);
	return r;
}

/* a closed project's sales keep their cost: its figures are frozen (core/tx.h) */
static const char SQL_RECOST_SCAN[] =
	"SELECT id, project_id, sold_on, channel_id, rep_id, segment_id, customer_id, quantity, "
	"cost_minor, promotion_id FROM sales WHERE product_id = ? AND project_id NOT IN "
	"(SELECT id FROM projects WHERE status = 'closed')";
static const char SQL_RECOST_UPDATE[] = "UPDATE sales SET cost_minor = ? WHERE id = ?";
/* ?1 the project: its sales' margin (revenue less cost), before and after a re-cost */
static const char SQL_RECOST_MARGIN[] =
	"SELECT COALESCE(SUM(amount_minor - cost_minor), 0) FROM sales WHERE project_id = ?1";
static const char SQL_RECOST_PRODUCTS[] =
	"SELECT DISTINCT product_id FROM sales WHERE project_id = ?1 ORDER BY product_id";

/* A sale whose cost moves: its id, new cost and what its rollup rows need. */
struct recost {
	int64_t id, project_id, channel_id, rep_id, segment_id, customer_id, promotion_id, cost,
		delta;
	int32_t day;
};

static int recost_margin(struct store *st, int64_t project_id, int64_t *out, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_RECOST_MARGIN, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, project_id);
	rc = store_step(st, s, err);
	*out = rc == STORE_ROW ? store_col_int(st, s, 0) : 0;
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int sale_recost_project(struct tx *tx, int64_t project_id, int64_t margin[2], struct err *err)
{
	struct store *st = tx->st;
	struct stmt *s;
	int64_t *ids = NULL;
	size_t n = 0, alloc = 0;
	int rc, r = 0;

	if (recost_margin(st, project_id, &margin[0], err) ||
	    !(s = store_prepare(st, SQL_RECOST_PRODUCTS, err)))
		return -1;
	store_bind_int(st, s, 1, project_id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		ALLOC_GROW(ids, n + 1, alloc);
		ids[n++] = store_col_int(st, s, 0);
	}
	store_done(st, s);
	if (rc < 0)
		r = -1;
	/* each product's other projects follow its history already: only this one's move */
	for (size_t i = 0; !r && i < n; i++) {
		struct price_point *pts = NULL;
		size_t npts = 0;
		r = product_points(st, ids[i], &pts, &npts, err) ||
		    sale_recost(tx, ids[i], pts, npts, err) ? -1 : 0;
		free(pts);
	}
	free(ids);
	if (!r)
		r = recost_margin(st, project_id, &margin[1], err);
	return r;
}

int sale_recost(struct tx *tx, int64_t product_id, const struct price_point *pts, size_t n,
		struct err *err)
{
	struct store *st = tx->st;
	struct recost *v = NULL;
	size_t nv = 0, alloc = 0;
	struct stmt *s = store_prepare(st, SQL_RECOST_SCAN, err);
	int rc, r = -1;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, product_id);
	/* read first, write after: the scan does not meet its own updates */
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int32_t day = (int32_t)store_col_int(st, s, 2);
		const struct price_point *e = price_point_on(pts, n, day);
		int64_t qty = store_col_int(st, s, 7), old = store_col_int(st, s, 8), cost;
		struct recost *x;
		if (!e)
			continue;
		if (money_mul(qty, e->cost, &cost) || cost > MONEY_LINE_MAX) {
			char m[MONEY_FMT_MAX];
			store_done(st, s);
			err_set(err, ERR_INVALID, "cost", "amount_limit:max",
				"the new cost times a recorded sale's quantity is above the limit of "
				"a line, %s", money_format_grouped(MONEY_LINE_MAX, m));
			goto out;
		}
		if (cost == old)
			continue;
		ALLOC_GROW(v, nv + 1, alloc);
		x = &v[nv++];
		x->id = store_col_int(st, s, 0);
		x->project_id = store_col_int(st, s, 1);
		x->day = day;
		x->channel_id = store_col_int(st, s, 3);
		x->rep_id = store_col_int(st, s, 4);
		x->segment_id = store_col_int_or(st, s, 5, NO_ID);
		x->customer_id = store_col_int(st, s, 6);
		x->promotion_id = store_col_int_or(st, s, 9, NO_ID);
		x->cost = cost;
		x->delta = cost - old;
	}
	store_done(st, s);
	if (rc < 0)
		goto out;
	for (size_t i = 0; i < nv; i++) {
		const struct recost *x = &v[i];
		s = store_prepare(st, SQL_RECOST_UPDATE, err);
		if (!s)
			goto out;
		store_bind_int(st, s, 1, x->cost);
		store_bind_int(st, s, 2, x->id);
		rc = store_step(st, s, err);
		store_done(st, s);
		if (rc < 0)
			goto out;
		{
			const struct rollup_line rl = {
				.project_id = x->project_id, .day = x->day,
				.customer_id = x->customer_id, .channel_id = x->channel_id,
				.product_id = product_id, .rep_id = x->rep_id,
				.segment_id = x->segment_id, .promotion_id = x->promotion_id,
				.cost_minor = x->delta
			};
			tx_rollup_cost(tx, &rl);
		}
		rollup_customer(tx, x->project_id, x->customer_id, 0, 0, 0, x->delta, 0);
	}
	r = 0;
out:
	free(v);
	return r;
}

/* --- lists and export ------------------------------------------------------------ */

/* A filter resolved: channel, product and rep ids (NO_ID = any), the customer as a LIKE pattern. */
struct filter_args {
	int64_t ids[4]; /* channel, product, rep, segment */
	char like[2 * 200 + 3]; /* "" = any */
};

/*
 * The LIKE pattern of a literal search text: % and _ (and the escape, !)
 * escaped, between two %. LIKE ignores the case of A-Z.
 */
void sale_like_pattern(const char *text, char *out, size_t size)
{
	size_t n = 0;
	out[n++] = '%';
	for (const char *p = text; *p && n + 3 < size; p++) {
		if (*p == '%' || *p == '_' || *p == '!')
			out[n++] = '!';
		/* matched against LOWER(name): A-Z folded as SQL's LOWER folds them */
		out[n++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
	}
	out[n++] = '%';
	out[n] = '\0';
}

/* Resolve a filter's codes to ids (an unknown code is an error naming it). */
static int filter_resolve(struct store *st, const struct sale_filter *f, const struct project *p,
			  struct filter_args *fa, struct err *err)
{
	struct lookups lk;
	struct strmap_entry *e;
	int r = -1;

	fa->ids[0] = fa->ids[1] = fa->ids[2] = fa->ids[3] = NO_ID;
	fa->like[0] = '\0';
	if (!f)
		return 0;
	if (f->customer && *f->customer)
		sale_like_pattern(f->customer, fa->like, sizeof(fa->like));
	if (!f->channel && !f->product && !f->rep && !f->segment)
		return 0;
	if (lookups_load(&lk, st, p, 0, err))
		goto out;
	if (f->channel) {
		if (!(e = strmap_get(&lk.channels, f->channel, strlen(f->channel)))) {
			err_set(err, ERR_INVALID, "channel", "no_channel:code", "no channel \"%s\"", f->channel);
			goto out;
		}
		fa->ids[0] = e->value;
	}
	if (f->product) {
		if (!(e = strmap_get(&lk.products, f->product, strlen(f->product)))) {
			err_set(err, ERR_INVALID, "product", "no_product:sku", "no product with SKU \"%s\"", f->product);
			goto out;
		}
		fa->ids[1] = lk.prod[e->value].id;
	}
	if (f->rep) {
		if (!(e = strmap_get(&lk.reps, f->rep, strlen(f->rep)))) {
			err_set(err, ERR_INVALID, "rep", "not_project_rep:login", "\"%s\" is not a rep on this project", f->rep);
			goto out;
		}
		fa->ids[2] = e->value;
	}
	if (f->segment) {
		if (!(e = strmap_get(&lk.segments, f->segment, strlen(f->segment)))) {
			err_set(err, ERR_INVALID, "segment", "no_segment:code", "no segment \"%s\"",
				f->segment);
			goto out;
		}
		fa->ids[3] = e->value;
	}
	r = 0;
out:
	lookups_release(&lk);
	return r;
}

static void bind_filter(struct store *st, struct stmt *s, int64_t project_id,
			const struct sale_filter *f, const struct filter_args *fa)
{
	store_bind_int(st, s, 1, project_id);
	store_bind_int_or_null(st, s, 2, f ? f->from : NO_DATE, NO_DATE);
	store_bind_int_or_null(st, s, 3, f ? f->to : NO_DATE, NO_DATE);
	for (int i = 0; i < 3; i++)
		store_bind_int_or_null(st, s, 4 + i, fa->ids[i], NO_ID);
	store_bind_int_or_null(st, s, 8, fa->ids[3], NO_ID);
	if (fa->like[0])
		store_bind_text(st, s, 7, fa->like);
	else
		store_bind_null(st, s, 7);
}

int sale_list(struct store *st, const struct actor *a, const char *project_code,
	      const struct sale_filter *f, struct sale_list *out, struct err *err)
{
	struct project p;
	struct stmt *s;
	struct filter_args fa;
	int rc;

	if (project_get(st, a, project_code, &p, err) || filter_resolve(st, f, &p, &fa, err))
		return -1;
	if ((unsigned)f->sort >= SALE__SORT_COUNT)
		return err_set(err, ERR_INVALID, "sort", "bad_sort", "unknown sort key");
	if (f->limit < 0 || f->offset < 0)
		return err_set(err, ERR_INVALID, f->limit < 0 ? "limit" : "offset", "negative",
			       "limit and offset cannot be negative");
	if (store_begin(st, 0, err))
		return -1;
	s = store_prepare(st, SQL_SALE_COUNT, err);
	if (!s)
		goto fail;
	bind_filter(st, s, p.id, f, &fa);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		out->total = out->totals.lines = store_col_int(st, s, 0);
		out->totals.quantity = store_col_int(st, s, 1);
		out->totals.amount = store_col_int(st, s, 2);
		out->totals.cost = store_col_int(st, s, 3);
	}
	store_done(st, s);
	if (rc < 0)
		goto fail;
	s = store_prepare(st, SQL_SALE_LIST[f->sort][f->desc ? 1 : 0], err);
	if (!s)
		goto fail;
	bind_filter(st, s, p.id, f, &fa);
	store_bind_int(st, s, 9, f->limit > 0 ? f->limit : INT64_MAX);
	store_bind_int(st, s, 10, f->offset);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		row_to_sale(st, s, &out->items[out->n++]);
	}
	store_done(st, s);
	if (rc < 0)
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return -1;
}

void sale_list_release(struct sale_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->alloc = 0;
}

/*
 * An export is read in pages of EXPORT_PAGE rows after the last id sent, all
 * in one read transaction (one snapshot): memory holds one page, whatever
 * the project's size, on either backend.
 */
#define EXPORT_PAGE 2000

struct sale_export {
	struct store *st;
	int64_t project_id;
	struct sale_filter f;  /* its dates (the codes are resolved into fa) */
	struct filter_args fa;
	int64_t last_id;       /* the last row sent */
	int64_t remaining;     /* rows still to send (a limit), or INT64_MAX */
	int64_t offset;        /* rows to skip first (the first page only) */
	int header_sent, done;
};

int sale_export_open(struct store *st, const struct actor *a, const char *project_code,
		     const struct sale_filter *f, struct sale_export **out, struct err *err)
{
	struct sale_export *x;
	struct project p;

	*out = NULL;
	if (store_begin(st, 0, err))
		return -1;
	x = xcalloc(1, sizeof(*x));
	if (project_get(st, a, project_code, &p, err) || filter_resolve(st, f, &p, &x->fa, err)) {
		store_rollback(st);
		free(x);
		return -1;
	}
	x->st = st;
	x->project_id = p.id;
	x->f.from = f ? f->from : NO_DATE;
	x->f.to = f ? f->to : NO_DATE;
	x->remaining = f && f->limit > 0 ? f->limit : INT64_MAX;
	x->offset = f ? f->offset : 0;
	*out = x;
	return 0;
}

/* One row of the export statement as a CSV line (ctx: the struct buf). */
static void export_line(struct store *st, struct stmt *s, void *ctx)
{
	struct buf *out = ctx;
	char d[DATE_FMT_MAX], m[MONEY_FMT_MAX];
	static const int text_cols[] = { 1, 2, 3, 4 };

	date_format((int32_t)store_col_int(st, s, 0), d);
	buf_adds(out, d);
	for (int i = 0; i < 4; i++) {
		const char *t = store_col_text(st, s, text_cols[i]);
		buf_addch(out, ',');
		csv_write_field(out, t, strlen(t), 1);
	}
	buf_addf(out, ",%lld,", (long long)store_col_int(st, s, 5));
	buf_adds(out, money_format(store_col_int(st, s, 6), m));
	buf_addch(out, ',');
	buf_adds(out, money_format(store_col_int(st, s, 7), m));
	for (int i = 8; i <= 9; i++) {
		const char *t = store_col_text(st, s, i);
		buf_addch(out, ',');
		csv_write_field(out, t, strlen(t), 1);
	}
	buf_adds(out, "\r\n");
}

/* The next page of the export, each row given to line(st, stmt, ctx). */
static int export_page(struct sale_export *x, void (*line)(struct store *, struct stmt *, void *),
		       void *ctx, struct err *err)
{
	struct store *st = x->st;
	struct stmt *s;
	int64_t page = x->remaining < EXPORT_PAGE ? x->remaining : EXPORT_PAGE, n = 0;
	int rc;

	if (x->done || page <= 0) {
		x->done = 1;
		return 0;
	}
	s = store_prepare(st, SQL_SALE_EXPORT, err);
	if (!s)
		return -1;
	bind_filter(st, s, x->project_id, &x->f, &x->fa);
	store_bind_int(st, s, 9, page);
	store_bind_int(st, s, 10, x->offset);
	store_bind_int(st, s, 11, x->last_id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		line(st, s, ctx);
		x->last_id = store_col_int(st, s, 10);
		n++;
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	x->offset = 0;
	x->remaining -= n;
	if (n < page || x->remaining <= 0)
		x->done = 1;
	return x->done ? 0 : 1;
}

int sale_export_next(struct sale_export *x, struct buf *out, struct err *err)
{
	int rc;
	if (!x->header_sent) {
		buf_adds(out, SALE_CSV_HEADER);
		buf_adds(out, "\r\n");
		x->header_sent = 1;
	}
	rc = export_page(x, export_line, out, err);
	if (rc >= 0 && out->overflow)
		return err_set(err, ERR_TOO_LARGE, NULL, "export_too_large", "the export is larger than allowed");
	return rc;
}

struct export_rows_ctx {
	void (*fn)(void *ctx, const struct sale_export_row *r);
	void *ctx;
};

/* One row of the export statement as a struct sale_export_row to the caller's function. */
static void export_row(struct store *st, struct stmt *s, void *ctx)
{
	const struct export_rows_ctx *c = ctx;
	struct sale_export_row r;

	r.sold_on = (int32_t)store_col_int(st, s, 0);
	r.customer = store_col_text(st, s, 1);
	r.product = store_col_text(st, s, 2);
	r.channel = store_col_text(st, s, 3);
	r.rep = store_col_text(st, s, 4);
	r.quantity = store_col_int(st, s, 5);
	r.unit_price_minor = store_col_int(st, s, 6);
	r.discount_minor = store_col_int(st, s, 7);
	r.promotion = store_col_text(st, s, 8);
	r.segment = store_col_text(st, s, 9);
	c->fn(c->ctx, &r);
}

int sale_export_next_rows(struct sale_export *x,
			  void (*fn)(void *ctx, const struct sale_export_row *r), void *ctx,
			  struct err *err)
{
	struct export_rows_ctx c = { fn, ctx };
	x->header_sent = 1;
	return export_page(x, export_row, &c, err);
}

void sale_export_close(struct sale_export *x)
{
	if (!x)
		return;
	store_rollback(x->st);
	free(x);
}

int sale_export(struct store *st, const struct actor *a, const char *project_code,
		const struct sale_filter *f, struct buf *out, struct err *err)
{
	struct sale_export *x;
	int rc;

	if (sale_export_open(st, a, project_code, f, &x, err))
		return -1;
	while ((rc = sale_export_next(x, out, err)) > 0)
		;
	sale_export_close(x);
	return rc;
}

/* --- CSV import ------------------------------------------------------------------ */

enum col { C_DATE, C_CUSTOMER, C_PRODUCT, C_CHANNEL, C_REP, C_QUANTITY, C_UNIT_PRICE,
	   C_DISCOUNT, C_PROMOTION, C_SEGMENT, C__COUNT };
static const char *const col_names[C__COUNT] = { "date",     "customer",   "product",
						 "channel",  "rep",        "quantity",
						 "unit_price", "discount", "promotion",
						 "segment" };
static const int col_required[C__COUNT] = { 1, 1, 1, 1, 1, 1, 1, 0, 0, 0 };

void sale_import_result_release(struct sale_import_result *res)
{
	free(res->errors);
	res->errors = NULL;
	res->nerrors = res->alloc = 0;
}

void sale_import_errors_write_json(struct jw *w, const struct sale_import_result *res)
{
	jw_key(w, "rows");
	jw_arr(w);
	for (size_t i = 0; i < res->nerrors; i++) {
		const struct sale_import_error *e = &res->errors[i];
		jw_obj(w);
		jw_kint(w, "line", e->line);
		if (e->sheet[0]) {
			jw_kstr(w, "sheet", e->sheet);
			jw_kint(w, "row", e->line);
		}
		jw_kstr(w, "column", e->column);
		jw_kstr(w, "message", e->message);
		jw_kstr(w, "reason", e->reason);
		jw_key(w, "params");
		jw_raw(w, e->params[0] ? e->params : "{}");
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kint(w, "bad_rows", res->errors_total);
	jw_kstr(w, "encoding", res->encoding ? res->encoding : "UTF-8");
}

/*
 * Map header cells to columns; problems are reported on the header's line. A
 * sheet's empty header cells are columns the import ignores.
 */
static int read_header(const struct sale_rows *src, struct sink *k, int idx[C__COUNT])
{
	for (int c = 0; c < C__COUNT; c++)
		idx[c] = -1;
	for (size_t i = 0; i < src->ncells; i++) {
		const struct sale_cell *f = &src->cells[i];
		int found = -1;
		size_t len = f->len;
		const char *name = f->s;
		if (src->sparse && len == 0)
			continue;
		/* tolerate surrounding spaces in header names only */
		while (len && name[0] == ' ')
			name++, len--;
		while (len && name[len - 1] == ' ')
			len--;
		for (int c = 0; c < C__COUNT; c++)
			if (strlen(col_names[c]) == len && !memcmp(col_names[c], name, len))
				found = c;
		if (found < 0) {
			problem(k, "header", "csv_unknown_column:_,column,expected", "unknown column \"%.*s\" (expected %s)", (int)(len > 40 ? 40 : len),
				name, SALE_CSV_HEADER);
			return -1;
		}
		if (idx[found] >= 0) {
			problem(k, "header", "csv_duplicate_column:column", "column \"%s\" appears twice", col_names[found]);
			return -1;
		}
		idx[found] = (int)i;
	}
	for (int c = 0; c < C__COUNT; c++)
		if (col_required[c] && idx[c] < 0) {
			problem(k, "header", "csv_missing_column:column", "the required column \"%s\" is missing", col_names[c]);
			return -1;
		}
	return 0;
}

/*
 * The text of column c in the current row (NUL-terminated), a text cell
 * unneutralised (a spreadsheet's neutralising ' taken off). A spreadsheet's
 * error value (#N/A) is a problem of its column, and taken as empty.
 */
static const char *cell(const struct sale_rows *src, struct sink *k, const int idx[C__COUNT],
			int c, size_t *len)
{
	const struct sale_cell *f;
	if (idx[c] < 0 || (size_t)idx[c] >= src->ncells) {
		*len = 0;
		return "";
	}
	f = &src->cells[idx[c]];
	*len = f->len;
	if (f->type == SALE_CELL_TEXT)
		return csv_unneutralise(f->s, len); /* it takes the first byte: the NUL stays */
	if (f->type == SALE_CELL_ERROR) {
		problem(k, col_names[c], "xlsx_error_cell:value", "the cell holds the error %s", f->s);
		*len = 0;
		return "";
	}
	return f->s;
}

/* A sheet's column letters from a 0-based index: 0 -> "A", 27 -> "AB". */
static void col_letters(uint32_t col, char out[8])
{
	char tmp[8];
	int n = 0, o = 0;
	for (col++; col && n < 7; col = (col - 1) / 26)
		tmp[n++] = (char)('A' + (col - 1) % 26);
	while (n)
		out[o++] = tmp[--n];
	out[o] = '\0';
}

/* Whether every cell of the row is empty (a blank line, a spreadsheet's ",,,,"). */
static int row_empty(const struct sale_rows *src)
{
	for (size_t i = 0; i < src->ncells; i++)
		if (src->cells[i].len)
			return 0;
	return 1;
}

/* A cell of a sheet outside every column of the header holding a value: the first one's index. */
static long outside_header(const struct sale_rows *src, const int idx[C__COUNT])
{
	for (size_t i = 0; i < src->ncells; i++) {
		int known = 0;
		if (!src->cells[i].len)
			continue;
		for (int c = 0; c < C__COUNT && !known; c++)
			known = idx[c] == (int)i;
		if (!known)
			return (long)i;
	}
	return -1;
}

/*
 * The import's writer: while the caller's thread parses and checks the CSV,
 * a second thread inserts the lines already checked, chunk by chunk, into the
 * open transaction (two cores: parsing and rollup sums hide behind inserting;
 * only this thread touches the rollup, only the writer the store until it ends). A bad row
 * anywhere stops the writer and the transaction is rolled back: all or nothing.
 */
#define CHUNK_LINES 32768

struct writer {
	pthread_t thread;
	struct store_load *load; /* the sales rows, sent as one load (COPY on PostgreSQL) */
	int64_t next_id;         /* the id of the next row: a block reserved from the database */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct tx *tx;
	struct lookups *lk;
	struct line **chunks; /* full chunks handed over (owned by the import) */
	size_t *chunk_len;
	size_t nready, alloc;
	/* chunks written, for the parser to fill again: memory first touched costs more than a copy */
	struct line **spare;
	size_t nspare, aspare;
	size_t taken;
	int closed;   /* no more chunks will come */
	int stop;     /* a bad row was found: stop writing */
	int failed;   /* the writer hit a store error (in werr) */
	struct err werr;
	size_t written;
};

static const char *const SALE_LOAD_COLS[] = {
	"id",	    "project_id",	"sold_on",	  "customer_id",    "product_id",
	"channel_id", "rep_id",	"promotion_id",	  "segment_id",	    "quantity",
	"unit_price_minor", "discount_minor", "amount_minor", "cost_minor", "created_by",
	"created_at",
};

/* One line into the writer's load, with the next id of the reserved block. */
static int load_row(struct writer *w, const struct line *ln, struct err *err)
{
	struct store_load *l = w->load;

	store_load_int(l, w->next_id++);
	store_load_int(l, w->lk->project_id);
	store_load_int(l, ln->sold_on);
	store_load_int(l, ln->customer_id);
	store_load_int(l, ln->product_id);
	store_load_int(l, ln->channel_id);
	store_load_int(l, ln->rep_id);
	if (ln->promotion_id == NO_ID)
		store_load_null(l);
	else
		store_load_int(l, ln->promotion_id);
	if (ln->segment_id == NO_ID)
		store_load_null(l);
	else
		store_load_int(l, ln->segment_id);
	store_load_int(l, ln->quantity);
	store_load_int(l, ln->unit_price);
	store_load_int(l, ln->discount);
	store_load_int(l, ln->amount);
	store_load_int(l, ln->cost);
	store_load_int(l, w->tx->actor->user_id);
	store_load_int(l, w->tx->now);
	return store_load_row(l, err);
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	for (;;) {
		struct line *chunk;
		size_t n;
		pthread_mutex_lock(&w->mu);
		while (w->taken == w->nready && !w->closed && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->stop || w->taken == w->nready) {
			pthread_mutex_unlock(&w->mu);
			return NULL;
		}
		chunk = w->chunks[w->taken];
		n = w->chunk_len[w->taken];
		w->chunks[w->taken++] = NULL;
		pthread_mutex_unlock(&w->mu);
		for (size_t i = 0; i < n; i++) {
			if (load_row(w, &chunk[i], &w->werr)) {
				free(chunk);
				pthread_mutex_lock(&w->mu);
				w->failed = 1;
				w->stop = 1;
				pthread_mutex_unlock(&w->mu);
				return NULL;
			}
		}
		pthread_mutex_lock(&w->mu);
		w->written += n;
		ALLOC_GROW(w->spare, w->nspare + 1, w->aspare);
		w->spare[w->nspare++] = chunk;
		pthread_mutex_unlock(&w->mu);
	}
}

/* Hand a full chunk to the writer (or keep it for a dry run). */
static void writer_push(struct writer *w, struct line *chunk, size_t n)
{
	pthread_mutex_lock(&w->mu);
	ALLOC_GROW(w->chunks, w->nready + 1, w->alloc);
	w->chunk_len = xrealloc(w->chunk_len, w->alloc * sizeof(*w->chunk_len));
	w->chunks[w->nready] = chunk;
	w->chunk_len[w->nready] = n;
	w->nready++;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* An empty chunk: one the writer is done with, else a new one. */
static struct line *writer_chunk(struct writer *w)
{
	struct line *chunk = NULL;
	if (w->tx) {
		pthread_mutex_lock(&w->mu);
		if (w->nspare)
			chunk = w->spare[--w->nspare];
		pthread_mutex_unlock(&w->mu);
	}
	return chunk ? chunk : xmalloc_bulk(CHUNK_LINES * sizeof(*chunk));
}

static void writer_finish(struct writer *w, int stop)
{
	pthread_mutex_lock(&w->mu);
	w->closed = 1;
	if (stop)
		w->stop = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* The import of the rows of src (see sale_import, sale_import_rows). */
static int import_rows(struct store *st, const struct actor *a, const struct project *pp,
		       struct sale_rows *src, const struct sale_import_opts *opts,
		       struct sale_import_result *res, struct err *err)
{
	struct project p = *pp;
	struct lookups lk;
	struct sink k = { .res = res, .err = err, .sheet = src->sheet };
	struct tx tx = { 0 };
	struct writer w;
	struct line *chunk = NULL;
	size_t nchunk = 0, nlines = 0, want = 0;
	int idx[C__COUNT];
	int64_t own_only, first_id = 0, last_id = 0;
	int rc, result = -1, loaded = 0, started = 0, dry = opts && opts->dry_run;

	memset(&w, 0, sizeof(w));
	k.max = opts && opts->max_errors ? opts->max_errors : SIZE_MAX;
	/* the header: a CSV's first record, a sheet's first row holding a value */
	do
		rc = src->next(src, err);
	while (rc > 0 && src->sparse && row_empty(src));
	if (rc <= 0) {
		if (rc < 0)
			return -1;
		if (src->sheet)
			return err_set(err, ERR_INVALID, "file", "xlsx_empty:sheet",
				       "sheet %s is empty; a header row is required", src->sheet);
		return err_set(err, ERR_INVALID, "file", "csv_empty", "the file is empty");
	}
	k.line = src->row;
	k.sheet = src->sheet; /* a sheet's source knows its name once open */
	if (read_header(src, &k, idx)) {
		err_set(err, ERR_INVALID, "file", NULL, "%s", res->errors[0].message);
		snprintf(err->reason, sizeof(err->reason), "%s", res->errors[0].reason);
		snprintf(err->params, sizeof(err->params), "%s", res->errors[0].params);
		return -1;
	}
	for (int c = 0; c < C__COUNT; c++)
		if (idx[c] >= 0)
			want++;
	store_bulk(st, 1);
	if (begin_sale_write(&tx, st, a, &p, &own_only, err))
		goto out;
	if (lookups_load(&lk, st, &p, 1, err))
		goto out;
	loaded = 1;
	if (dry) {
		lk.next_customer_id = 1; /* numbered, never written */
	} else {
		/* ids from the database, enough for every row of the file (the unused go back) */
		int64_t bound = src->bound > 0 ? src->bound : 1;
		if (store_ids_reserve(st, "customers", bound, &lk.next_customer_id, err) ||
		    store_ids_reserve(st, "sales", bound, &first_id, err))
			goto out;
		/* the rollup (and the customer scopes it reads) before the writer owns the store */
		(void)tx_rollup(&tx);
		/* a customer's many days of this file: a customer_days part of their own */
		activity_set_batch(rollup_activity(tx_rollup(&tx)), first_id);
		/* the customers this file creates (ids from here on) have no stored days to read */
		activity_set_fresh(rollup_activity(tx_rollup(&tx)), lk.next_customer_id);
		w.load = store_load_begin(st, "sales", (int)(sizeof(SALE_LOAD_COLS) / sizeof(*SALE_LOAD_COLS)),
					  SALE_LOAD_COLS, err);
		if (!w.load)
			goto out;
		w.next_id = first_id;
		w.tx = &tx;
		w.lk = &lk;
		pthread_mutex_init(&w.mu, NULL);
		pthread_cond_init(&w.cv, NULL);
		if (pthread_create(&w.thread, NULL, writer_main, &w)) {
			err_set(err, ERR_INTERNAL, NULL, "internal", "cannot start the import writer thread");
			goto out;
		}
		started = 1;
	}
	for (;;) {
		struct sale_input in = { 0 };
		struct line ln;
		const char *t;
		size_t tl, clen;

		rc = src->next(src, err);
		if (rc == 0)
			break;
		sink_line(&k, src->row);
		if (rc < 0) {
			/* a syntax error ends reading: what follows cannot be trusted */
			problem_err(&k, "file", err);
			break;
		}
		if (row_empty(src))
			continue; /* a blank line, or a spreadsheet's empty row ",,,," */
		res->rows++;
		if (opts && opts->progress && (res->rows & 0xFFFF) == 0)
			opts->progress(opts->progress_ctx, "importing", src->done, src->total);
		if (!src->sparse && src->ncells != want) {
			problem(&k, "file", "csv_field_count:count,want", "%zu fields where the header has %zu", src->ncells, want);
			continue;
		}
		if (src->sparse) {
			long extra = outside_header(src, idx);
			if (extra >= 0) {
				char letters[8], ref[32];
				col_letters((uint32_t)extra, letters);
				snprintf(ref, sizeof(ref), "%s%ld", letters, src->row);
				problem(&k, "file", "xlsx_no_header:cell",
					"cell %s holds a value but its column has no header", ref);
			}
		}
		t = cell(src, &k, idx, C_DATE, &tl);
		in.sold_on = NO_DATE;
		if (date_parse(t, tl, &in.sold_on, "date", err))
			problem_err(&k, "date", err);
		in.customer = cell(src, &k, idx, C_CUSTOMER, &clen);
		in.product = cell(src, &k, idx, C_PRODUCT, &tl);
		in.channel = cell(src, &k, idx, C_CHANNEL, &tl);
		in.rep = cell(src, &k, idx, C_REP, &tl);
		t = cell(src, &k, idx, C_QUANTITY, &tl);
		if (int_parse(t, tl, &in.quantity, "quantity", err))
			problem_err(&k, "quantity", err);
		else if (in.quantity <= 0)
			problem(&k, "quantity", "not_positive:value", "\"%s\" is not a positive integer", t);
		t = cell(src, &k, idx, C_UNIT_PRICE, &tl);
		/* an empty price: the product's list price in force on the sale's date */
		if (is_blank(t, tl))
			in.unit_price_minor = SALE_PRICE_IN_FORCE;
		else if (money_parse(t, tl, &in.unit_price_minor, "unit_price", err))
			problem_err(&k, "unit_price", err);
		t = cell(src, &k, idx, C_DISCOUNT, &tl);
		if (!is_blank(t, tl) && money_parse(t, tl, &in.discount_minor, "discount", err))
			problem_err(&k, "discount", err);
		in.promotion = cell(src, &k, idx, C_PROMOTION, &tl);
		in.segment = cell(src, &k, idx, C_SEGMENT, &tl);
		/* the references are checked too, so every problem of the line is reported */
		resolve(&lk, &k, &in, clen, own_only, &ln);
		if (k.bad)
			continue;
		if (attach_customer(&lk, &k, &in, clen, &ln, err))
			goto out;
		nlines++;
		if (res->errors_total)
			continue; /* keep checking, but nothing more will be written */
		if (!chunk)
			chunk = writer_chunk(&w);
		chunk[nchunk++] = ln;
		/* the rollup is summed here while the writer thread inserts */
		if (!dry) {
			struct cust *cu = &lk.custs[ln.cust];
			const struct rollup_line rl = line_sums(lk.project_id, &ln);
			tx_rollup_sale(&tx, &rl, 1);
			/* past 64 bits is past any total: tx_commit refuses it (rollup_flush) */
			cu->lines++;
			if (__builtin_add_overflow(cu->quantity, ln.quantity, &cu->quantity) ||
			    __builtin_add_overflow(cu->amount, ln.amount, &cu->amount) ||
			    __builtin_add_overflow(cu->cost, ln.cost, &cu->cost) ||
			    __builtin_add_overflow(cu->discount, ln.discount, &cu->discount))
				cu->quantity = cu->amount = cu->cost = cu->discount = INT64_MAX;
		}
		if (nchunk == CHUNK_LINES) {
			if (started) {
				writer_push(&w, chunk, nchunk);
				chunk = NULL;
			}
			nchunk = 0;
		}
	}
	if (started) {
		if (nchunk && !res->errors_total) {
			writer_push(&w, chunk, nchunk);
			chunk = NULL;
		}
		writer_finish(&w, res->errors_total > 0);
		/* the activity sorted while the writer thread inserts its last chunks */
		if (!res->errors_total)
			rollup_prepare(tx_rollup(&tx));
		pthread_join(w.thread, NULL);
		started = 0;
		if (w.failed) {
			*err = w.werr;
			goto out;
		}
		rc = store_load_end(w.load, !res->errors_total, err);
		w.load = NULL;
		if (rc)
			goto out;
	}
	if (res->errors_total) {
		err_set(err, ERR_INVALID, "file", "import_bad_rows:count,_", "%lld bad row%s; nothing was imported",
			(long long)res->errors_total, res->errors_total == 1 ? "" : "s");
		goto out;
	}
	if (nlines == 0) {
		/* a header and no rows (an empty project's export): nothing to do, and that is fine */
		result = 0;
		goto out;
	}
	for (size_t i = 0; i < lk.ncusts; i++)
		if (lk.custs[i].is_new && lk.custs[i].min_on != NO_DATE)
			res->new_customers++;
	if (dry) {
		result = 0;
		goto out;
	}
	if (load_new_customers(&tx, &lk, err) || write_customers(&tx, &lk, NULL, err) ||
	    store_ids_follow(st, "customers", err) || store_ids_follow(st, "sales", err))
		goto out;
	for (size_t i = 0; i < lk.ncusts; i++) {
		const struct cust *cu = &lk.custs[i];
		if (cu->lines)
			rollup_customer(&tx, lk.project_id, cu->id, cu->lines, cu->quantity, cu->amount,
					cu->cost, cu->discount);
	}
	last_id = first_id + (int64_t)nlines - 1;
	{
		struct buf after = BUF_INIT;
		struct jw jw;
		int ar;
		jw_init(&jw, &after);
		jw_obj(&jw);
		jw_kstr(&jw, "project", p.code);
		jw_kint(&jw, "rows", (int64_t)nlines);
		jw_kint(&jw, "first_id", first_id);
		jw_kint(&jw, "last_id", last_id);
		jw_kint(&jw, "new_customers", res->new_customers);
		jw_obj_end(&jw);
		ar = tx_audit(&tx, "sale", NO_ID, "import", NULL, buf_cstr(&after), err);
		buf_release(&after);
		if (ar)
			goto out;
	}
	if (opts && opts->progress)
		opts->progress(opts->progress_ctx, "committing", 1, 1);
	if (tx_commit(&tx, err))
		goto out;
	res->imported = (int64_t)nlines;
	result = 0;
out:
	if (started) {
		writer_finish(&w, 1);
		pthread_join(w.thread, NULL);
	}
	if (w.load)
		store_load_end(w.load, 0, NULL);
	for (size_t i = 0; i < w.nready; i++)
		free(w.chunks[i]);
	for (size_t i = 0; i < w.nspare; i++)
		free(w.spare[i]);
	free(w.spare);
	free(w.chunks);
	free(w.chunk_len);
	if (w.tx) {
		pthread_mutex_destroy(&w.mu);
		pthread_cond_destroy(&w.cv);
	}
	free(chunk);
	if (loaded)
		lookups_release(&lk);
	tx_abort(&tx);
	store_bulk(st, 0);
	return result;
}

/* A CSV text as import rows: its records, every cell text. */
struct csv_rows {
	struct sale_rows base;
	struct csv_reader r;
	char *start;
	struct sale_cell cells[CSV_MAX_FIELDS];
};

static int csv_rows_next(struct sale_rows *src, struct err *err)
{
	struct csv_rows *c = (struct csv_rows *)src;
	int rc = csv_next(&c->r, err);

	src->row = c->r.rec_line;
	if (rc <= 0)
		return rc;
	for (size_t i = 0; i < c->r.nfields; i++) {
		struct csv_field *f = &c->r.fields[i];
		/* terminated in place: the byte after a field is a separator or already consumed */
		f->p[f->len] = '\0';
		c->cells[i].s = f->p;
		c->cells[i].len = f->len;
		c->cells[i].type = SALE_CELL_TEXT;
	}
	src->ncells = c->r.nfields;
	src->done = (uint64_t)(c->r.p - c->start);
	return 1;
}

static void csv_rows_init(struct csv_rows *c, char *csv, size_t len, char delim)
{
	memset(&c->base, 0, sizeof(c->base));
	c->base.next = csv_rows_next;
	c->base.cells = c->cells;
	c->base.total = len;
	/* a row per line at most */
	c->base.bound = 1;
	for (const char *q = memchr(csv, '\n', len); q; q = memchr(q + 1, '\n', (size_t)(csv + len - q - 1)))
		c->base.bound++;
	c->start = csv;
	csv_reader_init(&c->r, csv, len);
	c->r.delim = delim;
}

/* An import of this many rows refreshes the statistics of the tables it grows (store_analyze). */
#define ANALYZE_AFTER_ROWS 1000
static const char IMPORT_TABLES[] =
	"sales, customers, sale_rollup, customer_days, customer_activity";

/* After a large import, the planner's statistics of the tables it grew. */
static int import_analyze(struct store *st, int rc, struct sale_import_result *res)
{
	/*
	 * the planner's statistics follow a large import (a first one grows the
	 * tables from nothing); a failure to refresh them undoes nothing
	 */
	if (rc == 0 && res->imported >= ANALYZE_AFTER_ROWS) {
		struct err ignored = { 0 };
		if (store_analyze(st, IMPORT_TABLES, &ignored))
			fprintf(stderr, "salespm: statistics not refreshed after the import: %s\n",
				ignored.msg);
	}
	return rc;
}

int sale_import_rows(struct store *st, const struct actor *a, const char *project_code,
		     struct sale_rows *src, const struct sale_import_opts *opts,
		     struct sale_import_result *res, struct err *err)
{
	struct project p;
	int64_t own_only;

	memset(res, 0, sizeof(*res));
	res->encoding = src->encoding ? src->encoding : csv_encoding_name(CSV_UTF8);
	if (project_load(st, project_code, &p, err) || write_scope(st, a, &p, &own_only, err))
		return -1;
	return import_analyze(st, import_rows(st, a, &p, src, opts, res, err), res);
}

int sale_import(struct store *st, const struct actor *a, const char *project_code, char *csv,
		size_t len, const struct sale_import_opts *opts, struct sale_import_result *res,
		struct err *err)
{
	struct project p;
	struct buf utf8 = BUF_INIT;
	enum csv_encoding enc;
	char delim, other[8];
	int64_t own_only;
	int rc;

	memset(res, 0, sizeof(*res));
	res->encoding = csv_encoding_name(CSV_UTF8);
	if (project_load(st, project_code, &p, err) || write_scope(st, a, &p, &own_only, err))
		return -1;
	if (len == 0 || !csv)
		return err_set(err, ERR_INVALID, "file", "csv_no_header", "the file is empty; a header line is required");
	/*
	 * UTF-8 is read as it is; anything else is GB18030 (Excel on Chinese
	 * Windows), converted first. The CSV is then parsed in place, each cell
	 * NUL-terminated where its separator was: the text needs one spare byte
	 * after it (struct buf always has it).
	 */
	rc = csv_decode(csv, len, opts && opts->gb18030, &utf8, &enc, err);
	if (rc < 0) {
		buf_release(&utf8); /* what was converted before the bad bytes */
		return -1;
	}
	res->encoding = csv_encoding_name(enc);
	if (rc == 1) {
		csv = utf8.p;
		len = utf8.len;
	}
	if (csv_sniff_delimiter(csv, len, &delim, other)) {
		if (other[0]) {
			buf_release(&utf8);
			return err_set(err, ERR_INVALID, "header", "csv_delimiter:delimiter",
				       "the header seems separated by \"%s\"; separate the columns "
				       "with commas (or semicolons or tabs)",
				       other);
		}
		delim = ','; /* one column: what is missing is reported */
	}
	{
		struct csv_rows cr;
		csv_rows_init(&cr, csv, len, delim);
		rc = import_rows(st, a, &p, &cr.base, opts, res, err);
	}
	buf_release(&utf8);
	rc = import_analyze(st, rc, res);
	return rc;
}

/* --- db check ---------------------------------------------------------------------- */

static const char SQL_CHECK_SALES[] =
	"SELECT id, project_id, sold_on, channel_id, product_id, rep_id, segment_id, customer_id, "
	"quantity, unit_price_minor, discount_minor, amount_minor, cost_minor, promotion_id, "
	"(SELECT CASE WHEN p.status = 'closed' THEN 1 ELSE 0 END FROM projects p "
	"WHERE p.id = sales.project_id) FROM sales";
static const char SQL_CHECK_PRODUCTS[] = "SELECT id, cost_minor FROM products ORDER BY id";

/* The product of id in prod (sorted by id), or NULL. */
static struct product_costs *product_by_id(struct product_costs *prod, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (prod[mid].id == id)
			return &prod[mid];
		if (prod[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Sales that name a project, customer, product, channel, rep, promotion or
 * segment that is not there (on PostgreSQL salespm, not the database, keeps
 * these references: 020-pg-sales-references.sql). Each is reported; the count
 * is returned, -1 on error.
 */
#define DANGLING(what, col, table)                                                        \
	"SELECT s.id, '" what "', s." col " FROM sales s WHERE s." col " IS NOT NULL AND NOT " \
	"EXISTS (SELECT 1 FROM " table " x WHERE x.id = s." col ")"
static const char SQL_SALES_DANGLING[] =
	DANGLING("project", "project_id", "projects") " UNION ALL "
	DANGLING("customer", "customer_id", "customers") " UNION ALL "
	DANGLING("product", "product_id", "products") " UNION ALL "
	DANGLING("channel", "channel_id", "channels") " UNION ALL "
	DANGLING("rep", "rep_id", "users") " UNION ALL "
	DANGLING("promotion", "promotion_id", "promotions") " UNION ALL "
	DANGLING("segment", "segment_id", "segments") " ORDER BY 1, 2";
#undef DANGLING

static int dangling_references(struct store *st, struct buf *report, int max_lines,
			       struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_SALES_DANGLING, err);
	int rc, n = 0;

	if (!s)
		return -1;
	while ((rc = store_step(st, s, err)) == STORE_ROW)
		if (n++ < max_lines)
			buf_addf(report, "sale %lld: its %s %lld is not there\n",
				 (long long)store_col_int(st, s, 0), store_col_text(st, s, 1),
				 (long long)store_col_int(st, s, 2));
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (n > max_lines)
		buf_addf(report, "... and %d more references of sales to what is not there\n", n - max_lines);
	return n;
}

/* Every product with its price history as cost points, sorted by id. */
static int load_costs(struct store *st, struct product_costs **out, size_t *n, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_CHECK_PRODUCTS, err);
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		ALLOC_GROW(*out, *n + 1, alloc);
		memset(&(*out)[*n], 0, sizeof((*out)[0]));
		(*out)[*n].id = store_col_int(st, s, 0);
		(*out)[*n].current_cost = store_col_int(st, s, 1);
		(*n)++;
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < *n; i++) {
		struct product_costs *pc = &(*out)[i];
		struct price_point *pts;
		size_t np;
		if (product_points(st, pc->id, &pts, &np, err))
			return -1;
		pc->points = pts;
		pc->npoints = pc->alloc = np;
	}
	return 0;
}

int sale_check(struct store *st, struct buf *report, int max_lines, struct err *err)
{
	struct rollup *r = rollup_new();
	struct product_costs *prod = NULL;
	size_t nprod = 0;
	struct stmt *s;
	int rc, problems = 0, shown = 0, res = -1;

	if (store_begin(st, 0, err)) {
		rollup_free(r);
		return -1;
	}
	if (load_costs(st, &prod, &nprod, err) ||
	    activity_load_scopes(rollup_activity(r), st, err))
		goto out;
	s = store_prepare(st, SQL_CHECK_SALES, err);
	if (!s)
		goto out;
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t v[15], gross, want_amount = -1, want_cost = -1;
		struct product_costs *pc;
		char why[160] = "";
		for (int i = 0; i < 15; i++)
			v[i] = store_col_int_or(st, s, i, NO_ID);
		/* 0 id 1 project 2 day 3 channel 4 product 5 rep 6 segment 7 customer 8 qty
		   9 price 10 discount 11 amount 12 cost 13 promotion 14 its project closed */
		{
			const struct rollup_line ln = {
				.project_id = v[1], .day = (int32_t)v[2], .customer_id = v[7],
				.channel_id = v[3], .product_id = v[4], .rep_id = v[5],
				.segment_id = v[6], .promotion_id = v[13], .quantity = v[8],
				.amount_minor = v[11], .cost_minor = v[12], .discount_minor = v[10]
			};
			rollup_add(r, &ln, 1);
		}
		rollup_add_customer(r, v[1], v[7], 1, v[8], v[11], v[12], v[10]);
		if (!money_mul(v[8], v[9], &gross))
			want_amount = gross - v[10];
		pc = product_by_id(prod, nprod, v[4]);
		if (pc && money_mul(v[8], cost_on(pc, (int32_t)v[2]), &want_cost))
			want_cost = -1;
		if (v[8] <= 0 || v[8] > QUANTITY_MAX || v[9] < 0 || v[9] > MONEY_UNIT_MAX ||
		    v[11] < 0 || v[11] > MONEY_LINE_MAX || v[12] < 0 || v[12] > MONEY_LINE_MAX)
			snprintf(why, sizeof(why), "a number past its limit (quantity %lld, unit price "
				 "%lld, amount %lld, cost %lld)", (long long)v[8], (long long)v[9],
				 (long long)v[11], (long long)v[12]);
		else if (v[11] != want_amount)
			snprintf(why, sizeof(why), "amount %lld, but quantity x unit price - discount "
				 "is %lld", (long long)v[11], (long long)want_amount);
		else if (pc && v[12] != want_cost && v[14] != 1) /* a closed project's: frozen */
			snprintf(why, sizeof(why), "cost %lld, but its product's price history gives "
				 "%lld", (long long)v[12], (long long)want_cost);
		if (why[0]) {
			problems++;
			if (shown++ < max_lines)
				buf_addf(report, "sale %lld: %s\n", (long long)v[0], why);
		}
	}
	store_done(st, s);
	if (rc < 0)
		goto out;
	if (shown > max_lines)
		buf_addf(report, "... and %d more sales\n", shown - max_lines);
	if (rollup_overflowed(r)) {
		problems++;
		buf_adds(report, "the sums of the sales overflow 64 bits: amounts past any limit\n");
	}
	/* SQLite's own check (foreign_key_check) has found these already */
	rc = strcmp(store_backend(st), "sqlite") ? dangling_references(st, report, max_lines, err) : 0;
	if (rc < 0)
		goto out;
	problems += rc;
	rc = rollup_compare(r, st, report, max_lines, err);
	if (rc < 0)
		goto out;
	problems += rc;
	rc = activity_compare(rollup_activity(r), st, report, max_lines, err);
	if (rc < 0)
		goto out;
	problems += rc;
	res = problems;
out:
	store_rollback(st);
	rollup_free(r);
	for (size_t i = 0; i < nprod; i++)
		free(prod[i].points);
	free(prod);
	return res;
}
