/*
 * dashboard.c - /api/v1/projects/{code}/dashboard: the monitoring view of
 * SPEC step 5 (totals, goals with progress and lint, breakdowns, weeks) from
 * the rollups, as of today or ?as_of=YYYY-MM-DD.
 */
#include <stdio.h>
#include <string.h>

#include "analytics/dashboard.h"
#include "api/api.h"
#include "api/cache.h"
#include "core/audit.h"
#include "core/project.h"
#include "base/date.h"
#include "base/banned.h"

static int get_dashboard(struct api_req *r, struct err *err)
{
	struct dashboard d;
	struct project p;
	const char *as_of = api_query(r, "as_of");
	int32_t today = date_today();
	int64_t version;
	char key[160];

	if (as_of && date_parse(as_of, strlen(as_of), &today, "as_of", err))
		return -1;
	/* who may see it is checked first; the answer is the same for all of them */
	if (project_get(r->st, &r->actor, api_param(r, "code"), &p, err) ||
	    audit_last_id(r->st, &version, err))
		return -1;
	snprintf(key, sizeof(key), "dashboard/%s/%d", p.code, (int)today);
	if (api_cache_get(key, version, &r->out))
		return 0;
	if (dashboard_build(r->st, &r->actor, p.code, today, &d, err))
		return -1;
	dashboard_write_json(&r->jw, &d);
	dashboard_release(&d);
	api_cache_put(key, version, r->out.p, r->out.len);
	return 0;
}

const struct api_route api_dashboard_routes[] = {
	{ "GET", "/api/v1/projects/{code}/dashboard", get_dashboard, ROLE_VIEWER, 0 },
	{ NULL },
};
