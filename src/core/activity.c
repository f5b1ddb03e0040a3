/*
 * activity.c - per-transaction deltas of customers' purchase days, merged into
 * customer_activity with one read and one write per (project, scope, customer)
 * touched; and `db check`'s comparison with a recomputation.
 */
#include "core/activity.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "core/core.h"
#include "base/banned.h"

enum { AD_ALL, AD_SEGMENT, AD_CHANNEL, AD_PRODUCT, AD_REP, AD__COUNT };
static const char *const ad_names[AD__COUNT] = { "all", "segment", "channel", "product", "rep" };

struct delta {
	int32_t day;
	int64_t lines;
};

/* One (project, scope, customer): its deltas in the order added (sorted at flush). */
struct group {
	int64_t project_id, key_id, customer_id;
	int dim; /* -1 = empty slot */
	int seen;    /* activity_compare: a stored row matched it */
	int removed; /* a delta took lines away */
	struct delta *v;
	size_t n, alloc;
};

struct scope {
	int dim;
	int64_t key_id;
};

struct activity {
	struct group *g;
	size_t n, used;
	struct scope *scopes;
	size_t nscopes, ascopes;
};

struct activity *activity_new(void)
{
	struct activity *a = xcalloc(1, sizeof(*a));
	a->n = 256;
	a->g = xmalloc(a->n * sizeof(*a->g));
	for (size_t i = 0; i < a->n; i++)
		a->g[i].dim = -1;
	return a;
}

void activity_free(struct activity *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++)
		if (a->g[i].dim >= 0)
			free(a->g[i].v);
	free(a->g);
	free(a->scopes);
	free(a);
}

static int dim_of(const char *name)
{
	for (int d = 0; d < AD__COUNT; d++)
		if (!strcmp(name, ad_names[d]))
			return d;
	return -1;
}

static const char SQL_SCOPES[] = "SELECT dim, key_id FROM customer_scopes";

int activity_load_scopes(struct activity *a, struct store *st, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_SCOPES, err);
	int rc;
	if (!s)
		return -1;
	a->nscopes = 0;
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int d = dim_of(store_col_text(st, s, 0));
		if (d <= AD_ALL)
			continue;
		ALLOC_GROW(a->scopes, a->nscopes + 1, a->ascopes);
		a->scopes[a->nscopes].dim = d;
		a->scopes[a->nscopes++].key_id = store_col_int(st, s, 1);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static size_t hash(int64_t p, int dim, int64_t key, int64_t c)
{
	uint64_t h = (uint64_t)c * 0x9E3779B97F4A7C15ull;
	h ^= (uint64_t)p * 0xC2B2AE3D27D4EB4Full + (h << 6) + (h >> 2);
	h ^= (uint64_t)(key * 8 + dim) * 0x165667B19E3779F9ull + (h << 6) + (h >> 2);
	h ^= h >> 29;
	return (size_t)h;
}

static struct group *slot(struct activity *a, int64_t p, int dim, int64_t key, int64_t c)
{
	size_t i = hash(p, dim, key, c) & (a->n - 1);
	for (;;) {
		struct group *g = &a->g[i];
		if (g->dim < 0 || (g->customer_id == c && g->dim == dim && g->key_id == key &&
				   g->project_id == p))
			return g;
		i = (i + 1) & (a->n - 1);
	}
}

static struct group *group_of(struct activity *a, int64_t p, int dim, int64_t key, int64_t c)
{
	struct group *g;
	if ((a->used + 1) * 2 > a->n) {
		struct group *old = a->g;
		size_t oldn = a->n;
		a->n *= 2;
		a->g = xmalloc(a->n * sizeof(*a->g));
		for (size_t i = 0; i < a->n; i++)
			a->g[i].dim = -1;
		for (size_t i = 0; i < oldn; i++)
			if (old[i].dim >= 0)
				*slot(a, old[i].project_id, old[i].dim, old[i].key_id,
				      old[i].customer_id) = old[i];
		free(old);
	}
	g = slot(a, p, dim, key, c);
	if (g->dim < 0) {
		memset(g, 0, sizeof(*g));
		g->project_id = p;
		g->dim = dim;
		g->key_id = key;
		g->customer_id = c;
		a->used++;
	}
	return g;
}

static void push(struct activity *a, int64_t p, int dim, int64_t key, int64_t c, int32_t day,
		 int64_t lines)
{
	struct group *g = group_of(a, p, dim, key, c);
	/* the same day twice in a row (an import's lines of one order) folds in place */
	if (g->n && g->v[g->n - 1].day == day) {
		g->v[g->n - 1].lines += lines;
		return;
	}
	ALLOC_GROW(g->v, g->n + 1, g->alloc);
	g->v[g->n].day = day;
	g->v[g->n++].lines = lines;
}

void activity_add(struct activity *a, int64_t project_id, int32_t day, int64_t customer_id,
		  int64_t channel_id, int64_t product_id, int64_t rep_id, int64_t segment_id,
		  int sign)
{
	push(a, project_id, AD_ALL, 0, customer_id, day, sign);
	for (size_t i = 0; i < a->nscopes; i++) {
		const struct scope *sc = &a->scopes[i];
		int64_t k = sc->dim == AD_SEGMENT   ? segment_id
			    : sc->dim == AD_CHANNEL ? channel_id
			    : sc->dim == AD_PRODUCT ? product_id
						    : rep_id;
		if (k == sc->key_id)
			push(a, project_id, sc->dim, k, customer_id, day, sign);
	}
}

const char *activity_next(const char *p, int32_t *day, int64_t *lines)
{
	int rel = 0, neg = 0;
	int64_t d = 0, n = 0;

	if (!p || !*p)
		return NULL;
	if (*p == ',')
		p++;
	if (*p == '+')
		rel = 1, p++;
	else if (*p == '-')
		neg = 1, p++;
	while (*p >= '0' && *p <= '9')
		d = d * 10 + (*p++ - '0');
	if (*p == ':') {
		p++;
		while (*p >= '0' && *p <= '9')
			n = n * 10 + (*p++ - '0');
	} else {
		n = 1;
	}
	*day = rel ? *day + (int32_t)d : (int32_t)(neg ? -d : d);
	*lines = n;
	/* anything else up to the next comma is not ours: skip it */
	while (*p && *p != ',')
		p++;
	return p;
}

static int delta_cmp(const void *x, const void *y)
{
	const struct delta *a = x, *b = y;
	return (a->day > b->day) - (a->day < b->day);
}

/* Sort v by day and fold equal days; days left with no lines are dropped. */
static size_t normalise(struct delta *v, size_t n)
{
	size_t k = 0;
	qsort(v, n, sizeof(*v), delta_cmp);
	for (size_t i = 0; i < n; i++) {
		if (k && v[k - 1].day == v[i].day)
			v[k - 1].lines += v[i].lines;
		else
			v[k++] = v[i];
	}
	n = k, k = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].lines > 0)
			v[k++] = v[i];
	return k;
}

/* The days text of sorted, folded v (see activity_next). */
static void encode(struct buf *b, const struct delta *v, size_t n)
{
	buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addf(b, ",+%ld", (long)(v[i].day - v[i - 1].day));
		else
			buf_addf(b, "%ld", (long)v[i].day);
		if (v[i].lines != 1)
			buf_addf(b, ":%lld", (long long)v[i].lines);
	}
}

/* Append the entries of a stored days text to g's deltas. */
static void add_text(struct group *g, const char *text)
{
	int32_t day = 0;
	int64_t lines;
	const char *p = text;
	while ((p = activity_next(p, &day, &lines)) != NULL) {
		ALLOC_GROW(g->v, g->n + 1, g->alloc);
		g->v[g->n].day = day;
		g->v[g->n++].lines = lines;
	}
}

static int group_cmp(const void *x, const void *y)
{
	const struct group *a = *(const struct group *const *)x, *b = *(const struct group *const *)y;
	if (a->project_id != b->project_id)
		return a->project_id < b->project_id ? -1 : 1;
	if (a->dim != b->dim)
		return a->dim < b->dim ? -1 : 1;
	if (a->key_id != b->key_id)
		return a->key_id < b->key_id ? -1 : 1;
	return (a->customer_id > b->customer_id) - (a->customer_id < b->customer_id);
}

/* The groups in key order: writes in the table's order touch each page once. */
static struct group **sorted_groups(struct activity *a, size_t *n)
{
	struct group **v = xmalloc((a->used + 1) * sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->g[i].dim >= 0)
			v[k++] = &a->g[i];
	qsort(v, k, sizeof(*v), group_cmp);
	*n = k;
	return v;
}

static const char SQL_ACT_GET[] =
	"SELECT days FROM customer_activity WHERE project_id = ?1 AND dim = ?2 AND key_id = ?3 "
	"AND customer_id = ?4";
static const char SQL_ACT_PUT[] =
	"INSERT INTO customer_activity (project_id, dim, key_id, customer_id, first_on, days) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (project_id, dim, key_id, customer_id) "
	"DO UPDATE SET first_on = excluded.first_on, days = excluded.days";
static const char SQL_ACT_DEL[] =
	"DELETE FROM customer_activity WHERE project_id = ?1 AND dim = ?2 AND key_id = ?3 "
	"AND customer_id = ?4";
/* A customer's first purchase, workspace-wide, from the activity's first days (no sales read). */
static const char SQL_FIRST_FROM_ACTIVITY[] =
	"UPDATE customers SET first_sale_on = (SELECT MIN(first_on) FROM customer_activity "
	"WHERE project_id IN (SELECT id FROM projects) AND dim = 'all' AND key_id = 0 "
	"AND customer_id = ?1) WHERE id = ?1";

static void bind_key(struct store *st, struct stmt *s, const struct group *g)
{
	store_bind_int(st, s, 1, g->project_id);
	store_bind_text(st, s, 2, ad_names[g->dim]);
	store_bind_int(st, s, 3, g->key_id);
	store_bind_int(st, s, 4, g->customer_id);
}

/* Merge one group's deltas with its stored row and write the result back. */
static int flush_group(struct store *st, struct group *g, struct buf *b, struct err *err)
{
	struct stmt *s;
	int rc;
	int has_delta = 0;

	for (size_t i = 0; i < g->n; i++) {
		has_delta |= g->v[i].lines != 0;
		g->removed |= g->v[i].lines < 0;
	}
	if (!has_delta)
		return 0;
	if (!(s = store_prepare(st, SQL_ACT_GET, err)))
		return -1;
	bind_key(st, s, g);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		add_text(g, store_col_text(st, s, 0));
	store_done(st, s);
	if (rc < 0)
		return -1;
	/* a day taken below zero (a row out of step) is dropped; `db check` tells */
	g->n = normalise(g->v, g->n);
	if (!g->n) {
		if (rc != STORE_ROW)
			return 0;
		if (!(s = store_prepare(st, SQL_ACT_DEL, err)))
			return -1;
		bind_key(st, s, g);
	} else {
		encode(b, g->v, g->n);
		if (!(s = store_prepare(st, SQL_ACT_PUT, err)))
			return -1;
		bind_key(st, s, g);
		store_bind_int(st, s, 5, g->v[0].day);
		store_bind_text(st, s, 6, buf_cstr(b));
	}
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int activity_flush(struct activity *a, struct store *st, struct err *err)
{
	struct buf b = BUF_INIT;
	size_t n;
	struct group **v = sorted_groups(a, &n);
	int r = -1;

	for (size_t i = 0; i < n; i++)
		if (flush_group(st, v[i], &b, err))
			goto out;
	/* a customer who lost lines may have lost their first purchase: take it from the rows */
	for (size_t i = 0; i < n; i++) {
		const struct group *g = v[i];
		struct stmt *s;
		if (g->dim != AD_ALL || !g->removed)
			continue;
		if (!(s = store_prepare(st, SQL_FIRST_FROM_ACTIVITY, err)))
			goto out;
		store_bind_int(st, s, 1, g->customer_id);
		if (store_step(st, s, err) < 0) {
			store_done(st, s);
			goto out;
		}
		store_done(st, s);
	}
	r = 0;
out:
	free(v);
	buf_release(&b);
	return r;
}

static const char SQL_ACT_ALL[] =
	"SELECT project_id, dim, key_id, customer_id, first_on, days FROM customer_activity";
/* Customers whose first purchase is not their earliest sale (db check reads the sales). */
static const char SQL_FIRST_WRONG[] =
	"SELECT c.id, c.first_sale_on, m.first FROM customers c LEFT JOIN "
	"(SELECT customer_id, MIN(sold_on) AS first FROM sales GROUP BY customer_id) m "
	"ON m.customer_id = c.id WHERE (c.first_sale_on IS NULL) <> (m.first IS NULL) "
	"OR c.first_sale_on <> m.first";

static void describe(struct buf *b, int64_t p, const char *dim, int64_t key, int64_t c)
{
	buf_addf(b, "customer activity project %lld %s", (long long)p, dim);
	if (strcmp(dim, "all"))
		buf_addf(b, " %lld", (long long)key);
	buf_addf(b, " customer %lld", (long long)c);
}

/* Whether the stored row (first_on, days) says what the sorted, folded g does. */
static int same(const struct group *g, int64_t first_on, const char *text)
{
	struct group t = { 0 };
	int eq;
	add_text(&t, text);
	t.n = normalise(t.v, t.n);
	eq = t.n == g->n && g->n && first_on == g->v[0].day;
	for (size_t i = 0; eq && i < g->n; i++)
		eq = t.v[i].day == g->v[i].day && t.v[i].lines == g->v[i].lines;
	free(t.v);
	return eq;
}

static int compare_first(struct store *st, struct buf *report, int max_lines, int *problems,
			 struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_FIRST_WRONG, err);
	int rc;
	if (!s)
		return -1;
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		if (++*problems > max_lines)
			continue;
		buf_addf(report, "customer %lld: first purchase %s, but the sales give %s\n",
			 (long long)store_col_int(st, s, 0),
			 store_col_is_null(st, s, 1) ? "none" : store_col_text(st, s, 1),
			 store_col_is_null(st, s, 2) ? "none" : store_col_text(st, s, 2));
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int activity_compare(struct activity *a, struct store *st, struct buf *report, int max_lines,
		     struct err *err)
{
	struct stmt *s;
	int problems = 0, rc;

	for (size_t i = 0; i < a->n; i++)
		if (a->g[i].dim >= 0)
			a->g[i].n = normalise(a->g[i].v, a->g[i].n), a->g[i].seen = 0;
	if (!(s = store_prepare(st, SQL_ACT_ALL, err)))
		return -1;
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t p = store_col_int(st, s, 0), key = store_col_int(st, s, 2);
		int64_t c = store_col_int(st, s, 3), first = store_col_int(st, s, 4);
		const char *dim = store_col_text(st, s, 1);
		int d = dim_of(dim);
		struct group *g = d < 0 ? NULL : slot(a, p, d, key, c);
		if (g && g->dim >= 0) {
			g->seen = 1;
			if (same(g, first, store_col_text(st, s, 5)))
				continue;
		}
		if (++problems > max_lines)
			continue;
		describe(report, p, dim, key, c);
		buf_addf(report, ": stored from day %lld \"%.60s\"; %s\n", (long long)first,
			 store_col_text(st, s, 5),
			 g && g->dim >= 0 && g->n ? "the sales give other days" : "the sales give none");
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < a->n; i++) {
		const struct group *g = &a->g[i];
		if (g->dim < 0 || g->seen || !g->n)
			continue;
		if (++problems > max_lines)
			continue;
		describe(report, g->project_id, ad_names[g->dim], g->key_id, g->customer_id);
		buf_addf(report, ": missing; the sales give %zu days from day %ld\n", g->n,
			 (long)g->v[0].day);
	}
	if (compare_first(st, report, max_lines, &problems, err))
		return -1;
	if (problems > max_lines)
		buf_addf(report, "... and %d more customer activity rows that differ\n",
			 problems - max_lines);
	return problems;
}

static const char SQL_SCOPE_HAS[] = "SELECT COUNT(*) FROM customer_scopes WHERE dim = ?1 AND key_id = ?2";
static const char SQL_SCOPE_ADD[] = "INSERT INTO customer_scopes (dim, key_id) VALUES (?1, ?2)";
/* One statement per dimension: SQL is never assembled (STYLE.md). */
static const char *const SQL_SCOPE_SALES[AD__COUNT] = {
	NULL,
	"SELECT project_id, customer_id, sold_on FROM sales WHERE segment_id = ?1",
	"SELECT project_id, customer_id, sold_on FROM sales WHERE channel_id = ?1",
	"SELECT project_id, customer_id, sold_on FROM sales WHERE product_id = ?1",
	"SELECT project_id, customer_id, sold_on FROM sales WHERE rep_id = ?1",
};

int activity_tracked(struct store *st, const char *dim, int64_t key_id, int *yes,
		     struct err *err)
{
	struct stmt *s;
	int rc;
	*yes = !strcmp(dim, "all");
	if (*yes)
		return 0;
	if (!(s = store_prepare(st, SQL_SCOPE_HAS, err)))
		return -1;
	store_bind_text(st, s, 1, dim);
	store_bind_int(st, s, 2, key_id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		*yes = store_col_int(st, s, 0) > 0;
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int activity_track(struct store *st, const char *dim, int64_t key_id, struct err *err)
{
	int d = dim_of(dim), yes, rc, r = -1;
	struct activity *a;
	struct stmt *s;

	if (d <= AD_ALL)
		return 0;
	if (activity_tracked(st, dim, key_id, &yes, err))
		return -1;
	if (yes)
		return 0;
	if (!(s = store_prepare(st, SQL_SCOPE_ADD, err)))
		return -1;
	store_bind_text(st, s, 1, dim);
	store_bind_int(st, s, 2, key_id);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0 || !(s = store_prepare(st, SQL_SCOPE_SALES[d], err)))
		return -1;
	/* the scope's rows from its sales, once; from now on every write keeps them */
	a = activity_new();
	store_bind_int(st, s, 1, key_id);
	while ((rc = store_step(st, s, err)) == STORE_ROW)
		push(a, store_col_int(st, s, 0), d, key_id, store_col_int(st, s, 1),
		     (int32_t)store_col_int(st, s, 2), 1);
	store_done(st, s);
	if (rc >= 0 && !activity_flush(a, st, err))
		r = 0;
	activity_free(a);
	return r;
}
