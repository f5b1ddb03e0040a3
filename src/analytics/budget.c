/*
 * budget.c - a project's budget overview (core/budget.c has the nouns): each
 * line's allocated, spent and remaining money, the totals, the project's
 * budget, and beside them the strategy's spending (the promotions' discounts
 * and the channels' cost), read from analytics/strategy.c (strategy_read)
 * rather than from the sales again.
 */
#include "analytics/budget.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/strategy.h"
#include "base/xalloc.h"
#include "core/project.h"
#include "base/banned.h"

/* ?1 the project: its lines with what was spent against each, by category and name */
static const char SQL_BUDGET_LINES[] =
	"SELECT l.id, l.category, l.name, l.allocated_minor, "
	"COALESCE(SUM(x.amount_minor), 0), COUNT(x.id) FROM budget_lines l "
	"LEFT JOIN expenses x ON x.line_id = l.id WHERE l.project_id = ?1 "
	"GROUP BY l.id, l.category, l.name, l.allocated_minor ORDER BY l.category, l.name, l.id";

int budget_overview(struct store *st, const struct actor *a, const char *code,
		    struct budget_overview *out, struct err *err)
{
	struct strategy sg;
	struct project p;
	struct stmt *s;
	size_t alloc = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (project_get(st, a, code, &p, err))
		return -1;
	snprintf(out->project, sizeof(out->project), "%s", p.code);
	out->budget_minor = p.budget_minor;
	if (strategy_read(st, a, code, &sg, err))
		return -1;
	out->promotion_cost_minor = sg.promotion_cost_minor;
	out->channel_cost_minor = sg.channel_cost_minor;
	strategy_release(&sg);
	if (!(s = store_prepare(st, SQL_BUDGET_LINES, err)))
		return -1;
	store_bind_int(st, s, 1, p.id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct budget_line_sum *l;
		ALLOC_GROW(out->lines, out->n + 1, alloc);
		l = &out->lines[out->n++];
		memset(l, 0, sizeof(*l));
		l->id = store_col_int(st, s, 0);
		snprintf(l->category, sizeof(l->category), "%s", store_col_text(st, s, 1));
		snprintf(l->name, sizeof(l->name), "%s", store_col_text(st, s, 2));
		l->allocated_minor = store_col_int(st, s, 3);
		l->spent_minor = store_col_int(st, s, 4);
		l->expenses = store_col_int(st, s, 5);
		out->allocated_minor += l->allocated_minor;
		out->spent_minor += l->spent_minor;
	}
	store_done(st, s);
	if (rc < 0) {
		budget_overview_release(out);
		return -1;
	}
	return 0;
}

void budget_overview_release(struct budget_overview *o)
{
	free(o->lines);
	o->lines = NULL;
	o->n = 0;
}

void budget_overview_write_json(struct jw *w, const struct budget_overview *o)
{
	int64_t over = 0;

	for (size_t i = 0; i < o->n; i++)
		over += o->lines[i].spent_minor > o->lines[i].allocated_minor;
	jw_obj(w);
	jw_kstr(w, "project", o->project);
	jw_kint(w, "budget", o->budget_minor);
	jw_kint(w, "allocated", o->allocated_minor);
	jw_kint(w, "spent", o->spent_minor);
	jw_kint(w, "remaining", o->allocated_minor - o->spent_minor);
	jw_kint(w, "unallocated", o->budget_minor - o->allocated_minor);
	jw_kint(w, "overspent_lines", over);
	jw_key(w, "lines");
	jw_arr(w);
	for (size_t i = 0; i < o->n; i++) {
		const struct budget_line_sum *l = &o->lines[i];
		jw_obj(w);
		jw_kint(w, "id", l->id);
		jw_kstr(w, "category", l->category);
		jw_kstr(w, "name", l->name);
		jw_kint(w, "allocated", l->allocated_minor);
		jw_kint(w, "spent", l->spent_minor);
		jw_kint(w, "remaining", l->allocated_minor - l->spent_minor);
		jw_kint(w, "expenses", l->expenses);
		jw_kbool(w, "overspent", l->spent_minor > l->allocated_minor);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "strategy");
	jw_obj(w);
	jw_kint(w, "promotion_cost", o->promotion_cost_minor);
	jw_kint(w, "channel_cost", o->channel_cost_minor);
	jw_kint(w, "total", o->promotion_cost_minor + o->channel_cost_minor);
	jw_obj_end(w);
	jw_obj_end(w);
}
