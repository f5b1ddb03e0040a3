/*
 * evaluation.c - a project's evaluation report, every figure as of one day
 * (evaluation.h): goals from their progress (progress.h), quotas (quota.h),
 * sales from the kept daily sums (sale_rollup), the team's deals, activities,
 * feedback, problems and reviews, the adjustments and the lessons, in one
 * read transaction.
 */
#include "analytics/evaluation.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analytics/metric.h"
#include "analytics/progress.h"
#include "analytics/quota.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/jscan.h"
#include "base/xalloc.h"
#include "core/adjust.h"
#include "core/review.h"
#include "core/workspace.h"
#include "base/banned.h"

/* ?1 project, ?2 dim, ?3 first day, ?4 last day: the sums per key */
static const char SQL_SUMS[] =
	"SELECT key_id, SUM(quantity), SUM(amount_minor), SUM(cost_minor), SUM(discount_minor) "
	"FROM sale_rollup WHERE project_id = ?1 AND dim = ?2 AND day BETWEEN ?3 AND ?4 "
	"GROUP BY key_id";
/* ?1 project: the channels it planned or sold through */
static const char SQL_CHANNELS[] =
	"SELECT c.id, c.code, c.name, c.cost_rate_bp FROM channels c WHERE c.id IN "
	"(SELECT channel_id FROM project_channels WHERE project_id = ?1) OR c.id IN "
	"(SELECT key_id FROM sale_rollup WHERE project_id = ?1 AND dim = 'channel') "
	"ORDER BY c.code";
/* ?1 project: a closed project's channels, at the cost rates it closed with (migration 033) */
static const char SQL_CHANNELS_CLOSED[] =
	"SELECT c.id, c.code, c.name, t.cost_rate_bp FROM project_closed_terms t "
	"JOIN channels c ON c.id = t.ref_id WHERE t.project_id = ?1 AND t.kind = 'channel' "
	"ORDER BY c.code";
/* ?1 project: a closed project's promotions, on the terms it closed with */
static const char SQL_PROMOTIONS_CLOSED[] =
	"SELECT p.id, p.code, p.name, t.starts_on, t.ends_on, t.budget_minor, t.products, "
	"t.channels, t.segments FROM project_closed_terms t JOIN promotions p ON p.id = t.ref_id "
	"WHERE t.project_id = ?1 AND t.kind = 'promotion' ORDER BY p.code";
/* ?1 first day, ?2 last day, ?3 project: a closed project's price changes, as it closed */
static const char SQL_PRICES_CLOSED[] =
	"SELECT t.ref_id, p.sku, p.name, t.starts_on, t.price_minor, t.before_minor "
	"FROM project_closed_terms t JOIN products p ON p.id = t.ref_id "
	"WHERE t.project_id = ?3 AND t.kind = 'price' AND t.starts_on BETWEEN ?1 AND ?2 "
	"ORDER BY t.starts_on, p.sku";
/* ?1 project: the promotions it runs or sold with */
static const char SQL_PROMOTIONS[] =
	"SELECT p.id, p.code, p.name, p.starts_on, p.ends_on, p.budget_minor, p.products, "
	"p.channels, p.segments FROM promotions p WHERE p.id IN "
	"(SELECT promotion_id FROM project_promotions WHERE project_id = ?1) OR p.id IN "
	"(SELECT key_id FROM sale_rollup WHERE project_id = ?1 AND dim = 'promotion') "
	"ORDER BY p.code";
/*
 * ?1 project, ?2 the as-of day: each promotion's sales up to the day, read from the sales
 * (the promotion rollup keeps all time: used instead once the day is past the project's end)
 */
static const char SQL_PROMOTION_SALES[] =
	"SELECT promotion_id, SUM(amount_minor), SUM(discount_minor) FROM sales "
	"WHERE project_id = ?1 AND promotion_id IS NOT NULL AND sold_on <= ?2 "
	"GROUP BY promotion_id";
/* ?1 dim: the ids of the codes of a scope list (products by SKU, else by code) */
static const char SQL_PRODUCT_ID[] = "SELECT id FROM products WHERE sku = ?1";
static const char SQL_CHANNEL_ID[] = "SELECT id FROM channels WHERE code = ?1";
static const char SQL_SEGMENT_ID[] = "SELECT id FROM segments WHERE code = ?1";
/* ?1 first day, ?2 last day: the price changes of the window, each with the price before it */
static const char SQL_PRICES[] =
	"SELECT h.product_id, p.sku, p.name, h.effective_on, h.price_minor, "
	"(SELECT o.price_minor FROM price_history o WHERE o.product_id = h.product_id "
	"AND o.effective_on < h.effective_on ORDER BY o.effective_on DESC LIMIT 1) "
	"FROM price_history h JOIN products p ON p.id = h.product_id "
	"WHERE h.effective_on BETWEEN ?1 AND ?2 ORDER BY h.effective_on, p.sku";
/* ?1 project: the segments planned or sold to */
static const char SQL_SEGMENTS[] =
	"SELECT s.id, s.code, s.name, ps.share_bp FROM segments s LEFT JOIN project_segments ps "
	"ON ps.segment_id = s.id AND ps.project_id = ?1 WHERE ps.id IS NOT NULL OR s.id IN "
	"(SELECT key_id FROM sale_rollup WHERE project_id = ?1 AND dim = 'segment') "
	"ORDER BY s.code";
/* ?1 project: its deals, with the day each was entered (its first stage) */
static const char SQL_DEALS[] =
	"SELECT d.owner_id, d.won_on, d.lost_on, (SELECT MIN(h.changed_on) FROM deal_history h "
	"WHERE h.deal_id = d.id) FROM deals d WHERE d.project_id = ?1";
/* ?1 project, ?2 as-of day: activities done per member */
static const char SQL_ACTIVITIES[] =
	"SELECT user_id, COUNT(*) FROM activities WHERE project_id = ?1 AND status = 'done' "
	"AND happened_on <= ?2 GROUP BY user_id";
/* ?1 project, ?2 as-of day: ratings per member who served */
static const char SQL_RATINGS[] =
	"SELECT user_id, COUNT(*), SUM(rating) FROM feedback WHERE project_id = ?1 "
	"AND rating IS NOT NULL AND user_id IS NOT NULL AND given_on <= ?2 GROUP BY user_id";
/* ?1 project, ?2 the instant the as-of day ends: problems resolved per owner, in time */
static const char SQL_PROBLEMS[] =
	"SELECT owner_id, COUNT(*), SUM(CASE WHEN resolved_at <= due_at THEN 1 ELSE 0 END) "
	"FROM problems WHERE project_id = ?1 AND resolved_at IS NOT NULL AND resolved_at < ?2 "
	"GROUP BY owner_id";
/* ?1 project: teamwork per member reviewed */
static const char SQL_REVIEWS[] =
	"SELECT reviewee_id, COUNT(*), SUM(teamwork) FROM project_reviews WHERE project_id = ?1 "
	"GROUP BY reviewee_id";
/* ?1 project: its lessons, oldest first */
static const char SQL_LESSONS[] =
	"SELECT l.id, l.kind, l.text, COALESCE(u.login, ''), l.created_at FROM project_lessons l "
	"LEFT JOIN users u ON u.id = l.author_id WHERE l.project_id = ?1 ORDER BY l.id";

/* Sums per key over a window, sorted by key. */
struct ev_sum {
	int64_t key, quantity, amount, cost, discount;
};

struct ev_sums {
	struct ev_sum *items;
	size_t n, alloc;
};

static int cmp_sum(const void *a, const void *b)
{
	const struct ev_sum *x = a, *y = b;
	return x->key < y->key ? -1 : x->key > y->key;
}

static int load_sums(struct store *st, int64_t pid, const char *dim, int32_t from, int32_t to,
		     struct ev_sums *out, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_SUMS, err);
	int rc;

	out->n = 0;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, pid);
	store_bind_text(st, s, 2, dim);
	store_bind_int(st, s, 3, from);
	store_bind_int(st, s, 4, to);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct ev_sum *e;
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		e = &out->items[out->n++];
		e->key = store_col_int(st, s, 0);
		e->quantity = store_col_int(st, s, 1);
		e->amount = store_col_int(st, s, 2);
		e->cost = store_col_int(st, s, 3);
		e->discount = store_col_int(st, s, 4);
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (out->n > 1)
		qsort(out->items, out->n, sizeof(*out->items), cmp_sum);
	return 0;
}

static const struct ev_sum *sum_of(const struct ev_sums *l, int64_t key)
{
	static const struct ev_sum zero;
	struct ev_sum k = { .key = key };
	const struct ev_sum *f = l->n ? bsearch(&k, l->items, l->n, sizeof(k), cmp_sum) : NULL;
	return f ? f : &zero;
}

/* num / den, NAN when den is 0. */
static double ratio(double num, double den)
{
	return den != 0 ? num / den : NAN;
}

/* v x bp / 10000, rounded half away from zero (v within the limit of any total). */
static int64_t apply_bp(int64_t v, int64_t bp)
{
	__int128 x = (__int128)v * bp;
	x = x >= 0 ? (x + 5000) / 10000 : (x - 5000) / 10000;
	return (int64_t)x;
}

/* A day's end as an instant: the first second of the next day, in local time. */
static int64_t day_end(int32_t day)
{
	struct tm tm;
	int y, m, d;

	memset(&tm, 0, sizeof(tm));
	date_to_ymd(day + 1, &y, &m, &d);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static void copy_col(char *dst, size_t size, struct store *st, struct stmt *s, int col)
{
	snprintf(dst, size, "%s", store_col_text(st, s, col));
}

/* ?1 project: when it was closed (NULL while open) */
static const char SQL_CLOSED_AT[] = "SELECT closed_at FROM projects WHERE id = ?1";

int32_t evaluation_local_day(int64_t at)
{
	time_t t = (time_t)at;
	struct tm tm;

	localtime_r(&t, &tm);
	return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* ev->closed_at from the project's row. */
static int read_closed_at(struct store *st, struct evaluation *ev, struct err *err)
{
	struct stmt *s;
	int rc;

	if (!(s = store_prepare(st, SQL_CLOSED_AT, err)))
		return -1;
	store_bind_int(st, s, 1, ev->project.id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		ev->closed_at = store_col_int_or(st, s, 0, NO_ID);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static int read_goals(struct store *st, const struct actor *a, struct evaluation *ev,
		      struct err *err)
{
	struct goal_board b;

	if (goal_board_collect(st, a, &ev->project, ev->as_of, &b, err))
		return -1;
	ev->goals = xcalloc(b.goals.n ? b.goals.n : 1, sizeof(*ev->goals));
	ev->ngoals = b.goals.n;
	for (size_t i = 0; i < b.goals.n; i++) {
		const struct goal *g = &b.goals.items[i];
		const struct goal_progress *gp = &b.progress[i];
		struct ev_goal *o = &ev->goals[i];
		o->id = g->id;
		snprintf(o->name, sizeof(o->name), "%s", g->name);
		o->metric = g->metric;
		o->unit = metric_def(g->metric) ? metric_def(g->metric)->unit : UNIT_COUNT;
		o->target = g->target;
		o->actual = gp->actual;
		o->attainment = o->target != NO_VALUE && o->actual != NO_VALUE && o->target != 0
					? (double)o->actual / (double)o->target
					: NAN;
		o->met = o->target != NO_VALUE && o->actual != NO_VALUE && o->actual >= o->target;
		o->due = g->due_on;
		o->status = goal_status_str(gp->status);
		ev->totals.goals++;
		ev->totals.goals_met += o->met;
	}
	goal_board_release(&b);
	return 0;
}

static int read_totals(struct store *st, struct evaluation *ev, struct ev_sums *sums,
		       struct err *err)
{
	struct metric_query q = { 0 };
	const struct ev_sum *all;
	int64_t v;

	if (load_sums(st, ev->project.id, "all", INT32_MIN + 1, ev->as_of, sums, err))
		return -1;
	all = sum_of(sums, 0);
	ev->totals.revenue = all->amount;
	ev->totals.margin = all->amount - all->cost;
	ev->totals.units = all->quantity;
	q.metric = METRIC_NEW_CUSTOMERS;
	q.project_id = ev->project.id;
	q.from = ev->project.start_on;
	q.to = ev->as_of;
	if (ev->as_of >= ev->project.start_on) {
		if (metric_value(st, &q, &v, err))
			return -1;
		ev->totals.new_customers = v == NO_VALUE ? 0 : v;
	}
	return 0;
}

static int read_channels(struct store *st, struct evaluation *ev, struct ev_sums *sums,
			 struct err *err)
{
	struct stmt *s;
	int rc;

	/* a closed project: the rates it closed with, not today's */
	if (load_sums(st, ev->project.id, "channel", INT32_MIN + 1, ev->as_of, sums, err) ||
	    !(s = store_prepare(st, ev->interim ? SQL_CHANNELS : SQL_CHANNELS_CLOSED, err)))
		return -1;
	store_bind_int(st, s, 1, ev->project.id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct ev_channel *c;
		const struct ev_sum *x;
		ALLOC_GROW(ev->channels, ev->nchannels + 1, ev->achannels);
		c = &ev->channels[ev->nchannels++];
		memset(c, 0, sizeof(*c));
		c->id = store_col_int(st, s, 0);
		copy_col(c->code, sizeof(c->code), st, s, 1);
		copy_col(c->name, sizeof(c->name), st, s, 2);
		c->cost_rate_bp = store_col_int(st, s, 3);
		x = sum_of(sums, c->id);
		c->revenue = x->amount;
		c->margin = x->amount - x->cost;
		c->cost = apply_bp(c->revenue, c->cost_rate_bp);
		c->roi = ratio((double)(c->margin - c->cost), (double)c->cost);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* The id of code by sql (one of SQL_*_ID), or NO_ID. */
static int id_of(struct store *st, const char *sql, const char *code, int64_t *out,
		 struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;

	*out = NO_ID;
	if (!s)
		return -1;
	store_bind_text(st, s, 1, code);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		*out = store_col_int(st, s, 0);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* The revenue of a promotion's scope (dim and the ids of list) from from to to. */
static int scope_revenue(struct store *st, int64_t pid, const char *dim, const char *sql,
			 const char *list, int32_t from, int32_t to, struct ev_sums *sums,
			 int64_t *out, struct err *err)
{
	char code[64];
	const char *p = list;

	*out = 0;
	if (to < from)
		return 0;
	if (load_sums(st, pid, dim, from, to, sums, err))
		return -1;
	if (!sql) {
		*out = sum_of(sums, 0)->amount;
		return 0;
	}
	while (*p) {
		size_t n = strcspn(p, ",");
		int64_t id;
		int len = (int)(n < sizeof(code) ? n : sizeof(code) - 1);

		snprintf(code, sizeof(code), "%.*s", len, p);
		if (code[0] && id_of(st, sql, code, &id, err))
			return -1;
		if (code[0] && id != NO_ID)
			*out += sum_of(sums, id)->amount;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* A promotion's scope lists (columns 6, 7, 8) as one allocation: products\0channels\0segments\0. */
static char *scope_lists(struct store *st, struct stmt *s)
{
	struct buf b = BUF_INIT;

	for (int col = 6; col <= 8; col++) {
		buf_adds(&b, store_col_text(st, s, col));
		buf_addch(&b, 0);
	}
	return buf_detach(&b, NULL);
}

static int64_t round_div(int64_t num, int64_t den)
{
	if (den <= 0)
		return 0;
	return num >= 0 ? (num + den / 2) / den : -((-num + den / 2) / den);
}

static int read_promotions(struct store *st, struct evaluation *ev, struct ev_sums *sums,
			   struct err *err)
{
	struct ev_sums own = { 0 };
	char **lists = NULL;
	size_t nlists = 0, alists = 0;
	struct stmt *s;
	int rc, r = -1;

	/* each promotion's own sales up to the day */
	if (ev->as_of >= ev->project.end_on) {
		if (load_sums(st, ev->project.id, "promotion", INT32_MIN + 1, INT32_MAX, &own, err))
			goto out;
	} else {
		if (!(s = store_prepare(st, SQL_PROMOTION_SALES, err)))
			goto out;
		store_bind_int(st, s, 1, ev->project.id);
		store_bind_int(st, s, 2, ev->as_of);
		while ((rc = store_step(st, s, err)) == STORE_ROW) {
			struct ev_sum *e;
			ALLOC_GROW(own.items, own.n + 1, own.alloc);
			e = &own.items[own.n++];
			memset(e, 0, sizeof(*e));
			e->key = store_col_int(st, s, 0);
			e->amount = store_col_int(st, s, 1);
			e->discount = store_col_int(st, s, 2);
		}
		store_done(st, s);
		if (rc < 0)
			goto out;
		if (own.n > 1)
			qsort(own.items, own.n, sizeof(*own.items), cmp_sum);
	}
	if (!(s = store_prepare(st, ev->interim ? SQL_PROMOTIONS : SQL_PROMOTIONS_CLOSED, err)))
		goto out;
	store_bind_int(st, s, 1, ev->project.id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct ev_promotion *pr;
		const struct ev_sum *x;
		ALLOC_GROW(ev->promotions, ev->npromotions + 1, ev->apromotions);
		pr = &ev->promotions[ev->npromotions++];
		memset(pr, 0, sizeof(*pr));
		pr->id = store_col_int(st, s, 0);
		copy_col(pr->code, sizeof(pr->code), st, s, 1);
		copy_col(pr->name, sizeof(pr->name), st, s, 2);
		pr->from = (int32_t)store_col_int_or(st, s, 3, ev->project.start_on);
		pr->to = (int32_t)store_col_int_or(st, s, 4, ev->project.end_on);
		pr->budget = store_col_int(st, s, 5);
		x = sum_of(&own, pr->id);
		pr->revenue = x->amount;
		pr->discount = x->discount;
		pr->lift = pr->roi = NAN;
		ALLOC_GROW(lists, nlists + 1, alists);
		lists[nlists++] = scope_lists(st, s);
	}
	store_done(st, s);
	if (rc < 0)
		goto out;
	r = 0;
	for (size_t i = 0; i < ev->npromotions; i++) {
		struct ev_promotion *pr = &ev->promotions[i];
		const char *products = lists[i], *channels = products + strlen(products) + 1,
			   *segments = channels + strlen(channels) + 1;
		const char *dim = "all", *sql = NULL, *list = "";
		int64_t during = 0, before = 0;

		if (pr->from < ev->project.start_on)
			pr->from = ev->project.start_on;
		if (pr->to > ev->project.end_on)
			pr->to = ev->project.end_on;
		if (pr->to > ev->as_of)
			pr->to = ev->as_of;
		if (*products)
			dim = "product", sql = SQL_PRODUCT_ID, list = products;
		else if (*channels)
			dim = "channel", sql = SQL_CHANNEL_ID, list = channels;
		else if (*segments)
			dim = "segment", sql = SQL_SEGMENT_ID, list = segments;
		if (pr->to >= pr->from) {
			pr->days = pr->to - pr->from + 1;
			/*
			 * as many days before, but only those inside the project (no sales
			 * can be outside it): the baseline is their daily mean, scaled to
			 * the promotion's days; none of them inside, no baseline
			 */
			int32_t b_from = pr->from - pr->days, b_to = pr->from - 1, covered;
			double base;

			if (b_from < ev->project.start_on)
				b_from = ev->project.start_on;
			covered = b_to >= b_from ? b_to - b_from + 1 : 0;
			if (!r)
				r = scope_revenue(st, ev->project.id, dim, sql, list, pr->from,
						  pr->to, sums, &during, err);
			if (!r && covered > 0)
				r = scope_revenue(st, ev->project.id, dim, sql, list, b_from, b_to,
						  sums, &before, err);
			pr->promo_daily = round_div(during, pr->days);
			pr->baseline_daily = round_div(before, covered);
			if (covered > 0) {
				base = (double)before * pr->days / covered;
				pr->lift = base > 0 ? (double)during / base - 1.0 : NAN;
				pr->roi = ratio((double)during - base - (double)pr->discount,
						(double)pr->discount);
			}
		} else {
			pr->from = pr->to = NO_DATE;
		}
	}
out:
	for (size_t i = 0; i < nlists; i++)
		free(lists[i]);
	free(lists);
	free(own.items);
	return r;
}

static int read_prices(struct store *st, struct evaluation *ev, struct ev_sums *sums,
		       struct err *err)
{
	struct ev_sums sold = { 0 };
	struct stmt *s;
	int32_t last = ev->as_of < ev->project.end_on ? ev->as_of : ev->project.end_on;
	int rc, r = -1;

	if (load_sums(st, ev->project.id, "product", INT32_MIN + 1, ev->as_of, &sold, err) ||
	    !(s = store_prepare(st, ev->interim ? SQL_PRICES : SQL_PRICES_CLOSED, err)))
		goto out;
	store_bind_int(st, s, 1, ev->project.start_on + 1);
	store_bind_int(st, s, 2, last);
	if (!ev->interim) /* the price points it closed with */
		store_bind_int(st, s, 3, ev->project.id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t pid = store_col_int(st, s, 0);
		struct ev_price *p;
		if (store_col_is_null(st, s, 5) || sum_of(&sold, pid)->quantity == 0)
			continue; /* a first price, or a product the project never sold */
		ALLOC_GROW(ev->prices, ev->nprices + 1, ev->aprices);
		p = &ev->prices[ev->nprices++];
		memset(p, 0, sizeof(*p));
		copy_col(p->sku, sizeof(p->sku), st, s, 1);
		copy_col(p->name, sizeof(p->name), st, s, 2);
		p->changed_on = (int32_t)store_col_int(st, s, 3);
		p->after_price = store_col_int(st, s, 4);
		p->before_price = store_col_int(st, s, 5);
		p->product_id = pid;
	}
	store_done(st, s);
	if (rc < 0)
		goto out;
	for (size_t i = 0; i < ev->nprices; i++) {
		struct ev_price *p = &ev->prices[i];
		int64_t pid = p->product_id;
		int w = EVALUATION_PRICE_WINDOW;
		const struct ev_sum *x;

		if (p->changed_on - ev->project.start_on < w)
			w = p->changed_on - ev->project.start_on;
		if (last - p->changed_on + 1 < w)
			w = last - p->changed_on + 1;
		p->window_days = w > 0 ? w : 0;
		if (w <= 0)
			continue;
		if (load_sums(st, ev->project.id, "product", p->changed_on - w, p->changed_on - 1,
			      sums, err))
			goto out;
		x = sum_of(sums, pid);
		p->units_before = x->quantity;
		p->revenue_before = x->amount;
		if (load_sums(st, ev->project.id, "product", p->changed_on, p->changed_on + w - 1,
			      sums, err))
			goto out;
		x = sum_of(sums, pid);
		p->units_after = x->quantity;
		p->revenue_after = x->amount;
	}
	r = 0;
out:
	free(sold.items);
	return r;
}

static int read_segments(struct store *st, struct evaluation *ev, struct ev_sums *sums,
			 struct err *err)
{
	struct stmt *s;
	int rc;

	if (load_sums(st, ev->project.id, "segment", INT32_MIN + 1, ev->as_of, sums, err) ||
	    !(s = store_prepare(st, SQL_SEGMENTS, err)))
		return -1;
	store_bind_int(st, s, 1, ev->project.id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct ev_segment *g;
		ALLOC_GROW(ev->segments, ev->nsegments + 1, ev->asegments);
		g = &ev->segments[ev->nsegments++];
		memset(g, 0, sizeof(*g));
		g->id = store_col_int(st, s, 0);
		copy_col(g->code, sizeof(g->code), st, s, 1);
		copy_col(g->name, sizeof(g->name), st, s, 2);
		g->planned_share = NAN;
		if (!store_col_is_null(st, s, 3))
			g->planned_share = (double)store_col_int(st, s, 3) / 10000.0;
		g->revenue = sum_of(sums, g->id)->amount;
		g->actual_share = ratio((double)g->revenue, (double)ev->totals.revenue);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static struct ev_member *member_by_id(struct evaluation *ev, int64_t uid)
{
	for (size_t i = 0; i < ev->nteam; i++)
		if (ev->team[i].user_id == uid)
			return &ev->team[i];
	return NULL;
}

/* Rows of (user, a, b) by sql for the project as of the day (?2 as given). */
static int read_per_member(struct store *st, struct evaluation *ev, const char *sql, int64_t p2,
			   int ncols, void (*take)(struct ev_member *m, const int64_t *v),
			   struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, ev->project.id);
	if (ncols > 0)
		store_bind_int(st, s, 2, p2);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t v[3] = { 0, 0, 0 };
		struct ev_member *m = member_by_id(ev, store_col_int(st, s, 0));
		for (int i = 0; i < 3 && i < (ncols < 0 ? -ncols : ncols); i++)
			v[i] = store_col_int_or(st, s, i + 1, 0);
		if (m)
			take(m, v);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static void take_activities(struct ev_member *m, const int64_t *v)
{
	m->activities = v[0];
}

static void take_ratings(struct ev_member *m, const int64_t *v)
{
	m->ratings = v[0];
	m->rating = ratio((double)v[1], (double)v[0]);
}

static void take_problems(struct ev_member *m, const int64_t *v)
{
	m->problems_resolved = v[0];
	m->problems_in_sla = v[1];
}

/* the mean by the one rounding of the reviews screen (review_mean_tenths: 17/4 is 4.3) */
static void take_reviews(struct ev_member *m, const int64_t *v)
{
	struct review_summary rs = { .reviews = v[0], .teamwork_sum = v[1] };
	int64_t tenths = review_mean_tenths(&rs);

	m->reviews = v[0];
	m->teamwork = tenths < 0 ? NAN : (double)tenths / 10.0;
}

/* The quotas of the project's first revenue goal without a scope that has a saved split. */
static int read_quotas(struct store *st, const struct actor *a, struct evaluation *ev,
		       struct err *err)
{
	struct goal_list gl = { 0 };
	int r = 0;

	if (goal_list(st, a, ev->project.code, &gl, err))
		return -1;
	for (size_t i = 0; i < gl.n && !r; i++) {
		const struct goal *g = &gl.items[i];
		struct quota_goal q;
		if (g->metric != METRIC_REVENUE || g->scope.segment_id != NO_ID ||
		    g->scope.channel_id != NO_ID || g->scope.product_id != NO_ID ||
		    g->scope.rep_id != NO_ID)
			continue;
		if ((r = quota_goal_load(st, g, ev->as_of, &q, err)))
			break;
		if (q.version > 0 && q.n > 0) {
			for (size_t k = 0; k < q.n; k++) {
				struct ev_member *m = member_by_id(ev, q.members[k].line.user_id);
				if (!m)
					continue;
				m->quota = q.members[k].line.target;
				m->attainment = q.members[k].actual == NO_VALUE
							? NAN
							: ratio((double)q.members[k].actual,
								(double)m->quota);
			}
			quota_goal_release(&q);
			break;
		}
		quota_goal_release(&q);
	}
	goal_list_release(&gl);
	return r;
}

static int read_deals(struct store *st, struct evaluation *ev, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_DEALS, err);
	double *cycle = xcalloc(ev->nteam ? ev->nteam : 1, sizeof(double));
	int64_t *ncycle = xcalloc(ev->nteam ? ev->nteam : 1, sizeof(int64_t));
	int rc;

	if (!s) {
		free(cycle);
		free(ncycle);
		return -1;
	}
	store_bind_int(st, s, 1, ev->project.id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct ev_member *m = member_by_id(ev, store_col_int(st, s, 0));
		int64_t won = store_col_int_or(st, s, 1, NO_ID);
		int64_t lost = store_col_int_or(st, s, 2, NO_ID);
		int64_t entered = store_col_int_or(st, s, 3, NO_ID);
		if (won != NO_ID && won <= ev->as_of) {
			ev->totals.deals_won++;
			if (m) {
				m->deals_won++;
				/*
				 * the mean cycle is over the deals that have one: a deal
				 * recorded after it was won (backdated) has none
				 */
				if (entered != NO_ID && won > entered) {
					cycle[m - ev->team] += (double)(won - entered);
					ncycle[m - ev->team]++;
				}
			}
		} else if (lost != NO_ID && lost <= ev->as_of) {
			ev->totals.deals_lost++;
			if (m)
				m->deals_lost++;
		}
	}
	store_done(st, s);
	for (size_t i = 0; i < ev->nteam; i++) {
		struct ev_member *m = &ev->team[i];
		m->win_rate = ratio((double)m->deals_won, (double)(m->deals_won + m->deals_lost));
		m->cycle_days = ratio(cycle[i], (double)ncycle[i]);
	}
	ev->totals.win_rate = ratio((double)ev->totals.deals_won,
				    (double)(ev->totals.deals_won + ev->totals.deals_lost));
	free(cycle);
	free(ncycle);
	return rc < 0 ? -1 : 0;
}

static int read_team(struct store *st, const struct actor *a, struct evaluation *ev,
		     struct ev_sums *sums, int managers_view, struct err *err)
{
	struct member_list ml = { 0 };

	if (member_list(st, a, ev->project.code, &ml, err))
		return -1;
	for (size_t i = 0; i < ml.n; i++) {
		const struct member *mb = &ml.items[i];
		struct ev_member *m;
		if (mb->role == PROLE_VIEWER)
			continue;
		ALLOC_GROW(ev->team, ev->nteam + 1, ev->ateam);
		m = &ev->team[ev->nteam++];
		memset(m, 0, sizeof(*m));
		m->user_id = mb->user_id;
		snprintf(m->login, sizeof(m->login), "%s", mb->login);
		snprintf(m->name, sizeof(m->name), "%s", mb->name);
		m->quota = NO_VALUE;
		m->attainment = m->win_rate = m->cycle_days = m->rating = m->in_sla_rate = NAN;
		m->teamwork = NAN;
		m->teamwork_hidden = !managers_view && mb->user_id != a->user_id;
	}
	member_list_release(&ml);
	if (load_sums(st, ev->project.id, "rep", INT32_MIN + 1, ev->as_of, sums, err))
		return -1;
	for (size_t i = 0; i < ev->nteam; i++)
		ev->team[i].revenue = sum_of(sums, ev->team[i].user_id)->amount;
	if (read_quotas(st, a, ev, err) || read_deals(st, ev, err) ||
	    read_per_member(st, ev, SQL_ACTIVITIES, ev->as_of, 1, take_activities, err) ||
	    read_per_member(st, ev, SQL_RATINGS, ev->as_of, 2, take_ratings, err) ||
	    read_per_member(st, ev, SQL_PROBLEMS, day_end(ev->as_of), 2, take_problems, err))
		return -1;
	if (read_per_member(st, ev, SQL_REVIEWS, 0, -2, take_reviews, err))
		return -1;
	for (size_t i = 0; i < ev->nteam; i++) {
		struct ev_member *m = &ev->team[i];
		m->in_sla_rate = ratio((double)m->problems_in_sla, (double)m->problems_resolved);
		if (m->teamwork_hidden) {
			m->teamwork = NAN;
			m->reviews = 0;
		}
	}
	return 0;
}

/* A JSON value's text as a reader reads it: a string unescaped, else as written. */
static char *value_text(struct jval v)
{
	struct buf b = BUF_INIT;
	char *s;

	if (!v.n || (v.n == 4 && !memcmp(v.p, "null", 4)))
		return xstrdup("");
	if (jscan_is_string(v) && !jscan_text(v, &b)) {
		s = xstrdup(b.p ? b.p : "");
		buf_release(&b);
		return s;
	}
	buf_release(&b);
	return xstrndup(v.p, v.n);
}

/*
 * The adjustments, oldest first. An open project's up to the as-of day; a closed
 * project's every one, since after closing an adjustment is the only way its figures
 * move (and they are read as they are now): those made after it closed are marked.
 */
static int read_adjustments(struct store *st, const struct actor *a, struct evaluation *ev,
			    struct err *err)
{
	struct adjustment_list l = { 0 };
	struct adjust_query q = { .from_on = NO_DATE, .to_on = ev->as_of };
	struct buf field = BUF_INIT;

	if (!ev->interim)
		q.to_on = NO_DATE;
	if (adjust_list(st, a, ev->project.code, &q, &l, err))
		return -1;
	for (size_t k = l.n; k-- > 0;) {
		const struct adjustment *x = &l.items[k];
		const char *cp;
		size_t at = 0, cn;

		while (adjust_change_next(x, &at, &field, &cp, &cn)) {
			struct jval c = { cp, cn };
			struct ev_adjustment *o;
			ALLOC_GROW(ev->adjustments, ev->nadjustments + 1, ev->aadjustments);
			o = &ev->adjustments[ev->nadjustments++];
			memset(o, 0, sizeof(*o));
			o->id = x->id;
			snprintf(o->kind, sizeof(o->kind), "%s", adjust_kind_str(x->kind));
			snprintf(o->record, sizeof(o->record), "%s", x->record);
			snprintf(o->field, sizeof(o->field), "%s", field.p ? field.p : "");
			o->before = value_text(jscan_member(c, "before"));
			o->after = value_text(jscan_member(c, "after"));
			o->reason = xstrdup(x->reason);
			snprintf(o->by, sizeof(o->by), "%s", x->actor);
			o->at = x->at;
			o->after_close = !ev->interim && ev->closed_at != NO_ID && x->at > ev->closed_at;
		}
	}
	buf_release(&field);
	adjustment_list_release(&l);
	return 0;
}

static int read_lessons(struct store *st, struct evaluation *ev, struct err *err)
{
	struct stmt *s;
	int rc;

	if (!(s = store_prepare(st, SQL_LESSONS, err)))
		return -1;
	store_bind_int(st, s, 1, ev->project.id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct ev_lesson *l;
		ALLOC_GROW(ev->lessons, ev->nlessons + 1, ev->alessons);
		l = &ev->lessons[ev->nlessons++];
		memset(l, 0, sizeof(*l));
		l->id = store_col_int(st, s, 0);
		copy_col(l->kind, sizeof(l->kind), st, s, 1);
		l->text = xstrdup(store_col_text(st, s, 2));
		copy_col(l->by, sizeof(l->by), st, s, 3);
		l->at = store_col_int(st, s, 4);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static int collect(struct store *st, const struct actor *a, int32_t as_of,
		   struct evaluation *ev, struct err *err)
{
	struct ev_sums sums = { 0 };
	enum prole pr = project_access(st, a, ev->project.id, err);
	int managers_view = a->role >= ROLE_MANAGER || pr >= PROLE_MANAGER;
	int r;

	if (pr == PROLE_NONE && err->code)
		return -1;
	if (read_closed_at(st, ev, err))
		return -1;
	if (!strcmp(ev->project.status, "closed")) {
		/* a closed project's figures are as of its own day, whatever is asked */
		int32_t closed = NO_DATE;

		if (ev->closed_at != NO_ID)
			closed = evaluation_local_day(ev->closed_at);
		ev->as_of = closed != NO_DATE && closed < ev->project.end_on ? closed
									     : ev->project.end_on;
		ev->interim = 0;
	} else {
		ev->closed_at = NO_ID;
		ev->as_of = as_of != NO_DATE ? as_of : date_today();
		ev->interim = 1;
	}
	r = read_goals(st, a, ev, err) || read_totals(st, ev, &sums, err) ||
	    read_channels(st, ev, &sums, err) || read_promotions(st, ev, &sums, err) ||
	    read_prices(st, ev, &sums, err) || read_segments(st, ev, &sums, err) ||
	    read_team(st, a, ev, &sums, managers_view, err) || read_adjustments(st, a, ev, err) ||
	    read_lessons(st, ev, err);
	free(sums.items);
	return r ? -1 : 0;
}

int evaluation_build(struct store *st, const struct actor *a, const char *code, int32_t as_of,
		     struct evaluation *out, struct err *err)
{
	int r;

	memset(out, 0, sizeof(*out));
	out->closed_at = NO_ID;
	if (project_get(st, a, code, &out->project, err))
		return -1;
	out->generated_at = ts_now();
	if (store_begin(st, 0, err))
		return -1;
	/* the currency only: workspace_load may set the process's zone, not a thread's to do */
	if (workspace_currency(st, out->currency, sizeof(out->currency), err)) {
		store_rollback(st);
		return -1;
	}
	metric_memo_begin(st);
	r = collect(st, a, as_of, out, err);
	metric_memo_end();
	store_rollback(st);
	if (r)
		evaluation_release(out);
	return r;
}

void evaluation_release(struct evaluation *ev)
{
	for (size_t i = 0; i < ev->nadjustments; i++) {
		free(ev->adjustments[i].before);
		free(ev->adjustments[i].after);
		free(ev->adjustments[i].reason);
	}
	for (size_t i = 0; i < ev->nlessons; i++)
		free(ev->lessons[i].text);
	free(ev->goals);
	free(ev->channels);
	free(ev->promotions);
	free(ev->prices);
	free(ev->segments);
	free(ev->team);
	free(ev->adjustments);
	free(ev->lessons);
	ev->goals = NULL;
	ev->channels = NULL;
	ev->promotions = NULL;
	ev->prices = NULL;
	ev->segments = NULL;
	ev->team = NULL;
	ev->adjustments = NULL;
	ev->lessons = NULL;
	ev->ngoals = ev->nchannels = ev->npromotions = ev->nprices = ev->nsegments = 0;
	ev->nteam = ev->nadjustments = ev->nlessons = 0;
}

/* --- JSON ------------------------------------------------------------------------- */

static const char *const unit_names[] = { "money", "count", "ratio" };

void evaluation_write_value(struct jw *w, enum unit u, int64_t v)
{
	if (v == NO_VALUE)
		jw_null(w);
	else if (u == UNIT_RATIO)
		jw_num(w, (double)v / 10000.0, 4);
	else
		jw_int(w, v);
}

static void kratio(struct jw *w, const char *key, double v)
{
	jw_knum(w, key, v, 4);
}

static void write_goals(struct jw *w, const struct evaluation *ev)
{
	jw_key(w, "goals");
	jw_arr(w);
	for (size_t i = 0; i < ev->ngoals; i++) {
		const struct ev_goal *g = &ev->goals[i];
		jw_obj(w);
		jw_kint(w, "id", g->id);
		jw_kstr(w, "name", g->name);
		jw_kstr(w, "metric", metric_def(g->metric) ? metric_def(g->metric)->name : NULL);
		jw_kstr(w, "unit", unit_names[g->unit]);
		jw_key(w, "target");
		evaluation_write_value(w, g->unit, g->target);
		jw_key(w, "actual");
		evaluation_write_value(w, g->unit, g->actual);
		kratio(w, "attainment", g->attainment);
		jw_kbool(w, "met", g->met);
		jw_kdate(w, "due", g->due);
		jw_kstr(w, "status", g->status);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void write_strategy(struct jw *w, const struct evaluation *ev)
{
	jw_key(w, "channels");
	jw_arr(w);
	for (size_t i = 0; i < ev->nchannels; i++) {
		const struct ev_channel *c = &ev->channels[i];
		jw_obj(w);
		jw_kstr(w, "code", c->code);
		jw_kstr(w, "name", c->name);
		jw_kint(w, "revenue", c->revenue);
		jw_kint(w, "margin", c->margin);
		kratio(w, "cost_rate", (double)c->cost_rate_bp / 10000.0);
		jw_kint(w, "cost", c->cost);
		kratio(w, "roi", c->roi);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "promotions");
	jw_arr(w);
	for (size_t i = 0; i < ev->npromotions; i++) {
		const struct ev_promotion *p = &ev->promotions[i];
		jw_obj(w);
		jw_kstr(w, "code", p->code);
		jw_kstr(w, "name", p->name);
		jw_kdate(w, "from", p->from);
		jw_kdate(w, "to", p->to);
		jw_kint(w, "days", p->days);
		jw_kint(w, "revenue", p->revenue);
		jw_kint(w, "baseline_daily", p->baseline_daily);
		jw_kint(w, "promo_daily", p->promo_daily);
		kratio(w, "lift", p->lift);
		jw_kint(w, "discount", p->discount);
		jw_kint(w, "budget", p->budget);
		kratio(w, "roi", p->roi);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "prices");
	jw_arr(w);
	for (size_t i = 0; i < ev->nprices; i++) {
		const struct ev_price *p = &ev->prices[i];
		jw_obj(w);
		jw_kstr(w, "sku", p->sku);
		jw_kstr(w, "name", p->name);
		jw_kdate(w, "changed_on", p->changed_on);
		jw_kint(w, "before_price", p->before_price);
		jw_kint(w, "after_price", p->after_price);
		jw_kint(w, "window_days", p->window_days);
		jw_kint(w, "units_before", p->units_before);
		jw_kint(w, "units_after", p->units_after);
		jw_kint(w, "revenue_before", p->revenue_before);
		jw_kint(w, "revenue_after", p->revenue_after);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "segments");
	jw_arr(w);
	for (size_t i = 0; i < ev->nsegments; i++) {
		const struct ev_segment *g = &ev->segments[i];
		jw_obj(w);
		jw_kstr(w, "code", g->code);
		jw_kstr(w, "name", g->name);
		kratio(w, "planned_share", g->planned_share);
		kratio(w, "actual_share", g->actual_share);
		jw_kint(w, "revenue", g->revenue);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void write_team(struct jw *w, const struct evaluation *ev)
{
	jw_key(w, "team");
	jw_arr(w);
	for (size_t i = 0; i < ev->nteam; i++) {
		const struct ev_member *m = &ev->team[i];
		jw_obj(w);
		jw_kstr(w, "login", m->login);
		jw_kstr(w, "name", m->name);
		jw_key(w, "quota");
		evaluation_write_value(w, UNIT_MONEY, m->quota);
		jw_kint(w, "revenue", m->revenue);
		kratio(w, "attainment", m->attainment);
		jw_kint(w, "deals_won", m->deals_won);
		jw_kint(w, "deals_lost", m->deals_lost);
		kratio(w, "win_rate", m->win_rate);
		jw_knum(w, "cycle_days", m->cycle_days, 1);
		jw_kint(w, "activities", m->activities);
		jw_knum(w, "rating", m->rating, 2);
		jw_kint(w, "ratings", m->ratings);
		jw_kint(w, "problems_resolved", m->problems_resolved);
		jw_kint(w, "problems_in_sla", m->problems_in_sla);
		kratio(w, "in_sla_rate", m->in_sla_rate);
		jw_knum(w, "teamwork", m->teamwork, 1);
		jw_key(w, "reviews");
		if (m->teamwork_hidden)
			jw_null(w);
		else
			jw_int(w, m->reviews);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

void evaluation_write_json(struct jw *w, const struct evaluation *ev)
{
	const struct project *p = &ev->project;

	jw_obj(w);
	jw_key(w, "project");
	jw_obj(w);
	jw_kstr(w, "code", p->code);
	jw_kstr(w, "name", p->name);
	jw_kstr(w, "currency", ev->currency);
	jw_kdate(w, "start", p->start_on);
	jw_kdate(w, "end", p->end_on);
	jw_kstr(w, "status", p->status);
	jw_key(w, "closed_at");
	if (ev->closed_at == NO_ID)
		jw_null(w);
	else
		jw_ts(w, ev->closed_at);
	jw_obj_end(w);
	jw_kbool(w, "interim", ev->interim);
	jw_kdate(w, "as_of", ev->as_of);
	jw_kts(w, "generated_at", ev->generated_at);
	write_goals(w, ev);
	write_strategy(w, ev);
	write_team(w, ev);
	jw_key(w, "adjustments");
	jw_arr(w);
	for (size_t i = 0; i < ev->nadjustments; i++) {
		const struct ev_adjustment *x = &ev->adjustments[i];
		jw_obj(w);
		jw_kint(w, "id", x->id);
		jw_kstr(w, "kind", x->kind);
		jw_kstr(w, "record", x->record);
		jw_kstr(w, "field", x->field);
		jw_kstr(w, "before", x->before);
		jw_kstr(w, "after", x->after);
		jw_kstr(w, "reason", x->reason);
		jw_kstr(w, "by", x->by[0] ? x->by : NULL);
		jw_kts(w, "at", x->at);
		jw_kbool(w, "after_close", x->after_close);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "lessons");
	jw_arr(w);
	for (size_t i = 0; i < ev->nlessons; i++) {
		const struct ev_lesson *l = &ev->lessons[i];
		jw_obj(w);
		jw_kint(w, "id", l->id);
		jw_kstr(w, "kind", l->kind);
		jw_kstr(w, "text", l->text);
		jw_kstr(w, "by", l->by[0] ? l->by : NULL);
		jw_kts(w, "at", l->at);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "totals");
	jw_obj(w);
	jw_kint(w, "revenue", ev->totals.revenue);
	jw_kint(w, "margin", ev->totals.margin);
	jw_kint(w, "units", ev->totals.units);
	jw_kint(w, "deals_won", ev->totals.deals_won);
	jw_kint(w, "deals_lost", ev->totals.deals_lost);
	kratio(w, "win_rate", ev->totals.win_rate);
	jw_kint(w, "new_customers", ev->totals.new_customers);
	jw_kint(w, "goals_met", ev->totals.goals_met);
	jw_kint(w, "goals", ev->totals.goals);
	jw_obj_end(w);
	jw_obj_end(w);
}
