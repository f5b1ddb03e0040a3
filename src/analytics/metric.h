/*
 * metric.h - the value of a goal metric over a window of days, computed from
 * recorded data: the sale rollups (revenue, margin, units, average sale) or
 * the sales themselves (customer metrics), never typed in (except custom
 * check-ins). Values are in the metric's unit (see core/goal.h).
 */
#ifndef ANALYTICS_METRIC_H
#define ANALYTICS_METRIC_H

#include <stddef.h>
#include <stdint.h>

#include "core/goal.h"

struct metric_query {
	enum metric metric;
	int64_t project_id;             /* the sales counted: this project's, NO_ID = all */
	const struct goal_scope *scope; /* narrows the sales counted; NULL = none */
	int32_t from, to;               /* the window, both inclusive */
	/* retention_rate: the window whose buyers are the cohort, and whose sales count */
	int32_t cohort_from, cohort_to;
	int64_t cohort_project_id;
	/* custom: the goal whose latest check-in on or before `to` is the value */
	int64_t goal_id;
};

/*
 * Compute q's metric. *value is NO_VALUE when the metric has no value over
 * the window (a ratio or average of nothing, a custom goal without check-ins).
 *
 * How each metric is computed is described once, in metric_defs[] (core/goal.h).
 */
int metric_value(struct store *st, const struct metric_query *q, int64_t *value,
		 struct err *err);

/*
 * The metric over n consecutive windows of len days: window i is
 * [lo + i*len, lo + (i+1)*len - 1]. The sales counted are project_id's (NO_ID =
 * all) within scope. For retention_rate, window i's cohort is window i-1, so
 * values[0] is NO_VALUE. Customer metrics come from one read of the customers'
 * kept days (core/activity.h; the sales only for a scope of two keys or more).
 */
int metric_windows(struct store *st, enum metric m, int64_t project_id,
		   const struct goal_scope *scope, int32_t lo, int32_t len, int n, int64_t *values,
		   struct err *err);

/*
 * q's metric over [q->from, ends[i]] for each of n ascending ends (the points of
 * a chart); customer metrics from one read of the customers' kept days (and one
 * of the cohort's).
 */
int metric_curve(struct store *st, const struct metric_query *q, const int32_t *ends, int n,
		 int64_t *values, struct err *err);

/*
 * Between begin and end (one read transaction, so one snapshot of the data),
 * the customers' kept days of each scope are read and decoded once, for every
 * customer metric computed there (a dashboard's goals, their lint and
 * cohorts). Nests; per thread; st is the store of that transaction.
 */
void metric_memo_begin(struct store *st);
void metric_memo_end(void);

/* The arrays this thread keeps between dashboards, freed (before the thread ends). */
void metric_thread_release(void);

/*
 * q's metric for each of n reps at once: values[i] is q with the scope's rep
 * replaced by reps[i] (0 for a rep with no sales, NO_VALUE where the metric
 * has none). Sums metrics and new customers come from one grouped read of the
 * rollups or the sales, the others rep by rep (quotas: analytics/quota.h).
 */
int metric_by_rep(struct store *st, const struct metric_query *q, const int64_t *reps, size_t n,
		  int64_t *values, struct err *err);

/* Sums of sale lines over a window: lines, quantity, amount, cost. */
struct sale_sums {
	int64_t lines, quantity, amount, cost;
};

/* A sums metric (revenue, units, gross margin, average deal) of sums; NO_VALUE for others. */
int64_t metric_of_sums(enum metric m, const struct sale_sums *sums);

int metric_sums(struct store *st, int64_t project_id, const struct goal_scope *scope,
		int32_t from, int32_t to, struct sale_sums *out, struct err *err);

/* Daily sums for a project (all dimensions) from from to to, one entry per day. */
int metric_daily(struct store *st, int64_t project_id, const struct goal_scope *scope,
		 int32_t from, int32_t to, struct sale_sums *days, struct err *err);

#endif
