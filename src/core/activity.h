/*
 * activity.h - each customer's purchase days, kept current inside each write's
 * transaction (as the sums of rollup.h), so the customer metrics (new
 * customers, retention) never read the sales.
 *
 * Two rows per (project, dimension, key, customer): customer_activity, what
 * the metrics read - the first day the customer bought in that scope (first_on)
 * and their days as 32-day bitmaps (spans, activity_span_next); and
 * customer_days - the same days with the lines of each (days, activity_next),
 * so a delete or a move takes a day away exactly; in parts whose days add up
 * (008-customer-day-parts.sql): an import writes its customers' days as a new
 * part rather than rewrite their history. A single write's days merge into the
 * activity row's recent days (035-recent-days.sql), the same form, until there
 * are more than eight: then they move to part 0, appended. A customer's days
 * are the sum of its parts and its recent days.
 * Dimensions: 'all' (key 0) for every project, and 'segment', 'channel',
 * 'product' or 'rep' for the keys listed in customer_scopes - the scopes a
 * customer-metric goal names (activity_track).
 *
 * A row per customer rather than per customer-day or per key: an import of
 * 1,000,000 random lines over 20,000 customers writes 20,000 rows, not 930,000
 * per dimension, and a dashboard reading years of history reads one ~100-byte
 * row per customer. The per-day counts live apart because a read pays for
 * every byte of the rows it walks (they are ~25x the bitmaps).
 */
#ifndef CORE_ACTIVITY_H
#define CORE_ACTIVITY_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"

struct activity;

/* Empty deltas; activity_load_scopes reads which scoped dimensions are kept. */
struct activity *activity_new(void);
void activity_free(struct activity *a);
int activity_load_scopes(struct activity *a, struct store *st, struct err *err);

/* The scopes src keeps, kept by dst as well (instead of activity_load_scopes). */
void activity_copy_scopes(struct activity *dst, const struct activity *src);

/* Add every line src holds (added or taken away) to dst, in the same scopes. */
void activity_merge(struct activity *dst, const struct activity *src);

/* Add one sale line (sign -1 takes it away) under 'all' and each tracked scope it falls in. */
void activity_add(struct activity *a, int64_t project_id, int32_t day, int64_t customer_id,
		  int64_t channel_id, int64_t product_id, int64_t rep_id, int64_t segment_id,
		  int sign);

/*
 * Number the parts this write adds to customer_days (batch > 0: a bulk write's
 * first sale id): a customer with many days in it gets a part of their own,
 * written without reading or rewriting their history. Without a batch, days
 * are merged into part 0.
 */
void activity_set_batch(struct activity *a, int64_t batch);

/*
 * Customers numbered from first_id on are new in this write (a bulk write's
 * reserved block): they have no stored rows, so their flush reads none.
 */
void activity_set_fresh(struct activity *a, int64_t first_id);

/*
 * Sort the deltas into groups, as activity_flush does first: an import does it
 * while its writer thread still inserts, rather than after. Adding a line
 * afterwards is allowed (the next flush groups again).
 */
void activity_prepare(struct activity *a);

/*
 * Write the deltas into customer_activity (and customer_days: an import's
 * parts, recent days that moved), one read and one or two writes per chunk of
 * (project, scope, customer) touched, and move customers.first_sale_on later
 * where a customer's first day was taken away (from customer_activity, not the
 * sales). Inside the caller's transaction.
 */
int activity_flush(struct activity *a, struct store *st, struct err *err);

/*
 * A customer's all-time sums in a project, to be added to its 'all' row of
 * customer_activity (034-customer-totals.sql): lines, units, amount, cost,
 * discount, as rollup.h sums them.
 */
struct activity_sums {
	int64_t project_id, customer_id;
	int64_t sum[5];
	int used; /* set by activity_flush_sums: written with the customer's row */
};

/*
 * activity_flush, writing the sums of s (n of them, sorted by project and
 * customer) into the 'all' rows it writes; those it writes no row for keep
 * used 0, for the caller to add (rollup.c).
 */
int activity_flush_sums(struct activity *a, struct store *st, struct activity_sums *s, size_t n,
			struct err *err);

/*
 * Compare customer_days and customer_activity with a (recomputed from every sale): rows that
 * differ, are missing or should not be there are appended to report (at most
 * max_lines, then a count); customers.first_sale_on is checked as well.
 * Returns the number of problems, -1 on error.
 */
int activity_compare(struct activity *a, struct store *st, struct buf *report, int max_lines,
		     struct err *err);

/*
 * Keep the scope (dim "segment", "channel", "product" or "rep", key) from now
 * on: list it in customer_scopes and build its rows from the sales, once.
 * Nothing to do when it is kept already. Inside the caller's transaction.
 */
int activity_track(struct store *st, const char *dim, int64_t key_id, struct err *err);

/* Whether the scope (dim "all" is always) is kept. */
int activity_tracked(struct store *st, const char *dim, int64_t key_id, int *yes,
		     struct err *err);

/*
 * Walk a row's days text: entries "D" or "D:N" (day D, N lines, 1 if absent)
 * separated by commas; "+D" is D days after the previous entry. The write path
 * writes them in order, first absolute and the rest relative; the migration
 * writes absolute entries in any order. Returns the position after one entry
 * (day and lines set), or NULL at the end.
 */
const char *activity_next(const char *p, int32_t *day, int64_t *lines);

/* A spans entry: a span of 32 days, counted from day -2^22, and the bitmap of its days. */
#define ACTIVITY_SPAN0 131072
#define ACTIVITY_SPAN_CHARS 9

/*
 * Walk a row's spans text (customer_activity.spans, what the metrics read):
 * 9-character entries in any order, each three base64 digits of the span
 * (day / 32 + 131072) and six of the bitmap of its days (bit i: the span's
 * first day + i). Returns the position after one entry (first_day and mask
 * set), or NULL at the end.
 */
const char *activity_span_next(const char *p, int32_t *first_day, uint32_t *mask);

#endif
