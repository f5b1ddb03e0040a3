/*
 * rollup.c - per-transaction sums of sale lines, flushed with one upsert per
 * (project, dimension, key, day).
 */
#include "core/rollup.h"

#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "core/activity.h"
#include "store/multirow.h"
#include "base/banned.h"

enum { DIM_ALL, DIM_CHANNEL, DIM_PRODUCT, DIM_REP, DIM_SEGMENT, DIM_CUSTOMER, DIM_TOTAL,
       DIM_PROMOTION, DIM__COUNT };
/* the five a line is summed under per day */
#define DIM_DAILY (DIM_SEGMENT + 1)
static const char *const dim_names[DIM__COUNT] = { "all",      "channel", "product",
						   "rep",      "segment", "customer",
						   "total",    "promotion" };

/* What a row sums, in the order of its columns. */
enum { S_LINES, S_QUANTITY, S_AMOUNT, S_COST, S_DISCOUNT, NSUMS };

struct cell {
	int64_t project_id, key_id;
	int32_t day;
	int dim; /* -1 = empty slot */
	int seen; /* rollup_compare: a stored row matched it */
	int64_t sum[NSUMS];
};

struct rollup {
	struct cell *cells;
	size_t n, used;
	int overflow; /* a sum went past int64: the write is refused */
	/* the workspace's 'total' row, kept apart: one per write, no need to hash it per line */
	int64_t total[NSUMS];
	int has_total;
	struct activity *act; /* customers' purchase days */
	/* a batch's (rollup_check_with): the stored 'total' row, read once for its writes */
	int64_t stored_total[NSUMS];
	int has_stored_total;
	int scopes_failed;
	struct err scopes_err;
};

static void add(struct rollup *r, int64_t p, int dim, int64_t key, int32_t day, const int64_t *d);

struct rollup *rollup_new(void)
{
	struct rollup *r = xcalloc(1, sizeof(*r));
	r->n = 64; /* a single sale needs 5 cells; an import grows it */
	r->cells = xmalloc(r->n * sizeof(*r->cells));
	for (size_t i = 0; i < r->n; i++)
		r->cells[i].dim = -1;
	r->act = activity_new();
	return r;
}

struct rollup *rollup_new_like(const struct rollup *model)
{
	struct rollup *r = rollup_new();
	activity_copy_scopes(r->act, model->act);
	r->scopes_failed = model->scopes_failed;
	r->scopes_err = model->scopes_err;
	return r;
}

void rollup_merge(struct rollup *dst, const struct rollup *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct cell *c = &src->cells[i];
		if (c->dim >= 0)
			add(dst, c->project_id, c->dim, c->key_id, c->day, c->sum);
	}
	if (src->has_total) {
		dst->has_total = 1;
		for (int k = 0; k < NSUMS; k++)
			if (__builtin_add_overflow(dst->total[k], src->total[k], &dst->total[k]))
				dst->overflow = 1;
	}
	dst->overflow |= src->overflow;
	activity_merge(dst->act, src->act);
}

void rollup_load_scopes(struct rollup *r, struct store *st)
{
	if (activity_load_scopes(r->act, st, &r->scopes_err))
		r->scopes_failed = 1;
}

struct activity *rollup_activity(struct rollup *r)
{
	return r->act;
}

void rollup_free(struct rollup *r)
{
	if (!r)
		return;
	free(r->cells);
	activity_free(r->act);
	free(r);
}

static size_t hash(int64_t p, int dim, int64_t key, int32_t day)
{
	uint64_t h = (uint64_t)p * 0x9E3779B97F4A7C15ull;
	h ^= (uint64_t)dim + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2);
	h ^= (uint64_t)key * 0xC2B2AE3D27D4EB4Full + (h << 6) + (h >> 2);
	h ^= (uint64_t)(uint32_t)day * 0x165667B19E3779F9ull + (h << 6) + (h >> 2);
	h ^= h >> 29;
	return (size_t)h;
}

static struct cell *slot(struct rollup *r, int64_t p, int dim, int64_t key, int32_t day)
{
	size_t i = hash(p, dim, key, day) & (r->n - 1);
	for (;;) {
		struct cell *c = &r->cells[i];
		if (c->dim < 0)
			return c;
		if (c->dim == dim && c->day == day && c->key_id == key && c->project_id == p)
			return c;
		i = (i + 1) & (r->n - 1);
	}
}

static void grow(struct rollup *r)
{
	struct cell *old = r->cells;
	size_t oldn = r->n;
	r->n *= 2;
	r->cells = xmalloc(r->n * sizeof(*r->cells));
	for (size_t i = 0; i < r->n; i++)
		r->cells[i].dim = -1;
	for (size_t i = 0; i < oldn; i++)
		if (old[i].dim >= 0)
			*slot(r, old[i].project_id, old[i].dim, old[i].key_id, old[i].day) = old[i];
	free(old);
}

static int all_zero(const int64_t *v)
{
	for (int k = 0; k < NSUMS; k++)
		if (v[k])
			return 0;
	return 1;
}

/* Add d to the sums of (p, dim, key, day). */
static void add(struct rollup *r, int64_t p, int dim, int64_t key, int32_t day, const int64_t *d)
{
	struct cell *c;
	if ((r->used + 1) * 2 > r->n)
		grow(r);
	c = slot(r, p, dim, key, day);
	if (c->dim < 0) {
		memset(c, 0, sizeof(*c));
		c->project_id = p;
		c->dim = dim;
		c->key_id = key;
		c->day = day;
		r->used++;
	}
	for (int k = 0; k < NSUMS; k++)
		if (__builtin_add_overflow(c->sum[k], d[k], &c->sum[k]))
			r->overflow = 1;
}

/* Add d under 'all', each of the line's daily dimensions and its promotion. */
static void add_dims(struct rollup *r, const struct rollup_line *ln, const int64_t *d)
{
	const int64_t keys[DIM_DAILY] = { 0, ln->channel_id, ln->product_id, ln->rep_id,
					  ln->segment_id < 0 ? 0 : ln->segment_id };
	for (int k = 0; k < DIM_DAILY; k++)
		add(r, ln->project_id, k, keys[k], ln->day, d);
	if (ln->promotion_id > 0)
		add(r, ln->project_id, DIM_PROMOTION, ln->promotion_id, 0, d);
	r->has_total = 1;
	for (int k = 0; k < NSUMS; k++)
		if (__builtin_add_overflow(r->total[k], d[k], &r->total[k]))
			r->overflow = 1;
}

void rollup_add(struct rollup *r, const struct rollup_line *ln, int sign)
{
	/* each is within a line's limits, so the product with a sign of 1 cannot overflow */
	const int64_t d[NSUMS] = { sign, sign * ln->quantity, sign * ln->amount_minor,
				   sign * ln->cost_minor, sign * ln->discount_minor };

	activity_add(r->act, ln->project_id, ln->day, ln->customer_id, ln->channel_id,
		     ln->product_id, ln->rep_id, ln->segment_id < 0 ? 0 : ln->segment_id, sign);
	add_dims(r, ln, d);
}

void rollup_add_customer(struct rollup *r, int64_t project_id, int64_t customer_id,
			 int64_t lines, int64_t quantity, int64_t amount_minor, int64_t cost_minor,
			 int64_t discount_minor)
{
	const int64_t d[NSUMS] = { lines, quantity, amount_minor, cost_minor, discount_minor };

	add(r, project_id, DIM_CUSTOMER, customer_id, 0, d);
}

int rollup_overflowed(const struct rollup *r)
{
	return r->overflow;
}

void rollup_add_cost(struct rollup *r, const struct rollup_line *ln)
{
	const int64_t d[NSUMS] = { 0, 0, 0, ln->cost_minor, 0 };

	add_dims(r, ln, d);
}

/* Many cells per statement (store/multirow.h): a flush is a few statements, not one per cell. */
static struct multirow rollup_upsert = MULTIROW(
	"INSERT INTO sale_rollup (project_id, day, dim, key_id, lines, quantity, amount_minor, "
	"cost_minor, discount_minor) VALUES ",
	"(?, ?, ?, ?, ?, ?, ?, ?, ?)",
	" ON CONFLICT (project_id, dim, key_id, day) DO UPDATE SET "
	"lines = sale_rollup.lines + excluded.lines, "
	"quantity = sale_rollup.quantity + excluded.quantity, "
	"amount_minor = sale_rollup.amount_minor + excluded.amount_minor, "
	"cost_minor = sale_rollup.cost_minor + excluded.cost_minor, "
	"discount_minor = sale_rollup.discount_minor + excluded.discount_minor",
	9);

static const char SQL_CUSTOMER_SUMS[] =
	"UPDATE customer_activity SET lines = lines + ?1, quantity = quantity + ?2, "
	"amount_minor = amount_minor + ?3, cost_minor = cost_minor + ?4, "
	"discount_minor = discount_minor + ?5 WHERE project_id = ?6 AND dim = 'all' AND "
	"key_id = 0 AND customer_id = ?7";

static const char SQL_ROLLUP_PRUNE[] = "DELETE FROM sale_rollup WHERE lines = 0";
static const char SQL_ROLLUP_TOTAL[] =
	"SELECT lines, quantity, amount_minor, cost_minor, discount_minor FROM sale_rollup "
	"WHERE project_id = 0 AND dim = 'total' AND key_id = 0 AND day = 0";

/*
 * Refuse a write that would take the workspace's totals past MONEY_TOTAL_MAX:
 * then no sum of sales anywhere (a project, a window, a breakdown, a customer
 * across projects) can overflow.
 */
static int check_total(struct rollup *r, struct rollup *pending, struct store *st,
		       struct err *err)
{
	int64_t cur[NSUMS] = { 0 }, *delta = r->total, sum;
	static const char *const what[NSUMS] = { "sale lines", "units", "revenue", "cost",
						 "discounts" };
	int grows = 0;
	struct stmt *s;
	int rc;

	if (r->overflow)
		goto over;
	for (int i = 0; i < NSUMS; i++)
		grows |= delta[i] > 0;
	if (!grows)
		return 0; /* nothing grows: a removal is always allowed */
	if (pending && pending->has_stored_total) {
		memcpy(cur, pending->stored_total, sizeof(cur));
	} else {
		s = store_prepare(st, SQL_ROLLUP_TOTAL, err);
		if (!s)
			return -1;
		rc = store_step(st, s, err);
		if (rc == STORE_ROW)
			for (int i = 0; i < NSUMS; i++)
				cur[i] = store_col_int(st, s, i);
		store_done(st, s);
		if (rc < 0)
			return -1;
		if (pending) {
			memcpy(pending->stored_total, cur, sizeof(cur));
			pending->has_stored_total = 1;
		}
	}
	for (int i = 0; i < NSUMS; i++) {
		if (delta[i] <= 0)
			continue;
		/* the writes before it in its batch, not yet written */
		if (pending && __builtin_add_overflow(cur[i], pending->total[i], &cur[i]))
			cur[i] = INT64_MAX;
		if (__builtin_add_overflow(cur[i], delta[i], &sum) || sum > MONEY_TOTAL_MAX) {
			char m[MONEY_FMT_MAX];
			return err_set(err, ERR_INVALID, NULL, "total_limit:_,max",
				       "the workspace's %s would total more than %s, the limit of "
				       "any total",
				       what[i], i >= 2 ? money_format_grouped(MONEY_TOTAL_MAX, m)
						       : "1000000000000000000");
		}
	}
	return 0;
over:
	return err_set(err, ERR_INVALID, NULL, "total_limit:_,max",
		       "the %s of this write would total more than %s, the limit of any total",
		       "amounts", "1000000000000000000");
}

int rollup_check_with(struct rollup *r, struct rollup *pending, struct store *st,
		      struct err *err)
{
	if (r->scopes_failed) {
		*err = r->scopes_err;
		return -1;
	}
	return check_total(r, pending, st, err);
}

void rollup_forget_stored(struct rollup *r)
{
	if (r)
		r->has_stored_total = 0;
}

void rollup_prepare(struct rollup *r)
{
	activity_prepare(r->act);
}

/* The order of sale_rollup's key: project, dimension (by name), key, day. */
static int cell_cmp(const void *x, const void *y)
{
	const struct cell *a = x, *b = y;
	int d;
	if (a->project_id != b->project_id)
		return a->project_id < b->project_id ? -1 : 1;
	if ((d = strcmp(dim_names[a->dim], dim_names[b->dim])))
		return d;
	if (a->key_id != b->key_id)
		return a->key_id < b->key_id ? -1 : 1;
	return (a->day > b->day) - (a->day < b->day);
}

_Static_assert(sizeof(((struct activity_sums *)0)->sum) == NSUMS * sizeof(int64_t),
	       "a customer's sums are the rollup's");

/* The order of activity_flush_sums: project, customer. */
static int sums_cmp(const void *x, const void *y)
{
	const struct activity_sums *a = x, *b = y;
	if (a->project_id != b->project_id)
		return a->project_id < b->project_id ? -1 : 1;
	return (a->customer_id > b->customer_id) - (a->customer_id < b->customer_id);
}

/*
 * The 'customer' cells, into their customers' 'all' rows of customer_activity
 * (034-customer-totals.sql): with the row's days where activity_flush writes
 * it; otherwise (a change of amount or cost alone) by an update of the row,
 * after the flush: a customer's first sale in the project made the row, its
 * last one's removal deleted it, with sums that came to nothing.
 */
static int flush_with_customers(struct rollup *r, struct store *st, struct activity_sums *c,
				size_t n, struct err *err)
{
	if (n)
		qsort(c, n, sizeof(*c), sums_cmp);
	if (activity_flush_sums(r->act, st, c, n, err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct stmt *s;
		int rc;
		if (c[i].used)
			continue;
		if (!(s = store_prepare(st, SQL_CUSTOMER_SUMS, err)))
			return -1;
		for (int m = 0; m < NSUMS; m++)
			store_bind_int(st, s, 1 + m, c[i].sum[m]);
		store_bind_int(st, s, 6, c[i].project_id);
		store_bind_int(st, s, 7, c[i].customer_id);
		rc = store_step(st, s, err);
		store_done(st, s);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int rollup_flush(struct rollup *r, struct store *st, struct err *err)
{
	size_t k = 0, ncust = 0, acust = 0;
	struct activity_sums *cust = NULL;
	int removed = 0, rc;

	if (r->scopes_failed) {
		*err = r->scopes_err;
		return -1;
	}
	if (check_total(r, NULL, st, err))
		return -1;
	if (r->has_total) {
		add(r, 0, DIM_TOTAL, 0, 0, r->total);
		memset(r->total, 0, sizeof(r->total));
		r->has_total = 0;
	}
	/* the cells with something to write, in the table's key order (neighbours share pages) */
	for (size_t i = 0; i < r->n; i++) {
		const struct cell *c = &r->cells[i];
		if (c->dim < 0 || all_zero(c->sum))
			continue;
		if (c->dim == DIM_CUSTOMER) {
			ALLOC_GROW(cust, ncust + 1, acust);
			cust[ncust].project_id = c->project_id;
			cust[ncust].customer_id = c->key_id;
			memcpy(cust[ncust].sum, c->sum, sizeof(c->sum));
			cust[ncust++].used = 0;
			continue;
		}
		removed |= c->sum[S_LINES] < 0;
		r->cells[k++] = *c;
	}
	qsort(r->cells, k, sizeof(*r->cells), cell_cmp);
	for (size_t i = 0; i < k;) {
		size_t rows;
		struct stmt *s = store_prepare(st, multirow_sql(&rollup_upsert, k - i, &rows), err);
		if (!s)
			goto fail;
		for (size_t j = 0; j < rows; j++) {
			const struct cell *c = &r->cells[i + j];
			int at = (int)(j * 9);
			store_bind_int(st, s, at + 1, c->project_id);
			store_bind_int(st, s, at + 2, c->day);
			store_bind_text(st, s, at + 3, dim_names[c->dim]);
			store_bind_int(st, s, at + 4, c->key_id);
			for (int m = 0; m < NSUMS; m++)
				store_bind_int(st, s, at + 5 + m, c->sum[m]);
		}
		if (store_step(st, s, err) < 0) {
			store_done(st, s);
			goto fail;
		}
		store_done(st, s);
		i += rows;
	}
	/* written: the rollup starts empty again */
	r->used = 0;
	for (size_t i = 0; i < r->n; i++)
		r->cells[i].dim = -1;
	if (removed && store_exec(st, SQL_ROLLUP_PRUNE, err))
		goto fail;
	rc = flush_with_customers(r, st, cust, ncust, err);
	free(cust);
	return rc;
fail:
	free(cust);
	return -1;
}

static const char SQL_ROLLUP_ALL[] =
	"SELECT project_id, dim, key_id, day, lines, quantity, amount_minor, cost_minor, "
	"discount_minor FROM sale_rollup UNION ALL "
	"SELECT project_id, 'customer', customer_id, 0, lines, quantity, amount_minor, "
	"cost_minor, discount_minor FROM customer_activity WHERE dim = 'all' AND key_id = 0";

static int dim_of(const char *name)
{
	for (int d = 0; d < DIM__COUNT; d++)
		if (!strcmp(name, dim_names[d]))
			return d;
	return -1;
}

static void describe(struct buf *b, int64_t project, const char *dim, int64_t key, int32_t day)
{
	char d[DATE_FMT_MAX];
	buf_addf(b, "rollup project %lld %s", (long long)project, dim);
	if (strcmp(dim, "all") && strcmp(dim, "total"))
		buf_addf(b, " %lld", (long long)key);
	if (strcmp(dim, "customer") && strcmp(dim, "total") && strcmp(dim, "promotion"))
		buf_addf(b, " on %s", date_format(day, d));
}

static void sums(struct buf *b, const char *what, const int64_t *v)
{
	buf_addf(b, "%s lines %lld, units %lld, amount %lld, cost %lld, discount %lld", what,
		 (long long)v[S_LINES], (long long)v[S_QUANTITY], (long long)v[S_AMOUNT],
		 (long long)v[S_COST], (long long)v[S_DISCOUNT]);
}

int rollup_compare(struct rollup *r, struct store *st, struct buf *report, int max_lines,
		   struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_ROLLUP_ALL, err);
	int problems = 0, rc;

	if (!s)
		return -1;
	if (r->has_total) {
		add(r, 0, DIM_TOTAL, 0, 0, r->total);
		memset(r->total, 0, sizeof(r->total));
		r->has_total = 0;
	}
	for (size_t i = 0; i < r->n; i++)
		r->cells[i].seen = 0;
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t p = store_col_int(st, s, 0), key = store_col_int(st, s, 2);
		const char *dim = store_col_text(st, s, 1);
		int32_t day = (int32_t)store_col_int(st, s, 3);
		int64_t v[NSUMS];
		int d = dim_of(dim);
		struct cell *c = d < 0 ? NULL : slot(r, p, d, key, day);
		for (int k = 0; k < NSUMS; k++)
			v[k] = store_col_int(st, s, 4 + k);
		if (c && c->dim >= 0) {
			c->seen = 1;
			if (!memcmp(c->sum, v, sizeof(v)))
				continue;
		}
		if (all_zero(v) && (!c || c->dim < 0))
			continue;
		if (++problems > max_lines)
			continue;
		describe(report, p, dim, key, day);
		sums(report, ": stored", v);
		if (c && c->dim >= 0)
			sums(report, "; the sales give", c->sum);
		else
			buf_adds(report, "; the sales give nothing");
		buf_addch(report, '\n');
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < r->n; i++) {
		struct cell *c = &r->cells[i];
		if (c->dim < 0 || c->seen || all_zero(c->sum))
			continue;
		if (++problems > max_lines)
			continue;
		describe(report, c->project_id, dim_names[c->dim], c->key_id, c->day);
		sums(report, ": missing; the sales give", c->sum);
		buf_addch(report, '\n');
	}
	if (problems > max_lines)
		buf_addf(report, "... and %d more rollup rows that differ\n", problems - max_lines);
	return problems;
}
