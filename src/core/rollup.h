/*
 * rollup.h - in-memory sums of sale lines per (project, dimension, key, day),
 * written to sale_rollup once per transaction (summing row by row in SQL costs
 * 9x more). Private to the write path, and to `db check`, which recomputes
 * them from the sales and compares.
 *
 * Dimensions: 'all' (key 0), 'channel', 'product', 'rep', 'segment' (key 0 =
 * none) per day; 'promotion' per project and promotion (the lines that named
 * one) for all time (day 0); and one 'total' row (project 0, key 0, day 0) of
 * every sale in the workspace, which keeps every sum of sales under
 * MONEY_TOTAL_MAX. Each row sums the lines, units, revenue, cost and the
 * discounts given. The 'customer' sums (per project and customer, all time)
 * are kept in the customer's 'all' row of customer_activity, which the same
 * write rewrites anyway (034-customer-totals.sql); `db check` reads them there
 * as 'customer' rows.
 */
#ifndef CORE_ROLLUP_H
#define CORE_ROLLUP_H

#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"

struct rollup;

struct rollup *rollup_new(void);
void rollup_free(struct rollup *r);

/*
 * Read which customer scopes are kept (activity.h), so that rollup_add keeps
 * them; a failure is kept and returned by rollup_flush.
 */
void rollup_load_scopes(struct rollup *r, struct store *st);

/* A sale line as the sums see it (segment_id and promotion_id < 0: none). */
struct rollup_line {
	int64_t project_id;
	int32_t day;
	int64_t customer_id, channel_id, product_id, rep_id, segment_id, promotion_id;
	int64_t quantity, amount_minor, cost_minor, discount_minor;
};

/*
 * Add one line (sign -1 removes it) under 'all' and each of its dimensions,
 * and its day to its customer's activity (activity.h).
 */
void rollup_add(struct rollup *r, const struct rollup_line *ln, int sign);

/*
 * Add a change of the line's cost only (a sale re-costed by a dated cost
 * change): ln's cost_minor is the change; its other sums are not read.
 */
void rollup_add_cost(struct rollup *r, const struct rollup_line *ln);

/* Add a line's share to its customer's all-time row in the project (sign as rollup_add). */
void rollup_add_customer(struct rollup *r, int64_t project_id, int64_t customer_id,
			 int64_t lines, int64_t quantity, int64_t amount_minor, int64_t cost_minor,
			 int64_t discount_minor);

/*
 * A group-commit batch's sums (core/tx.c): rollup_new_like makes an empty
 * rollup keeping the scopes model keeps (none read from the store);
 * rollup_check_with refuses what rollup_flush would refuse of r written
 * after pending (the workspace's total past MONEY_TOTAL_MAX, an overflow);
 * rollup_merge adds src's sums and customer days to dst. pending keeps the
 * stored total it read for the next check, until rollup_forget_stored (a
 * write that wrote its sums at once, beside the batch's).
 */
struct rollup *rollup_new_like(const struct rollup *model);
int rollup_check_with(struct rollup *r, struct rollup *pending, struct store *st,
		      struct err *err);
void rollup_forget_stored(struct rollup *r);
void rollup_merge(struct rollup *dst, const struct rollup *src);

/* Do the work of rollup_flush that needs no store (activity_prepare), ahead of it. */
void rollup_prepare(struct rollup *r);

/*
 * Upsert every sum into sale_rollup (inside the caller's transaction). Fails
 * with reason total_limit when the workspace's sales would total more than
 * MONEY_TOTAL_MAX (revenue, cost, discounts or units), or a sum of this write
 * overflowed.
 */
int rollup_flush(struct rollup *r, struct store *st, struct err *err);

/*
 * Compare sale_rollup with r (sums recomputed from the sales): every row that
 * differs, is missing or should not be there is appended to report (at most
 * max_lines lines, then a count). Returns the number of problems, -1 on error.
 */
int rollup_compare(struct rollup *r, struct store *st, struct buf *report, int max_lines,
		   struct err *err);

/* The customer activity summed with the lines, for activity_compare. */
struct activity *rollup_activity(struct rollup *r);

/* Whether a sum in r overflowed (a recomputation over corrupt data). */
int rollup_overflowed(const struct rollup *r);

#endif
