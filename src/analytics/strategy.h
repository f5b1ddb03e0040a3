/*
 * strategy.h - a project's strategy, planned against actual (step 2 of the
 * method): its target markets, channels, promotions and products, each with
 * what the plan says (core/strategy.c's lines) beside what the project's sales
 * brought, read from the rollups (core/rollup.h), never from the sales.
 *
 * The figures, all over every sale of the project:
 *   revenue        the sum of the lines' amounts (after discounts)
 *   margin         revenue - cost (cost from the price history)
 *   actual share   revenue / the project's revenue (bp, rounded half away
 *                  from zero; none without revenue)
 *   planned        the planned share x the revenue target, rounded the same
 *                  way (none without a target); attainment = revenue /
 *                  planned
 *   channel cost   revenue x the channel's cost rate (commission or fees)
 *   promotion cost the discounts its lines gave; remaining = its budget -
 *                  its cost; over budget when the cost passes the budget
 *                  (a budget of 0 is no budget)
 * The revenue target is the target of the project's revenue goal without a
 * scope that covers the most of the project (its window cut to the
 * project's); among equals, one within the project, then the first made.
 */
#ifndef ANALYTICS_STRATEGY_H
#define ANALYTICS_STRATEGY_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"
#include "store/store.h"

/* What the sales of a segment, channel, promotion or product brought. */
struct strategy_sums {
	int64_t lines, quantity, amount_minor, cost_minor, discount_minor;
};

struct strategy_row {
	int64_t id; /* the segment's, channel's, promotion's or product's; 0: sales without a segment */
	char code[64], name[200];
	int planned;              /* a line of the plan (segments, channels, promotions) */
	int64_t plan_id, plan_version;
	int64_t share_bp;         /* planned share; 0 when not planned */
	int64_t budget_minor;     /* channels: the plan's budget; promotions: the promotion's */
	struct strategy_sums sums;
	int64_t actual_share_bp;  /* NO_ID: the project has no revenue */
	int64_t planned_minor;    /* NO_ID: no target or not planned */
	int64_t attainment_bp;    /* NO_ID: nothing planned */
	int64_t priority;         /* segments */
	char region[200], industry[200], company_size[100]; /* segments */
	char type[24];            /* channels; promotions: their kind */
	int64_t cost_rate_bp, channel_cost_minor; /* channels */
	int32_t starts_on, ends_on; /* promotions */
	int64_t remaining_minor;  /* promotions: NO_ID without a budget */
	int over_budget;          /* channels: cost past budget; promotions: discounts past it */
	/* products: today's list price and unit cost, the margin of the price, the competitor's */
	int64_t price_minor, unit_cost_minor, list_margin_bp, competitor_price_minor,
		competitor_gap_bp;
	int64_t margin_bp;        /* the sales' margin / revenue; NO_ID without revenue */
};

struct strategy_rows {
	struct strategy_row *items;
	size_t n, alloc;
};

/* A price change of the project's window (core/catalog.h's price history). */
struct strategy_price {
	char sku[64], name[200];
	int32_t effective_on;
	int64_t cost_minor, price_minor;
	int64_t old_price_minor; /* the price before it; NO_ID for the first */
	char reason[500];
};

struct strategy {
	char project[64], name[200];
	int32_t start_on, end_on;
	int64_t budget_minor; /* the project's budget (0: none) */
	int64_t target_minor; /* NO_ID: no revenue goal without a scope */
	int64_t target_goal_id;
	char target_goal[200];
	struct strategy_sums total;
	int64_t margin_bp;
	int64_t planned_segment_share_bp, planned_channel_share_bp, planned_channel_budget_minor;
	int64_t channel_cost_minor, promotion_cost_minor;
	struct strategy_rows segments, channels, promotions, products;
	struct strategy_price *prices;
	size_t nprices, alloc_prices;
};

/* The strategy of project code, as actor (any role on the project) sees it. */
int strategy_read(struct store *st, const struct actor *a, const char *code,
		  struct strategy *out, struct err *err);
void strategy_release(struct strategy *s);

/* The whole picture as JSON (the API's GET /api/v1/projects/{code}/strategy). */
void strategy_write_json(struct jw *w, const struct strategy *s);

#endif
