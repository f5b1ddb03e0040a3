/*
 * metric.c - metric values from the rollups and, for customer metrics, from
 * each customer's purchase days kept on write (core/activity.h); the sales
 * themselves only for a scope of two keys or more, as the sums.
 */
#include "analytics/metric.h"

#include <stdlib.h>
#include <string.h>

#include "base/money.h"
#include "base/xalloc.h"
#include "core/activity.h"
#include "core/collection.h"
#include "core/feedback.h"
#include "base/banned.h"

static const char SQL_ROLLUP_SUMS[] =
	"SELECT COALESCE(SUM(lines), 0), COALESCE(SUM(quantity), 0), "
	"COALESCE(SUM(amount_minor), 0), COALESCE(SUM(cost_minor), 0) FROM sale_rollup "
	"WHERE project_id = ?1 AND dim = ?2 AND key_id = ?3 AND day BETWEEN ?4 AND ?5";
/* Workspace-wide: project by project through the rollup's key (?1 is NULL here). */
static const char SQL_ROLLUP_SUMS_ALL[] =
	"SELECT COALESCE(SUM(lines), 0), COALESCE(SUM(quantity), 0), "
	"COALESCE(SUM(amount_minor), 0), COALESCE(SUM(cost_minor), 0) FROM sale_rollup "
	"WHERE project_id IN (SELECT id FROM projects) AND dim = ?2 AND key_id = ?3 "
	"AND day BETWEEN ?4 AND ?5 AND CAST(?1 AS BIGINT) IS NULL";
static const char SQL_RAW_SUMS[] =
	"SELECT COUNT(*), COALESCE(SUM(quantity), 0), COALESCE(SUM(amount_minor), 0), "
	"COALESCE(SUM(cost_minor), 0) FROM sales WHERE (CAST(?1 AS BIGINT) IS NULL OR project_id = ?1) "
	"AND sold_on BETWEEN ?2 AND ?3 AND (CAST(?4 AS BIGINT) IS NULL OR segment_id = ?4) "
	"AND (CAST(?5 AS BIGINT) IS NULL OR channel_id = ?5) AND (CAST(?6 AS BIGINT) IS NULL OR product_id = ?6) "
	"AND (CAST(?7 AS BIGINT) IS NULL OR rep_id = ?7)";
static const char SQL_ROLLUP_DAILY[] =
	"SELECT day, SUM(lines), SUM(quantity), SUM(amount_minor), SUM(cost_minor) "
	"FROM sale_rollup WHERE project_id = ?1 AND dim = ?2 AND key_id = ?3 "
	"AND day BETWEEN ?4 AND ?5 GROUP BY day";
static const char SQL_RAW_DAILY[] =
	"SELECT sold_on, COUNT(*), SUM(quantity), SUM(amount_minor), SUM(cost_minor) FROM sales "
	"WHERE project_id = ?1 AND sold_on BETWEEN ?2 AND ?3 AND (CAST(?4 AS BIGINT) IS NULL OR segment_id = ?4) "
	"AND (CAST(?5 AS BIGINT) IS NULL OR channel_id = ?5) AND (CAST(?6 AS BIGINT) IS NULL OR product_id = ?6) "
	"AND (CAST(?7 AS BIGINT) IS NULL OR rep_id = ?7) GROUP BY sold_on";
static const char SQL_CUSTOMERS_IN[] =
	"SELECT DISTINCT customer_id FROM sales WHERE (CAST(?1 AS BIGINT) IS NULL OR project_id = ?1) "
	"AND sold_on BETWEEN ?2 AND ?3 AND (CAST(?4 AS BIGINT) IS NULL OR segment_id = ?4) "
	"AND (CAST(?5 AS BIGINT) IS NULL OR channel_id = ?5) AND (CAST(?6 AS BIGINT) IS NULL OR product_id = ?6) "
	"AND (CAST(?7 AS BIGINT) IS NULL OR rep_id = ?7) ORDER BY customer_id";
static const char SQL_NEW_CUSTOMERS[] =
	"SELECT COUNT(DISTINCT s.customer_id) FROM sales s JOIN customers c "
	"ON c.id = s.customer_id WHERE (CAST(?1 AS BIGINT) IS NULL OR s.project_id = ?1) "
	"AND s.sold_on BETWEEN ?2 AND ?3 AND c.first_sale_on BETWEEN ?2 AND ?3 "
	"AND (CAST(?4 AS BIGINT) IS NULL OR s.segment_id = ?4) AND (CAST(?5 AS BIGINT) IS NULL OR s.channel_id = ?5) "
	"AND (CAST(?6 AS BIGINT) IS NULL OR s.product_id = ?6) AND (CAST(?7 AS BIGINT) IS NULL OR s.rep_id = ?7)";
static const char SQL_NEW_CUSTOMERS_ALL[] =
	"SELECT COUNT(*) FROM customers WHERE first_sale_on BETWEEN ? AND ?";

/* How many scope keys narrow the sales, and the one rollup dimension if exactly one. */
static int scope_dim(const struct goal_scope *sc, const char **dim, int64_t *key)
{
	int n = 0;
	*dim = "all";
	*key = 0;
	if (!sc)
		return 0;
	if (sc->segment_id != NO_ID)
		n++, *dim = "segment", *key = sc->segment_id;
	if (sc->channel_id != NO_ID)
		n++, *dim = "channel", *key = sc->channel_id;
	if (sc->product_id != NO_ID)
		n++, *dim = "product", *key = sc->product_id;
	if (sc->rep_id != NO_ID)
		n++, *dim = "rep", *key = sc->rep_id;
	return n;
}

static void bind_scope(struct store *st, struct stmt *s, const struct goal_scope *sc, int first)
{
	store_bind_int_or_null(st, s, first, sc ? sc->segment_id : NO_ID, NO_ID);
	store_bind_int_or_null(st, s, first + 1, sc ? sc->channel_id : NO_ID, NO_ID);
	store_bind_int_or_null(st, s, first + 2, sc ? sc->product_id : NO_ID, NO_ID);
	store_bind_int_or_null(st, s, first + 3, sc ? sc->rep_id : NO_ID, NO_ID);
}

int metric_sums(struct store *st, int64_t project_id, const struct goal_scope *scope,
		int32_t from, int32_t to, struct sale_sums *out, struct err *err)
{
	const char *dim;
	int64_t key;
	int n = scope_dim(scope, &dim, &key), rc;
	struct stmt *s;

	memset(out, 0, sizeof(*out));
	if (n <= 1) {
		s = store_prepare(st, project_id == NO_ID ? SQL_ROLLUP_SUMS_ALL : SQL_ROLLUP_SUMS,
				  err);
		if (!s)
			return -1;
		store_bind_int_or_null(st, s, 1, project_id, NO_ID);
		store_bind_text(st, s, 2, dim);
		store_bind_int(st, s, 3, key);
		store_bind_int(st, s, 4, from);
		store_bind_int(st, s, 5, to);
	} else {
		s = store_prepare(st, SQL_RAW_SUMS, err);
		if (!s)
			return -1;
		store_bind_int_or_null(st, s, 1, project_id, NO_ID);
		store_bind_int(st, s, 2, from);
		store_bind_int(st, s, 3, to);
		bind_scope(st, s, scope, 4);
	}
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		out->lines = store_col_int(st, s, 0);
		out->quantity = store_col_int(st, s, 1);
		out->amount = store_col_int(st, s, 2);
		out->cost = store_col_int(st, s, 3);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int metric_daily(struct store *st, int64_t project_id, const struct goal_scope *scope,
		 int32_t from, int32_t to, struct sale_sums *days, struct err *err)
{
	const char *dim;
	int64_t key;
	int n = scope_dim(scope, &dim, &key), rc;
	struct stmt *s;

	memset(days, 0, sizeof(*days) * (size_t)(to - from + 1));
	if (n <= 1) {
		s = store_prepare(st, SQL_ROLLUP_DAILY, err);
		if (!s)
			return -1;
		store_bind_int(st, s, 1, project_id);
		store_bind_text(st, s, 2, dim);
		store_bind_int(st, s, 3, key);
		store_bind_int(st, s, 4, from);
		store_bind_int(st, s, 5, to);
	} else {
		s = store_prepare(st, SQL_RAW_DAILY, err);
		if (!s)
			return -1;
		store_bind_int(st, s, 1, project_id);
		store_bind_int(st, s, 2, from);
		store_bind_int(st, s, 3, to);
		bind_scope(st, s, scope, 4);
	}
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t d = store_col_int(st, s, 0);
		struct sale_sums *x;
		if (d < from || d > to)
			continue;
		x = &days[d - from];
		x->lines = store_col_int(st, s, 1);
		x->quantity = store_col_int(st, s, 2);
		x->amount = store_col_int(st, s, 3);
		x->cost = store_col_int(st, s, 4);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

struct ids {
	int64_t *v;
	size_t n, alloc;
};

struct acts;
static int kept_scope(struct store *st, const struct goal_scope *scope, int *yes,
		      struct err *err);
static int scan_activity(struct store *st, int64_t project_id, const struct goal_scope *scope,
			 int32_t from, int32_t to, int32_t lo, int32_t len, int need_first,
			 struct acts *out, struct err *err);
static int customers_from_activity(struct store *st, int64_t project_id,
				   const struct goal_scope *scope, int32_t from, int32_t to,
				   struct ids *out, struct err *err);

/* The distinct customers who bought in [from, to] (project, scope), in id order. */
static int customers_in(struct store *st, int64_t project_id, const struct goal_scope *scope,
			int32_t from, int32_t to, struct ids *out, struct err *err)
{
	struct stmt *s;
	int rc, kept;
	if (kept_scope(st, scope, &kept, err))
		return -1;
	if (kept)
		return customers_from_activity(st, project_id, scope, from, to, out, err);
	s = store_prepare(st, SQL_CUSTOMERS_IN, err);
	if (!s)
		return -1;
	store_bind_int_or_null(st, s, 1, project_id, NO_ID);
	store_bind_int(st, s, 2, from);
	store_bind_int(st, s, 3, to);
	bind_scope(st, s, scope, 4);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		out->v[out->n++] = store_col_int(st, s, 0);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* num / den as basis points by the one ratio rule (money.h); NO_VALUE without a denominator. */
static int64_t ratio_of(int64_t num, int64_t den)
{
	int64_t bp;
	return den > 0 && !ratio_bp(num, den, &bp) ? bp : NO_VALUE;
}

static int retention(struct store *st, const struct metric_query *q, int64_t *value,
		     struct err *err)
{
	struct ids cohort = { 0 }, now = { 0 };
	size_t i = 0, j = 0, kept = 0;
	int r = -1;

	if (customers_in(st, q->cohort_project_id, q->scope, q->cohort_from, q->cohort_to, &cohort,
			 err) ||
	    customers_in(st, q->project_id, q->scope, q->from, q->to, &now, err))
		goto out;
	/* both lists are sorted: count the cohort members who bought again */
	while (i < cohort.n && j < now.n) {
		if (cohort.v[i] == now.v[j])
			kept++, i++, j++;
		else if (cohort.v[i] < now.v[j])
			i++;
		else
			j++;
	}
	*value = ratio_of((int64_t)kept, (int64_t)cohort.n);
	r = 0;
out:
	free(cohort.v);
	free(now.v);
	return r;
}

/*
 * Won deals over [?4, ?5]: the won-deal rollup kept on the move (core/deal.c)
 * for no scope or one key; a deal counts once, with its amount (for a product,
 * once per deal selling it, with that product's lines).
 */
static const char SQL_DEAL_SUMS[] =
	"SELECT COALESCE(SUM(deals), 0), COALESCE(SUM(amount_minor), 0) FROM deal_rollup "
	"WHERE project_id = ?1 AND dim = ?2 AND key_id = ?3 AND day BETWEEN ?4 AND ?5";
static const char SQL_DEAL_SUMS_ALL[] =
	"SELECT COALESCE(SUM(deals), 0), COALESCE(SUM(amount_minor), 0) FROM deal_rollup "
	"WHERE project_id IN (SELECT id FROM projects) AND dim = ?2 AND key_id = ?3 "
	"AND day BETWEEN ?4 AND ?5 AND CAST(?1 AS BIGINT) IS NULL";
/* A scope of two keys or more: the won deals themselves, through their lines. */
static const char SQL_DEAL_SUMS_RAW[] =
	"SELECT COUNT(DISTINCT d.id), COALESCE(SUM(l.quantity * l.unit_price_minor - "
	"l.discount_minor), 0) FROM deals d JOIN deal_lines l ON l.deal_id = d.id "
	"JOIN customers c ON c.id = d.customer_id "
	"WHERE (CAST(?1 AS BIGINT) IS NULL OR d.project_id = ?1) AND d.won_on BETWEEN ?2 AND ?3 "
	"AND (CAST(?4 AS BIGINT) IS NULL OR COALESCE(d.segment_id, c.segment_id) = ?4) "
	"AND (CAST(?5 AS BIGINT) IS NULL OR d.channel_id = ?5) "
	"AND (CAST(?6 AS BIGINT) IS NULL OR l.product_id = ?6) "
	"AND (CAST(?7 AS BIGINT) IS NULL OR d.owner_id = ?7)";

/* The won deals (count and amount) of q's window, project and scope. */
static int deal_sums(struct store *st, const struct metric_query *q, int64_t *deals,
		     int64_t *amount, struct err *err)
{
	const char *dim;
	int64_t key;
	struct stmt *s;
	int rc;

	*deals = *amount = 0;
	if (scope_dim(q->scope, &dim, &key) <= 1) {
		s = store_prepare(st, q->project_id == NO_ID ? SQL_DEAL_SUMS_ALL : SQL_DEAL_SUMS, err);
		if (!s)
			return -1;
		store_bind_int_or_null(st, s, 1, q->project_id, NO_ID);
		store_bind_text(st, s, 2, dim);
		store_bind_int(st, s, 3, key);
		store_bind_int(st, s, 4, q->from);
		store_bind_int(st, s, 5, q->to);
	} else {
		if (!(s = store_prepare(st, SQL_DEAL_SUMS_RAW, err)))
			return -1;
		store_bind_int_or_null(st, s, 1, q->project_id, NO_ID);
		store_bind_int(st, s, 2, q->from);
		store_bind_int(st, s, 3, q->to);
		bind_scope(st, s, q->scope, 4);
	}
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		*deals = store_col_int(st, s, 0);
		*amount = store_col_int(st, s, 1);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static int new_customers(struct store *st, const struct metric_query *q, int64_t *value,
			 struct err *err);

int metric_value(struct store *st, const struct metric_query *q, int64_t *value,
		 struct err *err)
{
	struct sale_sums sums;
	struct stmt *s;
	const char *dim;
	int64_t key;
	int rc;

	*value = NO_VALUE;
	if (!metric_def(q->metric))
		return err_set(err, ERR_INVALID, "metric", "no_metric", "no metric to compute");
	switch (metric_def(q->metric)->calc) {
	case CALC_AMOUNT:
	case CALC_QUANTITY:
	case CALC_MARGIN:
	case CALC_PER_LINE:
		if (metric_sums(st, q->project_id, q->scope, q->from, q->to, &sums, err))
			return -1;
		*value = metric_of_sums(q->metric, &sums);
		return 0;
	case CALC_DEALS_WON:
	case CALC_DEAL_AVG: {
		int64_t deals, amount;
		if (deal_sums(st, q, &deals, &amount, err))
			return -1;
		if (metric_def(q->metric)->calc == CALC_DEALS_WON)
			*value = deals;
		else if (deals > 0 && div_round(amount, deals, value))
			*value = NO_VALUE;
		return 0;
	}
	case CALC_FIRST_PURCHASE:
		if (new_customers(st, q, value, err))
			return -1;
		if (*value != NO_VALUE)
			return 0;
		if (q->project_id == NO_ID && scope_dim(q->scope, &dim, &key) == 0) {
			s = store_prepare(st, SQL_NEW_CUSTOMERS_ALL, err);
			if (!s)
				return -1;
			store_bind_int(st, s, 1, q->from);
			store_bind_int(st, s, 2, q->to);
		} else {
			s = store_prepare(st, SQL_NEW_CUSTOMERS, err);
			if (!s)
				return -1;
			store_bind_int_or_null(st, s, 1, q->project_id, NO_ID);
			store_bind_int(st, s, 2, q->from);
			store_bind_int(st, s, 3, q->to);
			bind_scope(st, s, q->scope, 4);
		}
		rc = store_step(st, s, err);
		if (rc == STORE_ROW)
			*value = store_col_int(st, s, 0);
		store_done(st, s);
		return rc < 0 ? -1 : 0;
	case CALC_RETENTION:
		return retention(st, q, value, err);
	case CALC_CHECKIN:
		return goal_checkin_value(st, q->goal_id, q->to, value, err);
	case CALC_RECEIPTS:
		return collection_received(st, q->project_id, q->from, q->to,
					   q->scope ? q->scope->rep_id : NO_ID,
					   q->scope ? q->scope->segment_id : NO_ID,
					   q->scope ? q->scope->channel_id : NO_ID, value, err);
	case CALC_NPS:
		return feedback_nps(st, q->project_id, q->from, q->to,
				    q->scope ? q->scope->segment_id : NO_ID,
				    q->scope ? q->scope->channel_id : NO_ID,
				    q->scope ? q->scope->product_id : NO_ID,
				    q->scope ? q->scope->rep_id : NO_ID, value, err);
	}
	return err_set(err, ERR_INVALID, "metric", "no_metric", "no metric to compute");
}

int64_t metric_of_sums(enum metric m, const struct sale_sums *sums)
{
	int64_t v;

	switch (metric_def(m) ? metric_def(m)->calc : CALC_CHECKIN) {
	case CALC_AMOUNT:
		return sums->amount;
	case CALC_QUANTITY:
		return sums->quantity;
	case CALC_MARGIN:
		return ratio_of(sums->amount - sums->cost, sums->amount);
	case CALC_PER_LINE:
		return sums->lines > 0 && !div_round(sums->amount, sums->lines, &v) ? v : NO_VALUE;
	default:
		return NO_VALUE;
	}
}

/* Customer metrics are counted from one scan of the sales, not window by window. */
static int from_customers(enum metric m)
{
	const struct metric_def *d = metric_def(m);
	return d && (d->calc == CALC_FIRST_PURCHASE || d->calc == CALC_RETENTION);
}

/* --- customer activity from one scan ----------------------------------------------- */

/* What one scan of the sales learns about a customer. */
struct act {
	int64_t id;       /* 0 = empty slot */
	int32_t first_sale; /* first-ever purchase, workspace-wide */
	int32_t first_in;   /* earliest purchase inside the scanned span */
	uint32_t windows;   /* bit i: bought in window i */
};

/* A hash by id while a raw scan fills it; then (and from the kept days) an array in id order. */
struct acts {
	struct act *v;
	size_t n, used, alloc;
};

/*
 * The arrays of a dashboard's customer scans are kept by the thread for the
 * next one, up to these sizes: memory already faulted in (a fresh mapping of
 * a few megabytes costs more in page faults than the scan that fills it).
 */
#define SPARE_ACTS_MAX ((size_t)128 * 1024)  /* entries of struct act (3 MiB) */
#define SPARE_KEPT_BYTES ((size_t)8 << 20)   /* a memo scope's rows and spans */

static _Thread_local struct {
	struct act *v;
	size_t alloc;
} acts_spare;

/* An array-mode acts (scan_kept fills it with ALLOC_GROW) starts on the thread's spare array. */
static void acts_take_spare(struct acts *a)
{
	if (a->v || !acts_spare.v)
		return;
	a->v = acts_spare.v;
	a->alloc = acts_spare.alloc;
	acts_spare.v = NULL;
	acts_spare.alloc = 0;
}

/* Done with a: its array becomes the thread's spare (the larger one is kept) or is freed. */
static void acts_free(struct acts *a)
{
	if (a->v && a->alloc && a->alloc <= SPARE_ACTS_MAX && a->alloc > acts_spare.alloc) {
		free(acts_spare.v);
		acts_spare.v = a->v;
		acts_spare.alloc = a->alloc;
	} else {
		free(a->v);
	}
	memset(a, 0, sizeof(*a));
}

static struct act *act_get(struct acts *a, int64_t id)
{
	size_t i;
	if ((a->used + 1) * 2 > a->n) {
		struct act *old = a->v;
		size_t oldn = a->n;
		a->n = oldn ? oldn * 2 : 1024;
		a->v = xcalloc(a->n, sizeof(*a->v));
		a->used = 0;
		for (size_t k = 0; k < oldn; k++)
			if (old[k].id)
				*act_get(a, old[k].id) = old[k];
		free(old);
	}
	i = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ull >> 17) & (a->n - 1);
	while (a->v[i].id && a->v[i].id != id)
		i = (i + 1) & (a->n - 1);
	if (!a->v[i].id) {
		a->v[i].id = id;
		a->v[i].first_in = INT32_MAX;
		a->v[i].first_sale = NO_DATE;
		a->used++;
	}
	return &a->v[i];
}

static const char SQL_ACTIVITY[] =
	"SELECT customer_id, sold_on FROM sales WHERE (CAST(?1 AS BIGINT) IS NULL OR project_id = ?1) "
	"AND sold_on BETWEEN ?2 AND ?3 AND (CAST(?4 AS BIGINT) IS NULL OR segment_id = ?4) "
	"AND (CAST(?5 AS BIGINT) IS NULL OR channel_id = ?5) AND (CAST(?6 AS BIGINT) IS NULL OR product_id = ?6) "
	"AND (CAST(?7 AS BIGINT) IS NULL OR rep_id = ?7)";
static const char SQL_FIRST_SALES[] =
	"SELECT id, first_sale_on FROM customers WHERE first_sale_on IS NOT NULL ORDER BY id";

static int act_cmp(const void *x, const void *y)
{
	const struct act *a = x, *b = y;
	return (a->id > b->id) - (a->id < b->id);
}

/* Into id order, each customer once (a raw scan's hash; the kept rows of several projects). */
static void acts_sort(struct acts *a)
{
	size_t k = 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].id)
			a->v[k++] = a->v[i];
	if (k > 1)
		qsort(a->v, k, sizeof(*a->v), act_cmp);
	a->n = 0;
	for (size_t i = 0; i < k; i++) {
		struct act *last = a->n ? &a->v[a->n - 1] : NULL;
		if (last && last->id == a->v[i].id) {
			last->windows |= a->v[i].windows;
			if (a->v[i].first_in < last->first_in)
				last->first_in = a->v[i].first_in;
			if (a->v[i].first_sale != NO_DATE)
				last->first_sale = a->v[i].first_sale;
			continue;
		}
		a->v[a->n++] = a->v[i];
	}
	a->used = a->n;
}

/* The customer id in sorted a, or NULL. */
static struct act *act_find(struct acts *a, int64_t id)
{
	size_t lo = 0, hi = a->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < a->n && a->v[lo].id == id ? &a->v[lo] : NULL;
}

/* Each customer's first-ever purchase into sorted a: both in id order, one merge. */
static int merge_first_sales(struct store *st, struct acts *a, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_FIRST_SALES, err);
	size_t k = 0;
	int rc = 0;
	if (!s)
		return -1;
	while (k < a->n && (rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t id = store_col_int(st, s, 0);
		while (k < a->n && a->v[k].id < id)
			k++;
		if (k < a->n && a->v[k].id == id)
			a->v[k].first_sale = (int32_t)store_col_int(st, s, 1);
	}
	if (k >= a->n)
		rc = 0;
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* Whether the scope's customer activity is kept (no scope, or one key listed in customer_scopes). */
static int kept_scope(struct store *st, const struct goal_scope *scope, int *yes,
		      struct err *err)
{
	const char *dim;
	int64_t key;
	int n = scope_dim(scope, &dim, &key);
	*yes = n == 0;
	return n == 1 ? activity_tracked(st, dim, key, yes, err) : 0;
}

static const char SQL_KEPT[] =
	"SELECT customer_id, spans, project_id, first_on FROM customer_activity WHERE project_id = ?1 "
	"AND dim = ?2 AND key_id = ?3 AND first_on <= ?4";
/* Workspace-wide: project by project through the table's key (?1 is NULL here). */
static const char SQL_KEPT_ALL[] =
	"SELECT customer_id, spans, project_id, first_on FROM customer_activity "
	"WHERE project_id IN (SELECT id FROM projects) AND dim = ?2 AND key_id = ?3 "
	"AND first_on <= ?4 AND CAST(?1 AS BIGINT) IS NULL";

/* The bits of a 32-day span starting at first that fall in [from, to]. */
static uint32_t span_part(int32_t first, int32_t from, int32_t to)
{
	int64_t lo = (int64_t)from - first, hi = (int64_t)to - first;
	uint32_t m;
	if (hi < 0 || lo > 31)
		return 0;
	lo = lo < 0 ? 0 : lo;
	hi = hi > 31 ? 31 : hi;
	m = hi == 31 ? 0xFFFFFFFFu : (1u << (hi + 1)) - 1;
	return m & ~((1u << lo) - 1);
}

/*
 * A scope's kept rows (every project's), decoded once: what scan_kept walks.
 * Inside metric_memo_begin()/end() (one read transaction: one snapshot) the
 * rows of each scope are read and decoded once for all the goals, windows and
 * cohorts that ask; outside, each scan reads what it needs and lets it go.
 */
struct kept_row {
	int64_t customer_id, project_id;
	int32_t first_on;
	uint32_t span0, nspans; /* its spans in kept.spans */
};

struct kept_span {
	int32_t first;
	uint32_t mask;
};

struct kept {
	const char *dim;
	int64_t key;
	int64_t project_id; /* the rows of this project only; NO_ID: every project's */
	int32_t to;         /* the rows whose first day is on or before to */
	struct kept_row *rows;
	size_t nrows, arows;
	struct kept_span *spans;
	size_t nspans, aspans;
};

#define MEMO_SCOPES 8

static _Thread_local struct {
	struct store *st;
	int depth;
	struct kept scopes[MEMO_SCOPES];
	int n;
} memo;

static void kept_release(struct kept *k)
{
	free(k->rows);
	free(k->spans);
	memset(k, 0, sizeof(*k));
}

/* Emptied for the next memo; its arrays kept unless large. */
static void kept_empty(struct kept *k)
{
	struct kept_row *rows = k->rows;
	struct kept_span *spans = k->spans;
	size_t arows = k->arows, aspans = k->aspans;

	if (arows * sizeof(*rows) + aspans * sizeof(*spans) > SPARE_KEPT_BYTES) {
		kept_release(k);
		return;
	}
	memset(k, 0, sizeof(*k));
	k->rows = rows;
	k->arows = arows;
	k->spans = spans;
	k->aspans = aspans;
}

void metric_thread_release(void)
{
	for (int i = 0; i < MEMO_SCOPES; i++)
		kept_release(&memo.scopes[i]);
	memo.n = 0;
	free(acts_spare.v);
	acts_spare.v = NULL;
	acts_spare.alloc = 0;
}

void metric_memo_begin(struct store *st)
{
	if (memo.depth++ == 0)
		memo.st = st;
}

void metric_memo_end(void)
{
	if (memo.depth == 0 || --memo.depth > 0)
		return;
	for (int i = 0; i < memo.n; i++)
		kept_empty(&memo.scopes[i]);
	memo.n = 0;
	memo.st = NULL;
}

/* Read and decode the rows of (project_id, dim, key) whose first day is on or before to. */
static int kept_load(struct store *st, int64_t project_id, const char *dim, int64_t key,
		     int32_t to, struct kept *k, struct err *err)
{
	struct stmt *s = store_prepare(st, project_id == NO_ID ? SQL_KEPT_ALL : SQL_KEPT, err);
	int rc;

	k->dim = dim;
	k->key = key;
	k->project_id = project_id;
	k->to = to;
	if (!s)
		return -1;
	store_bind_int_or_null(st, s, 1, project_id, NO_ID);
	store_bind_text(st, s, 2, dim);
	store_bind_int(st, s, 3, key);
	store_bind_int(st, s, 4, to);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		const char *p = store_col_text(st, s, 1);
		struct kept_row *r;
		struct kept_span sp;
		ALLOC_GROW(k->rows, k->nrows + 1, k->arows);
		r = &k->rows[k->nrows++];
		r->customer_id = store_col_int(st, s, 0);
		r->project_id = store_col_int(st, s, 2);
		r->first_on = (int32_t)store_col_int(st, s, 3);
		r->span0 = (uint32_t)k->nspans;
		while ((p = activity_span_next(p, &sp.first, &sp.mask)) != NULL) {
			ALLOC_GROW(k->spans, k->nspans + 1, k->aspans);
			k->spans[k->nspans++] = sp;
		}
		r->nspans = (uint32_t)k->nspans - r->span0;
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/*
 * The rows to scan for (project_id, dim, key) up to `to`: inside a memo,
 * every project's rows of the scope, read once (*own = 0); outside, just
 * these, the caller's to release (*own = 1).
 */
static int kept_rows(struct store *st, int64_t project_id, const char *dim, int64_t key,
		     int32_t to, struct kept *tmp, struct kept **out, struct err *err)
{
	*out = NULL;
	if (memo.depth && memo.st == st) {
		for (int i = 0; i < memo.n; i++)
			if (!strcmp(memo.scopes[i].dim, dim) && memo.scopes[i].key == key) {
				*out = &memo.scopes[i];
				return 0;
			}
		if (memo.n < MEMO_SCOPES) {
			struct kept *k = &memo.scopes[memo.n];
			kept_empty(k); /* what a memo before left: the arrays only */
			if (kept_load(st, NO_ID, dim, key, INT32_MAX, k, err)) {
				kept_release(k);
				return -1;
			}
			memo.n++;
			*out = k;
			return 0;
		}
	}
	memset(tmp, 0, sizeof(*tmp));
	if (kept_load(st, project_id, dim, key, to, tmp, err)) {
		kept_release(tmp);
		return -1;
	}
	*out = tmp;
	return 0;
}

/*
 * scan_activity's second half from customer_activity: one row per customer
 * (and project) whose first day in scope is on or before `to`, its 32-day
 * spans' bitmaps tested a window at a time. No sales are read.
 */
static int scan_kept(struct store *st, int64_t project_id, const struct goal_scope *scope,
		     int32_t from, int32_t to, int32_t lo, int32_t len, struct acts *out,
		     struct err *err)
{
	const char *dim;
	int64_t key;
	struct kept tmp, *k;
	int several = 0;

	scope_dim(scope, &dim, &key);
	if (kept_rows(st, project_id, dim, key, to, &tmp, &k, err))
		return -1;
	acts_take_spare(out);
	/* rows come in customer order, project by project: appended, sorted once if several */
	for (size_t ri = 0; ri < k->nrows; ri++) {
		const struct kept_row *row = &k->rows[ri];
		struct act *a = NULL;
		if (row->first_on > to || (project_id != NO_ID && row->project_id != project_id))
			continue;
		for (uint32_t si = 0; si < row->nspans; si++) {
			int32_t first = k->spans[row->span0 + si].first;
			uint32_t in = k->spans[row->span0 + si].mask & span_part(first, from, to);
			if (!in)
				continue;
			if (!a) {
				int64_t id = row->customer_id;
				if (out->n && out->v[out->n - 1].id >= id)
					several = 1;
				ALLOC_GROW(out->v, out->n + 1, out->alloc);
				a = &out->v[out->n++];
				a->id = id;
				a->first_sale = NO_DATE;
				a->first_in = INT32_MAX;
				a->windows = 0;
			}
			if (first + __builtin_ctz(in) < a->first_in)
				a->first_in = first + __builtin_ctz(in);
			/* the windows this span meets: one or two unless they are short */
			for (int64_t i = len > 0 && first > lo ? ((int64_t)first - lo) / len : 0;
			     len > 0 && i < 32 && lo + i * len <= (int64_t)first + 31; i++)
				if (in & span_part(first, (int32_t)(lo + i * len),
						   (int32_t)(lo + (i + 1) * len - 1)))
					a->windows |= 1u << i;
		}
	}
	if (k == &tmp)
		kept_release(&tmp);
	if (several)
		acts_sort(out);
	out->used = out->n;
	return 0;
}

static int id_cmp(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

static int customers_from_activity(struct store *st, int64_t project_id,
				   const struct goal_scope *scope, int32_t from, int32_t to,
				   struct ids *out, struct err *err)
{
	struct acts a = { 0 };
	int r = -1;
	if (scan_kept(st, project_id, scope, from, to, 0, 0, &a, err))
		goto out;
	for (size_t k = 0; k < a.n; k++) {
		if (!a.v[k].id || a.v[k].first_in == INT32_MAX)
			continue;
		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		out->v[out->n++] = a.v[k].id;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), id_cmp);
	r = 0;
out:
	acts_free(&a);
	return r;
}

/*
 * New customers in [from, to] from the kept activity: bought there (project,
 * scope) with a first-ever purchase there. *value stays NO_VALUE when the
 * scope is not kept (the caller reads the sales) or for the whole workspace
 * unscoped (the customers table alone answers).
 */
static int new_customers(struct store *st, const struct metric_query *q, int64_t *value,
			 struct err *err)
{
	struct acts a = { 0 };
	const char *dim;
	int64_t key, count = 0;
	int kept, r = -1;

	*value = NO_VALUE;
	if (q->project_id == NO_ID && scope_dim(q->scope, &dim, &key) == 0)
		return 0;
	if (kept_scope(st, q->scope, &kept, err))
		return -1;
	if (!kept)
		return 0;
	if (scan_activity(st, q->project_id, q->scope, q->from, q->to, 0, 0, 1, &a, err))
		goto out;
	for (size_t k = 0; k < a.n; k++) {
		const struct act *c = &a.v[k];
		count += c->id && c->first_in != INT32_MAX && c->first_sale >= q->from &&
			 c->first_sale <= q->to;
	}
	*value = count;
	r = 0;
out:
	acts_free(&a);
	return r;
}

/*
 * One pass over the customers' days in [from, to] (project, scope): each
 * customer's first-ever purchase (need_first: new customers), earliest purchase
 * in the span, and (len > 0) the windows [lo + i*len, lo + (i+1)*len - 1] they
 * bought in.
 */
static int scan_activity(struct store *st, int64_t project_id, const struct goal_scope *scope,
			 int32_t from, int32_t to, int32_t lo, int32_t len, int need_first,
			 struct acts *out, struct err *err)
{
	struct stmt *s;
	int rc, kept;
	if (kept_scope(st, scope, &kept, err))
		return -1;
	if (kept)
		return scan_kept(st, project_id, scope, from, to, lo, len, out, err) ||
		       (need_first && merge_first_sales(st, out, err)) ? -1 : 0;
	/* the sales of a scope of several keys, customer by customer through a hash */
	s = store_prepare(st, SQL_ACTIVITY, err);
	if (!s)
		return -1;
	store_bind_int_or_null(st, s, 1, project_id, NO_ID);
	store_bind_int(st, s, 2, from);
	store_bind_int(st, s, 3, to);
	bind_scope(st, s, scope, 4);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct act *a = act_get(out, store_col_int(st, s, 0));
		int32_t day = (int32_t)store_col_int(st, s, 1);
		if (day < a->first_in)
			a->first_in = day;
		if (len > 0 && day >= lo && (day - lo) / len < 32)
			a->windows |= 1u << ((day - lo) / len);
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	acts_sort(out);
	return need_first ? merge_first_sales(st, out, err) : 0;
}

int metric_windows(struct store *st, enum metric m, int64_t project_id,
		   const struct goal_scope *scope, int32_t lo, int32_t len, int n, int64_t *values,
		   struct err *err)
{
	struct acts a = { 0 };
	int r = -1;

	if (n <= 0 || n > 32 || len <= 0)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "bad window count");
	if (!from_customers(m)) {
		for (int i = 0; i < n; i++) {
			struct metric_query q = { .metric = m, .project_id = project_id,
						  .scope = scope, .from = lo + i * len,
						  .to = lo + (i + 1) * len - 1,
						  .cohort_from = lo + (i - 1) * len,
						  .cohort_to = lo + i * len - 1,
						  .cohort_project_id = project_id };
			if (metric_value(st, &q, &values[i], err))
				return -1;
		}
		return 0;
	}
	if (scan_activity(st, project_id, scope, lo, lo + n * len - 1, lo, len,
			  metric_def(m)->calc == CALC_FIRST_PURCHASE, &a, err))
		goto out;
	for (int i = 0; i < n; i++) {
		int32_t wfrom = lo + i * len, wto = wfrom + len - 1;
		int64_t count = 0, cohort = 0, kept = 0;
		for (size_t k = 0; k < a.n; k++) {
			const struct act *c = &a.v[k];
			if (!c->id || !c->windows)
				continue;
			if (metric_def(m)->calc == CALC_FIRST_PURCHASE) {
				count += (c->windows >> i & 1) && c->first_sale >= wfrom &&
					 c->first_sale <= wto;
			} else if (i > 0 && (c->windows >> (i - 1) & 1)) {
				cohort++;
				kept += c->windows >> i & 1;
			}
		}
		if (metric_def(m)->calc == CALC_FIRST_PURCHASE)
			values[i] = count;
		else
			values[i] = ratio_of(kept, cohort);
	}
	r = 0;
out:
	acts_free(&a);
	return r;
}

int metric_curve(struct store *st, const struct metric_query *q, const int32_t *ends, int n,
		 int64_t *values, struct err *err)
{
	struct acts a = { 0 };
	struct ids cohort = { 0 };
	int32_t last = n > 0 ? ends[n - 1] : q->from;
	int r = -1;

	if (!from_customers(q->metric)) {
		for (int i = 0; i < n; i++) {
			struct metric_query p = *q;
			p.to = ends[i];
			if (metric_value(st, &p, &values[i], err))
				return -1;
		}
		return 0;
	}
	if (scan_activity(st, q->project_id, q->scope, q->from, last, 0, 0,
			  metric_def(q->metric)->calc == CALC_FIRST_PURCHASE, &a, err))
		goto out;
	if (metric_def(q->metric)->calc == CALC_RETENTION &&
	    customers_in(st, q->cohort_project_id, q->scope, q->cohort_from, q->cohort_to, &cohort,
			 err))
		goto out;
	for (int i = 0; i < n; i++) {
		int64_t count = 0;
		if (metric_def(q->metric)->calc == CALC_FIRST_PURCHASE) {
			/* counted once both its first-ever purchase and a purchase here happened */
			for (size_t k = 0; k < a.n; k++) {
				const struct act *c = &a.v[k];
				int32_t when;
				if (!c->id || c->first_in == INT32_MAX || c->first_sale == NO_DATE ||
				    c->first_sale < q->from)
					continue;
				when = c->first_sale > c->first_in ? c->first_sale : c->first_in;
				count += when <= ends[i];
			}
			values[i] = count;
		} else {
			for (size_t k = 0; k < cohort.n; k++) {
				const struct act *c = act_find(&a, cohort.v[k]);
				count += c && c->first_in <= ends[i];
			}
			values[i] = ratio_of(count, (int64_t)cohort.n);
		}
	}
	r = 0;
out:
	acts_free(&a);
	free(cohort.v);
	return r;
}

/* --- by rep ----------------------------------------------------------------------------- */

/* Each rep's sums over [?2, ?3] in project ?1 (the rollup's rep dimension). */
static const char SQL_ROLLUP_BY_REP[] =
	"SELECT key_id, SUM(lines), SUM(quantity), SUM(amount_minor), SUM(cost_minor) FROM sale_rollup "
	"WHERE project_id = ?1 AND dim = 'rep' AND day BETWEEN ?2 AND ?3 GROUP BY key_id";
/* Workspace-wide (?1 is NULL here), project by project through the rollup's key. */
static const char SQL_ROLLUP_BY_REP_ALL[] =
	"SELECT key_id, SUM(lines), SUM(quantity), SUM(amount_minor), SUM(cost_minor) FROM sale_rollup "
	"WHERE project_id IN (SELECT id FROM projects) AND dim = 'rep' AND day BETWEEN ?2 AND ?3 "
	"AND CAST(?1 AS BIGINT) IS NULL GROUP BY key_id";
/* Each rep's sums from the sales, narrowed by segment ?4, channel ?5, product ?6. */
static const char SQL_RAW_BY_REP[] =
	"SELECT rep_id, COUNT(*), COALESCE(SUM(quantity), 0), COALESCE(SUM(amount_minor), 0), "
	"COALESCE(SUM(cost_minor), 0) FROM sales WHERE (CAST(?1 AS BIGINT) IS NULL OR project_id = ?1) "
	"AND sold_on BETWEEN ?2 AND ?3 AND (CAST(?4 AS BIGINT) IS NULL OR segment_id = ?4) "
	"AND (CAST(?5 AS BIGINT) IS NULL OR channel_id = ?5) AND (CAST(?6 AS BIGINT) IS NULL OR product_id = ?6) "
	"GROUP BY rep_id";
/* Each rep's customers whose first-ever purchase, made from them, falls in the window. */
static const char SQL_NEW_CUSTOMERS_BY_REP[] =
	"SELECT s.rep_id, COUNT(DISTINCT s.customer_id) FROM sales s JOIN customers c "
	"ON c.id = s.customer_id WHERE (CAST(?1 AS BIGINT) IS NULL OR s.project_id = ?1) "
	"AND s.sold_on BETWEEN ?2 AND ?3 AND c.first_sale_on BETWEEN ?2 AND ?3 "
	"AND (CAST(?4 AS BIGINT) IS NULL OR s.segment_id = ?4) AND (CAST(?5 AS BIGINT) IS NULL OR s.channel_id = ?5) "
	"AND (CAST(?6 AS BIGINT) IS NULL OR s.product_id = ?6) GROUP BY s.rep_id";

int metric_by_rep(struct store *st, const struct metric_query *q, const int64_t *reps, size_t n,
		  int64_t *values, struct err *err)
{
	const struct metric_def *d = metric_def(q->metric);
	struct goal_scope sc = q->scope ? *q->scope : (struct goal_scope){ NO_ID, NO_ID, NO_ID, NO_ID };
	struct sale_sums *sums;
	const char *dim, *sql;
	int64_t key;
	int sumsm, rc;
	struct stmt *s;

	if (!d)
		return err_set(err, ERR_INVALID, "metric", "no_metric", "no metric to compute");
	sc.rep_id = NO_ID;
	sumsm = d->calc == CALC_AMOUNT || d->calc == CALC_QUANTITY || d->calc == CALC_MARGIN ||
		d->calc == CALC_PER_LINE;
	if (!sumsm && d->calc != CALC_FIRST_PURCHASE) {
		for (size_t i = 0; i < n; i++) {
			struct metric_query one = *q;
			sc.rep_id = reps[i];
			one.scope = &sc;
			if (metric_value(st, &one, &values[i], err))
				return -1;
		}
		return 0;
	}
	if (!sumsm)
		sql = SQL_NEW_CUSTOMERS_BY_REP;
	else if (scope_dim(&sc, &dim, &key) == 0)
		sql = q->project_id == NO_ID ? SQL_ROLLUP_BY_REP_ALL : SQL_ROLLUP_BY_REP;
	else
		sql = SQL_RAW_BY_REP;
	if (!(s = store_prepare(st, sql, err)))
		return -1;
	store_bind_int_or_null(st, s, 1, q->project_id, NO_ID);
	store_bind_int(st, s, 2, q->from);
	store_bind_int(st, s, 3, q->to);
	if (sql == SQL_RAW_BY_REP || sql == SQL_NEW_CUSTOMERS_BY_REP) {
		store_bind_int_or_null(st, s, 4, sc.segment_id, NO_ID);
		store_bind_int_or_null(st, s, 5, sc.channel_id, NO_ID);
		store_bind_int_or_null(st, s, 6, sc.product_id, NO_ID);
	}
	sums = xcalloc(n ? n : 1, sizeof(*sums));
	for (size_t i = 0; i < n; i++)
		values[i] = 0;
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t rep = store_col_int(st, s, 0);
		for (size_t i = 0; i < n; i++) {
			if (reps[i] != rep)
				continue;
			if (!sumsm) {
				values[i] = store_col_int(st, s, 1);
				continue;
			}
			sums[i].lines = store_col_int(st, s, 1);
			sums[i].quantity = store_col_int(st, s, 2);
			sums[i].amount = store_col_int(st, s, 3);
			sums[i].cost = store_col_int(st, s, 4);
		}
	}
	store_done(st, s);
	for (size_t i = 0; sumsm && i < n; i++)
		values[i] = metric_of_sums(q->metric, &sums[i]);
	free(sums);
	return rc < 0 ? -1 : 0;
}
