/*
 * forecast.h - what a project's goals will come to (docs/guide.md, "Forecast"):
 * each goal's projection at its due date with a band, the probability of
 * reaching its target from a Monte Carlo simulation of the open pipeline and
 * the run rate, and the pipeline's figures (coverage, the funnel with its
 * conversion rates and median cycle times, win rate, average deal size), for
 * the whole project and by owner and by channel.
 *
 * Read from the rollups (sale_rollup, deal_rollup through analytics/metric.h),
 * the deals and their stage history; never the sales.
 */
#ifndef ANALYTICS_FORECAST_H
#define ANALYTICS_FORECAST_H

#include <stddef.h>
#include <stdint.h>

#include "analytics/progress.h"
#include "base/jw.h"
#include "core/deal.h"

/* The band of a projection: an 80% prediction interval. */
#define FORECAST_BAND_PCT 80
/* Weight of a stage's default probability, in deals, against its learned win share. */
#define FORECAST_PRIOR_DEALS 10
/* Weeks of history the run rate is drawn from. */
#define FORECAST_RUN_WEEKS 12
/* Runs of the simulation. */
#define FORECAST_RUNS 10000
/* A projection needs this many points of the goal's series. */
#define FORECAST_MIN_POINTS 3

/*
 * The least-squares line through (x[i], y[i]), i < n, at x0: *value, and the
 * 80% prediction interval [*low, *high] from the residuals' spread (Student's
 * t with n - 2 degrees of freedom); *se is the standard error of a new value
 * at x0. -1 with fewer than FORECAST_MIN_POINTS points or all x equal.
 */
int forecast_line(const double *x, const double *y, size_t n, double x0, double *value, double *low,
                  double *high, double *se);

/*
 * A running total's pace through (x[i], y[i]), i < n (x in days, ascending):
 * *rate, the slope of the least-squares line; and, for a value `ahead` days
 * on at that pace, its standard error *se and the half width *half of its
 * 80% prediction interval. The total is taken as a random walk with that
 * drift: sigma^2 = sum over the steps of (dy - rate dx)^2 / dx, over
 * (steps - 1), and se^2 = sigma^2 (ahead + ahead^2 / span), the days left
 * and the pace's own error from the span of days it was learned over;
 * half = t(0.90, steps - 1) se. -1 with fewer than FORECAST_MIN_POINTS points.
 */
int forecast_pace(const double *x, const double *y, size_t n, double ahead, double *rate,
                  double *half, double *se);

/* A goal's projection (struct goal_projection, analytics/progress.h) at its due date. */
struct goal;
int goal_projection_compute(struct store *st, const struct goal *g, int32_t today, int64_t actual,
                            struct goal_projection *out, struct err *err);

/* The projection as text in u's form ("1,234.00"), its band "low - high"; "-" and "(reason)". */
void goal_projection_format(enum unit u, const struct goal_projection *p, char *value, size_t vlen,
                            char *band, size_t blen);

void goal_projection_write_json(struct jw *w, const struct goal *g,
                                const struct goal_projection *p);

/* --- the simulation ----------------------------------------------------------- */

/* An open deal as the simulation sees it. */
struct sim_deal {
	double p;         /* the chance it is won */
	int32_t close_on; /* its expected close (NO_DATE: today) */
	int64_t value;    /* what winning it adds to the goal's metric */
	int64_t amount;   /* its amount (average deal size) */
};

struct sim_input {
	int32_t today, start, due;
	int64_t actual, target;
	const struct sim_deal *deals;
	size_t ndeals;
	const int32_t *slips; /* days won deals closed after their expected close, ascending */
	size_t nslips;
	const int64_t *weeks; /* the run rate: a week's amount not through deals (drawn from) */
	size_t nweeks;
	int average; /* the goal is an average deal size: won_amount / won_count */
	int64_t won_count, won_amount;
	uint64_t seed;
	int runs;
};

/*
 * One goal of a simulation whose runs draw each deal once for every goal
 * (sim_run): the shared deals it counts, what each adds to it, its run rate.
 */
struct sim_goal {
	int32_t start, due;
	int64_t actual, target;
	const size_t *deals;   /* indexes of the shared deals it counts */
	const int64_t *values; /* what each adds (amount, or 1 for deals won), parallel to deals */
	size_t ndeals;
	const int64_t *weeks; /* its run rate: a week's amount not through deals (drawn from) */
	size_t nweeks;
	int average; /* an average deal size: won_amount / won_count */
	int64_t won_count, won_amount;
	uint64_t seed;      /* of its run rate's draws */
	double probability; /* out: the share of runs that reach the target */
	double mean;        /* out: the mean value reached */
};

/*
 * runs runs from seed: in each, every deal is won with its chance and, won,
 * closes on its expected close (today when none) plus a slip drawn from slips
 * (ascending), never before today; then each goal counts the deals of its own
 * that close inside its window, and draws its run rate for its days left.
 */
void sim_run(const struct sim_deal *deals, size_t n, const int32_t *slips, size_t nslips,
             int32_t today, uint64_t seed, int runs, struct sim_goal *goals, size_t ngoals);

/*
 * One goal's sim_run over in's deals (every one of them its own).
 * The share of runs that reach the target (cumulative: actual plus the deals
 * won in the window plus the run rate's draws for the days left; average:
 * the won deals' amount per deal), and the mean value reached in *mean.
 */
double sim_probability(const struct sim_input *in, double *mean);

/* --- the pipeline ------------------------------------------------------------ */

struct funnel_stage {
	char code[32];
	char name[64]; /* "" for a standard stage (the UI names it) */
	char kind[8];
	int64_t reached;    /* deals that reached this stage or a later one (won: were won) */
	double conversion;  /* reached(next) / reached, NAN when none or last */
	double median_days; /* median days spent in the stage (stays that ended), NAN if none */
	int64_t stays;
	int64_t default_bp;  /* the stage's default probability */
	int64_t closed, won; /* deals ever at the stage that are now closed, and won */
	double win_p;        /* the learned chance a deal at the stage is won */
};

struct pipe_stats {
	char key[64]; /* an owner's login or a channel's code ("" for all, or none) */
	int64_t open, won, lost, open_amount, weighted, won_amount, avg_deal_size; /* NO_VALUE */
	double win_rate, median_days_to_win;
	struct funnel_stage stages[DEAL_MAX_STAGES];
	int nstages;
};

struct goal_forecast {
	double probability; /* NAN when not computed */
	double error;       /* its Monte Carlo standard error */
	double mean;        /* the mean value at the due date over the runs */
	const char *method; /* "simulation", "trend", "achieved" or NULL */
	const char *reason; /* why no probability */
	double coverage;    /* weighted open pipeline / what is left of the target, NAN if none */
	int64_t weighted, remaining;
	size_t deals, weeks;
};

struct pipeline_forecast {
	struct goal_board board;
	struct goal_forecast *goals; /* one per board goal */
	uint64_t seed;
	int runs;
	size_t slips;
	double median_slip;
	struct pipe_stats all;
	struct pipe_stats *by_owner, *by_channel;
	size_t nowner, nchannel;
	/* each deal's furthest stage of the funnel (a funnel figure's drill-down: a deal
	 * reached a stage when its furthest is that one or a later one) */
	struct deal_reach {
		int64_t id;
		char stage[32];
	} *reach;
	size_t nreach;
};

/* The forecast of project code as of as_of with seed, as actor sees it (one read transaction). */
int pipeline_forecast_build(struct store *st, const struct actor *a, const char *code,
                            int32_t as_of, uint64_t seed, struct pipeline_forecast *out,
                            struct err *err);
void pipeline_forecast_release(struct pipeline_forecast *f);
void pipeline_forecast_write_json(struct jw *w, const struct pipeline_forecast *f);

#endif
