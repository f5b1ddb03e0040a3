/*
 * budget.h - a project's budget overview (analytics/budget.c): each line's
 * allocated, spent and remaining money, the totals, the project's budget, and
 * beside them the strategy's spending (the promotions' discounts and the
 * channels' cost, as analytics/strategy.c reads them).
 */
#ifndef ANALYTICS_BUDGET_H
#define ANALYTICS_BUDGET_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"

struct budget_line_sum {
	int64_t id;
	char category[16];
	char name[200];
	int64_t allocated_minor, spent_minor, expenses;
};

struct budget_overview {
	char project[64];
	int64_t budget_minor;    /* the project's budget (0: none) */
	int64_t allocated_minor, spent_minor;
	int64_t promotion_cost_minor, channel_cost_minor; /* the strategy's spending */
	struct budget_line_sum *lines;
	size_t n;
};

/* The overview of project code (any project role reads it); lines by category, then name. */
int budget_overview(struct store *st, const struct actor *a, const char *code,
		    struct budget_overview *out, struct err *err);
void budget_overview_release(struct budget_overview *o);

/*
 * {"project","budget","allocated","spent","remaining","unallocated","overspent_lines",
 *  "lines":[{"id","category","name","allocated","spent","remaining","expenses","overspent"}],
 *  "strategy":{"promotion_cost","channel_cost","total"}}: money in minor units.
 */
void budget_overview_write_json(struct jw *w, const struct budget_overview *o);

#endif
