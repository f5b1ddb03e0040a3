/*
 * effect.h - the effect of an adjustment (step 6): the metric it concerns
 * (revenue, units or margin of its product, channel, promotion or goal scope)
 * per day over a window before the day it took effect against the same
 * window after, read from the kept daily sums (sale_rollup, never the sales),
 * the difference in daily means with a 95% bootstrap interval over days
 * (seeded: the same data gives the same interval everywhere), and a verdict.
 */
#ifndef ANALYTICS_EFFECT_H
#define ANALYTICS_EFFECT_H

#include <stdint.h>

#include "base/jw.h"
#include "core/adjust.h"

#define EFFECT_WINDOW_DEFAULT 28
#define EFFECT_WINDOW_MAX 365
#define EFFECT_MIN_DAYS 7       /* fewer days on a side: too thin to tell */
#define EFFECT_RESAMPLES 2000
#define EFFECT_SEED 6           /* the bootstrap's seed (step 6) */

enum effect_verdict { EFFECT_UP, EFFECT_DOWN, EFFECT_UNCLEAR, EFFECT_TOO_THIN };

/* The comparison of two samples of daily values. */
struct effect_stats {
	int n_before, n_after;
	double mean_before, mean_after;
	double diff;             /* mean_after - mean_before */
	double ci_low, ci_high;  /* the 95% bootstrap interval of diff (0 when a side is empty) */
	enum effect_verdict verdict;
};

/*
 * Compare before[0..nb) with after[0..na): the means, their difference, and
 * its 95% interval from EFFECT_RESAMPLES resamples drawn with rng seeded by
 * seed (each resample draws nb indexes of before, then na of after, with
 * rng_below; the interval is d[50] and d[1949] of the 2000 sorted
 * differences d, 2.5% beyond it on each side); the verdict: too thin when a side
 * has fewer than EFFECT_MIN_DAYS, unclear when the interval holds 0, else up or down.
 */
void effect_compare(const int64_t *before, int nb, const int64_t *after, int na, uint64_t seed,
		    struct effect_stats *out);

/* "effect.up", "effect.down", "effect.unclear", "effect.too_thin". */
const char *effect_verdict_str(enum effect_verdict v);

/* An adjustment's effect: the comparison and the days it read. */
struct effect {
	struct adjustment adj;
	enum adjust_metric metric;
	int window;              /* days per side asked */
	int32_t before_from, after_from; /* the first day of each side */
	int days;                /* days per side read: min(window, days since it took effect) */
	int64_t *before, *after; /* the daily values, days each (owned) */
	struct effect_stats stats;
};

/*
 * The effect of adjustment id of the project (any member): metric as given
 * (has_metric) or the adjustment's own, over window days per side (1 to
 * EFFECT_WINDOW_MAX), fewer when fewer days have passed since (today not counted).
 */
int effect_of(struct store *st, const struct actor *a, const char *project_code, int64_t id,
	      int has_metric, enum adjust_metric metric, int window, struct effect *out,
	      struct err *err);
void effect_release(struct effect *e);

/* {"adjustment":{...},"metric","window","days","before":{"from","n","mean","values"},...,"verdict":{"code","params"}} */
void effect_write_json(struct jw *w, const struct effect *e);

#endif
