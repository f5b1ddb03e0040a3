/*
 * activity.c - per-transaction deltas of customers' purchase days, merged into
 * customer_activity (its recent days) and customer_days (an import's parts,
 * part 0) with one read and one or two writes per chunk of (project, scope,
 * customer) touched; and `db check`'s comparison with a recomputation.
 */
#include "core/activity.h"

#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "core/core.h"
#include "store/multirow.h"
#include "base/banned.h"

enum { AD_ALL, AD_SEGMENT, AD_CHANNEL, AD_PRODUCT, AD_REP, AD__COUNT };
static const char *const ad_names[AD__COUNT] = { "all", "segment", "channel", "product", "rep" };

struct delta {
	int32_t day;
	int64_t lines;
};

/*
 * From how many days a customer's share of a bulk write (activity_set_batch)
 * goes into a part of its own rather than into part 0: an import's customers
 * have dozens, a single write's one.
 */
#define ACTIVITY_PART_DAYS 8

/*
 * How many days a customer's row of customer_activity keeps in its recent
 * text (035-recent-days.sql) before they move, appended, to part 0 of
 * customer_days: a single write then reads and writes that one row per
 * customer, not a customer_days row as well (-15% of a durable write's time),
 * and the row the metrics read grows by at most ~40 bytes.
 */
#define ACTIVITY_RECENT_DAYS 8

/*
 * One line's day in one (project, scope) class: appended as the lines come
 * (16 bytes, no lookup but the class), sorted once at flush. A hash of
 * customers touched per line cost a cache miss or two per line: +30% on an
 * import of 1,000,000 lines; the log and one radix sort cost ~2%.
 */
struct entry {
	int64_t customer_id;
	int32_t day;
	uint32_t cls; /* class index; ENTRY_TAKE: the line is taken away */
};
#define ENTRY_TAKE 0x80000000u

/* A (project, dimension, key) of this write's lines. */
struct cls {
	int64_t project_id, key_id;
	int dim;
};

/* One (project, scope, customer) once sorted: its days, folded, then merged with its row. */
struct group {
	int64_t project_id, key_id, customer_id;
	int dim;
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
	struct entry *e;
	size_t ne, ae;
	struct cls *cls;
	size_t ncls, acls, last;
	struct group *g; /* built from e by group_all, in key order */
	size_t ng;
	int grouped;
	struct scope *scopes;
	size_t nscopes, ascopes;
	struct activity_sums *sums; /* during activity_flush_sums: what the 'all' rows add */
	size_t nsums;
	int64_t batch; /* a bulk write's part number (activity_set_batch), 0 if none */
	int64_t fresh; /* customers from this id on are new in the write (0: none known) */
};

struct activity *activity_new(void)
{
	return xcalloc(1, sizeof(struct activity));
}

void activity_free(struct activity *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->ng; i++)
		free(a->g[i].v);
	free(a->g);
	free(a->e);
	free(a->cls);
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

/* The class of (p, dim, key): the last one used, or found among this write's few. */
static uint32_t cls_of(struct activity *a, int64_t p, int dim, int64_t key)
{
	const struct cls *c = a->ncls ? &a->cls[a->last] : NULL;
	size_t i;
	if (c && c->project_id == p && c->dim == dim && c->key_id == key)
		return (uint32_t)a->last;
	for (i = 0; i < a->ncls; i++)
		if (a->cls[i].project_id == p && a->cls[i].dim == dim && a->cls[i].key_id == key)
			break;
	if (i == a->ncls) {
		ALLOC_GROW(a->cls, a->ncls + 1, a->acls);
		a->cls[i].project_id = p;
		a->cls[i].dim = dim;
		a->cls[i].key_id = key;
		a->ncls++;
	}
	if (dim == AD_ALL)
		a->last = i;
	return (uint32_t)i;
}

static void push(struct activity *a, int64_t p, int dim, int64_t key, int64_t c, int32_t day,
		 int sign)
{
	struct entry *e;
	ALLOC_GROW_BULK(a->e, a->ne + 1, a->ae);
	e = &a->e[a->ne++];
	e->customer_id = c;
	e->day = day;
	e->cls = cls_of(a, p, dim, key) | (sign < 0 ? ENTRY_TAKE : 0);
	a->grouped = 0;
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

void activity_copy_scopes(struct activity *dst, const struct activity *src)
{
	for (size_t i = 0; i < src->nscopes; i++) {
		ALLOC_GROW(dst->scopes, dst->nscopes + 1, dst->ascopes);
		dst->scopes[dst->nscopes++] = src->scopes[i];
	}
}

void activity_merge(struct activity *dst, const struct activity *src)
{
	for (size_t i = 0; i < src->ne; i++) {
		const struct entry *e = &src->e[i];
		const struct cls *c = &src->cls[e->cls & ~ENTRY_TAKE];
		push(dst, c->project_id, c->dim, c->key_id, e->customer_id, e->day,
		     e->cls & ENTRY_TAKE ? -1 : 1);
	}
}

/* Byte `pass` of an entry's sort key (class, customer, day), least significant first. */
static unsigned digit(const struct entry *e, int pass)
{
	if (pass < 4)
		return ((uint32_t)e->day ^ 0x80000000u) >> (8 * pass) & 255;
	if (pass < 12)
		return (unsigned)(((uint64_t)e->customer_id ^ (1ull << 63)) >> (8 * (pass - 4)) & 255);
	return (e->cls & ~ENTRY_TAKE) >> (8 * (pass - 12)) & 255;
}

/* LSD radix sort of the entries by (class, customer, day); a byte that never varies costs one count. */
static void sort_entries(struct entry *v, size_t n)
{
	struct entry *tmp = xmalloc_bulk((n ? n : 1) * sizeof(*v)), *src = v, *dst = tmp, *t;
	for (int pass = 0; pass < 16; pass++) {
		size_t count[256] = { 0 }, pos = 0;
		for (size_t i = 0; i < n; i++)
			count[digit(&src[i], pass)]++;
		if (n == 0 || count[digit(&src[0], pass)] == n)
			continue;
		for (int k = 0; k < 256; k++) {
			size_t c = count[k];
			count[k] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[digit(&src[i], pass)]++] = src[i];
		t = src, src = dst, dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
}

static int cls_cmp(const struct cls *x, const struct cls *y)
{
	if (x->project_id != y->project_id)
		return x->project_id < y->project_id ? -1 : 1;
	if (x->dim != y->dim)
		return x->dim < y->dim ? -1 : 1;
	return (x->key_id > y->key_id) - (x->key_id < y->key_id);
}

/*
 * The entries as groups in key order (project, dimension, key, customer):
 * classes renumbered in key order, entries sorted, each group's days folded.
 */
static void group_all(struct activity *a)
{
	uint32_t *rank;
	struct cls *sorted;
	size_t n;

	if (a->grouped)
		return;
	for (size_t i = 0; i < a->ng; i++)
		free(a->g[i].v);
	free(a->g);
	a->g = NULL;
	a->ng = 0;
	/* rank[i]: class i's place in key order (few classes: a plain insertion count) */
	rank = xcalloc(a->ncls + 1, sizeof(*rank));
	sorted = xmalloc((a->ncls + 1) * sizeof(*sorted));
	for (size_t i = 0; i < a->ncls; i++)
		for (size_t j = 0; j < a->ncls; j++)
			rank[i] += cls_cmp(&a->cls[j], &a->cls[i]) < 0;
	for (size_t i = 0; i < a->ncls; i++)
		sorted[rank[i]] = a->cls[i];
	for (size_t i = 0; i < a->ne; i++)
		a->e[i].cls = rank[a->e[i].cls & ~ENTRY_TAKE] | (a->e[i].cls & ENTRY_TAKE);
	free(a->cls);
	a->cls = sorted;
	a->acls = a->ncls + 1;
	a->last = 0;
	free(rank);
	sort_entries(a->e, a->ne);
	n = a->ne ? 1 : 0;
	for (size_t i = 1; i < a->ne; i++)
		n += a->e[i].customer_id != a->e[i - 1].customer_id ||
		     ((a->e[i].cls ^ a->e[i - 1].cls) & ~ENTRY_TAKE);
	a->g = xmalloc((n + 1) * sizeof(*a->g));
	for (size_t i = 0; i < a->ne;) {
		const struct entry *e = &a->e[i];
		uint32_t c = e->cls & ~ENTRY_TAKE;
		struct group *g = &a->g[a->ng++];
		memset(g, 0, sizeof(*g));
		g->project_id = a->cls[c].project_id;
		g->dim = a->cls[c].dim;
		g->key_id = a->cls[c].key_id;
		g->customer_id = e->customer_id;
		for (; i < a->ne && (a->e[i].cls & ~ENTRY_TAKE) == c &&
		       a->e[i].customer_id == g->customer_id;
		     i++) {
			int64_t d = a->e[i].cls & ENTRY_TAKE ? -1 : 1;
			g->removed |= d < 0;
			if (g->n && g->v[g->n - 1].day == a->e[i].day) {
				g->v[g->n - 1].lines += d;
				continue;
			}
			ALLOC_GROW(g->v, g->n + 1, g->alloc);
			g->v[g->n].day = a->e[i].day;
			g->v[g->n++].lines = d;
		}
	}
	a->grouped = 1;
}

void activity_prepare(struct activity *a)
{
	group_all(a);
}

void activity_set_batch(struct activity *a, int64_t batch)
{
	a->batch = batch;
}

void activity_set_fresh(struct activity *a, int64_t first_id)
{
	a->fresh = first_id;
}

/* The group of (p, dim, key, customer), or NULL (a binary search: groups are in key order). */
static struct group *find_group(struct activity *a, int64_t p, int dim, int64_t key, int64_t c)
{
	size_t lo = 0, hi = a->ng;
	const struct cls want = { p, key, dim };
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct group *g = &a->g[mid];
		const struct cls have = { g->project_id, g->key_id, g->dim };
		int r = cls_cmp(&have, &want);
		if (!r)
			r = (g->customer_id > c) - (g->customer_id < c);
		if (!r)
			return &a->g[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
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
	int sorted = 1;
	for (size_t i = 1; i < n && sorted; i++)
		sorted = v[i - 1].day <= v[i].day;
	if (!sorted)
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

/* Append the decimal digits of v >= 0 (printf per entry was most of an import's flush). */
static void add_num(struct buf *b, uint64_t v)
{
	char d[24];
	size_t k = sizeof(d);
	do
		d[--k] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	buf_add(b, d + k, sizeof(d) - k);
}

/* The days text of sorted, folded v (see activity_next). */
static void encode(struct buf *b, const struct delta *v, size_t n)
{
	buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		if (i) {
			buf_add(b, ",+", 2);
			add_num(b, (uint64_t)((int64_t)v[i].day - v[i - 1].day));
		} else {
			if (v[i].day < 0)
				buf_addch(b, '-');
			add_num(b, (uint64_t)(v[i].day < 0 ? -(int64_t)v[i].day : v[i].day));
		}
		if (v[i].lines != 1) {
			buf_addch(b, ':');
			add_num(b, (uint64_t)v[i].lines);
		}
	}
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The span (32 days) of a day, counted from day -2^22 so that it is never negative. */
static int32_t span_of(int32_t day)
{
	return (int32_t)((day >= 0 ? day / 32 : -((31 - (int64_t)day) / 32)) + ACTIVITY_SPAN0);
}

/* A span of 32 days (span_of) and the bitmap of its days. */
struct span {
	int32_t sp;
	uint32_t mask;
};

/* Append the spans of sorted v to *out (one entry per span). */
static void spans_of_days(const struct delta *v, size_t n, struct span **out, size_t *nout,
			  size_t *alloc)
{
	for (size_t i = 0; i < n;) {
		int32_t sp = span_of(v[i].day);
		uint32_t mask = 0;
		for (; i < n && span_of(v[i].day) == sp; i++)
			mask |= 1u << (v[i].day - (sp - ACTIVITY_SPAN0) * 32);
		ALLOC_GROW(*out, *nout + 1, *alloc);
		(*out)[*nout].sp = sp;
		(*out)[(*nout)++].mask = mask;
	}
}

/* The spans text of spans v, in the order given (activity_span_next reads it). */
static void encode_span_list(struct buf *b, const struct span *v, size_t n)
{
	buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		int32_t sp = v[i].sp;
		uint32_t mask = v[i].mask;
		char e[ACTIVITY_SPAN_CHARS];
		e[0] = B64[sp >> 12 & 63], e[1] = B64[sp >> 6 & 63], e[2] = B64[sp & 63];
		e[3] = B64[mask >> 30 & 3];
		for (int k = 0; k < 5; k++)
			e[4 + k] = B64[mask >> (24 - 6 * k) & 63];
		buf_add(b, e, sizeof(e));
	}
}

/* The spans text of sorted, folded v. */
static void encode_spans(struct buf *b, const struct delta *v, size_t n)
{
	struct span *sv = NULL;
	size_t ns = 0, alloc = 0;
	spans_of_days(v, n, &sv, &ns, &alloc);
	encode_span_list(b, sv, ns);
	free(sv);
}

static int span_cmp(const void *x, const void *y)
{
	const struct span *a = x, *b = y;
	return (a->sp > b->sp) - (a->sp < b->sp);
}

/* Each character's base64 value, or -1 (a table: the metrics decode every span they read). */
static const signed char b64_values[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

const char *activity_span_next(const char *p, int32_t *first_day, uint32_t *mask)
{
	int v[ACTIVITY_SPAN_CHARS];
	if (!p)
		return NULL;
	for (int k = 0; k < ACTIVITY_SPAN_CHARS; k++) {
		/* a NUL has no value, so the end (or a short entry) stops here */
		v[k] = b64_values[(unsigned char)p[k]];
		if (v[k] < 0)
			return NULL;
	}
	*first_day = ((v[0] << 12 | v[1] << 6 | v[2]) - ACTIVITY_SPAN0) * 32;
	*mask = (uint32_t)v[3] << 30 | (uint32_t)v[4] << 24 | (uint32_t)v[5] << 18 |
		(uint32_t)v[6] << 12 | (uint32_t)v[7] << 6 | (uint32_t)v[8];
	return p + ACTIVITY_SPAN_CHARS;
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

/*
 * A customer's days in a scope are the sum of its parts' (009-customer-day-parts.sql)
 * and its activity row's recent days (035-recent-days.sql).
 */
static const char SQL_RECENT[] =
	"SELECT recent FROM customer_activity WHERE project_id = ?1 AND dim = ?2 AND key_id = ?3 "
	"AND customer_id = ?4";
static const char SQL_DAYS_PARTS[] =
	"SELECT days FROM customer_days WHERE project_id = ?1 AND dim = ?2 AND key_id = ?3 "
	"AND customer_id = ?4";
static const char SQL_DAYS_PUT[] =
	"INSERT INTO customer_days (project_id, dim, key_id, customer_id, part, days) "
	"VALUES (?1, ?2, ?3, ?4, 0, ?5) ON CONFLICT (part, project_id, dim, key_id, customer_id) "
	"DO UPDATE SET days = excluded.days";
static const char SQL_DAYS_DEL[] =
	"DELETE FROM customer_days WHERE project_id = ?1 AND dim = ?2 AND key_id = ?3 "
	"AND customer_id = ?4";
/* the days, and the customer's sums added (034-customer-totals.sql; 0 but for 'all' rows) */
#define ACT_SUMS_SET                                                                        \
	"lines = customer_activity.lines + excluded.lines, "                                \
	"quantity = customer_activity.quantity + excluded.quantity, "                       \
	"amount_minor = customer_activity.amount_minor + excluded.amount_minor, "           \
	"cost_minor = customer_activity.cost_minor + excluded.cost_minor, "                 \
	"discount_minor = customer_activity.discount_minor + excluded.discount_minor"
static const char SQL_ACT_PUT[] =
	"INSERT INTO customer_activity (project_id, dim, key_id, customer_id, first_on, spans, "
	"recent, lines, quantity, amount_minor, cost_minor, discount_minor) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
	"ON CONFLICT (project_id, dim, key_id, customer_id) "
	"DO UPDATE SET first_on = excluded.first_on, spans = excluded.spans, "
	"recent = excluded.recent, " ACT_SUMS_SET;
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

/* What g's row adds to its sums: the caller's for an 'all' row (marked used), else none. */
static const int64_t *sums_of(const struct activity *a, const struct group *g)
{
	static const int64_t none[5];
	size_t lo = 0, hi = a->nsums;
	if (g->dim != AD_ALL)
		return none;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct activity_sums *x = &a->sums[mid];
		if (x->project_id < g->project_id ||
		    (x->project_id == g->project_id && x->customer_id < g->customer_id))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < a->nsums && a->sums[lo].project_id == g->project_id &&
	    a->sums[lo].customer_id == g->customer_id) {
		a->sums[lo].used = 1;
		return a->sums[lo].sum;
	}
	return none;
}

/* Bind what g's row adds to its sums at parameters at .. at + 4. */
static void bind_sums(struct store *st, struct stmt *s, int at, const struct activity *a,
		      const struct group *g)
{
	const int64_t *v = sums_of(a, g);
	for (int k = 0; k < 5; k++)
		store_bind_int(st, s, at + k, v[k]);
}

/* Run a write of one group's key (and, for a put, its text at 5). */
static int write_row(struct store *st, const char *sql, const struct group *g, const char *text,
		     struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;
	if (!s)
		return -1;
	bind_key(st, s, g);
	if (text)
		store_bind_text(st, s, 5, text);
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* Append the days text of every row sql (keyed by g) reads to t; -1 on error. */
static int read_days(struct store *st, const char *sql, const struct group *g, struct group *t,
		     int *found, struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;
	*found = 0;
	if (!s)
		return -1;
	bind_key(st, s, g);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		add_text(t, store_col_text(st, s, 0));
		*found = 1;
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/*
 * m = the days of sorted deltas d and of a stored text (in the write path's
 * order, or the migration's any order), sorted: a merge, not a sort, as rows
 * and deltas are both in order.
 */
static void merge_days(struct group *m, struct group *t, const struct delta *d, size_t nd)
{
	size_t i = 0, j = 0;
	m->n = 0;
	t->n = normalise(t->v, t->n);
	ALLOC_GROW(m->v, nd + t->n, m->alloc);
	while (i < nd || j < t->n)
		m->v[m->n++] = j == t->n || (i < nd && d[i].day <= t->v[j].day) ? d[i++] : t->v[j++];
	m->n = normalise(m->v, m->n);
}

/*
 * Groups that only add days, flushed a chunk at a time (store/multirow.h): a
 * customer's customer_activity row becomes the union of its stored spans and
 * its own; its days go into a part of their own (a bulk write's many days: no
 * read, no rewrite of the customer's history) or are merged into the row's
 * recent days (a few days, as single writes add), which move on to part 0 once
 * they are more than ACTIVITY_RECENT_DAYS. One read and up to two writes per
 * chunk of customers, whatever its size, rather than per customer.
 */
#define CHUNK MULTIROW_MAX

static struct multirow act_get_in = MULTIROW(
	"SELECT customer_id, first_on, spans, recent FROM customer_activity WHERE project_id = ? "
	"AND dim = ? AND key_id = ? AND customer_id IN (",
	"?", ")", 1);
/*
 * A bulk write's own part, or recent days moving to part 0: added to the
 * entries already there (a second write of the same number: the same sum).
 */
static struct multirow days_add_part_rows = MULTIROW(
	"INSERT INTO customer_days (project_id, dim, key_id, customer_id, part, days) VALUES ",
	"(?, ?, ?, ?, ?, ?)",
	" ON CONFLICT (part, project_id, dim, key_id, customer_id) "
	"DO UPDATE SET days = customer_days.days || ',' || excluded.days",
	6);
static struct multirow act_put_rows = MULTIROW(
	"INSERT INTO customer_activity (project_id, dim, key_id, customer_id, first_on, spans, "
	"recent, lines, quantity, amount_minor, cost_minor, discount_minor) VALUES ",
	"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	" ON CONFLICT (project_id, dim, key_id, customer_id) "
	"DO UPDATE SET first_on = excluded.first_on, spans = excluded.spans, "
	"recent = excluded.recent, " ACT_SUMS_SET,
	12);

/* One group of a chunk on its way: what was read for it, then what it writes. */
struct pend {
	struct group *g;
	int part;        /* its days go into the write's own part (no read) */
	struct group t;  /* its stored recent days */
	int32_t first;   /* its first day: its own earliest, or the stored one if earlier */
	struct span *sv; /* the stored spans, then its own */
	size_t ns, alloc;
	char *days;      /* what it adds to customer_days (its part or part 0), or NULL */
	char *recent;    /* its row's recent days from now on */
	char *spans;
};

/* The pend of customer c (the chunk is in customer order), or NULL. */
static struct pend *pend_of(struct pend *p, size_t n, int64_t c)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p[mid].g->customer_id == c)
			return &p[mid];
		if (p[mid].g->customer_id < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Read the chunk's stored activity rows (none for customers new in the write). */
static int read_chunk(struct store *st, const struct activity *a, struct pend *p, size_t n,
		      struct err *err)
{
	struct multirow *m = &act_get_in;
	int64_t ids[CHUNK];
	size_t nids = 0;

	for (size_t k = 0; k < n; k++)
		if (!(a->fresh && p[k].g->customer_id >= a->fresh))
			ids[nids++] = p[k].g->customer_id;
	for (size_t i = 0; i < nids;) {
		size_t rows;
		struct stmt *s = store_prepare(st, multirow_sql(m, nids - i, &rows), err);
		int rc;
		if (!s)
			return -1;
		bind_key(st, s, p[0].g); /* the chunk's class; parameter 4 is the first id */
		for (size_t j = 0; j < rows; j++)
			store_bind_int(st, s, (int)(4 + j), ids[i + j]);
		while ((rc = store_step(st, s, err)) == STORE_ROW) {
			struct pend *q = pend_of(p, n, store_col_int(st, s, 0));
			const char *sp;
			int32_t from;
			uint32_t mask;
			if (!q)
				continue;
			sp = store_col_text(st, s, 2);
			if (store_col_int(st, s, 1) < q->first)
				q->first = (int32_t)store_col_int(st, s, 1);
			while ((sp = activity_span_next(sp, &from, &mask)) != NULL) {
				ALLOC_GROW(q->sv, q->ns + 1, q->alloc);
				q->sv[q->ns].sp = span_of(from);
				q->sv[q->ns++].mask = mask;
			}
			/* a bulk write's own part leaves the recent days as they are */
			if (q->part)
				q->recent = xstrdup(store_col_text(st, s, 3));
			else
				add_text(&q->t, store_col_text(st, s, 3));
		}
		store_done(st, s);
		if (rc < 0)
			return -1;
		i += rows;
	}
	return 0;
}

enum { PUT_DAYS, PUT_ACT };

/* Write the chunk's rows of one kind: the days added to customer_days, or activity. */
static int put_chunk(struct store *st, struct activity *a, struct pend *p, size_t n,
		     int what, struct err *err)
{
	struct multirow *m = what == PUT_DAYS ? &days_add_part_rows : &act_put_rows;
	struct pend *todo[CHUNK];
	size_t nt = 0;

	for (size_t k = 0; k < n; k++)
		if (what == PUT_ACT || p[k].days)
			todo[nt++] = &p[k];
	for (size_t i = 0; i < nt;) {
		size_t rows;
		struct stmt *s = store_prepare(st, multirow_sql(m, nt - i, &rows), err);
		int rc;
		if (!s)
			return -1;
		for (size_t j = 0; j < rows; j++) {
			const struct pend *q = todo[i + j];
			int at = (int)(j * (size_t)m->params);
			store_bind_int(st, s, at + 1, q->g->project_id);
			store_bind_text(st, s, at + 2, ad_names[q->g->dim]);
			store_bind_int(st, s, at + 3, q->g->key_id);
			store_bind_int(st, s, at + 4, q->g->customer_id);
			if (what == PUT_ACT) {
				store_bind_int(st, s, at + 5, q->first);
				store_bind_text(st, s, at + 6, q->spans);
				store_bind_text(st, s, at + 7, q->recent ? q->recent : "");
				bind_sums(st, s, at + 8, a, q->g);
			} else {
				store_bind_int(st, s, at + 5, q->part ? a->batch : 0);
				store_bind_text(st, s, at + 6, q->days);
			}
		}
		rc = store_step(st, s, err);
		store_done(st, s);
		if (rc < 0)
			return -1;
		i += rows;
	}
	return 0;
}

/* Flush n groups of one class that only add days (at most CHUNK, in customer order). */
static int flush_added(struct store *st, struct activity *a, struct group **chunk,
		       size_t n, struct group *m, struct buf *b, struct err *err)
{
	struct pend p[CHUNK];
	int r = -1;

	memset(p, 0, n * sizeof(*p));
	for (size_t k = 0; k < n; k++) {
		p[k].g = chunk[k];
		p[k].part = a->batch && chunk[k]->n >= ACTIVITY_PART_DAYS;
		p[k].first = chunk[k]->v[0].day;
	}
	if (read_chunk(st, a, p, n, err))
		goto out;
	for (size_t k = 0; k < n; k++) {
		struct pend *q = &p[k];
		const struct group *g = q->g;
		size_t folded = 0;
		if (q->part) {
			encode(b, g->v, g->n);
			q->days = xstrdup(buf_cstr(b));
		} else {
			merge_days(m, &q->t, g->v, g->n);
			encode(b, m->v, m->n);
			/* too many recent days: they move to part 0, added to what it holds */
			if (m->n > ACTIVITY_RECENT_DAYS)
				q->days = xstrdup(buf_cstr(b));
			else
				q->recent = xstrdup(buf_cstr(b));
		}
		spans_of_days(g->v, g->n, &q->sv, &q->ns, &q->alloc);
		qsort(q->sv, q->ns, sizeof(*q->sv), span_cmp);
		for (size_t i = 0; i < q->ns; i++) {
			if (folded && q->sv[folded - 1].sp == q->sv[i].sp)
				q->sv[folded - 1].mask |= q->sv[i].mask;
			else
				q->sv[folded++] = q->sv[i];
		}
		encode_span_list(b, q->sv, folded);
		q->spans = xstrdup(buf_cstr(b));
	}
	if (put_chunk(st, a, p, n, PUT_DAYS, err) || put_chunk(st, a, p, n, PUT_ACT, err))
		goto out;
	r = 0;
out:
	for (size_t k = 0; k < n; k++) {
		free(p[k].t.v);
		free(p[k].sv);
		free(p[k].days);
		free(p[k].recent);
		free(p[k].spans);
	}
	return r;
}

/* Whether g changes anything (noting in g->removed whether it takes lines away). */
static int has_delta(struct group *g)
{
	int any = 0;
	for (size_t i = 0; i < g->n; i++) {
		any |= g->v[i].lines != 0;
		g->removed |= g->v[i].lines < 0;
	}
	return any;
}

/*
 * A group that takes lines away: its deltas merged with its stored days (every
 * part and the recent ones) and both rows written back: the days compacted
 * into the recent ones (up to ACTIVITY_RECENT_DAYS) or part 0, the spans
 * recomputed.
 */
static int flush_removed(struct store *st, struct activity *a, struct group *g, struct group *m,
			 struct group *t, struct buf *b, struct err *err)
{
	struct stmt *s;
	char *recent = NULL;
	int found_days, found_act, rc;

	t->n = 0;
	if (read_days(st, SQL_DAYS_PARTS, g, t, &found_days, err) ||
	    read_days(st, SQL_RECENT, g, t, &found_act, err))
		return -1;
	/* a day taken below zero (a row out of step) is dropped; `db check` tells */
	merge_days(m, t, g->v, g->n);
	if (found_days && write_row(st, SQL_DAYS_DEL, g, NULL, err))
		return -1;
	if (!m->n)
		return found_act ? write_row(st, SQL_ACT_DEL, g, NULL, err) : 0;
	encode(b, m->v, m->n);
	if (m->n > ACTIVITY_RECENT_DAYS) {
		if (write_row(st, SQL_DAYS_PUT, g, buf_cstr(b), err))
			return -1;
	} else {
		recent = xstrdup(buf_cstr(b));
	}
	encode_spans(b, m->v, m->n);
	if (!(s = store_prepare(st, SQL_ACT_PUT, err))) {
		free(recent);
		return -1;
	}
	bind_key(st, s, g);
	store_bind_int(st, s, 5, m->v[0].day);
	store_bind_text(st, s, 6, buf_cstr(b));
	store_bind_text(st, s, 7, recent ? recent : "");
	bind_sums(st, s, 8, a, g);
	rc = store_step(st, s, err);
	store_done(st, s);
	free(recent);
	return rc < 0 ? -1 : 0;
}

int activity_flush_sums(struct activity *a, struct store *st, struct activity_sums *s, size_t n,
			struct err *err)
{
	int r;
	a->sums = s;
	a->nsums = n;
	r = activity_flush(a, st, err);
	a->sums = NULL;
	a->nsums = 0;
	return r;
}

int activity_flush(struct activity *a, struct store *st, struct err *err)
{
	struct buf b = BUF_INIT;
	struct group m = { 0 }, t = { 0 };
	int r = -1;

	group_all(a);
	for (size_t i = 0; i < a->ng;) {
		struct group *g = &a->g[i], *chunk[CHUNK];
		size_t n = 0;
		if (!has_delta(g)) {
			i++;
			continue;
		}
		if (g->removed) {
			if (flush_removed(st, a, g, &m, &t, &b, err))
				goto out;
			i++;
			continue;
		}
		/* the groups after it of its class that only add, up to a chunk */
		for (; i < a->ng && n < CHUNK; i++) {
			struct group *h = &a->g[i];
			if (h->project_id != g->project_id || h->dim != g->dim || h->key_id != g->key_id)
				break;
			if (!has_delta(h))
				continue;
			if (h->removed)
				break;
			chunk[n++] = h;
		}
		if (flush_added(st, a, chunk, n, &m, &b, err))
			goto out;
	}
	/* a customer who lost lines may have lost their first purchase: take it from the rows */
	for (size_t i = 0; i < a->ng; i++) {
		const struct group *g = &a->g[i];
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
	free(m.v);
	free(t.v);
	buf_release(&b);
	return r;
}

/* every key's parts and recent days, one after another */
static const char SQL_DAYS_ALL[] =
	"SELECT project_id, dim, key_id, customer_id, days FROM ("
	"SELECT project_id, dim, key_id, customer_id, part, days FROM customer_days UNION ALL "
	"SELECT project_id, dim, key_id, customer_id, -1, recent FROM customer_activity "
	"WHERE recent <> '') AS d ORDER BY project_id, dim, key_id, customer_id, part";
static const char SQL_ACT_ALL[] =
	"SELECT project_id, dim, key_id, customer_id, first_on, spans FROM customer_activity";
/* Customers whose first purchase is not their earliest sale (db check reads the sales). */
static const char SQL_FIRST_WRONG[] =
	"SELECT c.id, c.first_sale_on, m.first FROM customers c LEFT JOIN "
	"(SELECT customer_id, MIN(sold_on) AS first FROM sales GROUP BY customer_id) m "
	"ON m.customer_id = c.id WHERE (c.first_sale_on IS NULL) <> (m.first IS NULL) "
	"OR c.first_sale_on <> m.first";

/* Whether stored days t (its parts' entries, normalised here) are the sorted, folded g's. */
static int same_days(const struct group *g, struct group *t)
{
	int eq;
	t->n = normalise(t->v, t->n);
	eq = t->n == g->n;
	for (size_t i = 0; eq && i < g->n; i++)
		eq = t->v[i].day == g->v[i].day && t->v[i].lines == g->v[i].lines;
	return eq;
}

/* Whether sorted g has day. */
static int has_day(const struct group *g, int32_t day)
{
	size_t lo = 0, hi = g->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->v[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->n && g->v[lo].day == day;
}

/* Whether a stored first day and spans text give exactly g's days. */
static int same_spans(const struct group *g, int64_t first_on, const char *text)
{
	size_t total = 0;
	int32_t first;
	uint32_t mask;
	if (!g->n || first_on != g->v[0].day)
		return 0;
	/* every day of the spans is one of g's, and there are as many */
	while ((text = activity_span_next(text, &first, &mask)) != NULL) {
		for (int i = 0; i < 32; i++) {
			if (!(mask >> i & 1))
				continue;
			total++;
			if (!has_day(g, first + i))
				return 0;
		}
	}
	return total == g->n;
}

static void describe(struct buf *b, const char *table, int64_t p, const char *dim, int64_t key,
		     int64_t c)
{
	buf_addf(b, "%s project %lld %s", table, (long long)p, dim);
	if (strcmp(dim, "all"))
		buf_addf(b, " %lld", (long long)key);
	buf_addf(b, " customer %lld", (long long)c);
}

static int compare_first(struct store *st, struct buf *report, int max_lines, int *problems,
			 struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_FIRST_WRONG, err);
	int rc;
	if (!s)
		return -1;
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		char have[DATE_FMT_MAX] = "none", want[DATE_FMT_MAX] = "none";
		if (++*problems > max_lines)
			continue;
		if (!store_col_is_null(st, s, 1))
			date_format((int32_t)store_col_int(st, s, 1), have);
		if (!store_col_is_null(st, s, 2))
			date_format((int32_t)store_col_int(st, s, 2), want);
		buf_addf(report, "customer %lld: first purchase %s, but the sales give %s\n",
			 (long long)store_col_int(st, s, 0), have, want);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* Groups with no stored row (after the rows were matched): one line each. */
static void report_missing(struct activity *a, const char *table, struct buf *report,
			   int max_lines, int *problems)
{
	for (size_t i = 0; i < a->ng; i++) {
		const struct group *g = &a->g[i];
		char from[DATE_FMT_MAX];
		if (g->seen || !g->n)
			continue;
		if (++*problems > max_lines)
			continue;
		describe(report, table, g->project_id, ad_names[g->dim], g->key_id, g->customer_id);
		buf_addf(report, ": missing; the sales give %zu days from %s\n", g->n,
			 date_format(g->v[0].day, from));
	}
}

/* One stored key's days (its parts summed in t) against a's group of it. */
static void compare_key(struct activity *a, int64_t p, const char *dim, int64_t key, int64_t c,
			struct group *t, const char *text, struct buf *report, int max_lines,
			int *problems)
{
	int d = dim_of(dim);
	struct group *g = d < 0 ? NULL : find_group(a, p, d, key, c);
	if (g && g->n) {
		g->seen = 1;
		if (same_days(g, t))
			return;
	}
	if (++*problems > max_lines)
		return;
	describe(report, "customer days", p, dim, key, c);
	buf_addf(report, ": stored \"%.60s\"; %s\n", text,
		 g && g->n ? "the sales give other days" : "the sales give none");
}

/*
 * Compare customer_days with a's groups: keys whose parts, summed, differ or
 * should not be there, then groups with no row. Rows come in key order, a
 * key's parts one after another.
 */
static int compare_days(struct activity *a, struct store *st, struct buf *report, int max_lines,
			int *problems, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_DAYS_ALL, err);
	struct group t = { 0 };
	struct buf first = BUF_INIT, dim = BUF_INIT;
	int64_t p = 0, key = 0, c = 0;
	int rc, have = 0;

	if (!s)
		return -1;
	for (size_t i = 0; i < a->ng; i++)
		a->g[i].seen = 0;
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t rp = store_col_int(st, s, 0), rkey = store_col_int(st, s, 2);
		int64_t rc_ = store_col_int(st, s, 3);
		const char *rdim = store_col_text(st, s, 1);
		if (have && (rp != p || rkey != key || rc_ != c || strcmp(rdim, buf_cstr(&dim)))) {
			compare_key(a, p, buf_cstr(&dim), key, c, &t, buf_cstr(&first), report,
				    max_lines, problems);
			have = 0;
		}
		if (!have) {
			p = rp, key = rkey, c = rc_;
			buf_reset(&dim);
			buf_adds(&dim, rdim);
			buf_reset(&first);
			buf_adds(&first, store_col_text(st, s, 4));
			t.n = 0;
			have = 1;
		}
		add_text(&t, store_col_text(st, s, 4));
	}
	store_done(st, s);
	if (rc >= 0 && have)
		compare_key(a, p, buf_cstr(&dim), key, c, &t, buf_cstr(&first), report, max_lines,
			    problems);
	free(t.v);
	buf_release(&first);
	buf_release(&dim);
	if (rc < 0)
		return -1;
	report_missing(a, "customer days", report, max_lines, problems);
	return 0;
}

/* Compare customer_activity with a's groups: rows that differ or should not be there, then groups with no row. */
static int compare_activity(struct activity *a, struct store *st, struct buf *report,
			    int max_lines, int *problems, struct err *err)
{
	const char *table = "customer activity";
	struct stmt *s = store_prepare(st, SQL_ACT_ALL, err);
	int rc;

	if (!s)
		return -1;
	for (size_t i = 0; i < a->ng; i++)
		a->g[i].seen = 0;
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int64_t p = store_col_int(st, s, 0), key = store_col_int(st, s, 2);
		int64_t c = store_col_int(st, s, 3);
		const char *dim = store_col_text(st, s, 1);
		int d = dim_of(dim);
		struct group *g = d < 0 ? NULL : find_group(a, p, d, key, c);
		const char *text = store_col_text(st, s, 5);
		if (g && g->n) {
			g->seen = 1;
			if (same_spans(g, store_col_int(st, s, 4), text))
				continue;
		}
		if (++*problems > max_lines)
			continue;
		describe(report, table, p, dim, key, c);
		buf_addf(report, ": stored \"%.60s\"; %s\n", text,
			 g && g->n ? "the sales give other days" : "the sales give none");
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	report_missing(a, table, report, max_lines, problems);
	return 0;
}

int activity_compare(struct activity *a, struct store *st, struct buf *report, int max_lines,
		     struct err *err)
{
	int problems = 0;

	group_all(a);
	for (size_t i = 0; i < a->ng; i++)
		a->g[i].n = normalise(a->g[i].v, a->g[i].n);
	if (compare_days(a, st, report, max_lines, &problems, err) ||
	    compare_activity(a, st, report, max_lines, &problems, err) ||
	    compare_first(st, report, max_lines, &problems, err))
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
