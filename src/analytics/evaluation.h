/*
 * evaluation.h - a project's evaluation (step 7 of the method): every figure
 * of its report as of one day, computed from recorded data in one read
 * snapshot. The day: for a closed project the earlier of its end and the day
 * it was closed, else today or the day asked for, and then the report is
 * interim.
 *
 * A closed project's channel rates, promotion terms and price points are those
 * it closed with (core/closed_terms.h), not the workspace's of today.
 *
 * The figures (money in minor units, ratios as doubles, NAN = undefined):
 *   goals       each goal's target, actual (analytics/progress.h as of the
 *               day), attainment = actual / target, met = actual >= target;
 *   channels    revenue and margin (revenue - the sales' cost) of the
 *               project's sales through each channel up to the day (the
 *               rollups); cost = revenue x the channel's cost rate (rounded
 *               half away from zero); roi = (margin - cost) / cost;
 *   promotions  the promotion's revenue and discounts (its own sales);
 *               days = its dates cut to the project's and the as-of day;
 *               promo_daily = the revenue of its scope (its products, else
 *               its channels, else its segments, else the whole project) per
 *               day of those days; baseline_daily = the same over as many
 *               days just before them, counting only those inside the
 *               project (no sales can be before it); lift = promo / baseline
 *               - 1; roi = (promo revenue - baseline_daily x days - discount)
 *               / discount (the extra revenue, less what it gave away, per
 *               unit given away); no baseline day inside the project: lift
 *               and roi none;
 *   prices      each price change of a product the project sold, inside the
 *               project's dates: units and revenue over window days before
 *               the change and as many from it (window = min(28, days of the
 *               project before it, days from it to the as-of day or the
 *               project's end, whichever comes first));
 *   segments    the planned share of the plan against revenue / the
 *               project's revenue;
 *   team        per member (not viewers): the quota of the project's revenue
 *               goal with a saved split and its attainment, revenue as rep,
 *               deals won and lost as owner, win rate = won / (won + lost),
 *               cycle = the mean days from a won deal's first day to its won
 *               day over the won deals that have one (first day before the
 *               won day; none: none), activities done, the mean rating of the feedback that
 *               names them, problems they own resolved and resolved by their
 *               due time, the mean teamwork of the peer reviews of them;
 *   adjustments one line per field changed (core/adjust.h; a quota's per
 *               member), up to the day; a closed project's all of them, those
 *               made after it closed marked; lessons;
 *   totals      revenue, margin, units, deals won, win rate, new customers,
 *               goals met of goals.
 */
#ifndef ANALYTICS_EVALUATION_H
#define ANALYTICS_EVALUATION_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"
#include "core/goal.h"
#include "core/project.h"

/* The window of a price change, per side, at most. */
#define EVALUATION_PRICE_WINDOW 28

struct ev_goal {
	int64_t id;
	char name[200];
	enum metric metric;
	enum unit unit;
	int64_t target, actual; /* NO_VALUE: none */
	double attainment;
	int met;
	int32_t due;
	const char *status; /* goal_status_str */
};

struct ev_channel {
	int64_t id;
	char code[64], name[200];
	int64_t cost_rate_bp;
	int64_t revenue, margin, cost;
	double roi;
};

struct ev_promotion {
	int64_t id;
	char code[64], name[200];
	int32_t from, to; /* the days counted (NO_DATE: none) */
	int days;
	int64_t revenue, discount, budget;
	int64_t baseline_daily, promo_daily; /* rounded to the minor unit */
	double lift, roi;
};

struct ev_price {
	int64_t product_id;
	char sku[64], name[200];
	int32_t changed_on;
	int64_t before_price, after_price;
	int window_days;
	int64_t units_before, units_after, revenue_before, revenue_after;
};

struct ev_segment {
	int64_t id;
	char code[64], name[200];
	double planned_share, actual_share;
	int64_t revenue;
};

struct ev_member {
	int64_t user_id;
	char login[64], name[128];
	int64_t quota; /* NO_VALUE: none */
	int64_t revenue;
	double attainment;
	int64_t deals_won, deals_lost;
	double win_rate, cycle_days;
	int64_t activities;
	double rating;
	int64_t ratings;
	int64_t problems_resolved, problems_in_sla;
	double in_sla_rate;
	double teamwork; /* tenths / 10 (review_mean_tenths); NAN: none, or not the reader's */
	int64_t reviews;
	int teamwork_hidden;
};

struct ev_adjustment {
	int64_t id;
	char kind[16], record[64], field[64];
	char *before, *after, *reason; /* owned */
	char by[64];
	int64_t at;
	int after_close; /* made after the project was closed (a closed project's report) */
};

struct ev_lesson {
	int64_t id;
	char kind[16];
	char *text; /* owned */
	char by[64];
	int64_t at;
};

struct ev_totals {
	int64_t revenue, margin, units, deals_won, deals_lost, new_customers, goals_met, goals;
	double win_rate;
};

struct evaluation {
	struct project project;
	int64_t closed_at; /* NO_ID while open (or before closing was recorded) */
	int interim;
	int32_t as_of;
	int64_t generated_at;
	char currency[4];  /* the workspace's */
	struct ev_goal *goals;
	size_t ngoals;
	struct ev_channel *channels;
	size_t nchannels, achannels;
	struct ev_promotion *promotions;
	size_t npromotions, apromotions;
	struct ev_price *prices;
	size_t nprices, aprices;
	struct ev_segment *segments;
	size_t nsegments, asegments;
	struct ev_member *team;
	size_t nteam, ateam;
	struct ev_adjustment *adjustments;
	size_t nadjustments, aadjustments;
	struct ev_lesson *lessons;
	size_t nlessons, alessons;
	struct ev_totals totals;
};

/*
 * The evaluation of project code as actor sees it (any reader of the
 * project), as of as_of (NO_DATE: the rule above; a closed project is
 * always evaluated as of its own day), in one read transaction.
 */
int evaluation_build(struct store *st, const struct actor *a, const char *code, int32_t as_of,
		     struct evaluation *out, struct err *err);
void evaluation_release(struct evaluation *ev);

/* The evaluation as the JSON of the contract (GET .../report, `report evaluation --json`). */
void evaluation_write_json(struct jw *w, const struct evaluation *ev);

/* The day of the instant at in the workspace's time zone (an adjustment's, a lesson's). */
int32_t evaluation_local_day(int64_t at);

/* A goal's value in its unit as JSON: money and counts as integers, ratios 0..1; none: null. */
void evaluation_write_value(struct jw *w, enum unit u, int64_t v);

#endif
