/*
 * dashboard.c - the project dashboard from rollups, in one read transaction:
 * breakdowns by dimension, the daily 'all' rollup folded into weeks and
 * months, and the same dates a year earlier. Everything counts the sales up
 * to the as-of day (today by default): a sale dated later is not in the
 * totals, breakdowns, weeks, months or goals yet.
 */
#include "analytics/dashboard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define BREAKDOWN_SELECT                                                                    \
	"SELECT r.key_id, SUM(r.lines), SUM(r.quantity), SUM(r.amount_minor), "             \
	"SUM(r.cost_minor), "
#define BREAKDOWN_WHERE                                                                     \
	"WHERE r.project_id = ?1 AND r.dim = ?2 AND r.day BETWEEN ?3 AND ?4 "               \
	"GROUP BY r.key_id ORDER BY SUM(r.amount_minor) DESC, r.key_id"

static const char *const SQL_BREAKDOWN[DASH__COUNT] = {
	[DASH_CHANNEL] = BREAKDOWN_SELECT "MIN(x.code), MIN(x.name) FROM sale_rollup r "
					  "LEFT JOIN channels x ON x.id = r.key_id " BREAKDOWN_WHERE,
	[DASH_PRODUCT] = BREAKDOWN_SELECT "MIN(x.sku), MIN(x.name) FROM sale_rollup r "
					  "LEFT JOIN products x ON x.id = r.key_id " BREAKDOWN_WHERE,
	[DASH_REP] = BREAKDOWN_SELECT "MIN(x.login), MIN(x.name) FROM sale_rollup r "
				      "LEFT JOIN users x ON x.id = r.key_id " BREAKDOWN_WHERE,
	[DASH_SEGMENT] = BREAKDOWN_SELECT "MIN(x.code), MIN(x.name) FROM sale_rollup r "
					  "LEFT JOIN segments x ON x.id = r.key_id " BREAKDOWN_WHERE,
};
static const char *const dim_names[DASH__COUNT] = { "channel", "product", "rep", "segment" };

static const char SQL_DAILY_ALL[] =
	"SELECT day, lines, quantity, amount_minor, cost_minor FROM sale_rollup "
	"WHERE project_id = ? AND dim = 'all' AND key_id = 0 AND day BETWEEN ? AND ? ORDER BY day";

/* The last day counted: the as-of day, or the project's end when that comes first. */
static int32_t last_day(const struct dashboard *d)
{
	return d->today < d->project.end_on ? d->today : d->project.end_on;
}

static int load_breakdown(struct store *st, int d, const struct project *p, int32_t last,
			  struct dash_breakdown *out, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_BREAKDOWN[d], err);
	int rc;
	out->dim = dim_names[d];
	if (!s)
		return -1;
	store_bind_int(st, s, 1, p->id);
	store_bind_text(st, s, 2, dim_names[d]);
	store_bind_int(st, s, 3, p->start_on);
	store_bind_int(st, s, 4, last);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct dash_row *r;
		ALLOC_GROW(out->rows, out->n + 1, out->alloc);
		r = &out->rows[out->n++];
		memset(r, 0, sizeof(*r));
		r->key_id = store_col_int(st, s, 0);
		r->s.lines = store_col_int(st, s, 1);
		r->s.quantity = store_col_int(st, s, 2);
		r->s.amount = store_col_int(st, s, 3);
		r->s.cost = store_col_int(st, s, 4);
		snprintf(r->code, sizeof(r->code), "%s",
			 store_col_is_null(st, s, 5) ? "(none)" : store_col_text(st, s, 5));
		snprintf(r->name, sizeof(r->name), "%s",
			 store_col_is_null(st, s, 6) ? "(none)" : store_col_text(st, s, 6));
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static void sums_add(struct sale_sums *to, const struct sale_sums *x)
{
	to->lines += x->lines;
	to->quantity += x->quantity;
	to->amount += x->amount;
	to->cost += x->cost;
}

/* Months since year 0 of a day: the index of its calendar month. */
static int month_index(int32_t day)
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	return y * 12 + (m - 1);
}

/* The same calendar date one year earlier (29 February becomes the 28th). */
static int32_t year_before(int32_t day)
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	if (m == 2 && d == 29)
		d = 28;
	return date_from_ymd(y - 1, m, d);
}

/* Lay out the weeks (from the Monday on or before the start) and the months of the window. */
static void layout_periods(struct dashboard *d)
{
	const struct project *p = &d->project;
	int32_t first = p->start_on - date_weekday(p->start_on);
	int m0 = month_index(p->start_on);

	d->nweeks = (size_t)((p->end_on - first) / 7 + 1);
	d->weeks = xcalloc(d->nweeks, sizeof(*d->weeks));
	for (size_t i = 0; i < d->nweeks; i++)
		d->weeks[i].monday = first + (int32_t)i * 7;
	d->nmonths = (size_t)(month_index(p->end_on) - m0 + 1);
	d->months = xcalloc(d->nmonths, sizeof(*d->months));
	for (size_t i = 0; i < d->nmonths; i++) {
		int mi = m0 + (int)i;
		d->months[i].first = date_from_ymd(mi / 12, mi % 12 + 1, 1);
	}
}

/*
 * One pass over the project's daily 'all' rollup (a row per day with sales)
 * gives the totals, the weeks, the months and the window so far.
 */
static int load_days(struct store *st, struct dashboard *d, struct err *err)
{
	const struct project *p = &d->project;
	int32_t first = p->start_on - date_weekday(p->start_on);
	int m0 = month_index(p->start_on);
	struct dash_year_ago *ya = &d->year_ago;
	struct stmt *s;
	int rc;

	layout_periods(d);
	ya->has = d->today >= p->start_on;
	ya->from = p->start_on;
	ya->to = d->today < p->end_on ? d->today : p->end_on;
	s = store_prepare(st, SQL_DAILY_ALL, err);
	if (!s)
		return -1;
	store_bind_int(st, s, 1, p->id);
	store_bind_int(st, s, 2, p->start_on);
	store_bind_int(st, s, 3, last_day(d));
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int32_t day = (int32_t)store_col_int(st, s, 0);
		struct sale_sums x = { .lines = store_col_int(st, s, 1),
				       .quantity = store_col_int(st, s, 2),
				       .amount = store_col_int(st, s, 3),
				       .cost = store_col_int(st, s, 4) };
		sums_add(&d->weeks[(day - first) / 7].s, &x);
		sums_add(&d->months[month_index(day) - m0].s, &x);
		sums_add(&d->total, &x);
		if (ya->has && day <= ya->to)
			sums_add(&ya->current, &x);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/*
 * Like for like: the workspace's sales (every project's rollups, through the
 * primary key) of the products this project sells, over the dates ?2..?3.
 */
static const char SQL_YEAR_AGO[] =
	"SELECT COALESCE(SUM(lines), 0), COALESCE(SUM(quantity), 0), "
	"COALESCE(SUM(amount_minor), 0), COALESCE(SUM(cost_minor), 0) FROM sale_rollup "
	"WHERE project_id IN (SELECT id FROM projects) AND dim = 'product' "
	"AND key_id IN (SELECT DISTINCT key_id FROM sale_rollup WHERE project_id = ?1 "
	"AND dim = 'product') AND day BETWEEN ?2 AND ?3";

static int load_year_ago(struct store *st, struct dashboard *d, struct err *err)
{
	struct dash_year_ago *ya = &d->year_ago;
	struct stmt *s;
	int rc;

	if (!ya->has)
		return 0;
	ya->ly_from = year_before(ya->from);
	ya->ly_to = year_before(ya->to);
	s = store_prepare(st, SQL_YEAR_AGO, err);
	if (!s)
		return -1;
	store_bind_int(st, s, 1, d->project.id);
	store_bind_int(st, s, 2, ya->ly_from);
	store_bind_int(st, s, 3, ya->ly_to);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		ya->last_year.lines = store_col_int(st, s, 0);
		ya->last_year.quantity = store_col_int(st, s, 1);
		ya->last_year.amount = store_col_int(st, s, 2);
		ya->last_year.cost = store_col_int(st, s, 3);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int dashboard_build(struct store *st, const struct actor *a, const char *code, int32_t today,
		    struct dashboard *out, struct err *err)
{
	memset(out, 0, sizeof(*out));
	out->today = today;
	if (project_get(st, a, code, &out->project, err))
		return -1;
	/* one read transaction: every figure comes from the same snapshot */
	if (store_begin(st, 0, err))
		return -1;
	metric_memo_begin(st);
	if (goal_board_collect(st, a, &out->project, today, &out->goals, err))
		goto fail;
	for (int d = 0; d < DASH__COUNT; d++)
		if (load_breakdown(st, d, &out->project, last_day(out), &out->by[d], err))
			goto fail;
	if (load_days(st, out, err) || load_year_ago(st, out, err))
		goto fail;
	{
		/* the share of the project's days passed, by the one ratio rule (money.h) */
		const struct project *p = &out->project;
		int64_t days = (int64_t)p->end_on - p->start_on + 1, e = (int64_t)today - p->start_on + 1,
			bp;
		e = e < 0 ? 0 : e > days ? days : e;
		out->elapsed = ratio_bp(e, days, &bp) ? 0.0 : (double)bp / 10000.0;
	}
	metric_memo_end();
	store_rollback(st);
	return 0;
fail:
	metric_memo_end();
	store_rollback(st);
	dashboard_release(out);
	return -1;
}

void dashboard_release(struct dashboard *d)
{
	goal_board_release(&d->goals);
	for (int i = 0; i < DASH__COUNT; i++) {
		free(d->by[i].rows);
		d->by[i].rows = NULL;
		d->by[i].n = d->by[i].alloc = 0;
	}
	free(d->weeks);
	d->weeks = NULL;
	d->nweeks = 0;
	free(d->months);
	d->months = NULL;
	d->nmonths = 0;
}

static void sums_json(struct jw *w, const struct sale_sums *s)
{
	jw_kint(w, "revenue", s->amount);
	jw_kint(w, "cost", s->cost);
	int64_t bp;
	jw_kint(w, "gross_profit", s->amount - s->cost);
	jw_key(w, "gross_margin");
	/* the one rule of ratios (money.h), as a goal's gross_margin */
	if (s->amount > 0 && !ratio_bp(s->amount - s->cost, s->amount, &bp))
		jw_num(w, (double)bp / 10000.0, 4);
	else
		jw_null(w);
	jw_kint(w, "units", s->quantity);
	jw_kint(w, "lines", s->lines);
}

void dashboard_write_json(struct jw *w, const struct dashboard *d)
{
	jw_obj(w);
	jw_key(w, "project");
	project_write_json(w, &d->project);
	jw_kdate(w, "as_of", d->today);
	jw_knum(w, "elapsed", d->elapsed, 4);
	jw_key(w, "totals");
	jw_obj(w);
	sums_json(w, &d->total);
	jw_obj_end(w);
	jw_key(w, "goals");
	jw_arr(w);
	for (size_t i = 0; i < d->goals.goals.n; i++)
		goal_progress_write_json(w, &d->goals.goals.items[i], &d->goals.progress[i]);
	jw_arr_end(w);
	jw_key(w, "breakdowns");
	jw_obj(w);
	for (int b = 0; b < DASH__COUNT; b++) {
		jw_key(w, d->by[b].dim);
		jw_arr(w);
		for (size_t i = 0; i < d->by[b].n; i++) {
			jw_obj(w);
			jw_kstr(w, "code", d->by[b].rows[i].code);
			jw_kstr(w, "name", d->by[b].rows[i].name);
			sums_json(w, &d->by[b].rows[i].s);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	jw_obj_end(w);
	jw_key(w, "weeks");
	jw_arr(w);
	for (size_t i = 0; i < d->nweeks; i++) {
		jw_obj(w);
		jw_kdate(w, "week", d->weeks[i].monday);
		sums_json(w, &d->weeks[i].s);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "months");
	jw_arr(w);
	for (size_t i = 0; i < d->nmonths; i++) {
		char m[DATE_FMT_MAX];
		date_format(d->months[i].first, m);
		m[7] = '\0'; /* "YYYY-MM", the ISO 8601 calendar month */
		jw_obj(w);
		jw_kstr(w, "month", m);
		sums_json(w, &d->months[i].s);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "year_ago");
	if (d->year_ago.has) {
		const struct dash_year_ago *ya = &d->year_ago;
		jw_obj(w);
		jw_kdate(w, "from", ya->from);
		jw_kdate(w, "to", ya->to);
		jw_key(w, "current");
		jw_obj(w);
		sums_json(w, &ya->current);
		jw_obj_end(w);
		jw_kdate(w, "last_year_from", ya->ly_from);
		jw_kdate(w, "last_year_to", ya->ly_to);
		jw_key(w, "last_year");
		jw_obj(w);
		sums_json(w, &ya->last_year);
		jw_obj_end(w);
		jw_obj_end(w);
	} else {
		jw_null(w);
	}
	jw_obj_end(w);
}
