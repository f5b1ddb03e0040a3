/*
 * progress.c - goal progress, status, SMART lint and chart series.
 */
#include "analytics/progress.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/forecast.h"
#include "analytics/metric.h"
#include "analytics/quota.h"
#include "base/date.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define HISTORY_WINDOWS 8

static const char *const status_names[] = { "on_track", "at_risk", "off_track", "achieved" };

const char *goal_status_str(enum goal_status s)
{
	return status_names[s];
}

/* "+180.0%" from a growth ratio (1.8). */
static void pct(double growth, char *out, size_t len)
{
	snprintf(out, len, "%+.1f%%", growth * 100.0);
}

/* "+10.0" percentage points from basis points (tenths rounded half away from zero). */
static void points(int64_t bp, char *out, size_t len)
{
	int64_t t;
	if (div_round(bp, 10, &t))
		t = 0;
	snprintf(out, len, "%s%lld.%lld", t < 0 ? "-" : "+", (long long)(t < 0 ? -t : t) / 10,
		 (long long)(t < 0 ? -t : t) % 10);
}

/* The period a window's length reads as (week-on-week, quarter-on-quarter...). */
static const char *period_code(int32_t days)
{
	if (days >= 6 && days <= 7)
		return "week";
	if (days >= 28 && days <= 31)
		return "month";
	if (days >= 89 && days <= 92)
		return "quarter";
	if (days >= 181 && days <= 184)
		return "half";
	if (days >= 365 && days <= 366)
		return "year";
	return "period";
}

/* Set a verdict: ok, code and the English message. */
static void verdict(struct smart_check *c, int ok, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void verdict(struct smart_check *c, int ok, const char *code, const char *fmt, ...)
{
	va_list ap;
	c->ok = ok;
	snprintf(c->code, sizeof(c->code), "%s", code);
	c->nparams = 0;
	va_start(ap, fmt);
	vsnprintf(c->message, sizeof(c->message), fmt, ap);
	va_end(ap);
}

/* Add a parameter of the verdict (the value as it reads in the message). */
static void param(struct smart_check *c, const char *key, const char *value)
{
	if (c->nparams >= SMART_MAX_PARAMS)
		return;
	snprintf(c->params[c->nparams].key, sizeof(c->params[0].key), "%s", key);
	/* a long objective or rule is cut to fit, as in the message */
	snprintf(c->params[c->nparams].value, sizeof(c->params[0].value), "%.*s",
		 (int)sizeof(c->params[0].value) - 1, value);
	c->nparams++;
}

/* "segment=smb, channel=direct" (codes read the same in every language). */
static void scope_codes(const struct goal *g, char *out, size_t len)
{
	const char *keys[] = { "segment", "channel", "product", "rep" };
	const char *vals[] = { g->scope.segment, g->scope.channel, g->scope.product, g->scope.rep };
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < 4; i++)
		if (vals[i][0] && n < len)
			n += (size_t)snprintf(out + n, len - n, "%s%s=%s", n ? ", " : "", keys[i],
					      vals[i]);
}

/* How g's metric is computed (metric_defs[]), or -1 when a draft names none. */
static int calc_of(enum metric m)
{
	return metric_def(m) ? (int)metric_def(m)->calc : -1;
}

/* The metric over [from, to] in history (workspace-wide), for retention with its cohort. */
static int history_value(struct store *st, const struct goal *g, int32_t from, int32_t to,
			 int64_t *v, struct err *err)
{
	struct metric_query q = { .metric = g->metric, .project_id = NO_ID, .scope = &g->scope,
				  .from = from, .to = to, .goal_id = g->id };
	int32_t len = to - from + 1;
	q.cohort_from = from - len;
	q.cohort_to = from - 1;
	q.cohort_project_id = NO_ID;
	return metric_value(st, &q, v, err);
}

/*
 * A of a rate (gross margin, retention): the change in percentage points the
 * target needs over the baseline against the best change from one window to
 * the next in history. A rate may be below zero (a margin), where growth in
 * percent means nothing.
 */
static int lint_points(const struct goal *g, struct smart_check *c, int64_t baseline,
		       const int64_t *hist, int nhist, const char *period, const char *tt)
{
	char tb[64], gneed[32], gbest[32];
	int64_t need = g->target - baseline, best = INT64_MIN;

	goal_value_format(UNIT_RATIO, baseline, tb, sizeof(tb));
	for (int k = 0; k + 1 < nhist; k++)
		if (hist[k] - hist[k + 1] > best)
			best = hist[k] - hist[k + 1];
	points(need, gneed, sizeof(gneed));
	if (need <= 0) {
		points(-need, gneed, sizeof(gneed));
		verdict(c, 1, "a.points_below",
			"the target is %s percentage points below the baseline (%s -> %s)", gneed + 1,
			tb, tt);
		param(c, "gap", gneed + 1);
	} else if (nhist < 2) {
		verdict(c, 1, "a.points_short",
			"target needs %s percentage points over the baseline (%s -> %s); history is "
			"too short to compare with past changes",
			gneed, tb, tt);
		param(c, "need", gneed);
	} else {
		int ok = need <= best;
		points(best, gbest, sizeof(gbest));
		if (ok)
			verdict(c, 1, "a.points_within",
				"target needs %s percentage points over the baseline (%s -> %s), within "
				"the best %s-on-%s change in history (%s points)",
				gneed, tb, tt, period, period, gbest);
		else
			verdict(c, 0, "a.points_beyond",
				"target needs %s percentage points over the baseline (%s -> %s); the "
				"best %s-on-%s change in history is %s points",
				gneed, tb, tt, period, period, gbest);
		param(c, "need", gneed);
		param(c, "period", period);
		param(c, "best", gbest);
	}
	param(c, "baseline", tb);
	param(c, "target", tt);
	return 0;
}

static int lint_achievable(struct store *st, const struct goal *g, struct smart_check *c,
			   int64_t *baseline, int *computed, struct err *err)
{
	enum unit u = metric_unit(g->metric);
	int32_t len, bfrom, bto;
	int64_t hist[HISTORY_WINDOWS];
	int nhist = 0;
	double best = -INFINITY, need;
	char tb[64], tt[64], gneed[32], gbest[32], d1[DATE_FMT_MAX];
	const char *period;

	int pts = u == UNIT_RATIO; /* a rate grows in percentage points, and may be below zero */
	int calc = calc_of(g->metric);

	*baseline = g->baseline;
	*computed = 0;
	if (g->metric == METRIC_NONE || g->target == NO_VALUE || g->start_on == NO_DATE ||
	    g->due_on == NO_DATE || g->due_on < g->start_on) {
		verdict(c, 1, "a.incomplete",
			"cannot judge yet: needs a metric, a target and the goal's dates");
		return 0;
	}
	if (calc == CALC_CHECKIN) {
		verdict(c, 1, "a.custom",
			"a custom metric has no recorded history; agree the target with the team "
			"that reports it");
		return 0;
	}
	len = g->due_on - g->start_on + 1;
	period = period_code(len);
	/*
	 * History: windows of the goal's length back from the day before the start,
	 * workspace-wide, in one pass (window k = 1 is the latest); one more window
	 * than needed so that the oldest has a cohort for retention.
	 */
	{
		int64_t w[HISTORY_WINDOWS + 1];
		if (metric_windows(st, g->metric, NO_ID, &g->scope,
				   g->start_on - (HISTORY_WINDOWS + 1) * len, len, HISTORY_WINDOWS + 1,
				   w, err))
			return -1;
		for (int k = 1; k <= HISTORY_WINDOWS; k++) {
			int64_t v = w[HISTORY_WINDOWS + 1 - k];
			if (v == NO_VALUE || (!pts && v <= 0))
				break;
			hist[nhist++] = v;
		}
	}
	if (g->baseline == NO_VALUE) {
		bfrom = g->baseline_start_on != NO_DATE ? g->baseline_start_on : g->start_on - len;
		bto = g->baseline_end_on != NO_DATE ? g->baseline_end_on : g->start_on - 1;
		if (g->baseline_start_on != NO_DATE) {
			int64_t v;
			if (history_value(st, g, bfrom, bto, &v, err))
				return -1;
			*baseline = v;
		} else {
			*baseline = nhist ? hist[0] : NO_VALUE;
		}
		*computed = *baseline != NO_VALUE;
	}
	goal_value_format(u, g->target, tt, sizeof(tt));
	if (pts && *baseline != NO_VALUE)
		return lint_points(g, c, *baseline, hist, nhist, period, tt);
	if (*baseline == NO_VALUE || *baseline <= 0) {
		date_format(g->start_on, d1);
		verdict(c, 1, "a.no_history",
			"no sales history before %s to judge the target against; give a baseline", d1);
		param(c, "start", d1);
		return 0;
	}
	goal_value_format(u, *baseline, tb, sizeof(tb));
	need = (double)g->target / (double)*baseline - 1.0;
	for (int k = 0; k + 1 < nhist; k++) {
		double gr = (double)hist[k] / (double)hist[k + 1] - 1.0;
		if (gr > best)
			best = gr;
	}
	if (need <= 0) {
		pct(-need, gneed, sizeof(gneed));
		verdict(c, 1, "a.below", "the target is %s below the baseline (%s -> %s)", gneed + 1,
			tb, tt);
		param(c, "gap", gneed + 1);
	} else if (nhist < 2) {
		pct(need, gneed, sizeof(gneed));
		verdict(c, 1, "a.short",
			"target needs %s over the baseline (%s -> %s); history is too short to "
			"compare with past growth",
			gneed, tb, tt);
		param(c, "need", gneed);
	} else {
		int ok = need <= best + 1e-9;
		pct(need, gneed, sizeof(gneed));
		pct(best, gbest, sizeof(gbest));
		if (ok)
			verdict(c, 1, "a.within",
				"target needs %s over the baseline (%s -> %s), within the best "
				"%s-on-%s growth in history (%s)",
				gneed, tb, tt, period, period, gbest);
		else
			verdict(c, 0, "a.beyond",
				"target needs %s over the baseline (%s -> %s); the best %s-on-%s "
				"growth in history is %s",
				gneed, tb, tt, period, period, gbest);
		param(c, "need", gneed);
		param(c, "period", period);
		param(c, "best", gbest);
	}
	param(c, "baseline", tb);
	param(c, "target", tt);
	return 0;
}

int goal_lint(struct store *st, const struct goal *g, const struct project *p,
	      struct smart_check smart[SMART__COUNT], int64_t *baseline, int *computed,
	      struct err *err)
{
	struct smart_check *c;
	char v[64], sc[200], d1[DATE_FMT_MAX], d2[DATE_FMT_MAX], n[16];
	int calc = calc_of(g->metric);

	/* S: what and how much */
	c = &smart[SMART_S];
	scope_codes(g, sc, sizeof(sc));
	if (g->metric == METRIC_NONE) {
		verdict(c, 0, "s.no_metric",
			"no metric: say what is measured (revenue, units, new customers...)");
	} else if (g->target == NO_VALUE) {
		verdict(c, 0, "s.no_target", "no target: say how much %s is the goal",
			metric_str(g->metric));
		param(c, "metric", metric_str(g->metric));
	} else if (g->target <= 0) {
		verdict(c, 0, "s.not_positive", "the target must be above zero");
	} else {
		goal_value_format(metric_unit(g->metric), g->target, v, sizeof(v));
		verdict(c, 1, "s.ok", "%s of %s%s%s", metric_str(g->metric), v,
			sc[0] ? " within " : "", sc);
		param(c, "metric", metric_str(g->metric));
		param(c, "value", v);
		param(c, "scope", sc);
	}

	/* M: how it is measured */
	c = &smart[SMART_M];
	if (calc == CALC_CHECKIN && !g->checkin_rule[0]) {
		verdict(c, 0, "m.no_rule",
			"a custom metric needs a check-in rule: who reports the value, how and how "
			"often");
	} else if (calc == CALC_CHECKIN) {
		verdict(c, 1, "m.checkin", "measured by check-ins: %.300s", g->checkin_rule);
		param(c, "rule", g->checkin_rule);
	} else if (g->metric == METRIC_NONE) {
		verdict(c, 0, "m.no_metric", "no metric to measure");
	} else if (calc == CALC_DEALS_WON || calc == CALC_DEAL_AVG) {
		verdict(c, 1, "m.deals", "computed from won deals");
	} else if (calc == CALC_RECEIPTS) {
		verdict(c, 1, "m.receipts", "computed from the receipts recorded against collections");
	} else if (calc == CALC_NPS) {
		verdict(c, 1, "m.feedback", "computed from recorded customer feedback");
	} else {
		verdict(c, 1, "m.sales", "computed from recorded sales");
	}

	/* A: achievable against history */
	if (lint_achievable(st, g, &smart[SMART_A], baseline, computed, err))
		return -1;

	/* R: why it matters */
	c = &smart[SMART_R];
	{
		const char *objective = g->objective[0] ? g->objective : p ? p->objective : "";
		if (!g->rationale[0] && !objective[0]) {
			verdict(c, 0, "r.none",
				"no rationale and no company objective: say why this target matters "
				"and which objective it serves");
		} else if (!g->rationale[0]) {
			verdict(c, 0, "r.no_rationale", "no rationale: say why this target matters");
		} else if (!objective[0]) {
			verdict(c, 0, "r.no_objective",
				"no company objective: name the objective this goal serves");
		} else {
			verdict(c, 1, "r.ok", "serves \"%.300s\"", objective);
			param(c, "objective", objective);
		}
	}

	/* T: when */
	c = &smart[SMART_T];
	if (g->due_on == NO_DATE) {
		verdict(c, 0, "t.no_due", "no due date: say by when");
	} else if (g->start_on == NO_DATE) {
		verdict(c, 0, "t.no_start", "no start date: say from when");
	} else if (g->due_on < g->start_on) {
		verdict(c, 0, "t.before_start", "the due date %s is before the start %s",
			date_format(g->due_on, d1), date_format(g->start_on, d2));
		param(c, "due", d1);
		param(c, "start", d2);
	} else if (p && g->due_on > p->end_on) {
		verdict(c, 0, "t.after_end", "due date %s is after the project's end %s",
			date_format(g->due_on, d1), date_format(p->end_on, d2));
		param(c, "due", d1);
		param(c, "end", d2);
	} else if (p && g->start_on < p->start_on) {
		verdict(c, 0, "t.before_project", "start date %s is before the project's start %s",
			date_format(g->start_on, d1), date_format(p->start_on, d2));
		param(c, "start", d1);
		param(c, "project_start", d2);
	} else {
		verdict(c, 1, "t.ok", "%s to %s (%d days)", date_format(g->start_on, d1),
			date_format(g->due_on, d2), (int)(g->due_on - g->start_on + 1));
		snprintf(n, sizeof(n), "%d", (int)(g->due_on - g->start_on + 1));
		param(c, "start", d1);
		param(c, "due", d2);
		param(c, "days", n);
	}
	return 0;
}

/* Days of g's window passed by day (day included), clamped to [0, the window's days]. */
static int64_t days_elapsed(const struct goal *g, int32_t day)
{
	int64_t total = (int64_t)g->due_on - g->start_on + 1, e = (int64_t)day - g->start_on + 1;
	return e < 0 ? 0 : e > total ? total : e;
}

/* The share of the window elapsed by day, rounded to basis points by the ratio rule. */
static double elapsed_at(const struct goal *g, int32_t day)
{
	int64_t bp;
	if (g->start_on == NO_DATE || g->due_on == NO_DATE || g->due_on < g->start_on ||
	    ratio_bp(days_elapsed(g, day), (int64_t)g->due_on - g->start_on + 1, &bp))
		return 0.0;
	return (double)bp / 10000.0;
}

/* The target's share by day: target x elapsed days / window days, rounded half away from zero. */
static int64_t expected_at(const struct goal *g, int32_t day)
{
	__int128 num, den, q, r;
	if (g->target == NO_VALUE)
		return NO_VALUE;
	if (!metric_cumulative(g->metric))
		return g->target;
	/* in 128 bits: a target of 10^18 times a window's days does not fit 64 */
	num = (__int128)g->target * days_elapsed(g, day);
	den = (__int128)g->due_on - g->start_on + 1;
	q = num / den;
	r = num % den;
	if (2 * (r < 0 ? -r : r) >= den)
		q += num < 0 ? -1 : 1;
	return (int64_t)q; /* at most the target */
}

void goal_metric_query(const struct goal *g, int32_t to, struct metric_query *q)
{
	int32_t len = g->due_on - g->start_on + 1;
	memset(q, 0, sizeof(*q));
	q->metric = g->metric;
	q->project_id = g->project_id;
	q->scope = &g->scope;
	q->from = g->start_on;
	q->to = to < g->due_on ? to : g->due_on;
	q->goal_id = g->id;
	/* retention's cohort: buyers of the baseline window, workspace-wide */
	q->cohort_from = g->baseline_start_on != NO_DATE ? g->baseline_start_on : g->start_on - len;
	q->cohort_to = g->baseline_end_on != NO_DATE ? g->baseline_end_on : g->start_on - 1;
	q->cohort_project_id = NO_ID;
}

/* v against the target by the status thresholds: on track at or above it, at risk within 10%. */
static enum goal_status judge(int64_t v, int64_t target)
{
	if (v >= target)
		return STATUS_ON_TRACK;
	/* v x 100 >= target x 90, in 128 bits */
	if ((__int128)v * 100 >= (__int128)target * STATUS_AT_RISK_PCT)
		return STATUS_AT_RISK;
	return STATUS_OFF_TRACK;
}

int goal_progress(struct store *st, const struct goal *g, const struct project *p,
		  int32_t today, struct goal_progress *out, struct err *err)
{
	memset(out, 0, sizeof(*out));
	out->actual = out->expected = out->projected = NO_VALUE;
	out->progress = NAN;
	out->projection.reason = "no_dates";
	if (goal_lint(st, g, p, out->smart, &out->baseline, &out->baseline_computed, err))
		return -1;
	if (g->metric == METRIC_NONE || g->start_on == NO_DATE || g->due_on == NO_DATE ||
	    g->due_on < g->start_on) {
		out->status = STATUS_OFF_TRACK;
		return 0;
	}
	/* the actual counts what was sold up to today (the as-of day), never after */
	if (today >= g->start_on) {
		struct metric_query q;
		goal_metric_query(g, today, &q);
		if (metric_value(st, &q, &out->actual, err))
			return -1;
	} else if (metric_cumulative(g->metric) && calc_of(g->metric) != CALC_CHECKIN) {
		out->actual = 0;
	}
	out->elapsed = elapsed_at(g, today);
	/* the projection with its band: the trend of the goal's own series (forecast.c) */
	if (goal_projection_compute(st, g, today, out->actual, &out->projection, err))
		return -1;
	if (g->target == NO_VALUE || g->target <= 0) {
		out->status = STATUS_OFF_TRACK;
		return 0;
	}
	if (out->actual != NO_VALUE) {
		int64_t bp;
		if (!ratio_bp(out->actual, g->target, &bp))
			out->progress = (double)bp / 10000.0;
	}
	out->expected = expected_at(g, today);
	if (metric_cumulative(g->metric)) {
		int64_t actual = out->actual == NO_VALUE ? 0 : out->actual;
		int64_t e = days_elapsed(g, today), total = (int64_t)g->due_on - g->start_on + 1;
		/* the projection: the actual at the current daily pace over the whole window */
		if (e > 0) {
			__int128 num = (__int128)actual * total, q = num / e, r = num % e;
			if (2 * r >= e)
				q++;
			/* a forecast may pass what a total can hold: it saturates */
			out->projected = q > INT64_MAX ? INT64_MAX : (int64_t)q;
		}
		if (actual >= g->target)
			out->status = STATUS_ACHIEVED;
		else if (today < g->start_on)
			out->status = STATUS_ON_TRACK; /* nothing is due yet */
		else if (today > g->due_on)
			out->status = STATUS_OFF_TRACK; /* the window is over, short of the target */
		else
			out->status = judge(out->projected, g->target);
	} else {
		if (out->actual == NO_VALUE)
			out->status = today < g->start_on ? STATUS_ON_TRACK : STATUS_OFF_TRACK;
		else if (today > g->due_on)
			out->status = out->actual >= g->target ? STATUS_ACHIEVED : STATUS_OFF_TRACK;
		else
			out->status = judge(out->actual, g->target);
	}
	return 0;
}

void smart_write_json(struct jw *w, const struct smart_check smart[SMART__COUNT])
{
	static const char *const letters[] = { "S", "M", "A", "R", "T" };
	jw_obj(w);
	for (int i = 0; i < SMART__COUNT; i++) {
		jw_key(w, letters[i]);
		jw_obj(w);
		jw_kbool(w, "ok", smart[i].ok);
		jw_kstr(w, "message", smart[i].message);
		jw_kstr(w, "code", smart[i].code);
		jw_key(w, "params");
		jw_obj(w);
		for (int k = 0; k < smart[i].nparams; k++)
			jw_kstr(w, smart[i].params[k].key, smart[i].params[k].value);
		jw_obj_end(w);
		jw_obj_end(w);
	}
	jw_obj_end(w);
}

/* g with its progress, as members of an object the caller opened. */
static void goal_progress_write_fields(struct jw *w, const struct goal *g,
				       const struct goal_progress *gp)
{
	enum unit u = metric_unit(g->metric);
	int all = 1;
	goal_write_fields(w, g);
	/* how the status judges it: the projection (cumulative) or the value as it stands */
	jw_kbool(w, "cumulative", metric_cumulative(g->metric));
	goal_value_json(w, "actual", u, gp->actual);
	goal_value_json(w, "expected", u, gp->expected);
	goal_value_json(w, "projected", u, gp->projected);
	jw_knum(w, "progress", gp->progress, 4);
	jw_knum(w, "elapsed", gp->elapsed, 4);
	goal_projection_write_json(w, g, &gp->projection);
	jw_kstr(w, "status", goal_status_str(gp->status));
	goal_value_json(w, "baseline_used", u, gp->baseline);
	jw_kbool(w, "baseline_computed", gp->baseline_computed);
	jw_key(w, "smart");
	smart_write_json(w, gp->smart);
	for (int i = 0; i < SMART__COUNT; i++)
		all &= gp->smart[i].ok;
	jw_kbool(w, "smart_ok", all);
}

void goal_progress_write_json(struct jw *w, const struct goal *g, const struct goal_progress *gp)
{
	jw_obj(w);
	goal_progress_write_fields(w, g, gp);
	jw_obj_end(w);
}

int goal_series(struct store *st, const struct goal *g, int32_t today, struct goal_point **points,
		size_t *n, struct err *err)
{
	int32_t end, step, ndays;
	struct goal_point *pts = NULL;
	int calc = calc_of(g->metric);
	size_t np = 0, alloc = 0;

	*points = NULL;
	*n = 0;
	if (g->start_on == NO_DATE || g->due_on == NO_DATE || g->due_on < g->start_on ||
	    today < g->start_on)
		return 0;
	end = today < g->due_on ? today : g->due_on;
	ndays = end - g->start_on + 1;
	if (calc == CALC_AMOUNT || calc == CALC_QUANTITY) {
		struct sale_sums *days = xmalloc(sizeof(*days) * (size_t)ndays);
		int64_t cum = 0;
		if (metric_daily(st, g->project_id, &g->scope, g->start_on, end, days, err)) {
			free(days);
			return -1;
		}
		for (int32_t d = 0; d < ndays; d++) {
			cum += metric_of_sums(g->metric, &days[d]);
			ALLOC_GROW(pts, np + 1, alloc);
			pts[np].day = g->start_on + d;
			pts[np].actual = cum;
			pts[np].expected = expected_at(g, g->start_on + d);
			np++;
		}
		free(days);
	} else {
		/* weekly (at most 26 points): the metric over [start, day] */
		step = 7;
		while (ndays / step > 26)
			step += 7;
		int32_t ends[64];
		int64_t vals[64];
		struct metric_query q;
		int ne = 0;
		for (int32_t d = g->start_on + step - 1; ne < 64; d += step) {
			ends[ne++] = d > end ? end : d;
			if (d >= end)
				break;
		}
		goal_metric_query(g, end, &q);
		if (metric_curve(st, &q, ends, ne, vals, err))
			return -1;
		for (int i = 0; i < ne; i++) {
			ALLOC_GROW(pts, np + 1, alloc);
			pts[np].day = ends[i];
			pts[np].actual = vals[i];
			pts[np].expected = expected_at(g, ends[i]);
			np++;
		}
	}
	*points = pts;
	*n = np;
	return 0;
}

int goal_board_collect(struct store *st, const struct actor *a, const struct project *p,
		       int32_t as_of, struct goal_board *out, struct err *err)
{
	memset(out, 0, sizeof(*out));
	out->project = *p;
	out->as_of = as_of;
	if (goal_list(st, a, p->code, &out->goals, err))
		return -1;
	out->progress = xcalloc(out->goals.n ? out->goals.n : 1, sizeof(*out->progress));
	for (size_t i = 0; i < out->goals.n; i++)
		if (goal_progress(st, &out->goals.items[i], p, as_of, &out->progress[i], err)) {
			goal_board_release(out);
			return -1;
		}
	return 0;
}

int goal_board_load(struct store *st, const struct actor *a, const char *code, int32_t as_of,
		    struct goal_board *out, struct err *err)
{
	struct project p;
	int r;

	memset(out, 0, sizeof(*out));
	if (project_get(st, a, code, &p, err))
		return -1;
	/* one read transaction: every goal is judged on the same data */
	if (store_begin(st, 0, err))
		return -1;
	metric_memo_begin(st);
	r = goal_board_collect(st, a, &p, as_of, out, err);
	/* each goal's quotas, judged on the same data */
	if (!r && (r = quota_goals_load(st, &out->goals, as_of, &out->quotas, err)))
		goal_board_release(out);
	metric_memo_end();
	store_rollback(st);
	return r;
}

void goal_board_release(struct goal_board *b)
{
	quota_goals_release(b->quotas, b->goals.n);
	b->quotas = NULL;
	goal_list_release(&b->goals);
	free(b->progress);
	b->progress = NULL;
}

void goal_board_write_json(struct jw *w, const struct goal_board *b)
{
	jw_obj(w);
	jw_kstr(w, "project", b->project.code);
	jw_kdate(w, "as_of", b->as_of);
	jw_key(w, "goals");
	jw_arr(w);
	for (size_t i = 0; i < b->goals.n; i++) {
		jw_obj(w);
		goal_progress_write_fields(w, &b->goals.items[i], &b->progress[i]);
		if (b->quotas)
			quota_goal_write_members(w, &b->goals.items[i], &b->quotas[i]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}
