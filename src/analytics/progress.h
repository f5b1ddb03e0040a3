/*
 * progress.h - a goal's progress (actual, expected by now, projection, status)
 * and its SMART lint, computed from recorded data.
 *
 * Progress is as of a day (today, or the dashboard's --as-of / ?as_of=): the
 * actual counts the sales of the goal's window up to that day, never later.
 * elapsed = days of the window passed (that day included) / days in the window,
 * clamped to [0, 1].
 *
 * Status, one rule for the card's figures: the value judged is the projection
 * at the due date for cumulative metrics (revenue, units, deals_won,
 * new_customers, custom), projected = actual x window days / elapsed days
 * (rounded half away from zero), and the current value for level metrics
 * (gross_margin, retention_rate, avg_deal_size). Against the target:
 *   achieved   cumulative: once actual >= target; level: the window is over
 *              and actual >= target;
 *   on_track   the judged value >= target (before the start: nothing is due);
 *   at_risk    the judged value >= 90% of the target;
 *   off_track  below 90%, or the window is over short of the target, or a
 *              level metric without data once the window has started.
 * So "on track" never shows beside a projection below the target. Ratios
 * (progress, rates) are rounded by the one rule of money.h (ratio_bp).
 *
 * SMART lint, one verdict per letter:
 *  S  a metric and a positive target;
 *  M  computed from data, or for custom metrics a check-in rule;
 *  A  the growth the target needs over the baseline is within the best
 *     period-on-period growth of the same metric in history (windows of the
 *     goal's length before its start, workspace-wide, same scope); rates
 *     (gross margin, retention) in percentage points, as a margin may be
 *     below zero;
 *  R  a rationale and a company objective (the goal's or its project's);
 *  T  start and due dates, due not before start, both inside the project.
 */
#ifndef ANALYTICS_PROGRESS_H
#define ANALYTICS_PROGRESS_H

#include <stdint.h>

#include "base/jw.h"
#include "core/goal.h"
#include "core/project.h"

struct quota_goal;

enum goal_status { STATUS_ON_TRACK, STATUS_AT_RISK, STATUS_OFF_TRACK, STATUS_ACHIEVED };

/* At risk from this percentage of the target (below it: off track). */
#define STATUS_AT_RISK_PCT 90

enum { SMART_S, SMART_M, SMART_A, SMART_R, SMART_T, SMART__COUNT };

/*
 * One letter's verdict: the English message, and the same as a code with
 * parameters (already formatted values) so that the UI can say it in the
 * reader's language. Codes: s.no_metric s.no_target s.not_positive s.ok
 * m.no_metric m.no_rule m.checkin m.deals m.sales a.incomplete a.custom
 * a.no_deals a.no_history a.below a.short a.beyond a.within a.points_below
 * a.points_short a.points_beyond a.points_within r.none
 * r.no_rationale r.no_objective r.ok t.no_due t.no_start t.before_start
 * t.after_end t.before_project t.ok.
 */
#define SMART_MAX_PARAMS 7

struct smart_check {
	int ok;
	char message[400];
	char code[24];
	struct {
		char key[16];
		char value[320];
	} params[SMART_MAX_PARAMS];
	int nparams;
};

/*
 * A goal's projection at its due date (goal_progress fills it): from the
 * least-squares line through the goal's series (the cumulative actuals of the
 * last FORECAST_RUN_WEEKS weeks, daily for sums and weekly for the others, or
 * the level's weekly values, the last 8), clamped (a cumulative value never
 * below what is already counted; a level to its range). ok = 0 says why not
 * in reason: "no_dates", "not_started", "too_little_history", "no_data".
 */
struct goal_projection {
	int ok;
	int64_t value, low, high;
	double se; /* standard error of the value at the due date, in the metric's unit */
	const char *reason;
};

struct goal_progress {
	int64_t actual;    /* NO_VALUE when the metric has no value yet */
	int64_t expected;  /* what the target asks for by today */
	int64_t projected; /* at the due date, at the current pace (cumulative only) */
	double elapsed;    /* [0, 1] */
	double progress;   /* actual / target, NAN when undefined */
	enum goal_status status;
	int64_t baseline;  /* given, or computed from history; NO_VALUE if none */
	int baseline_computed;
	struct goal_projection projection; /* analytics/forecast.h */
	struct smart_check smart[SMART__COUNT];
};

const char *goal_status_str(enum goal_status s);

/* Lint g (a stored goal or a draft) against the letters of SMART. */
int goal_lint(struct store *st, const struct goal *g, const struct project *p,
	      struct smart_check smart[SMART__COUNT], int64_t *baseline, int *computed,
	      struct err *err);

/* Progress and lint of g in project p as of the day today (see above). */
int goal_progress(struct store *st, const struct goal *g, const struct project *p,
		  int32_t today, struct goal_progress *out, struct err *err);

/* The SMART verdicts as {"S":{"ok","message"},...}. */
void smart_write_json(struct jw *w, const struct smart_check smart[SMART__COUNT]);

/* A goal with its progress and lint, as `goal list --json` and the API show it. */
void goal_progress_write_json(struct jw *w, const struct goal *g, const struct goal_progress *gp);

/*
 * A project's goals, each with its progress and lint as of one day, all judged
 * on the same data: what `goal list`, GET .../goals and the dashboard show.
 */
struct goal_board {
	struct project project;
	int32_t as_of;
	struct goal_list goals;
	struct goal_progress *progress; /* one per goal */
	struct quota_goal *quotas;      /* goal_board_load: one per goal (analytics/quota.h) */
};

/*
 * The goals of project code as actor sees them, as of the day as_of, in one
 * read transaction of their own (one snapshot).
 */
int goal_board_load(struct store *st, const struct actor *a, const char *code, int32_t as_of,
		    struct goal_board *out, struct err *err);

/* The same inside the caller's read transaction, for project p (already visible to a). */
int goal_board_collect(struct store *st, const struct actor *a, const struct project *p,
		       int32_t as_of, struct goal_board *out, struct err *err);

void goal_board_release(struct goal_board *b);

/* The goals as {"project","as_of","goals":[goal_progress_write_json...]}. */
void goal_board_write_json(struct jw *w, const struct goal_board *b);

struct metric_query;
/*
 * The query of g's own measure: the project's sales (deals, feedback...) in its
 * window and scope from its start up to min(to, due); retention's cohort the
 * baseline window, workspace-wide.
 */
void goal_metric_query(const struct goal *g, int32_t to, struct metric_query *q);

/* One point of a goal's chart. */
struct goal_point {
	int32_t day;
	int64_t actual;   /* NO_VALUE when undefined */
	int64_t expected;
};

/*
 * The goal's actual against the expected path from start to min(today, due):
 * daily for cumulative metrics, weekly for levels. *points is the caller's to free.
 */
int goal_series(struct store *st, const struct goal *g, int32_t today, struct goal_point **points,
		size_t *n, struct err *err);

#endif
