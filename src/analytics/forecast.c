/*
 * forecast.c - goal projections with a band, the probability of reaching each
 * goal (Monte Carlo over the open pipeline and the run rate) and the pipeline's
 * figures (forecast.h; the method in docs/guide.md, "Forecast").
 */
#include "analytics/forecast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "analytics/metric.h"
#include "base/date.h"
#include "base/money.h"
#include "base/rng.h"
#include "base/xalloc.h"
#include "core/project.h"
#include "base/banned.h"

/* --- the line ------------------------------------------------------------------- */

/* Student's t at 0.90 (two-sided 80%) for 1..30 degrees of freedom. */
static const double t90[] = {3.078, 1.886, 1.638, 1.533, 1.476, 1.440, 1.415, 1.397, 1.383, 1.372,
                             1.363, 1.356, 1.350, 1.345, 1.341, 1.337, 1.333, 1.330, 1.328, 1.325,
                             1.323, 1.321, 1.319, 1.318, 1.316, 1.315, 1.314, 1.313, 1.311, 1.310};

static double t_quantile(size_t df)
{
	if (df >= 1 && df <= 30)
		return t90[df - 1];
	return df <= 60 ? 1.296 : df <= 120 ? 1.289 : 1.282;
}

/* The least-squares line through (x[i], y[i]): means, Sxx and slope; -1 when all x are equal. */
struct fit {
	double mx, my, sxx, slope;
};

static int fit_line(const double *x, const double *y, size_t n, struct fit *f)
{
	double sxy = 0;
	f->mx = f->my = f->sxx = 0;
	for (size_t i = 0; i < n; i++)
		f->mx += x[i], f->my += y[i];
	f->mx /= (double)n;
	f->my /= (double)n;
	for (size_t i = 0; i < n; i++) {
		f->sxx += (x[i] - f->mx) * (x[i] - f->mx);
		sxy += (x[i] - f->mx) * (y[i] - f->my);
	}
	if (f->sxx <= 0)
		return -1;
	f->slope = sxy / f->sxx;
	return 0;
}

int forecast_line(const double *x, const double *y, size_t n, double x0, double *value, double *low,
                  double *high, double *se)
{
	struct fit f;
	double sse = 0, a, s, h;
	if (n < FORECAST_MIN_POINTS || fit_line(x, y, n, &f))
		return -1;
	a = f.my - f.slope * f.mx;
	for (size_t i = 0; i < n; i++) {
		double e = y[i] - (a + f.slope * x[i]);
		sse += e * e;
	}
	s = sqrt(sse / (double)(n - 2));
	*se = s * sqrt(1.0 + 1.0 / (double)n + (x0 - f.mx) * (x0 - f.mx) / f.sxx);
	*value = a + f.slope * x0;
	h = t_quantile(n - 2) * *se;
	*low = *value - h;
	*high = *value + h;
	return 0;
}

int forecast_pace(const double *x, const double *y, size_t n, double ahead, double *rate,
                  double *half, double *se)
{
	struct fit f;
	double ss = 0, span, sigma;
	if (n < FORECAST_MIN_POINTS || fit_line(x, y, n, &f))
		return -1;
	span = x[n - 1] - x[0];
	if (span <= 0)
		return -1;
	*rate = f.slope;
	for (size_t i = 1; i < n; i++) {
		double dx = x[i] - x[i - 1], e = (y[i] - y[i - 1]) - *rate * dx;
		if (dx > 0)
			ss += e * e / dx;
	}
	sigma = sqrt(ss / (double)(n - 2));
	*se = sigma * sqrt(ahead + ahead * ahead / span);
	*half = t_quantile(n - 2) * *se;
	return 0;
}

/* d rounded to an integer, saturating at what an int64 holds. */
static int64_t round_sat(double d)
{
	if (d != d)
		return 0;
	if (d >= 9.2e18)
		return INT64_MAX;
	if (d <= -9.2e18)
		return -INT64_MAX;
	return (int64_t)llround(d);
}

/* A level metric's range (basis points for rates; a money average is not negative). */
static void level_range(enum metric m, double *lo, double *hi)
{
	switch (metric_def(m)->calc) {
	case CALC_RETENTION:
		*lo = 0, *hi = 10000;
		break;
	case CALC_NPS:
		*lo = -10000, *hi = 10000;
		break;
	case CALC_MARGIN:
		*lo = -INFINITY, *hi = 10000;
		break;
	default:
		*lo = 0, *hi = INFINITY;
	}
}

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The points a level's trend is drawn through: its latest weekly values. */
#define LEVEL_POINTS 8

/*
 * The points of g's series the projection reads, as (days since the start,
 * value), into x and y (room for 7 x FORECAST_RUN_WEEKS + 1): for revenue and
 * units each day of the last FORECAST_RUN_WEEKS weeks up to today (inside the
 * window), the running total taken back from today's actual by each day's
 * sums; for the other cumulative metrics the total from the start at today and
 * every 7 days back over those weeks; for a level its value from the start at
 * today and every 7 days back, LEVEL_POINTS of them. Oldest first; a day
 * without a value is left out. Reads only those days' rollups, never the
 * whole window's.
 */
static int projection_points(struct store *st, const struct goal *g, int32_t today, int64_t actual,
                             double *x, double *y, size_t *n, struct err *err)
{
	enum metric_calc c = metric_def(g->metric)->calc;
	int cum = metric_cumulative(g->metric);
	int32_t first = today - 7 * FORECAST_RUN_WEEKS + 1;

	*n = 0;
	if (first < g->start_on)
		first = g->start_on;
	if (c == CALC_AMOUNT || c == CALC_QUANTITY) {
		size_t nd = (size_t)(today - first + 1);
		struct sale_sums *days = xcalloc(nd, sizeof(*days));
		double run = actual == NO_VALUE ? 0 : (double)actual;
		if (metric_daily(st, g->project_id, &g->scope, first, today, days, err)) {
			free(days);
			return -1;
		}
		/* backwards from today: the total at a day is today's less what came after it */
		for (size_t k = nd; k-- > 0;) {
			x[k] = (double)(first + (int32_t)k - g->start_on);
			y[k] = run;
			run -= (double)(c == CALC_AMOUNT ? days[k].amount : days[k].quantity);
		}
		free(days);
		*n = nd;
		return 0;
	}
	{
		int32_t ends[7 * FORECAST_RUN_WEEKS + 1];
		int64_t vals[7 * FORECAST_RUN_WEEKS + 1];
		int ne = 0, max = cum ? FORECAST_RUN_WEEKS + 1 : LEVEL_POINTS;
		struct metric_query q;
		for (int32_t d = today; d >= first && ne < max; d -= 7)
			ne++;
		for (int k = 0; k < ne; k++)
			ends[k] = today - 7 * (ne - 1 - k);
		goal_metric_query(g, today, &q);
		if (metric_curve(st, &q, ends, ne, vals, err))
			return -1;
		for (int k = 0; k < ne; k++) {
			if (vals[k] == NO_VALUE)
				continue;
			x[*n] = (double)(ends[k] - g->start_on);
			y[*n] = (double)vals[k];
			(*n)++;
		}
	}
	return 0;
}

int goal_projection_compute(struct store *st, const struct goal *g, int32_t today, int64_t actual,
                            struct goal_projection *out, struct err *err)
{
	double x[7 * FORECAST_RUN_WEEKS + 1], y[7 * FORECAST_RUN_WEEKS + 1], v, lo, hi, se, rlo,
	        rhi;
	size_t m = 0;
	int cum;

	memset(out, 0, sizeof(*out));
	if (g->metric == METRIC_NONE || g->start_on == NO_DATE || g->due_on == NO_DATE ||
	    g->due_on < g->start_on) {
		out->reason = "no_dates";
		return 0;
	}
	if (today < g->start_on) {
		out->reason = "not_started";
		return 0;
	}
	cum = metric_cumulative(g->metric);
	if (today >= g->due_on) {
		/* the window is over: what it came to */
		if (actual == NO_VALUE) {
			out->reason = "no_data";
			return 0;
		}
		out->ok = 1;
		out->value = out->low = out->high = actual;
		return 0;
	}
	if (projection_points(st, g, today, actual, x, y, &m, err))
		return -1;
	if (!m) {
		out->reason = today - g->start_on >= 7 ? "no_data" : "too_little_history";
	} else if (cum) {
		/*
		 * A running total: today's actual carried to the due date at the
		 * recent pace, the band from the day-to-day spread (forecast_pace);
		 * what is counted stays counted.
		 */
		double floor = actual == NO_VALUE ? 0 : (double)actual, rate, half,
		       ahead = (double)(g->due_on - today);
		if (forecast_pace(x, y, m, ahead, &rate, &half, &se)) {
			out->reason = "too_little_history";
		} else {
			v = floor + rate * ahead;
			out->ok = 1;
			out->value = round_sat(clampd(v, floor, INFINITY));
			out->low = round_sat(clampd(v - half, floor, INFINITY));
			out->high = round_sat(clampd(v + half, floor, INFINITY));
			out->se = se;
		}
	} else if (forecast_line(x, y, m, (double)(g->due_on - g->start_on), &v, &lo, &hi, &se)) {
		out->reason = "too_little_history";
	} else {
		/* a level: its trend line at the due date, kept within the level's range */
		level_range(g->metric, &rlo, &rhi);
		out->ok = 1;
		out->value = round_sat(clampd(v, rlo, rhi));
		out->low = round_sat(clampd(lo, rlo, rhi));
		out->high = round_sat(clampd(hi, rlo, rhi));
		out->se = se;
	}
	return 0;
}

void goal_projection_format(enum unit u, const struct goal_projection *p, char *value, size_t vlen,
                            char *band, size_t blen)
{
	char lo[64], hi[64];
	if (!p->ok) {
		snprintf(value, vlen, "-");
		snprintf(band, blen, "(%s)", p->reason ? p->reason : "");
		return;
	}
	goal_value_format(u, p->value, value, vlen);
	goal_value_format(u, p->low, lo, sizeof(lo));
	goal_value_format(u, p->high, hi, sizeof(hi));
	snprintf(band, blen, "%s - %s", lo, hi);
}

void goal_projection_write_json(struct jw *w, const struct goal *g, const struct goal_projection *p)
{
	enum unit u = metric_unit(g->metric);
	jw_key(w, "projection");
	if (p->ok) {
		jw_obj(w);
		goal_value_json(w, "value", u, p->value);
		goal_value_json(w, "low", u, p->low);
		goal_value_json(w, "high", u, p->high);
		jw_knum(w, "band", FORECAST_BAND_PCT / 100.0, 2);
		jw_obj_end(w);
	} else {
		jw_null(w);
	}
	jw_kstr(w, "projection_reason", p->ok ? NULL : p->reason);
}

/* --- the simulation -------------------------------------------------------------- */

/* One goal's horizon for the run rate: whole weeks and the days of a last part-week. */
static void horizon(int32_t today, int32_t start, int32_t due, int32_t *weeks, int32_t *rest)
{
	/* the days after today that are inside the window */
	int32_t from = today >= start - 1 ? today : start - 1, left = due > from ? due - from : 0;
	*weeks = left / 7;
	*rest = left % 7;
}

/* One run's value of goal g once its deals are drawn (close[i]: the day deal i closes, or none). */
static void run_goal(const struct sim_goal *g, const struct sim_deal *deals, const int32_t *close,
                     struct rng *r, int32_t weeks, int32_t rest, int64_t *hits, double *sum)
{
	int64_t total = g->actual, count = g->won_count, amount = g->won_amount;
	for (size_t k = 0; k < g->ndeals; k++) {
		int32_t c = close[g->deals[k]];
		int64_t in = c >= g->start && c <= g->due, mask = -in;
		total += g->values[k] & mask;
		amount += deals[g->deals[k]].amount & mask;
		count += in;
	}
	if (g->nweeks) {
		int64_t part;
		for (int32_t k = 0; k < weeks; k++)
			total += g->weeks[rng_below(r, g->nweeks)];
		if (rest && !div_round(g->weeks[rng_below(r, g->nweeks)] * rest, 7, &part))
			total += part;
	}
	if (g->average) {
		*sum += count ? (double)amount / (double)count : 0;
		*hits += count > 0 && (__int128)amount >= (__int128)g->target * count;
	} else {
		*sum += (double)total;
		*hits += total >= g->target;
	}
}

void sim_run(const struct sim_deal *deals, size_t n, const int32_t *slips, size_t nslips,
             int32_t today, uint64_t seed, int runs, struct sim_goal *goals, size_t ngoals)
{
	struct rng r, *gr = xcalloc(ngoals + 1, sizeof(*gr));
	uint64_t *thr = xcalloc(n + 1, sizeof(*thr));
	int32_t *close0 = xcalloc(n + 1, sizeof(*close0)), *close = xcalloc(n + 1, sizeof(*close));
	int32_t *weeks = xcalloc(ngoals + 1, sizeof(*weeks)),
	        *rest = xcalloc(ngoals + 1, sizeof(*rest));
	int64_t *hits = xcalloc(ngoals + 1, sizeof(*hits));
	double *sums = xcalloc(ngoals + 1, sizeof(*sums));

	/*
	 * One 64-bit draw per deal and run: its low 32 bits against the chance as a
	 * threshold (p = 1: won in every run), its high 32 bits pick the slip
	 * (index = high x slips / 2^32: each slip within 2^-32 of its share).
	 */
	for (size_t i = 0; i < n; i++) {
		thr[i] = deals[i].p <= 0     ? 0
		         : deals[i].p >= 1.0 ? UINT32_MAX
		                             : (uint64_t)(deals[i].p * 0x1.0p32);
		close0[i] = deals[i].close_on == NO_DATE ? today : deals[i].close_on;
	}
	for (size_t g = 0; g < ngoals; g++) {
		rng_seed(&gr[g], goals[g].seed);
		horizon(today, goals[g].start, goals[g].due, &weeks[g], &rest[g]);
	}
	rng_seed(&r, seed);
	for (int run = 0; run < runs; run++) {
		/* the deals, drawn once for every goal: won or not, and the day it closes */
		for (size_t i = 0; i < n; i++) {
			uint64_t x = rng_next(&r);
			int won = (x & 0xffffffffu) < thr[i] || deals[i].p >= 1.0;
			int32_t c = close0[i] + (nslips ? slips[((x >> 32) * nslips) >> 32] : 0);
			/* a deal late already closes at the earliest today */
			close[i] = !won ? INT32_MIN : c < today ? today : c;
		}
		for (size_t g = 0; g < ngoals; g++)
			run_goal(&goals[g], deals, close, &gr[g], weeks[g], rest[g], &hits[g],
			         &sums[g]);
	}
	for (size_t g = 0; g < ngoals; g++) {
		goals[g].probability = runs ? (double)hits[g] / runs : 0;
		goals[g].mean = runs ? sums[g] / runs : 0;
	}
	free(gr);
	free(thr);
	free(close0);
	free(close);
	free(weeks);
	free(rest);
	free(hits);
	free(sums);
}

double sim_probability(const struct sim_input *in, double *mean)
{
	size_t *idx = xcalloc(in->ndeals + 1, sizeof(*idx));
	int64_t *values = xcalloc(in->ndeals + 1, sizeof(*values));
	struct sim_goal g = {.start = in->start,
	                     .due = in->due,
	                     .actual = in->actual,
	                     .target = in->target,
	                     .deals = idx,
	                     .values = values,
	                     .ndeals = in->ndeals,
	                     .weeks = in->weeks,
	                     .nweeks = in->nweeks,
	                     .average = in->average,
	                     .won_count = in->won_count,
	                     .won_amount = in->won_amount,
	                     /* the run rate's own stream, apart from the deals' */
	                     .seed = in->seed ^ 0x5851f42d4c957f2dULL};
	for (size_t i = 0; i < in->ndeals; i++) {
		idx[i] = i;
		values[i] = in->deals[i].value;
	}
	sim_run(in->deals, in->ndeals, in->slips, in->nslips, in->today, in->seed, in->runs, &g, 1);
	free(idx);
	free(values);
	*mean = g.mean;
	return g.probability;
}

/* --- what is read --------------------------------------------------------------------- */

enum { K_OPEN, K_WON, K_LOST };

struct fdeal {
	int64_t id, owner_id, channel_id, segment_id, prob_bp, amount;
	char owner[64], channel[64];
	int stage, kind; /* stage: index in the pipeline, -1 when not one of its stages */
	int32_t expected_close, won_on;
	size_t hist, nhist; /* its entries in the history array */
};

struct fhist {
	int stage;
	int32_t on;
};

struct fdata {
	struct deal_pipeline pipe;
	struct fdeal *deals;
	size_t n, alloc;
	struct fhist *hist;
	size_t nh, halloc;
	int32_t *slips;
	size_t nslips;
};

static int stage_index(const struct deal_pipeline *p, const char *code)
{
	for (int i = 0; i < p->n; i++)
		if (!strcmp(p->stages[i].code, code))
			return i;
	return -1;
}

static int kind_of(const struct deal_pipeline *p, int stage)
{
	if (stage < 0)
		return K_OPEN;
	return !strcmp(p->stages[stage].kind, "won")    ? K_WON
	       : !strcmp(p->stages[stage].kind, "lost") ? K_LOST
	                                                : K_OPEN;
}

static const char SQL_FC_DEALS[] =
        "SELECT d.id, d.stage, d.probability_bp, d.amount_minor, d.expected_close_on, d.won_on, "
        "COALESCE(u.login, ''), COALESCE(ch.code, ''), d.owner_id, d.channel_id, "
        "COALESCE(d.segment_id, c.segment_id) FROM deals d "
        "JOIN customers c ON c.id = d.customer_id LEFT JOIN users u ON u.id = d.owner_id "
        "LEFT JOIN channels ch ON ch.id = d.channel_id WHERE d.project_id = ?1 ORDER BY d.id";
static const char SQL_FC_HISTORY[] =
        "SELECT h.deal_id, h.to_stage, h.changed_on FROM deal_history h "
        "JOIN deals d ON d.id = h.deal_id WHERE d.project_id = ?1 ORDER BY h.deal_id, h.id";

static int read_deals(struct store *st, int64_t project_id, struct fdata *f, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_FC_DEALS, err);
	int rc;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, project_id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct fdeal *d;
		ALLOC_GROW(f->deals, f->n + 1, f->alloc);
		d = &f->deals[f->n++];
		memset(d, 0, sizeof(*d));
		d->id = store_col_int(st, s, 0);
		d->stage = stage_index(&f->pipe, store_col_text(st, s, 1));
		d->kind = kind_of(&f->pipe, d->stage);
		d->prob_bp = store_col_int(st, s, 2);
		d->amount = store_col_int(st, s, 3);
		d->expected_close = (int32_t)store_col_int_or(st, s, 4, NO_DATE);
		d->won_on = (int32_t)store_col_int_or(st, s, 5, NO_DATE);
		snprintf(d->owner, sizeof(d->owner), "%s", store_col_text(st, s, 6));
		snprintf(d->channel, sizeof(d->channel), "%s", store_col_text(st, s, 7));
		d->owner_id = store_col_int_or(st, s, 8, NO_ID);
		d->channel_id = store_col_int_or(st, s, 9, NO_ID);
		d->segment_id = store_col_int_or(st, s, 10, NO_ID);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* The deal of id among f's (sorted by id). */
static struct fdeal *deal_by_id(struct fdata *f, int64_t id)
{
	size_t lo = 0, hi = f->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (f->deals[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->n && f->deals[lo].id == id ? &f->deals[lo] : NULL;
}

static int read_history(struct store *st, int64_t project_id, struct fdata *f, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_FC_HISTORY, err);
	struct fdeal *cur = NULL;
	int rc;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, project_id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t id = store_col_int(st, s, 0);
		if (!cur || cur->id != id) {
			cur = deal_by_id(f, id);
			if (cur)
				cur->hist = f->nh;
		}
		if (!cur)
			continue;
		ALLOC_GROW(f->hist, f->nh + 1, f->halloc);
		f->hist[f->nh].stage = stage_index(&f->pipe, store_col_text(st, s, 1));
		f->hist[f->nh].on = (int32_t)store_col_int(st, s, 2);
		f->nh++;
		cur->nhist++;
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* --- the figures -------------------------------------------------------------------- */

enum { G_ALL, G_OWNER, G_CHANNEL };

static int in_group(const struct fdeal *d, int group, int64_t key)
{
	return group == G_ALL || (group == G_OWNER ? d->owner_id : d->channel_id) == key;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* The rank of a stage in the funnel: open stages in order, then won; -1 for lost / unknown. */
static int funnel_rank(const struct deal_pipeline *p, int stage)
{
	int r = 0;
	if (stage < 0)
		return -1;
	for (int i = 0; i < p->n; i++) {
		if (i == stage)
			return kind_of(p, i) == K_LOST ? -1 : kind_of(p, i) == K_WON ? 1000 : r;
		if (kind_of(p, i) == K_OPEN)
			r++;
	}
	return -1;
}

/*
 * One stage of a group's funnel from the deals' histories: how many reached it
 * (or a later stage), its stays that ended and their median, and the learned
 * chance of a win of the deals that were at it. buf holds a double per entry.
 */
static void stage_figures(const struct fdata *f, int group, int64_t key, struct funnel_stage *fs,
                          double *buf)
{
	const struct deal_pipeline *p = &f->pipe;
	int stage = stage_index(p, fs->code), rank = funnel_rank(p, stage);
	size_t nb = 0;

	for (size_t k = 0; k < f->n; k++) {
		const struct fdeal *d = &f->deals[k];
		int furthest = -1, was = 0;
		if (!in_group(d, group, key))
			continue;
		for (size_t j = 0; j < d->nhist; j++) {
			const struct fhist *h = &f->hist[d->hist + j];
			int r = funnel_rank(p, h->stage);
			if (r > furthest)
				furthest = r;
			if (h->stage == stage) {
				was = 1;
				if (j + 1 < d->nhist)
					buf[nb++] = (double)(f->hist[d->hist + j + 1].on - h->on);
			}
		}
		if (furthest >= rank)
			fs->reached++;
		if (was && d->kind != K_OPEN) {
			fs->closed++;
			fs->won += d->kind == K_WON;
		}
	}
	fs->stays = (int64_t)nb;
	if (!strcmp(fs->kind, "open"))
		fs->median_days = median(buf, nb);
	fs->win_p = ((double)fs->won + FORECAST_PRIOR_DEALS * fs->default_bp / 10000.0) /
	            ((double)fs->closed + FORECAST_PRIOR_DEALS);
}

static void stats_compute(const struct fdata *f, int group, int64_t key, struct pipe_stats *out)
{
	const struct deal_pipeline *p = &f->pipe;
	double *buf = xcalloc(f->nh + f->n + 1, sizeof(double));
	size_t nb;
	int nopen = 0;

	out->open = out->won = out->lost = out->open_amount = out->weighted = out->won_amount = 0;
	out->nstages = 0;
	for (int i = 0; i < p->n; i++) {
		struct funnel_stage *fs;
		if (kind_of(p, i) == K_LOST)
			continue;
		fs = &out->stages[out->nstages++];
		memset(fs, 0, sizeof(*fs));
		snprintf(fs->code, sizeof(fs->code), "%s", p->stages[i].code);
		snprintf(fs->name, sizeof(fs->name), "%s", p->stages[i].name);
		snprintf(fs->kind, sizeof(fs->kind), "%s", p->stages[i].kind);
		fs->default_bp = p->stages[i].probability_bp;
		fs->conversion = fs->median_days = fs->win_p = NAN;
		if (kind_of(p, i) == K_OPEN)
			nopen++;
	}
	for (size_t k = 0; k < f->n; k++) {
		const struct fdeal *d = &f->deals[k];
		int64_t w;
		if (!in_group(d, group, key))
			continue;
		if (d->kind == K_OPEN) {
			out->open++;
			out->open_amount += d->amount;
			if (!div_round(d->amount * d->prob_bp, 10000, &w))
				out->weighted += w;
		} else if (d->kind == K_WON) {
			out->won++;
			out->won_amount += d->amount;
		} else {
			out->lost++;
		}
	}
	/* per stage: reached, stays, and the learned chance of a deal there being won */
	for (int si = 0; si < out->nstages; si++)
		stage_figures(f, group, key, &out->stages[si], buf);
	for (int si = 0; si + 1 < out->nstages; si++)
		if (out->stages[si].reached > 0)
			out->stages[si].conversion = (double)out->stages[si + 1].reached /
			                             (double)out->stages[si].reached;
	/* days from a won deal's first entry to its being won */
	nb = 0;
	for (size_t k = 0; k < f->n; k++) {
		const struct fdeal *d = &f->deals[k];
		if (!in_group(d, group, key) || d->kind != K_WON || !d->nhist)
			continue;
		for (size_t j = d->nhist; j-- > 0;)
			if (kind_of(p, f->hist[d->hist + j].stage) == K_WON) {
				buf[nb++] = (double)(f->hist[d->hist + j].on - f->hist[d->hist].on);
				break;
			}
	}
	out->median_days_to_win = median(buf, nb);
	out->win_rate =
	        out->won + out->lost ? (double)out->won / (double)(out->won + out->lost) : NAN;
	if (!out->won || div_round(out->won_amount, out->won, &out->avg_deal_size))
		out->avg_deal_size = NO_VALUE;
	free(buf);
}

static int cmp_stats(const void *a, const void *b)
{
	return strcmp(((const struct pipe_stats *)a)->key, ((const struct pipe_stats *)b)->key);
}

/* The figures per owner or per channel, in key order. */
static struct pipe_stats *stats_by(const struct fdata *f, int group, size_t *n)
{
	int64_t *keys = xcalloc(f->n + 1, sizeof(*keys));
	struct pipe_stats *out;
	size_t nk = 0;
	for (size_t k = 0; k < f->n; k++) {
		int64_t key = group == G_OWNER ? f->deals[k].owner_id : f->deals[k].channel_id;
		size_t j = 0;
		while (j < nk && keys[j] != key)
			j++;
		if (j == nk)
			keys[nk++] = key;
	}
	out = xcalloc(nk ? nk : 1, sizeof(*out));
	for (size_t j = 0; j < nk; j++) {
		for (size_t k = 0; k < f->n; k++)
			if ((group == G_OWNER ? f->deals[k].owner_id : f->deals[k].channel_id) ==
			    keys[j]) {
				snprintf(out[j].key, sizeof(out[j].key), "%s",
				         group == G_OWNER ? f->deals[k].owner
				                          : f->deals[k].channel);
				break;
			}
		stats_compute(f, group, keys[j], &out[j]);
	}
	qsort(out, nk, sizeof(*out), cmp_stats);
	free(keys);
	*n = nk;
	return out;
}

/* --- each goal ------------------------------------------------------------------------ */

/* Whether deal d is inside goal g's scope (a product scope: no deal is, see deals_count). */
static int deal_in_scope(const struct goal *g, const struct fdeal *d)
{
	const struct goal_scope *s = &g->scope;
	return (s->channel_id == NO_ID || s->channel_id == d->channel_id) &&
	       (s->segment_id == NO_ID || s->segment_id == d->segment_id) &&
	       (s->rep_id == NO_ID || s->rep_id == d->owner_id);
}

/*
 * Whether the goal's metric comes through deals the simulation draws: revenue,
 * deals won and average deal size, unless a product narrows it (a deal's
 * amount is not its product's: then its sales are in the run rate).
 */
static int deals_count(const struct goal *g)
{
	enum metric_calc c = metric_def(g->metric)->calc;
	return (c == CALC_AMOUNT || c == CALC_DEALS_WON || c == CALC_DEAL_AVG) &&
	       g->scope.product_id == NO_ID;
}

/*
 * The run rate's weeks: the goal's metric in each of the last FORECAST_RUN_WEEKS
 * whole weeks up to today inside the project (revenue without the won deals'
 * amounts when deals are drawn); *n of them.
 */
static int run_weeks(struct store *st, const struct goal *g, const struct project *p,
                     const struct fdata *f, int32_t today, int64_t *weeks, size_t *n,
                     struct err *err)
{
	enum metric_calc c = metric_def(g->metric)->calc;
	int nw = 0;
	int32_t first;

	*n = 0;
	if (c == CALC_DEALS_WON || c == CALC_DEAL_AVG || !metric_cumulative(g->metric))
		return 0;
	while (nw < FORECAST_RUN_WEEKS && today - 7 * (nw + 1) + 1 >= p->start_on)
		nw++;
	if (!nw)
		return 0;
	first = today - 7 * nw + 1;
	if (c == CALC_AMOUNT || c == CALC_QUANTITY) {
		struct sale_sums *days = xcalloc((size_t)(7 * nw), sizeof(*days));
		if (metric_daily(st, g->project_id, &g->scope, first, today, days, err)) {
			free(days);
			return -1;
		}
		for (int k = 0; k < nw; k++) {
			int64_t v = 0;
			for (int d = 0; d < 7; d++)
				v += c == CALC_AMOUNT ? days[7 * k + d].amount
				                      : days[7 * k + d].quantity;
			weeks[k] = v;
		}
		free(days);
		if (c == CALC_AMOUNT && deals_count(g))
			for (size_t k = 0; k < f->n; k++) {
				const struct fdeal *d = &f->deals[k];
				if (d->kind == K_WON && d->won_on != NO_DATE &&
				    d->won_on >= first && d->won_on <= today && deal_in_scope(g, d))
					weeks[(d->won_on - first) / 7] -= d->amount;
			}
		for (int k = 0; k < nw; k++)
			if (weeks[k] < 0)
				weeks[k] = 0;
	} else {
		int32_t ends[FORECAST_RUN_WEEKS];
		int64_t vals[FORECAST_RUN_WEEKS];
		struct metric_query q;
		/* the goal's own measure (its cohort too), from the first of the weeks */
		goal_metric_query(g, today, &q);
		q.from = first;
		for (int k = 0; k < nw; k++)
			ends[k] = first + 7 * (k + 1) - 1;
		if (metric_curve(st, &q, ends, nw, vals, err))
			return -1;
		/* a week without a value adds nothing; the next one counts from the last known */
		int64_t last = 0;
		for (int k = 0; k < nw; k++) {
			if (vals[k] == NO_VALUE) {
				weeks[k] = 0;
				continue;
			}
			weeks[k] = vals[k] > last ? vals[k] - last : 0;
			last = vals[k];
		}
	}
	*n = (size_t)nw;
	return 0;
}

/* The chance a value with standard error se lands at or above target (normal). */
static double normal_above(double value, double se, double target)
{
	if (se <= 0)
		return value >= target ? 1.0 : 0.0;
	return 0.5 * erfc(-(value - target) / se / sqrt(2.0));
}

/*
 * Whether open deal d can close inside g's window with some slip the project
 * has seen (the slips are sorted): a deal that cannot is left out of the runs,
 * which it would never change, so a large pipeline costs only its deals that
 * matter.
 */
static int can_close_in(const struct fdata *f, const struct fdeal *d, int32_t today,
                        const struct goal *g)
{
	int32_t c = d->expected_close == NO_DATE ? today : d->expected_close;
	int32_t lo = c + (f->nslips ? f->slips[0] : 0),
	        hi = c + (f->nslips ? f->slips[f->nslips - 1] : 0);
	if (lo < today)
		lo = today;
	if (hi < today)
		hi = today;
	return lo <= g->due_on && hi >= g->start_on;
}

/* The open deals in g's scope, and the coverage of what is left of its target (revenue, deals won).
 */
static void goal_coverage(const struct fdata *f, const struct goal *g, enum metric_calc c,
                          struct goal_forecast *out)
{
	double psum = 0;
	for (size_t k = 0; deals_count(g) && k < f->n; k++)
		out->deals += f->deals[k].kind == K_OPEN && deal_in_scope(g, &f->deals[k]);
	if (!deals_count(g) || c == CALC_DEAL_AVG || out->remaining <= 0)
		return;
	for (size_t k = 0; k < f->n; k++) {
		const struct fdeal *d = &f->deals[k];
		int64_t w;
		if (d->kind != K_OPEN || !deal_in_scope(g, d))
			continue;
		if (c == CALC_AMOUNT && !div_round(d->amount * d->prob_bp, 10000, &w))
			out->weighted += w;
		psum += d->prob_bp / 10000.0;
	}
	out->coverage = c == CALC_AMOUNT ? (double)out->weighted / (double)out->remaining
	                                 : psum / (double)out->remaining;
	if (c == CALC_DEALS_WON)
		out->weighted = round_sat(psum);
}

/* The chance an open deal is won: its stage's learned one (else its own probability). */
static double learned_p(const struct pipe_stats *all, const struct fdata *f, const struct fdeal *d)
{
	for (int si = 0; si < all->nstages; si++)
		if (d->stage >= 0 && !strcmp(all->stages[si].code, f->pipe.stages[d->stage].code))
			return all->stages[si].win_p;
	return d->prob_bp / 10000.0;
}

/*
 * Goal g's part of the shared runs (sg; its arrays the caller frees): the
 * open deals in its scope that can close in its window (shared[k]: deal k's
 * index among the shared deals, -1 when not open) with what each adds; and
 * for an average, the deals already won in the window.
 */
static void goal_sim_deals(const struct fdata *f, const struct goal *g, enum metric_calc c,
                           int32_t today, const ssize_t *shared, struct sim_goal *sg)
{
	size_t *idx = xcalloc(f->n + 1, sizeof(*idx));
	int64_t *values = xcalloc(f->n + 1, sizeof(*values));
	for (size_t k = 0; k < f->n; k++) {
		const struct fdeal *d = &f->deals[k];
		if (!deal_in_scope(g, d))
			continue;
		if (d->kind == K_WON && c == CALC_DEAL_AVG && d->won_on != NO_DATE &&
		    d->won_on >= g->start_on && d->won_on <= today) {
			sg->won_count++;
			sg->won_amount += d->amount;
		}
		if (shared[k] < 0 || !can_close_in(f, d, today, g))
			continue;
		idx[sg->ndeals] = (size_t)shared[k];
		values[sg->ndeals++] = c == CALC_DEALS_WON ? 1 : d->amount;
	}
	sg->deals = idx;
	sg->values = values;
	sg->average = c == CALC_DEAL_AVG;
}

/*
 * Goal gi's forecast into out, but for a simulation: then its part of the
 * shared runs into sg (*sim set), whose arrays the caller frees.
 */
static int goal_forecast(struct store *st, const struct pipeline_forecast *pf,
                         const struct fdata *f, const ssize_t *shared, size_t gi,
                         struct goal_forecast *out, struct sim_goal *sg, int *sim, struct err *err)
{
	const struct goal *g = &pf->board.goals.items[gi];
	const struct goal_progress *gp = &pf->board.progress[gi];
	int32_t today = pf->board.as_of;
	int64_t actual = gp->actual == NO_VALUE ? 0 : gp->actual;
	int64_t *weeks;
	enum metric_calc c;

	*sim = 0;
	memset(sg, 0, sizeof(*sg));
	memset(out, 0, sizeof(*out));
	out->probability = out->error = out->mean = out->coverage = NAN;
	if (g->metric == METRIC_NONE || g->target == NO_VALUE || g->target <= 0 ||
	    g->start_on == NO_DATE || g->due_on == NO_DATE || g->due_on < g->start_on) {
		out->reason = "incomplete";
		return 0;
	}
	c = metric_def(g->metric)->calc;
	out->remaining = g->target - actual;
	goal_coverage(f, g, c, out);
	if (today > g->due_on) {
		out->method = "closed";
		out->probability = gp->status == STATUS_ACHIEVED ? 1.0 : 0.0;
		return 0;
	}
	if (metric_cumulative(g->metric) && gp->actual != NO_VALUE && gp->actual >= g->target) {
		out->method = "achieved";
		out->probability = 1.0;
		out->mean = (double)gp->actual;
		return 0;
	}
	if (!metric_cumulative(g->metric) && c != CALC_DEAL_AVG) {
		/* a level: where its trend lands against the target */
		if (!gp->projection.ok) {
			out->reason = gp->projection.reason;
			return 0;
		}
		out->method = "trend";
		out->mean = (double)gp->projection.value;
		out->probability = normal_above((double)gp->projection.value, gp->projection.se,
		                                (double)g->target);
		return 0;
	}
	memset(sg, 0, sizeof(*sg));
	sg->start = g->start_on;
	sg->due = g->due_on;
	sg->actual = actual;
	sg->target = g->target;
	/* its run rate's own stream: the same seed and data give each goal the same answer */
	sg->seed = pf->seed * 0x9e3779b97f4a7c15ULL + (uint64_t)g->id;
	if (deals_count(g))
		goal_sim_deals(f, g, c, today, shared, sg);
	weeks = xcalloc(FORECAST_RUN_WEEKS, sizeof(*weeks));
	sg->weeks = weeks;
	if (run_weeks(st, g, &pf->board.project, f, today, weeks, &sg->nweeks, err))
		return -1;
	out->weeks = sg->nweeks;
	out->method = "simulation";
	*sim = 1;
	return 0;
}

/* --- the whole ----------------------------------------------------------------------- */

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Every goal's forecast; those simulated share one set of runs: the project's
 * open deals, each with its stage's learned chance, drawn once a run for all.
 */
static int forecast_goals(struct store *st, const struct fdata *f, struct pipeline_forecast *out,
                          struct err *err)
{
	size_t ng = out->board.goals.n, nshared = 0;
	struct sim_deal *deals = xcalloc(f->n + 1, sizeof(*deals));
	ssize_t *shared = xcalloc(f->n + 1, sizeof(*shared));
	struct sim_goal *sg = xcalloc(ng + 1, sizeof(*sg)), *run = xcalloc(ng + 1, sizeof(*run));
	size_t *which = xcalloc(ng + 1, sizeof(*which)), nrun = 0;
	int r = 0;

	for (size_t k = 0; k < f->n; k++) {
		const struct fdeal *d = &f->deals[k];
		shared[k] = -1;
		if (d->kind != K_OPEN)
			continue;
		deals[nshared].p = learned_p(&out->all, f, d);
		deals[nshared].close_on = d->expected_close;
		deals[nshared].value = d->amount;
		deals[nshared].amount = d->amount;
		shared[k] = (ssize_t)nshared++;
	}
	for (size_t i = 0; i < ng && !r; i++) {
		int sim = 0;
		r = goal_forecast(st, out, f, shared, i, &out->goals[i], &sg[i], &sim, err);
		if (!r && sim) {
			which[nrun] = i;
			run[nrun++] = sg[i];
		}
	}
	if (!r && nrun) {
		sim_run(deals, nshared, f->slips, f->nslips, out->board.as_of, out->seed, out->runs,
		        run, nrun);
		for (size_t j = 0; j < nrun; j++) {
			struct goal_forecast *gf = &out->goals[which[j]];
			gf->probability = run[j].probability;
			gf->mean = run[j].mean;
			gf->error = sqrt(gf->probability * (1 - gf->probability) / out->runs);
		}
	}
	for (size_t i = 0; i < ng; i++) {
		free((void *)sg[i].deals);
		free((void *)sg[i].values);
		free((void *)sg[i].weeks);
	}
	free(deals);
	free(shared);
	free(sg);
	free(run);
	free(which);
	return r;
}

/* Each deal's furthest stage by the funnel's ranks (stage_figures counts by the same rule). */
static void reach_compute(const struct fdata *f, struct pipeline_forecast *out)
{
	const struct deal_pipeline *p = &f->pipe;

	out->reach = xcalloc(f->n + 1, sizeof(*out->reach));
	out->nreach = 0;
	for (size_t k = 0; k < f->n; k++) {
		const struct fdeal *d = &f->deals[k];
		int furthest = -1, stage = -1;
		for (size_t j = 0; j < d->nhist; j++) {
			int r = funnel_rank(p, f->hist[d->hist + j].stage);
			if (r > furthest) {
				furthest = r;
				stage = f->hist[d->hist + j].stage;
			}
		}
		if (furthest < 0)
			continue;
		out->reach[out->nreach].id = d->id;
		snprintf(out->reach[out->nreach].stage, sizeof(out->reach[0].stage), "%s",
		         p->stages[stage].code);
		out->nreach++;
	}
}

static int forecast_collect(struct store *st, const struct actor *a, const struct project *p,
                            struct fdata *f, struct pipeline_forecast *out, struct err *err)
{
	if (deal_pipeline_get(st, a, p->code, &f->pipe, err) || read_deals(st, p->id, f, err) ||
	    read_history(st, p->id, f, err))
		return -1;
	/* slippage: how many days after its expected close each won deal was won */
	f->slips = xcalloc(f->n + 1, sizeof(*f->slips));
	for (size_t k = 0; k < f->n; k++)
		if (f->deals[k].kind == K_WON && f->deals[k].won_on != NO_DATE &&
		    f->deals[k].expected_close != NO_DATE)
			f->slips[f->nslips++] = f->deals[k].won_on - f->deals[k].expected_close;
	qsort(f->slips, f->nslips, sizeof(*f->slips), cmp_i32);
	out->slips = f->nslips;
	out->median_slip = !f->nslips ? NAN
	                   : f->nslips % 2
	                           ? f->slips[f->nslips / 2]
	                           : (f->slips[f->nslips / 2 - 1] + f->slips[f->nslips / 2]) / 2.0;
	stats_compute(f, G_ALL, 0, &out->all);
	reach_compute(f, out);
	out->by_owner = stats_by(f, G_OWNER, &out->nowner);
	out->by_channel = stats_by(f, G_CHANNEL, &out->nchannel);
	out->goals = xcalloc(out->board.goals.n + 1, sizeof(*out->goals));
	return forecast_goals(st, f, out, err);
}

int pipeline_forecast_build(struct store *st, const struct actor *a, const char *code,
                            int32_t as_of, uint64_t seed, struct pipeline_forecast *out,
                            struct err *err)
{
	struct project p;
	struct fdata f;
	int r;

	memset(out, 0, sizeof(*out));
	memset(&f, 0, sizeof(f));
	out->seed = seed;
	out->runs = FORECAST_RUNS;
	if (project_get(st, a, code, &p, err))
		return -1;
	/* one read transaction: every figure from the same data */
	if (store_begin(st, 0, err))
		return -1;
	metric_memo_begin(st);
	r = goal_board_collect(st, a, &p, as_of, &out->board, err);
	if (!r)
		r = forecast_collect(st, a, &p, &f, out, err);
	metric_memo_end();
	store_rollback(st);
	free(f.deals);
	free(f.hist);
	free(f.slips);
	if (r)
		pipeline_forecast_release(out);
	return r;
}

void pipeline_forecast_release(struct pipeline_forecast *f)
{
	goal_board_release(&f->board);
	free(f->reach);
	f->reach = NULL;
	f->nreach = 0;
	free(f->goals);
	free(f->by_owner);
	free(f->by_channel);
	f->goals = NULL;
	f->by_owner = f->by_channel = NULL;
}

/* --- JSON ------------------------------------------------------------------------------ */

static void stats_write(struct jw *w, const struct pipe_stats *s, int keyed)
{
	jw_obj(w);
	if (keyed)
		jw_kstr(w, "key", s->key);
	jw_kint(w, "open", s->open);
	jw_kint(w, "open_amount", s->open_amount);
	jw_kint(w, "weighted", s->weighted);
	jw_kint(w, "won", s->won);
	jw_kint(w, "lost", s->lost);
	jw_kint(w, "won_amount", s->won_amount);
	jw_knum(w, "win_rate", s->win_rate, 4);
	jw_key(w, "avg_deal_size");
	if (s->avg_deal_size == NO_VALUE)
		jw_null(w);
	else
		jw_int(w, s->avg_deal_size);
	jw_knum(w, "median_days_to_win", s->median_days_to_win, 1);
	jw_key(w, "funnel");
	jw_arr(w);
	for (int i = 0; i < s->nstages; i++) {
		const struct funnel_stage *fs = &s->stages[i];
		jw_obj(w);
		jw_kstr(w, "stage", fs->code);
		jw_kstr(w, "name", fs->name);
		jw_kstr(w, "kind", fs->kind);
		jw_kint(w, "reached", fs->reached);
		jw_knum(w, "conversion", fs->conversion, 4);
		jw_knum(w, "median_days", fs->median_days, 1);
		jw_kint(w, "stays", fs->stays);
		if (!strcmp(fs->kind, "open")) {
			jw_knum(w, "default_probability", fs->default_bp / 10000.0, 4);
			jw_kint(w, "closed", fs->closed);
			jw_kint(w, "closed_won", fs->won);
			jw_knum(w, "win_probability", fs->win_p, 4);
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

static void goal_forecast_write(struct jw *w, const struct goal *g, const struct goal_progress *gp,
                                const struct goal_forecast *f)
{
	enum unit u = metric_unit(g->metric);
	jw_obj(w);
	jw_kint(w, "id", g->id);
	jw_kstr(w, "name", g->name);
	jw_kstr(w, "metric", g->metric == METRIC_NONE ? NULL : metric_str(g->metric));
	jw_kstr(w, "unit", unit_str(u));
	/* what narrows its deals: a coverage figure opens the open deals of this scope */
	goal_scope_write_json(w, &g->scope);
	goal_value_json(w, "target", u, g->target);
	goal_value_json(w, "actual", u, gp->actual);
	jw_kdate(w, "due", g->due_on);
	jw_kstr(w, "status", goal_status_str(gp->status));
	goal_projection_write_json(w, g, &gp->projection);
	jw_knum(w, "probability", f->probability, 4);
	jw_knum(w, "probability_error", f->error, 4);
	jw_kstr(w, "probability_method", f->method);
	jw_kstr(w, "probability_reason", f->method ? NULL : f->reason);
	/* a rate travels as a number in [0, 1] (basis points inside) */
	jw_knum(w, "expected_at_due", u == UNIT_RATIO ? f->mean / 10000.0 : f->mean,
	        u == UNIT_RATIO ? 4 : 0);
	jw_knum(w, "coverage", f->coverage, 6);
	jw_kint(w, "weighted_pipeline", f->weighted);
	jw_kint(w, "remaining", f->remaining > 0 ? f->remaining : 0);
	jw_kint(w, "deals", (int64_t)f->deals);
	jw_kint(w, "run_rate_weeks", (int64_t)f->weeks);
	jw_obj_end(w);
}

void pipeline_forecast_write_json(struct jw *w, const struct pipeline_forecast *f)
{
	jw_obj(w);
	jw_kstr(w, "project", f->board.project.code);
	jw_kdate(w, "as_of", f->board.as_of);
	jw_kint(w, "seed", (int64_t)f->seed);
	jw_kint(w, "runs", f->runs);
	jw_key(w, "model");
	jw_obj(w);
	jw_kint(w, "prior_deals", FORECAST_PRIOR_DEALS);
	jw_kint(w, "run_rate_weeks", FORECAST_RUN_WEEKS);
	jw_knum(w, "band", FORECAST_BAND_PCT / 100.0, 2);
	jw_kint(w, "slippage_samples", (int64_t)f->slips);
	jw_knum(w, "median_slippage_days", f->median_slip, 1);
	jw_obj_end(w);
	jw_key(w, "all");
	stats_write(w, &f->all, 0);
	jw_key(w, "by_owner");
	jw_arr(w);
	for (size_t i = 0; i < f->nowner; i++)
		stats_write(w, &f->by_owner[i], 1);
	jw_arr_end(w);
	jw_key(w, "by_channel");
	jw_arr(w);
	for (size_t i = 0; i < f->nchannel; i++)
		stats_write(w, &f->by_channel[i], 1);
	jw_arr_end(w);
	jw_key(w, "goals");
	jw_arr(w);
	for (size_t i = 0; i < f->board.goals.n; i++)
		goal_forecast_write(w, &f->board.goals.items[i], &f->board.progress[i],
		                    &f->goals[i]);
	jw_arr_end(w);
	jw_key(w, "reach");
	jw_obj(w);
	for (size_t i = 0; i < f->nreach; i++) {
		char id[24];
		snprintf(id, sizeof(id), "%lld", (long long)f->reach[i].id);
		jw_kstr(w, id, f->reach[i].stage);
	}
	jw_obj_end(w);
	jw_obj_end(w);
}
