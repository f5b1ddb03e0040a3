/*
 * feedback.c - what a project's customers say (step 4 of the method,
 * execution): a rating 1-5 and/or an NPS score 0-10, a category (product,
 * service, price, delivery), a comment; a customer, optionally one of its
 * sales or deals in the project and the member who served. A project noun of
 * the entity engine (routes under /api/v1/projects/{code}/feedback, the
 * CLI's `feedback`; table in store/schema/018-activities.sql), and the
 * summary: NPS and the average rating for the project, per member and per
 * product, computed from the integers (feedback.h says how they round).
 */
#include "core/feedback.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "core/catalog.h"
#include "core/customer.h"
#include "core/engagement.h"
#include "core/entity.h"
#include "core/goal.h"
#include "core/project.h"
#include "core/tx.h"
#include "core/user.h"
#include "base/banned.h"

struct feedback {
	int64_t id;
	int32_t date;
	int64_t customer_id;
	char customer[24];
	char customer_name[256];
	int64_t rating, nps;
	char category[16];
	char comment[2000];
	int64_t sale_id, deal_id;
	int64_t product_id;
	char product[64];
	char product_name[256];
	int64_t channel_id;
	char channel[64];
	int64_t user_id;
	char member[64];
	char member_name[128];
	int64_t taken_by;
	char taken_by_login[64];
	int64_t version, created_at, updated_at;
};

#define F(field) offsetof(struct feedback, field), sizeof(((struct feedback *)0)->field)
#define REFKEY(key) .key_off = offsetof(struct feedback, key), \
	.key_size = sizeof(((struct feedback *)0)->key)

const char *const feedback_categories[] = { "product", "service", "price", "delivery", NULL };

static int feedback_check(struct tx *tx, const void *before, void *rec,
			  const struct ent_input *in, struct err *err);

static const struct ent_field feedback_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "date", EK_DATE, EF_FILTER | EF_SORT, "given_on", F(date),
	  .help = "the day it was given (default today; lists filter on a range: FROM..TO)",
	  .example = "2027-01-20" },
	{ "customer", EK_REF, EF_REQUIRED | EF_FILTER | EF_SORT, "customer_id", F(customer_id),
	  .ref = &customer_entity, REFKEY(customer), .help = "the customer (its id)",
	  .example = "12" },
	{ "customer_name", EK_TEXT, EF_READONLY, "name", F(customer_name), .via = "customer" },
	{ "rating", EK_COUNT, EF_NULLABLE | EF_FILTER | EF_SORT, "rating", F(rating), 1, 5,
	  .help = "a rating from 1 to 5 (give it, an NPS score, or both)", .example = "4" },
	{ "nps", EK_COUNT, EF_NULLABLE | EF_FILTER | EF_SORT, "nps", F(nps), 0, 10,
	  .help = "how likely they are to recommend us, 0 to 10 (9-10 promoter, 7-8 passive, "
		  "0-6 detractor)",
	  .example = "9" },
	{ "category", EK_ENUM, EF_REQUIRED | EF_FILTER | EF_SORT, "category", F(category),
	  .values = feedback_categories, .help = "product, service, price or delivery",
	  .example = "service" },
	{ "comment", EK_NOTE, 0, "comment", F(comment), 0, 1900, .help = "what they said",
	  .example = "安装师傅很专业" },
	{ "sale", EK_COUNT, EF_NULLABLE | EF_FILTER, "sale_id", F(sale_id), 1, INT64_MAX,
	  .help = "the customer's sale in the project it is about (its id): gives the product",
	  .example = "42" },
	{ "deal", EK_COUNT, EF_NULLABLE | EF_FILTER, "deal_id", F(deal_id), 1, INT64_MAX,
	  .help = "the customer's deal in the project it is about (its id)", .example = "7" },
	{ "product", EK_REF, EF_READONLY | EF_NULLABLE | EF_FILTER, "product_id", F(product_id),
	  .ref = &product_entity, REFKEY(product), .help = "the product of the sale it names" },
	{ "product_name", EK_TEXT, EF_READONLY, "name", F(product_name), .via = "product" },
	{ "channel", EK_REF, EF_READONLY | EF_NULLABLE, "channel_id", F(channel_id),
	  .ref = &channel_entity, REFKEY(channel), .help = "the channel of the sale it names" },
	{ "member", EK_REF, EF_NULLABLE | EF_FILTER | EF_SORT, "user_id", F(user_id),
	  .ref = &user_entity, REFKEY(member),
	  .help = "the member who served the customer (a login on the project)",
	  .example = "wang.fang" },
	{ "member_name", EK_TEXT, EF_READONLY, "name", F(member_name), .via = "member" },
	{ "taken_by", EK_REF, EF_READONLY | EF_FILTER, "taken_by", F(taken_by), .ref = &user_entity,
	  REFKEY(taken_by_login), .help = "who recorded it (a rep changes only what they took)" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

ENTITY(feedback) = {
	.name = "feedback",
	.plural = "feedback",
	.table = "feedback",
	.summary = "what a customer said: a rating 1-5 and/or an NPS score 0-10, a category, a "
		   "comment, the sale or deal and the member who served",
	.size = sizeof(struct feedback),
	.fields = feedback_fields,
	.scope = ENT_PROJECT,
	.read_prole = PROLE_VIEWER,
	.write_prole = PROLE_MANAGER,
	.own_field = "taken_by",
	.order = "t.given_on DESC, t.id DESC",
	.hooks = { .check = feedback_check },
	/* its own screen at the route the nav gives it: web/src/screens/feedback.js */
	.section = "execution",
	.section_rank = 2,
};

/* ?1 the sale, ?2 the project: its customer, product and channel */
static const char SQL_FEEDBACK_SALE[] =
	"SELECT customer_id, product_id, channel_id FROM sales WHERE id = ?1 AND project_id = ?2";

/* The sale's customer, product and channel; the sale must be the project's. */
static int sale_of(struct tx *tx, int64_t project_id, const char *code, struct feedback *r,
		   int64_t *customer_id, struct err *err)
{
	struct stmt *s = store_prepare(tx->st, SQL_FEEDBACK_SALE, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(tx->st, s, 1, r->sale_id);
	store_bind_int(tx->st, s, 2, project_id);
	rc = store_step(tx->st, s, err);
	if (rc == STORE_ROW) {
		*customer_id = store_col_int(tx->st, s, 0);
		r->product_id = store_col_int(tx->st, s, 1);
		r->channel_id = store_col_int(tx->st, s, 2);
	}
	store_done(tx->st, s);
	if (rc < 0)
		return -1;
	if (rc != STORE_ROW)
		return err_set(err, ERR_INVALID, "sale", "no_sale_in_project:sale,project",
			       "no sale %lld in %s", (long long)r->sale_id, code);
	return 0;
}

/*
 * A rating or an NPS score (or both); the member who served is on the
 * project; the sale and the deal are the project's and the customer's (the
 * sale gives the product and channel); the day defaults to today; whoever
 * records it took it.
 */
static int feedback_check(struct tx *tx, const void *before, void *rec,
			  const struct ent_input *in, struct err *err)
{
	const struct feedback *cur = before;
	struct feedback *r = rec;
	int64_t pid = in->project->id, owner = NO_ID;
	char role[16];

	if (!cur) {
		r->taken_by = tx->actor->user_id;
		snprintf(r->taken_by_login, sizeof(r->taken_by_login), "%s", tx->actor->login);
		if (!entity_given(&feedback_entity, in, "date"))
			r->date = date_today();
	}
	if (r->date == NO_DATE)
		return err_set(err, ERR_INVALID, "date", "required", "date is required");
	if (r->rating == NO_ID && r->nps == NO_ID)
		return err_set(err, ERR_INVALID, "rating", "rating_or_nps",
			       "give a rating (1-5), an NPS score (0-10), or both");
	if (r->user_id != NO_ID && (!cur || r->user_id != cur->user_id)) {
		if (engagement_member_role(tx, pid, r->user_id, role, sizeof(role), err))
			return -1;
		if (!role[0])
			return err_set(err, ERR_INVALID, "member", "not_member:login,project",
				       "%s is not a member of %s", r->member, in->project->code);
	}
	r->product_id = r->channel_id = NO_ID;
	r->product[0] = r->channel[0] = '\0';
	if (r->sale_id != NO_ID) {
		if (sale_of(tx, pid, in->project->code, r, &owner, err))
			return -1;
		if (owner != r->customer_id)
			return err_set(err, ERR_INVALID, "sale", "sale_customer:sale,customer",
				       "sale %lld is not customer %s's", (long long)r->sale_id,
				       r->customer);
	}
	if (r->deal_id != NO_ID) {
		if (engagement_deal_customer(tx, pid, in->project->code, r->deal_id, &owner, err))
			return -1;
		if (owner != r->customer_id)
			return err_set(err, ERR_INVALID, "deal", "deal_customer:deal,customer",
				       "deal %lld is not customer %s's", (long long)r->deal_id,
				       r->customer);
	}
	return 0;
}

/* --- the summary ------------------------------------------------------------------ */

/*
 * The sums of a group: ?1 the project, ?2 from, ?3 to (NULL: open). The
 * group's key is its member's or product's id (NULL: none), with its key text
 * and name.
 */
#define SUMS                                                                             \
	"COUNT(*), COUNT(f.rating), COALESCE(SUM(f.rating), 0), COUNT(f.nps), "        \
	"COALESCE(SUM(CASE WHEN f.nps >= 9 THEN 1 ELSE 0 END), 0), "                   \
	"COALESCE(SUM(CASE WHEN f.nps BETWEEN 7 AND 8 THEN 1 ELSE 0 END), 0), "        \
	"COALESCE(SUM(CASE WHEN f.nps <= 6 THEN 1 ELSE 0 END), 0) "
#define WINDOW                                                                           \
	"WHERE f.project_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR f.given_on >= ?2) "  \
	"AND (CAST(?3 AS BIGINT) IS NULL OR f.given_on <= ?3) "
static const char SQL_SUMMARY_ALL[] =
	"SELECT NULL, '', '', " SUMS "FROM feedback f " WINDOW;
static const char SQL_SUMMARY_MEMBER[] =
	"SELECT f.user_id, COALESCE(u.login, ''), COALESCE(u.name, ''), " SUMS
	"FROM feedback f LEFT JOIN users u ON u.id = f.user_id " WINDOW
	"GROUP BY f.user_id, u.login, u.name ORDER BY u.login IS NULL, u.login";
static const char SQL_SUMMARY_PRODUCT[] =
	"SELECT f.product_id, COALESCE(p.sku, ''), COALESCE(p.name, ''), " SUMS
	"FROM feedback f LEFT JOIN products p ON p.id = f.product_id " WINDOW
	"GROUP BY f.product_id, p.sku, p.name ORDER BY p.sku IS NULL, p.sku";

static int read_groups(struct store *st, const char *sql, int64_t project_id, int32_t from,
		       int32_t to, struct feedback_groups *out, struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	size_t alloc = 0;
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, project_id);
	store_bind_int_or_null(st, s, 2, from, NO_DATE);
	store_bind_int_or_null(st, s, 3, to, NO_DATE);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct feedback_group *g;
		ALLOC_GROW(out->items, out->n + 1, alloc);
		g = &out->items[out->n++];
		memset(g, 0, sizeof(*g));
		g->id = store_col_int_or(st, s, 0, NO_ID);
		snprintf(g->key, sizeof(g->key), "%s", store_col_text(st, s, 1));
		snprintf(g->name, sizeof(g->name), "%s", store_col_text(st, s, 2));
		g->count = store_col_int(st, s, 3);
		g->ratings = store_col_int(st, s, 4);
		g->rating_sum = store_col_int(st, s, 5);
		g->responses = store_col_int(st, s, 6);
		g->promoters = store_col_int(st, s, 7);
		g->passives = store_col_int(st, s, 8);
		g->detractors = store_col_int(st, s, 9);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int feedback_summary(struct store *st, const struct actor *a, const char *code, int32_t from,
		     int32_t to, struct feedback_summary *out, struct err *err)
{
	struct feedback_groups all = { 0 };
	struct project p;
	int64_t project_id;
	int r = -1;

	memset(out, 0, sizeof(*out));
	out->from = from;
	out->to = to;
	if (from != NO_DATE && to != NO_DATE && to < from) {
		char d1[DATE_FMT_MAX], d2[DATE_FMT_MAX];
		return err_set(err, ERR_INVALID, "to", "date_before_start:date,start",
			       "to %s is before the start date %s", date_format(to, d1),
			       date_format(from, d2));
	}
	if (project_get(st, a, code, &p, err))
		return -1;
	project_id = p.id;
	snprintf(out->project, sizeof(out->project), "%s", p.code);
	if (store_begin(st, 0, err))
		return -1;
	if (read_groups(st, SQL_SUMMARY_ALL, project_id, from, to, &all, err) ||
	    read_groups(st, SQL_SUMMARY_MEMBER, project_id, from, to, &out->members, err) ||
	    read_groups(st, SQL_SUMMARY_PRODUCT, project_id, from, to, &out->products, err))
		goto out;
	if (all.n)
		out->total = all.items[0];
	r = 0;
out:
	if (r)
		store_rollback(st);
	else if (store_commit(st, err))
		r = -1;
	free(all.items);
	if (r)
		feedback_summary_release(out);
	return r;
}

void feedback_summary_release(struct feedback_summary *s)
{
	free(s->members.items);
	free(s->products.items);
	s->members = (struct feedback_groups){ 0 };
	s->products = (struct feedback_groups){ 0 };
}

int64_t feedback_nps_bp(int64_t promoters, int64_t detractors, int64_t responses)
{
	int64_t bp;
	return responses > 0 && !ratio_bp(promoters - detractors, responses, &bp) ? bp : NO_VALUE;
}

int64_t feedback_rating_hundredths(int64_t sum, int64_t count)
{
	int64_t v;
	return count > 0 && !div_round(sum * 100, count, &v) ? v : NO_VALUE;
}

char *feedback_hundredths_format(int64_t v, char *out, size_t size)
{
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	snprintf(out, size, "%s%llu.%02llu", v < 0 ? "-" : "", (unsigned long long)(m / 100),
		 (unsigned long long)(m % 100));
	return out;
}

/* v hundredths as a JSON number with two decimals ("-12.05"); NO_VALUE as null. */
static void write_hundredths(struct jw *w, const char *key, int64_t v)
{
	char t[48];

	jw_key(w, key);
	if (v == NO_VALUE)
		jw_null(w);
	else
		jw_raw(w, feedback_hundredths_format(v, t, sizeof(t)));
}

void feedback_group_write_json(struct jw *w, const struct feedback_group *g)
{
	jw_kint(w, "count", g->count);
	jw_kint(w, "ratings", g->ratings);
	write_hundredths(w, "rating_avg", feedback_rating_hundredths(g->rating_sum, g->ratings));
	jw_kint(w, "responses", g->responses);
	jw_kint(w, "promoters", g->promoters);
	jw_kint(w, "passives", g->passives);
	jw_kint(w, "detractors", g->detractors);
	write_hundredths(w, "nps", feedback_nps_bp(g->promoters, g->detractors, g->responses));
}

void feedback_summary_write_json(struct jw *w, const struct feedback_summary *s)
{
	static const char *const what[2] = { "members", "products" };
	const struct feedback_groups *groups[2] = { &s->members, &s->products };
	static const char *const key[2] = { "member", "product" };

	jw_obj(w);
	jw_kstr(w, "project", s->project);
	jw_kdate(w, "from", s->from);
	jw_kdate(w, "to", s->to);
	jw_key(w, "total");
	jw_obj(w);
	feedback_group_write_json(w, &s->total);
	jw_obj_end(w);
	for (int k = 0; k < 2; k++) {
		jw_key(w, what[k]);
		jw_arr(w);
		for (size_t i = 0; i < groups[k]->n; i++) {
			const struct feedback_group *g = &groups[k]->items[i];
			jw_obj(w);
			/* null: the feedback that names no member (or no sale, so no product) */
			jw_kstr(w, key[k], g->id == NO_ID ? NULL : g->key);
			jw_kstr(w, "name", g->id == NO_ID ? NULL : g->name);
			feedback_group_write_json(w, g);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

/* --- the goal metric -------------------------------------------------------------- */

/*
 * ?1 the project (NULL: all), ?2 from, ?3 to, ?4 segment of the customer,
 * ?5 channel of the sale, ?6 product of the sale, ?7 the member who served.
 */
static const char SQL_FEEDBACK_NPS[] =
	"SELECT COUNT(f.nps), COALESCE(SUM(CASE WHEN f.nps >= 9 THEN 1 ELSE 0 END), 0), "
	"COALESCE(SUM(CASE WHEN f.nps <= 6 THEN 1 ELSE 0 END), 0) FROM feedback f "
	"JOIN customers c ON c.id = f.customer_id "
	"WHERE (CAST(?1 AS BIGINT) IS NULL OR f.project_id = ?1) AND f.given_on BETWEEN ?2 AND ?3 "
	"AND (CAST(?4 AS BIGINT) IS NULL OR c.segment_id = ?4) "
	"AND (CAST(?5 AS BIGINT) IS NULL OR f.channel_id = ?5) "
	"AND (CAST(?6 AS BIGINT) IS NULL OR f.product_id = ?6) "
	"AND (CAST(?7 AS BIGINT) IS NULL OR f.user_id = ?7) AND f.nps IS NOT NULL";

int feedback_nps(struct store *st, int64_t project_id, int32_t from, int32_t to,
		 int64_t segment_id, int64_t channel_id, int64_t product_id, int64_t user_id,
		 int64_t *value, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_FEEDBACK_NPS, err);
	int rc;

	*value = NO_VALUE;
	if (!s)
		return -1;
	store_bind_int_or_null(st, s, 1, project_id, NO_ID);
	store_bind_int(st, s, 2, from);
	store_bind_int(st, s, 3, to);
	store_bind_int_or_null(st, s, 4, segment_id, NO_ID);
	store_bind_int_or_null(st, s, 5, channel_id, NO_ID);
	store_bind_int_or_null(st, s, 6, product_id, NO_ID);
	store_bind_int_or_null(st, s, 7, user_id, NO_ID);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		*value = feedback_nps_bp(store_col_int(st, s, 1), store_col_int(st, s, 2),
					 store_col_int(st, s, 0));
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}
