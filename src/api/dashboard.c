/*
 * dashboard.c - /api/v1/projects/{code}/dashboard: the monitoring view of
 * SPEC step 5 (totals, goals with progress and lint, breakdowns, weeks) from
 * the rollups, as of today or ?as_of=YYYY-MM-DD.
 */
#include <string.h>

#include "analytics/dashboard.h"
#include "api/api.h"
#include "base/date.h"
#include "base/banned.h"

static int get_dashboard(struct api_req *r, struct err *err)
{
	struct dashboard d;
	const char *as_of = api_query(r, "as_of");
	int32_t today = date_today();

	if (as_of && date_parse(as_of, strlen(as_of), &today, "as_of", err))
		return -1;
	if (dashboard_build(r->st, &r->actor, api_param(r, "code"), today, &d, err))
		return -1;
	dashboard_write_json(&r->jw, &d);
	dashboard_release(&d);
	return 0;
}

const struct api_route api_dashboard_routes[] = {
	{ "GET", "/api/v1/projects/{code}/dashboard", get_dashboard, ROLE_VIEWER, 0 },
	{ NULL },
};
