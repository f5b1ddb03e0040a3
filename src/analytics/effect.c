/*
 * effect.c - an adjustment's effect: daily values of its metric from the kept
 * daily sums before and after the day it took effect, compared by the
 * difference in means with a seeded bootstrap interval over days (effect.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/effect.h"
#include "base/date.h"
#include "base/rng.h"
#include "base/xalloc.h"
#include "store/store.h"
#include "base/banned.h"

/* ?1 project, ?2 dim, ?3 key, ?4 first day, ?5 last day */
static const char SQL_DAYS[] =
	"SELECT day, quantity, amount_minor, cost_minor FROM sale_rollup WHERE project_id = ?1 "
	"AND dim = ?2 AND key_id = ?3 AND day BETWEEN ?4 AND ?5";

static const char *const verdict_names[] = { "effect.up", "effect.down", "effect.unclear",
					     "effect.too_thin" };

const char *effect_verdict_str(enum effect_verdict v)
{
	return verdict_names[v];
}

static double mean_of(const int64_t *v, int n)
{
	int64_t sum = 0;

	for (int i = 0; i < n; i++)
		sum += v[i];
	return n ? (double)sum / n : 0.0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void effect_compare(const int64_t *before, int nb, const int64_t *after, int na, uint64_t seed,
		    struct effect_stats *out)
{
	double *d;
	struct rng r;

	memset(out, 0, sizeof(*out));
	out->n_before = nb;
	out->n_after = na;
	out->mean_before = mean_of(before, nb);
	out->mean_after = mean_of(after, na);
	out->diff = out->mean_after - out->mean_before;
	if (nb > 0 && na > 0) {
		d = xmalloc(EFFECT_RESAMPLES * sizeof(*d));
		rng_seed(&r, seed);
		for (int b = 0; b < EFFECT_RESAMPLES; b++) {
			int64_t sb = 0, sa = 0;
			for (int i = 0; i < nb; i++)
				sb += before[rng_below(&r, (uint64_t)nb)];
			for (int i = 0; i < na; i++)
				sa += after[rng_below(&r, (uint64_t)na)];
			d[b] = (double)sa / na - (double)sb / nb;
		}
		qsort(d, EFFECT_RESAMPLES, sizeof(*d), cmp_double);
		out->ci_low = d[EFFECT_RESAMPLES / 40];
		out->ci_high = d[EFFECT_RESAMPLES - EFFECT_RESAMPLES / 40 - 1];
		free(d);
	}
	if (nb < EFFECT_MIN_DAYS || na < EFFECT_MIN_DAYS)
		out->verdict = EFFECT_TOO_THIN;
	else if (out->ci_low > 0)
		out->verdict = EFFECT_UP;
	else if (out->ci_high < 0)
		out->verdict = EFFECT_DOWN;
	else
		out->verdict = EFFECT_UNCLEAR;
}

/* The daily values of metric m from first for days days (a day without sales is 0). */
static int read_days(struct store *st, const struct adjustment *x, enum adjust_metric m,
		     int32_t first, int days, int64_t *vals, struct err *err)
{
	struct stmt *s;
	int rc;

	if (days <= 0)
		return 0;
	s = store_prepare(st, SQL_DAYS, err);
	if (!s)
		return -1;
	store_bind_int(st, s, 1, x->project_id);
	store_bind_text(st, s, 2, x->dim);
	store_bind_int(st, s, 3, x->dim_key);
	store_bind_int(st, s, 4, first);
	store_bind_int(st, s, 5, first + days - 1);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t day = store_col_int(st, s, 0), q = store_col_int(st, s, 1),
			amount = store_col_int(st, s, 2), cost = store_col_int(st, s, 3);
		vals[day - first] += m == ADJ_UNITS ? q : m == ADJ_MARGIN ? amount - cost : amount;
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int effect_of(struct store *st, const struct actor *a, const char *project_code, int64_t id,
	      int has_metric, enum adjust_metric metric, int window, struct effect *out,
	      struct err *err)
{
	int32_t today = date_today();
	int64_t since;

	memset(out, 0, sizeof(*out));
	if (window < 1 || window > EFFECT_WINDOW_MAX)
		return err_set(err, ERR_INVALID, "window", "out_of_range:_,min,max",
			       "%s must be from %d to %d days", "window", 1, EFFECT_WINDOW_MAX);
	if (adjust_get(st, a, project_code, id, &out->adj, err))
		return -1;
	out->metric = has_metric ? metric : out->adj.metric;
	out->window = window;
	since = (int64_t)today - out->adj.effective_on; /* whole days since, today not counted */
	out->days = since < 0 ? 0 : since < window ? (int)since : window;
	out->after_from = out->adj.effective_on;
	out->before_from = out->adj.effective_on - out->days;
	out->before = xcalloc((size_t)out->days + 1, sizeof(int64_t));
	out->after = xcalloc((size_t)out->days + 1, sizeof(int64_t));
	if (read_days(st, &out->adj, out->metric, out->before_from, out->days, out->before, err) ||
	    read_days(st, &out->adj, out->metric, out->after_from, out->days, out->after, err)) {
		effect_release(out);
		return -1;
	}
	effect_compare(out->before, out->days, out->after, out->days, EFFECT_SEED, &out->stats);
	return 0;
}

void effect_release(struct effect *e)
{
	adjustment_release(&e->adj);
	free(e->before);
	free(e->after);
	e->before = e->after = NULL;
}

static void side_json(struct jw *w, const char *key, int32_t from, int n, double mean,
		      const int64_t *vals)
{
	jw_key(w, key);
	jw_obj(w);
	jw_kdate(w, "from", from);
	jw_kdate(w, "to", n ? from + n - 1 : INT32_MIN);
	jw_kint(w, "n", n);
	jw_knum(w, "mean", mean, 2);
	jw_key(w, "values");
	jw_arr(w);
	for (int i = 0; i < n; i++)
		jw_int(w, vals[i]);
	jw_arr_end(w);
	jw_obj_end(w);
}

void effect_write_json(struct jw *w, const struct effect *e)
{
	const struct effect_stats *s = &e->stats;

	jw_obj(w);
	jw_key(w, "adjustment");
	adjustment_write_json(w, &e->adj);
	jw_kstr(w, "metric", adjust_metric_str(e->metric));
	jw_kint(w, "window", e->window);
	jw_kint(w, "days", e->days);
	side_json(w, "before", e->before_from, s->n_before, s->mean_before, e->before);
	side_json(w, "after", e->after_from, s->n_after, s->mean_after, e->after);
	jw_knum(w, "diff", s->diff, 2);
	jw_key(w, "change");
	if (s->mean_before > 0)
		jw_num(w, s->diff / s->mean_before, 4);
	else
		jw_null(w);
	jw_key(w, "ci");
	if (s->n_before && s->n_after) {
		jw_arr(w);
		jw_num(w, s->ci_low, 2);
		jw_num(w, s->ci_high, 2);
		jw_arr_end(w);
	} else {
		jw_null(w);
	}
	jw_kint(w, "resamples", EFFECT_RESAMPLES);
	jw_kint(w, "seed", EFFECT_SEED);
	jw_key(w, "verdict");
	jw_obj(w);
	jw_kstr(w, "code", effect_verdict_str(s->verdict));
	jw_key(w, "params");
	jw_obj(w);
	jw_kint(w, "days", e->days);
	jw_kint(w, "min_days", EFFECT_MIN_DAYS);
	jw_kstr(w, "metric", adjust_metric_str(e->metric));
	jw_knum(w, "diff", s->diff, 2);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_obj_end(w);
}
