/*
 * engagement.c - the routes of a project's customer contacts that are not the
 * entity engine's: GET /api/v1/projects/{code}/feedback/summary (NPS and the
 * average rating, per member and per product: core/feedback.h) and
 * GET /api/v1/customers/{id}/timeline (a customer's sales, activities and
 * feedback in the projects the caller may see: analytics/timeline.h).
 */
#include <string.h>

#include "api/api.h"
#include "analytics/timeline.h"
#include "base/date.h"
#include "base/money.h"
#include "core/feedback.h"
#include "base/banned.h"

#define TIMELINE_LIMIT_DEFAULT 100
#define TIMELINE_LIMIT_MAX 1000

/* The query's date name (YYYY-MM-DD), NO_DATE when absent or empty. */
static int query_date(struct api_req *r, const char *name, int32_t *out, struct err *err)
{
	const char *s = api_query(r, name);

	*out = NO_DATE;
	if (!s || !*s)
		return 0;
	return date_parse(s, strlen(s), out, name, err);
}

static int feedback_summary_get(struct api_req *r, struct err *err)
{
	struct feedback_summary s;
	int32_t from, to;

	if (query_date(r, "from", &from, err) || query_date(r, "to", &to, err) ||
	    feedback_summary(r->st, &r->actor, api_param(r, "code"), from, to, &s, err))
		return -1;
	feedback_summary_write_json(&r->jw, &s);
	feedback_summary_release(&s);
	return 0;
}

static int customer_timeline(struct api_req *r, struct err *err)
{
	const char *s = api_param(r, "id");
	struct timeline t;
	int64_t id, limit = TIMELINE_LIMIT_DEFAULT, offset = 0;

	if (!s || int_parse(s, strlen(s), &id, "id", NULL) || id <= 0)
		return err_set(err, ERR_NOT_FOUND, "customer", "no_customer:name",
			       "no customer \"%.60s\"", s ? s : "");
	if (api_query_int(r, "limit", &limit, err) || api_query_int(r, "offset", &offset, err))
		return -1;
	if (limit < 1 || limit > TIMELINE_LIMIT_MAX)
		return err_set(err, ERR_INVALID, "limit", "limit_range:max,value",
			       "limit must be between 1 and %d, not %lld", TIMELINE_LIMIT_MAX,
			       (long long)limit);
	if (offset < 0)
		return err_set(err, ERR_INVALID, "offset", "negative", "offset cannot be negative");
	if (timeline_read(r->st, &r->actor, id, api_query(r, "kind"), limit, offset, &t, err))
		return -1;
	timeline_write_json(&r->jw, &t);
	timeline_release(&t);
	return 0;
}

const struct api_route api_engagement_routes[] = {
	{ "GET", "/api/v1/projects/{code}/feedback/summary", feedback_summary_get, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/customers/{id}/timeline", customer_timeline, ROLE_VIEWER, 0 },
	{ NULL },
};
