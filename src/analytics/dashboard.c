/*
 * dashboard.c - the project dashboard from rollups, in one read transaction.
 * Everything counts the sales up to the as-of day (today by default): a sale
 * dated later is not in the totals, breakdowns, weeks or goals yet.
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

static int load_weeks(struct store *st, struct dashboard *d, struct err *err)
{
	const struct project *p = &d->project;
	int32_t first = p->start_on - date_weekday(p->start_on);
	int32_t last = p->end_on;
	struct stmt *s;
	int rc;

	d->nweeks = (size_t)((last - first) / 7 + 1);
	d->weeks = xcalloc(d->nweeks, sizeof(*d->weeks));
	for (size_t i = 0; i < d->nweeks; i++)
		d->weeks[i].monday = first + (int32_t)i * 7;
	s = store_prepare(st, SQL_DAILY_ALL, err);
	if (!s)
		return -1;
	store_bind_int(st, s, 1, p->id);
	store_bind_int(st, s, 2, p->start_on);
	store_bind_int(st, s, 3, last_day(d));
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int32_t day = (int32_t)store_col_int(st, s, 0);
		struct sale_sums *w = &d->weeks[(day - first) / 7].s;
		w->lines += store_col_int(st, s, 1);
		w->quantity += store_col_int(st, s, 2);
		w->amount += store_col_int(st, s, 3);
		w->cost += store_col_int(st, s, 4);
		d->total.lines += store_col_int(st, s, 1);
		d->total.quantity += store_col_int(st, s, 2);
		d->total.amount += store_col_int(st, s, 3);
		d->total.cost += store_col_int(st, s, 4);
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
	if (goal_list(st, a, code, &out->goals, err))
		goto fail;
	out->progress = xcalloc(out->goals.n ? out->goals.n : 1, sizeof(*out->progress));
	for (size_t i = 0; i < out->goals.n; i++)
		if (goal_progress(st, &out->goals.items[i], &out->project, today, &out->progress[i],
				  err))
			goto fail;
	for (int d = 0; d < DASH__COUNT; d++)
		if (load_breakdown(st, d, &out->project, last_day(out), &out->by[d], err))
			goto fail;
	if (load_weeks(st, out, err))
		goto fail;
	{
		/* the share of the project's days passed, by the one ratio rule (money.h) */
		const struct project *p = &out->project;
		int64_t days = (int64_t)p->end_on - p->start_on + 1, e = (int64_t)today - p->start_on + 1,
			bp;
		e = e < 0 ? 0 : e > days ? days : e;
		out->elapsed = ratio_bp(e, days, &bp) ? 0.0 : (double)bp / 10000.0;
	}
	store_rollback(st);
	return 0;
fail:
	store_rollback(st);
	dashboard_release(out);
	return -1;
}

void dashboard_release(struct dashboard *d)
{
	goal_list_release(&d->goals);
	free(d->progress);
	d->progress = NULL;
	for (int i = 0; i < DASH__COUNT; i++) {
		free(d->by[i].rows);
		d->by[i].rows = NULL;
		d->by[i].n = d->by[i].alloc = 0;
	}
	free(d->weeks);
	d->weeks = NULL;
	d->nweeks = 0;
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
	for (size_t i = 0; i < d->goals.n; i++)
		goal_progress_write_json(w, &d->goals.items[i], &d->progress[i]);
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
	jw_obj_end(w);
}
