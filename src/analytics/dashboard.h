/*
 * dashboard.h - a project's monitoring view (SPEC step 5) built from the
 * rollups: totals, each goal's progress and lint, breakdowns by channel,
 * product, rep and segment, revenue by week and by month, and the same dates a
 * year earlier. Reads never scan the sales.
 */
#ifndef ANALYTICS_DASHBOARD_H
#define ANALYTICS_DASHBOARD_H

#include <stddef.h>
#include <stdint.h>

#include "analytics/metric.h"
#include "analytics/progress.h"
#include "base/jw.h"
#include "core/goal.h"
#include "core/project.h"

struct dash_row {
	int64_t key_id;
	char code[64];
	char name[200];
	struct sale_sums s;
};

struct dash_breakdown {
	const char *dim; /* channel, product, rep, segment */
	struct dash_row *rows;
	size_t n, alloc;
};

struct dash_week {
	int32_t monday;
	struct sale_sums s;
};

struct dash_month {
	int32_t first; /* the month's first day */
	struct sale_sums s;
};

/*
 * The project's window up to as-of (start .. min(as_of, end)) against the same
 * calendar dates one year earlier: the workspace's sales (all projects, as goal
 * baselines are) of the products this project sells, so a yearly project reads
 * "this year so far vs last" and a launch of new products has nothing to beat.
 */
struct dash_year_ago {
	int has;              /* 0 when the project starts after as-of */
	int32_t from, to;     /* this project's window so far */
	int32_t ly_from, ly_to; /* the same dates a year earlier (29 Feb -> 28 Feb) */
	struct sale_sums current, last_year;
};

enum { DASH_CHANNEL, DASH_PRODUCT, DASH_REP, DASH_SEGMENT, DASH__COUNT };

struct dashboard {
	struct project project;
	int32_t today;
	double elapsed; /* of the project window */
	struct sale_sums total;
	struct goal_board goals; /* each goal with its progress, from the same snapshot */
	struct dash_breakdown by[DASH__COUNT];
	struct dash_week *weeks;
	size_t nweeks;
	struct dash_month *months; /* the calendar months the project's window touches */
	size_t nmonths;
	struct dash_year_ago year_ago;
};

/*
 * Build the dashboard of project code as actor sees it, as of the day today:
 * every figure counts the sales dated up to that day (and within the project).
 */
int dashboard_build(struct store *st, const struct actor *a, const char *code, int32_t today,
		    struct dashboard *out, struct err *err);
void dashboard_release(struct dashboard *d);
void dashboard_write_json(struct jw *w, const struct dashboard *d);

#endif
