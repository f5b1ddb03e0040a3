/*
 * timeline.c - a customer's page: their sales, activities and feedback on one
 * timeline across the projects the reader may see, newest first. Each kind of
 * entry is a row of the table of sources below, whose SQL gives the same
 * columns (kind, id, project, date, time, title, detail, amount, state, who)
 * for the customer ?1 in the projects the reader sees (?2 sees all, ?3 the
 * reader); a new kind is one more row.
 */
#include "analytics/timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "core/customer.h"
#include "base/banned.h"

/* The projects the reader may see: every one (?2 = 1), else the memberships of user ?3. */
#define SEEN                                                                             \
	"(SELECT id FROM projects WHERE ?2 = 1 UNION ALL "                               \
	"SELECT project_id FROM members WHERE user_id = ?3 AND ?2 = 0)"

#define SRC_SALES                                                                        \
	"SELECT 'sale', s.id, pj.code, s.sold_on, '', p.name, p.sku, s.amount_minor, '', "   \
	"u.login FROM sales s JOIN projects pj ON pj.id = s.project_id "                    \
	"JOIN products p ON p.id = s.product_id JOIN users u ON u.id = s.rep_id "           \
	"WHERE s.customer_id = ?1 AND s.project_id IN " SEEN

#define SRC_ACTIVITIES                                                                   \
	"SELECT 'activity', a.id, pj.code, a.happened_on, a.at_time, a.kind, a.outcome, "   \
	"CAST(NULL AS BIGINT), a.status, u.login FROM activities a "                        \
	"JOIN projects pj ON pj.id = a.project_id JOIN users u ON u.id = a.user_id "        \
	"WHERE a.customer_id = ?1 AND a.project_id IN " SEEN

#define SRC_FEEDBACK                                                                     \
	"SELECT 'feedback', f.id, pj.code, f.given_on, '', f.category, "                    \
	"COALESCE('★' || CAST(f.rating AS TEXT) || ' ', '') || "                           \
	"COALESCE('NPS ' || CAST(f.nps AS TEXT) || ' ', '') || f.comment, "                 \
	"CAST(NULL AS BIGINT), '', COALESCE(u.login, '') FROM feedback f "                 \
	"JOIN projects pj ON pj.id = f.project_id LEFT JOIN users u ON u.id = f.user_id "   \
	"WHERE f.customer_id = ?1 AND f.project_id IN " SEEN

/* a deal on the day it was won or lost, an open one on the day it was made (UTC) */
#define SRC_DEALS                                                                        \
	"SELECT 'deal', d.id, pj.code, COALESCE(d.won_on, d.lost_on, d.created_at / 86400), '', " \
	"d.title, d.lost_reason, d.amount_minor, d.stage, u.login FROM deals d "             \
	"JOIN projects pj ON pj.id = d.project_id JOIN users u ON u.id = d.owner_id "       \
	"WHERE d.customer_id = ?1 AND d.project_id IN " SEEN

/* a problem on the day it was opened (UTC), its severity and type the reader's words */
#define SRC_PROBLEMS                                                                     \
	"SELECT 'problem', p.id, pj.code, p.opened_at / 86400, '', p.title, "               \
	"p.severity || ' ' || p.type, CAST(NULL AS BIGINT), p.status, u.login FROM problems p " \
	"JOIN projects pj ON pj.id = p.project_id JOIN users u ON u.id = p.owner_id "       \
	"WHERE p.customer_id = ?1 AND p.project_id IN " SEEN

/* a planned payment on its due day: received, partly received or still planned */
#define SRC_COLLECTIONS                                                                  \
	"SELECT 'collection', c.id, pj.code, c.due_on, '', d.title, c.note, c.amount_minor, " \
	"CASE WHEN r.got >= c.amount_minor THEN 'received' WHEN r.got > 0 "                 \
	"THEN 'partly_received' ELSE 'planned' END, u.login FROM collections c "            \
	"JOIN deals d ON d.id = c.deal_id JOIN projects pj ON pj.id = c.project_id "         \
	"JOIN users u ON u.id = d.owner_id LEFT JOIN (SELECT rc.collection_id, "            \
	"SUM(rc.amount_minor) AS got FROM receipts rc JOIN collections x ON x.id = "        \
	"rc.collection_id JOIN deals y ON y.id = x.deal_id WHERE y.customer_id = ?1 "        \
	"GROUP BY rc.collection_id) r ON r.collection_id = c.id "                            \
	"WHERE d.customer_id = ?1 AND c.project_id IN " SEEN

/* A source: its newest entries first (?4 at most), and how many it has. */
struct timeline_source {
	const char *kind;
	const char *rows;
	const char *count;
};

#define SOURCE(kind, sql) \
	{ kind, sql " ORDER BY 4 DESC, 5 DESC, 2 DESC LIMIT ?4", "SELECT COUNT(*) FROM (" sql ") x" }

static const struct timeline_source sources[] = {
	SOURCE("sale", SRC_SALES),
	SOURCE("activity", SRC_ACTIVITIES),
	SOURCE("feedback", SRC_FEEDBACK),
	SOURCE("deal", SRC_DEALS),
	SOURCE("problem", SRC_PROBLEMS),
	SOURCE("collection", SRC_COLLECTIONS),
};
#define NSOURCES (sizeof(sources) / sizeof(sources[0]))

const char *const timeline_kinds[] = { "sale", "activity", "feedback", "deal", "problem", "collection",
					 NULL };

/* Which sources kinds names (a comma-separated list; NULL or "": all). */
static int parse_kinds(const char *kinds, int *want, struct err *err)
{
	const char *p = kinds;

	for (size_t k = 0; k < NSOURCES; k++)
		want[k] = !kinds || !*kinds;
	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		int found = 0;
		for (size_t k = 0; k < NSOURCES; k++)
			if (strlen(sources[k].kind) == len && !strncmp(sources[k].kind, p, len))
				want[k] = found = 1;
		if (!found && len) {
			char v[48];
			snprintf(v, sizeof(v), "%.*s", (int)(len > 40 ? 40 : len), p);
			return err_set(err, ERR_INVALID, "kind", "bad_kind:value",
				       "no kind \"%s\" on a timeline (sale, activity, feedback, deal, problem, "
				       "collection)", v);
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}

static void bind_reader(struct store *st, struct stmt *s, int64_t customer_id,
			const struct actor *a)
{
	store_bind_int(st, s, 1, customer_id);
	store_bind_int(st, s, 2, project_sees_all(a) ? 1 : 0);
	store_bind_int(st, s, 3, a->user_id);
}

static int read_source(struct store *st, const struct actor *a, const struct timeline_source *src,
		       int64_t customer_id, int64_t upto, struct timeline *out, struct err *err)
{
	struct stmt *s;
	int rc;

	if (!(s = store_prepare(st, src->count, err)))
		return -1;
	bind_reader(st, s, customer_id, a);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		out->total += store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0 || !(s = store_prepare(st, src->rows, err)))
		return -1;
	bind_reader(st, s, customer_id, a);
	store_bind_int(st, s, 4, upto);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct timeline_item *it;
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		it = &out->items[out->n++];
		snprintf(it->kind, sizeof(it->kind), "%s", store_col_text(st, s, 0));
		it->id = store_col_int(st, s, 1);
		snprintf(it->project, sizeof(it->project), "%s", store_col_text(st, s, 2));
		it->date = (int32_t)store_col_int(st, s, 3);
		snprintf(it->time, sizeof(it->time), "%s", store_col_text(st, s, 4));
		snprintf(it->title, sizeof(it->title), "%s", store_col_text(st, s, 5));
		snprintf(it->detail, sizeof(it->detail), "%s", store_col_text(st, s, 6));
		it->amount_minor = store_col_int_or(st, s, 7, NO_ID);
		snprintf(it->state, sizeof(it->state), "%s", store_col_text(st, s, 8));
		snprintf(it->who, sizeof(it->who), "%s", store_col_text(st, s, 9));
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static int kind_rank(const char *kind)
{
	for (int k = 0; timeline_kinds[k]; k++)
		if (!strcmp(timeline_kinds[k], kind))
			return k;
	return (int)NSOURCES;
}

/* Newest first: the day, the time, then the kind's order and the newest id. */
static int newest_first(const void *pa, const void *pb)
{
	const struct timeline_item *x = pa, *y = pb;
	int c;

	if (x->date != y->date)
		return x->date > y->date ? -1 : 1;
	if ((c = strcmp(y->time, x->time)))
		return c;
	if ((c = kind_rank(x->kind) - kind_rank(y->kind)))
		return c;
	return x->id > y->id ? -1 : x->id < y->id;
}

int timeline_read(struct store *st, const struct actor *a, int64_t customer_id,
		  const char *kinds, int64_t limit, int64_t offset, struct timeline *out,
		  struct err *err)
{
	struct customer c;
	int want[NSOURCES];
	int r = -1;

	memset(out, 0, sizeof(*out));
	out->customer = customer_id;
	out->limit = limit;
	out->offset = offset;
	if (parse_kinds(kinds, want, err) || customer_get_id(st, a, customer_id, &c, err))
		return -1;
	if (store_begin(st, 0, err))
		return -1;
	for (size_t k = 0; k < NSOURCES; k++)
		if (want[k] && read_source(st, a, &sources[k], customer_id, offset + limit, out, err))
			goto out;
	r = 0;
out:
	if (r)
		store_rollback(st);
	else if (store_commit(st, err))
		r = -1;
	if (r) {
		timeline_release(out);
		return -1;
	}
	if (out->n)
		qsort(out->items, out->n, sizeof(*out->items), newest_first);
	/* the page: entries [offset, offset + limit) of the merged order */
	{
		size_t from = (size_t)offset < out->n ? (size_t)offset : out->n;
		size_t n = out->n - from < (size_t)limit ? out->n - from : (size_t)limit;
		if (from && n)
			memmove(out->items, out->items + from, n * sizeof(*out->items));
		out->n = n;
	}
	return 0;
}

void timeline_release(struct timeline *t)
{
	free(t->items);
	t->items = NULL;
	t->n = t->alloc = 0;
}

void timeline_write_json(struct jw *w, const struct timeline *t)
{
	jw_obj(w);
	jw_kint(w, "customer", t->customer);
	jw_key(w, "items");
	jw_arr(w);
	for (size_t i = 0; i < t->n; i++)
		timeline_item_write_json(w, &t->items[i]);
	jw_arr_end(w);
	jw_kint(w, "total", t->total);
	jw_kint(w, "limit", t->limit);
	jw_kint(w, "offset", t->offset);
	jw_obj_end(w);
}

void timeline_item_write_json(struct jw *w, const struct timeline_item *it)
{
	jw_obj(w);
	jw_kstr(w, "kind", it->kind);
	jw_kint(w, "id", it->id);
	jw_kstr(w, "project", it->project);
	jw_kdate(w, "date", it->date);
	jw_kstr(w, "time", it->time[0] ? it->time : NULL);
	jw_kstr(w, "title", it->title);
	jw_kstr(w, "detail", it->detail);
	jw_key(w, "amount");
	if (it->amount_minor == NO_ID)
		jw_null(w);
	else
		jw_int(w, it->amount_minor);
	jw_kstr(w, "state", it->state[0] ? it->state : NULL);
	jw_kstr(w, "who", it->who[0] ? it->who : NULL);
	jw_obj_end(w);
}
