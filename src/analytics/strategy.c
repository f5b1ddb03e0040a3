/*
 * strategy.c - a project's strategy, planned against actual (strategy.h).
 * One read snapshot: the plan lines and the catalog joined, the sums of the
 * project's sales per segment, channel, promotion and product from the
 * rollups, the promotions' discounts in every project, and the price changes
 * of the project's window.
 */
#include "analytics/strategy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "core/project.h"
#include "base/banned.h"

/*
 * ?1 the project, ?2 its start, ?3 its end: the goal covering the most of the
 * project (its window cut to the project's; no dates: the project's), one
 * within the project before one that runs past it, then the first made
 */
static const char SQL_TARGET[] =
	"SELECT id, name, target FROM goals WHERE project_id = ?1 AND metric = 'revenue' "
	"AND target IS NOT NULL AND scope_segment_id IS NULL AND scope_channel_id IS NULL "
	"AND scope_product_id IS NULL AND scope_rep_id IS NULL "
	"ORDER BY (CASE WHEN COALESCE(due_on, ?3) > ?3 THEN ?3 ELSE COALESCE(due_on, ?3) END) - "
	"(CASE WHEN COALESCE(start_on, ?2) < ?2 THEN ?2 ELSE COALESCE(start_on, ?2) END) DESC, "
	"CASE WHEN COALESCE(due_on, ?3) > ?3 OR COALESCE(start_on, ?2) < ?2 THEN 1 ELSE 0 END, "
	"id LIMIT 1";
/* ?1 the project, ?2 the dimension */
static const char SQL_SUMS[] =
	"SELECT key_id, SUM(lines), SUM(quantity), SUM(amount_minor), SUM(cost_minor), "
	"SUM(discount_minor) FROM sale_rollup WHERE project_id = ?1 AND dim = ?2 GROUP BY key_id";
/* every project's discounts per promotion (each project's rows found by the key's prefix) */
static const char SQL_PROMOTION_SPENT[] =
	"SELECT key_id, SUM(discount_minor) FROM sale_rollup "
	"WHERE project_id IN (SELECT id FROM projects) AND dim = 'promotion' GROUP BY key_id";
/* ?1 the project */
static const char SQL_SEGMENTS[] =
	"SELECT s.id, s.code, s.name, s.priority, s.region, s.industry, s.company_size, ps.id, "
	"ps.version, ps.share_bp FROM segments s LEFT JOIN project_segments ps "
	"ON ps.segment_id = s.id AND ps.project_id = ?1 "
	"ORDER BY CASE WHEN s.priority = 0 THEN 1 ELSE 0 END, s.priority, s.code";
static const char SQL_CHANNELS[] =
	"SELECT c.id, c.code, c.name, c.type, c.cost_rate_bp, pc.id, pc.version, pc.share_bp, "
	"pc.budget_minor FROM channels c LEFT JOIN project_channels pc "
	"ON pc.channel_id = c.id AND pc.project_id = ?1 ORDER BY c.code";
static const char SQL_PROMOTIONS[] =
	"SELECT p.id, p.code, p.name, p.kind, p.starts_on, p.ends_on, p.budget_minor, pp.id, "
	"pp.version FROM promotions p LEFT JOIN project_promotions pp "
	"ON pp.promotion_id = p.id AND pp.project_id = ?1 ORDER BY p.code";
static const char SQL_PRODUCTS[] =
	"SELECT id, sku, name, cost_minor, price_minor, competitor_price_minor FROM products "
	"ORDER BY id";
static const char SQL_HISTORY[] =
	"SELECT product_id, effective_on, cost_minor, price_minor FROM price_history "
	"ORDER BY product_id, effective_on";
/* ?1 the project's start, ?2 its end */
static const char SQL_PRICES[] =
	"SELECT p.sku, p.name, h.effective_on, h.cost_minor, h.price_minor, h.reason, "
	"(SELECT o.price_minor FROM price_history o WHERE o.product_id = h.product_id "
	"AND o.effective_on < h.effective_on ORDER BY o.effective_on DESC LIMIT 1) "
	"FROM price_history h JOIN products p ON p.id = h.product_id "
	"WHERE h.effective_on BETWEEN ?1 AND ?2 ORDER BY h.effective_on, p.sku";

/* Sums per key of one dimension, sorted by key. */
struct keyed {
	int64_t key;
	struct strategy_sums s;
};

struct keyed_list {
	struct keyed *items;
	size_t n, alloc;
};

static int cmp_key(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	return x->key < y->key ? -1 : x->key > y->key;
}

static const struct strategy_sums *sums_of(const struct keyed_list *l, int64_t key)
{
	struct keyed k = { .key = key };
	const struct keyed *f = l->n ? bsearch(&k, l->items, l->n, sizeof(k), cmp_key) : NULL;
	return f ? &f->s : NULL;
}

static int load_sums(struct store *st, int64_t project_id, const char *dim,
		     struct keyed_list *out, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_SUMS, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, project_id);
	store_bind_text(st, s, 2, dim);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct keyed *k;
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		k = &out->items[out->n++];
		k->key = store_col_int(st, s, 0);
		k->s.lines = store_col_int(st, s, 1);
		k->s.quantity = store_col_int(st, s, 2);
		k->s.amount_minor = store_col_int(st, s, 3);
		k->s.cost_minor = store_col_int(st, s, 4);
		k->s.discount_minor = store_col_int(st, s, 5);
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (out->n > 1)
		qsort(out->items, out->n, sizeof(*out->items), cmp_key);
	return 0;
}

/* num / den in basis points by the one rule of ratios (money.h); NO_ID when undefined. */
static int64_t bp_of(int64_t num, int64_t den)
{
	int64_t bp;
	return den > 0 && !ratio_bp(num, den, &bp) ? bp : NO_ID;
}

/* v x bp / 10000, rounded half away from zero, in 128 bits (v within MONEY_TOTAL_MAX). */
static int64_t apply_bp(int64_t v, int64_t bp)
{
	__int128 x = (__int128)v * bp;
	x = x >= 0 ? (x + 5000) / 10000 : (x - 5000) / 10000;
	return (int64_t)x;
}

static struct strategy_row *new_row(struct strategy_rows *r)
{
	struct strategy_row *row;
	ALLOC_GROW(r->items, r->n + 1, r->alloc);
	row = &r->items[r->n++];
	memset(row, 0, sizeof(*row));
	row->plan_id = NO_ID;
	row->actual_share_bp = row->planned_minor = row->attainment_bp = NO_ID;
	row->remaining_minor = row->margin_bp = NO_ID;
	row->competitor_price_minor = row->competitor_gap_bp = row->list_margin_bp = NO_ID;
	row->starts_on = row->ends_on = NO_DATE;
	return row;
}

/* The figures every row shares: its sums, shares, planned revenue and attainment. */
static void finish_row(const struct strategy *s, struct strategy_row *row,
		       const struct strategy_sums *sums)
{
	if (sums)
		row->sums = *sums;
	row->actual_share_bp = bp_of(row->sums.amount_minor, s->total.amount_minor);
	row->margin_bp = bp_of(row->sums.amount_minor - row->sums.cost_minor,
			       row->sums.amount_minor);
	if (row->planned && s->target_minor != NO_ID && row->share_bp > 0) {
		row->planned_minor = apply_bp(s->target_minor, row->share_bp);
		row->attainment_bp = bp_of(row->sums.amount_minor, row->planned_minor);
	}
}

static void copy_text(char *dst, size_t size, struct store *st, struct stmt *s, int col)
{
	snprintf(dst, size, "%s", store_col_text(st, s, col));
}

static int read_target(struct store *st, const struct project *p, struct strategy *out,
		       struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_TARGET, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, p->id);
	store_bind_int(st, s, 2, p->start_on);
	store_bind_int(st, s, 3, p->end_on);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		out->target_goal_id = store_col_int(st, s, 0);
		copy_text(out->target_goal, sizeof(out->target_goal), st, s, 1);
		out->target_minor = store_col_int(st, s, 2);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static int read_segments(struct store *st, int64_t pid, struct strategy *out, struct err *err)
{
	struct keyed_list sums = { 0 };
	struct stmt *s;
	const struct strategy_sums *none;
	int rc = -1;

	if (load_sums(st, pid, "segment", &sums, err) || !(s = store_prepare(st, SQL_SEGMENTS, err)))
		goto out;
	store_bind_int(st, s, 1, pid);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t id = store_col_int(st, s, 0);
		const struct strategy_sums *x = sums_of(&sums, id);
		int planned = !store_col_is_null(st, s, 7);
		struct strategy_row *row;
		if (!planned && !x)
			continue;
		row = new_row(&out->segments);
		row->id = id;
		copy_text(row->code, sizeof(row->code), st, s, 1);
		copy_text(row->name, sizeof(row->name), st, s, 2);
		row->priority = store_col_int(st, s, 3);
		copy_text(row->region, sizeof(row->region), st, s, 4);
		copy_text(row->industry, sizeof(row->industry), st, s, 5);
		copy_text(row->company_size, sizeof(row->company_size), st, s, 6);
		if ((row->planned = planned)) {
			row->plan_id = store_col_int(st, s, 7);
			row->plan_version = store_col_int(st, s, 8);
			row->share_bp = store_col_int(st, s, 9);
			out->planned_segment_share_bp += row->share_bp;
		}
		finish_row(out, row, x);
	}
	store_done(st, s);
	if (rc < 0)
		goto out;
	/* the sales that named no segment, last */
	if ((none = sums_of(&sums, 0)))
		finish_row(out, new_row(&out->segments), none);
	rc = 0;
out:
	free(sums.items);
	return rc;
}

static int read_channels(struct store *st, int64_t pid, struct strategy *out, struct err *err)
{
	struct keyed_list sums = { 0 };
	struct stmt *s;
	int rc = -1;

	if (load_sums(st, pid, "channel", &sums, err) || !(s = store_prepare(st, SQL_CHANNELS, err)))
		goto out;
	store_bind_int(st, s, 1, pid);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t id = store_col_int(st, s, 0);
		const struct strategy_sums *x = sums_of(&sums, id);
		int planned = !store_col_is_null(st, s, 5);
		struct strategy_row *row;
		if (!planned && !x)
			continue;
		row = new_row(&out->channels);
		row->id = id;
		copy_text(row->code, sizeof(row->code), st, s, 1);
		copy_text(row->name, sizeof(row->name), st, s, 2);
		copy_text(row->type, sizeof(row->type), st, s, 3);
		row->cost_rate_bp = store_col_int(st, s, 4);
		if ((row->planned = planned)) {
			row->plan_id = store_col_int(st, s, 5);
			row->plan_version = store_col_int(st, s, 6);
			row->share_bp = store_col_int(st, s, 7);
			row->budget_minor = store_col_int(st, s, 8);
			out->planned_channel_share_bp += row->share_bp;
			out->planned_channel_budget_minor += row->budget_minor;
		}
		finish_row(out, row, x);
		row->channel_cost_minor = apply_bp(row->sums.amount_minor, row->cost_rate_bp);
		out->channel_cost_minor += row->channel_cost_minor;
		if (row->planned && row->budget_minor > 0) {
			row->remaining_minor = row->budget_minor - row->channel_cost_minor;
			row->over_budget = row->channel_cost_minor > row->budget_minor;
		}
	}
	store_done(st, s);
	rc = rc < 0 ? -1 : 0;
out:
	free(sums.items);
	return rc;
}

static int read_promotions(struct store *st, int64_t pid, struct strategy *out, struct err *err)
{
	struct keyed_list sums = { 0 }, spent = { 0 };
	struct stmt *s;
	int rc = -1;

	if (load_sums(st, pid, "promotion", &sums, err) ||
	    !(s = store_prepare(st, SQL_PROMOTION_SPENT, err)))
		goto out;
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct keyed *k;
		ALLOC_GROW(spent.items, spent.n + 1, spent.alloc);
		k = &spent.items[spent.n++];
		memset(k, 0, sizeof(*k));
		k->key = store_col_int(st, s, 0);
		k->s.discount_minor = store_col_int(st, s, 1);
	}
	store_done(st, s);
	if (rc < 0)
		goto out;
	if (spent.n > 1)
		qsort(spent.items, spent.n, sizeof(*spent.items), cmp_key);
	rc = -1;
	if (!(s = store_prepare(st, SQL_PROMOTIONS, err)))
		goto out;
	store_bind_int(st, s, 1, pid);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t id = store_col_int(st, s, 0);
		const struct strategy_sums *x = sums_of(&sums, id), *all = sums_of(&spent, id);
		int planned = !store_col_is_null(st, s, 7);
		struct strategy_row *row;
		if (!planned && !x)
			continue;
		row = new_row(&out->promotions);
		row->id = id;
		copy_text(row->code, sizeof(row->code), st, s, 1);
		copy_text(row->name, sizeof(row->name), st, s, 2);
		copy_text(row->type, sizeof(row->type), st, s, 3);
		row->starts_on = (int32_t)store_col_int_or(st, s, 4, NO_DATE);
		row->ends_on = (int32_t)store_col_int_or(st, s, 5, NO_DATE);
		row->budget_minor = store_col_int(st, s, 6);
		if ((row->planned = planned)) {
			row->plan_id = store_col_int(st, s, 7);
			row->plan_version = store_col_int(st, s, 8);
		}
		finish_row(out, row, x);
		/* the budget is the promotion's, spent by its lines in every project */
		row->channel_cost_minor = all ? all->discount_minor : 0;
		out->promotion_cost_minor += row->sums.discount_minor;
		if (row->budget_minor > 0) {
			row->remaining_minor = row->budget_minor - row->channel_cost_minor;
			row->over_budget = row->channel_cost_minor > row->budget_minor;
		}
	}
	store_done(st, s);
	rc = rc < 0 ? -1 : 0;
out:
	free(sums.items);
	free(spent.items);
	return rc;
}

static int cmp_revenue(const void *a, const void *b)
{
	const struct strategy_row *x = a, *y = b;
	if (x->sums.amount_minor != y->sums.amount_minor)
		return x->sums.amount_minor > y->sums.amount_minor ? -1 : 1;
	return strcmp(x->code, y->code);
}

/*
 * The products the project sold, with today's price and cost: the history's
 * entry in force today (before the first entry, the first's), else the
 * product's own columns.
 */
static int read_products(struct store *st, int64_t pid, struct strategy *out, struct err *err)
{
	struct keyed_list sums = { 0 };
	struct stmt *s;
	int32_t today = date_today();
	int rc = -1;

	if (load_sums(st, pid, "product", &sums, err) || !(s = store_prepare(st, SQL_PRODUCTS, err)))
		goto out;
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t id = store_col_int(st, s, 0);
		const struct strategy_sums *x = sums_of(&sums, id);
		struct strategy_row *row;
		if (!x)
			continue;
		row = new_row(&out->products);
		row->id = id;
		copy_text(row->code, sizeof(row->code), st, s, 1);
		copy_text(row->name, sizeof(row->name), st, s, 2);
		row->unit_cost_minor = store_col_int(st, s, 3);
		row->price_minor = store_col_int(st, s, 4);
		row->competitor_price_minor = store_col_int_or(st, s, 5, NO_ID);
		row->starts_on = NO_DATE; /* the entry in force: none found yet */
		finish_row(out, row, x);
	}
	store_done(st, s);
	if (rc < 0 || !(s = store_prepare(st, SQL_HISTORY, err)))
		goto out;
	/* products by id, as read */
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t id = store_col_int(st, s, 0);
		int32_t on = (int32_t)store_col_int(st, s, 1);
		struct strategy_row *row = NULL;
		size_t lo = 0, hi = out->products.n;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (out->products.items[mid].id < id)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < out->products.n && out->products.items[lo].id == id)
			row = &out->products.items[lo];
		if (!row || (on > today && row->starts_on != NO_DATE))
			continue;
		row->starts_on = on;
		row->unit_cost_minor = store_col_int(st, s, 2);
		row->price_minor = store_col_int(st, s, 3);
	}
	store_done(st, s);
	if (rc < 0)
		goto out;
	for (size_t i = 0; i < out->products.n; i++) {
		struct strategy_row *row = &out->products.items[i];
		row->starts_on = NO_DATE;
		row->list_margin_bp = bp_of(row->price_minor - row->unit_cost_minor, row->price_minor);
		if (row->competitor_price_minor != NO_ID)
			row->competitor_gap_bp = bp_of(row->price_minor - row->competitor_price_minor,
						       row->competitor_price_minor);
	}
	if (out->products.n > 1)
		qsort(out->products.items, out->products.n, sizeof(*out->products.items),
		      cmp_revenue);
	rc = 0;
out:
	free(sums.items);
	return rc;
}

static int read_prices(struct store *st, const struct project *p, struct strategy *out,
		       struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_PRICES, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, p->start_on);
	store_bind_int(st, s, 2, p->end_on);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct strategy_price *x;
		ALLOC_GROW(out->prices, out->nprices + 1, out->alloc_prices);
		x = &out->prices[out->nprices++];
		copy_text(x->sku, sizeof(x->sku), st, s, 0);
		copy_text(x->name, sizeof(x->name), st, s, 1);
		x->effective_on = (int32_t)store_col_int(st, s, 2);
		x->cost_minor = store_col_int(st, s, 3);
		x->price_minor = store_col_int(st, s, 4);
		copy_text(x->reason, sizeof(x->reason), st, s, 5);
		x->old_price_minor = store_col_int_or(st, s, 6, NO_ID);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int strategy_read(struct store *st, const struct actor *a, const char *code,
		  struct strategy *out, struct err *err)
{
	struct project p;
	struct keyed_list all = { 0 };
	int r = -1;

	memset(out, 0, sizeof(*out));
	out->target_minor = out->target_goal_id = NO_ID;
	if (project_get(st, a, code, &p, err))
		return -1;
	snprintf(out->project, sizeof(out->project), "%s", p.code);
	snprintf(out->name, sizeof(out->name), "%s", p.name);
	out->start_on = p.start_on;
	out->end_on = p.end_on;
	out->budget_minor = p.budget_minor;
	if (store_begin(st, 0, err))
		return -1;
	if (load_sums(st, p.id, "all", &all, err))
		goto out;
	if (all.n)
		out->total = all.items[0].s;
	out->margin_bp = bp_of(out->total.amount_minor - out->total.cost_minor,
			       out->total.amount_minor);
	if (read_target(st, &p, out, err) || read_segments(st, p.id, out, err) ||
	    read_channels(st, p.id, out, err) || read_promotions(st, p.id, out, err) ||
	    read_products(st, p.id, out, err) || read_prices(st, &p, out, err))
		goto out;
	r = 0;
out:
	store_rollback(st);
	free(all.items);
	if (r)
		strategy_release(out);
	return r;
}

void strategy_release(struct strategy *s)
{
	free(s->segments.items);
	free(s->channels.items);
	free(s->promotions.items);
	free(s->products.items);
	free(s->prices);
	memset(s, 0, sizeof(*s));
}

/* --- JSON ----------------------------------------------------------------------- */

static void k_money_or_null(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	if (v == NO_ID)
		jw_null(w);
	else
		jw_int(w, v);
}

static void k_rate(struct jw *w, const char *key, int64_t bp)
{
	jw_key(w, key);
	if (bp == NO_ID)
		jw_null(w);
	else
		jw_num(w, (double)bp / 10000.0, 4);
}

static void write_sums(struct jw *w, const struct strategy_row *r)
{
	jw_kint(w, "lines", r->sums.lines);
	jw_kint(w, "units", r->sums.quantity);
	jw_kint(w, "revenue", r->sums.amount_minor);
	jw_kint(w, "cost", r->sums.cost_minor);
	jw_kint(w, "margin", r->sums.amount_minor - r->sums.cost_minor);
	k_rate(w, "margin_rate", r->margin_bp);
	jw_kint(w, "discounts", r->sums.discount_minor);
	k_rate(w, "actual_share", r->actual_share_bp);
}

static void write_plan(struct jw *w, const struct strategy_row *r, int with_share)
{
	jw_kbool(w, "planned", r->planned);
	k_money_or_null(w, "plan_id", r->plan_id);
	k_money_or_null(w, "plan_version", r->planned ? r->plan_version : NO_ID);
	if (!with_share)
		return;
	k_rate(w, "share", r->planned ? r->share_bp : NO_ID);
	k_money_or_null(w, "planned_revenue", r->planned_minor);
	k_rate(w, "attainment", r->attainment_bp);
}

void strategy_write_json(struct jw *w, const struct strategy *s)
{
	jw_obj(w);
	jw_kstr(w, "project", s->project);
	jw_kstr(w, "name", s->name);
	jw_kdate(w, "start", s->start_on);
	jw_kdate(w, "end", s->end_on);
	jw_kint(w, "budget", s->budget_minor);
	jw_key(w, "target");
	if (s->target_minor == NO_ID) {
		jw_null(w);
	} else {
		jw_obj(w);
		jw_kint(w, "goal", s->target_goal_id);
		jw_kstr(w, "name", s->target_goal);
		jw_kint(w, "revenue", s->target_minor);
		jw_obj_end(w);
	}
	jw_key(w, "totals");
	jw_obj(w);
	jw_kint(w, "lines", s->total.lines);
	jw_kint(w, "units", s->total.quantity);
	jw_kint(w, "revenue", s->total.amount_minor);
	jw_kint(w, "cost", s->total.cost_minor);
	jw_kint(w, "margin", s->total.amount_minor - s->total.cost_minor);
	k_rate(w, "margin_rate", s->margin_bp);
	jw_kint(w, "discounts", s->total.discount_minor);
	jw_kint(w, "channel_cost", s->channel_cost_minor);
	jw_kint(w, "promotion_cost", s->promotion_cost_minor);
	k_rate(w, "segment_share_planned", s->planned_segment_share_bp);
	k_rate(w, "channel_share_planned", s->planned_channel_share_bp);
	jw_kint(w, "channel_budget_planned", s->planned_channel_budget_minor);
	jw_obj_end(w);

	jw_key(w, "segments");
	jw_arr(w);
	for (size_t i = 0; i < s->segments.n; i++) {
		const struct strategy_row *r = &s->segments.items[i];
		jw_obj(w);
		jw_key(w, "segment");
		if (r->id)
			jw_str(w, r->code);
		else
			jw_null(w);
		jw_kstr(w, "name", r->name);
		jw_kint(w, "priority", r->priority);
		jw_kstr(w, "region", r->region);
		jw_kstr(w, "industry", r->industry);
		jw_kstr(w, "company_size", r->company_size);
		write_plan(w, r, 1);
		write_sums(w, r);
		jw_obj_end(w);
	}
	jw_arr_end(w);

	jw_key(w, "channels");
	jw_arr(w);
	for (size_t i = 0; i < s->channels.n; i++) {
		const struct strategy_row *r = &s->channels.items[i];
		jw_obj(w);
		jw_kstr(w, "channel", r->code);
		jw_kstr(w, "name", r->name);
		jw_kstr(w, "type", r->type);
		k_rate(w, "cost_rate", r->cost_rate_bp);
		write_plan(w, r, 1);
		jw_kint(w, "budget", r->planned ? r->budget_minor : 0);
		write_sums(w, r);
		jw_kint(w, "channel_cost", r->channel_cost_minor);
		k_money_or_null(w, "budget_left", r->remaining_minor);
		jw_kbool(w, "over_budget", r->over_budget);
		jw_obj_end(w);
	}
	jw_arr_end(w);

	jw_key(w, "promotions");
	jw_arr(w);
	for (size_t i = 0; i < s->promotions.n; i++) {
		const struct strategy_row *r = &s->promotions.items[i];
		jw_obj(w);
		jw_kstr(w, "promotion", r->code);
		jw_kstr(w, "name", r->name);
		jw_kstr(w, "kind", r->type);
		jw_kdate(w, "start", r->starts_on);
		jw_kdate(w, "end", r->ends_on);
		jw_kint(w, "budget", r->budget_minor);
		write_plan(w, r, 0);
		write_sums(w, r);
		jw_kint(w, "spent", r->channel_cost_minor);
		k_money_or_null(w, "budget_left", r->remaining_minor);
		jw_kbool(w, "over_budget", r->over_budget);
		jw_obj_end(w);
	}
	jw_arr_end(w);

	jw_key(w, "products");
	jw_arr(w);
	for (size_t i = 0; i < s->products.n; i++) {
		const struct strategy_row *r = &s->products.items[i];
		jw_obj(w);
		jw_kstr(w, "sku", r->code);
		jw_kstr(w, "name", r->name);
		jw_kint(w, "price", r->price_minor);
		jw_kint(w, "unit_cost", r->unit_cost_minor);
		k_rate(w, "list_margin", r->list_margin_bp);
		k_money_or_null(w, "competitor_price", r->competitor_price_minor);
		k_rate(w, "competitor_gap", r->competitor_gap_bp);
		write_sums(w, r);
		jw_obj_end(w);
	}
	jw_arr_end(w);

	jw_key(w, "prices");
	jw_arr(w);
	for (size_t i = 0; i < s->nprices; i++) {
		const struct strategy_price *x = &s->prices[i];
		jw_obj(w);
		jw_kstr(w, "sku", x->sku);
		jw_kstr(w, "name", x->name);
		jw_kdate(w, "effective", x->effective_on);
		jw_kint(w, "price", x->price_minor);
		k_money_or_null(w, "old_price", x->old_price_minor);
		jw_kint(w, "cost", x->cost_minor);
		jw_kstr(w, "reason", x->reason);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}
