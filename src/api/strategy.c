/*
 * strategy.c - GET /api/v1/projects/{code}/strategy: the project's strategy,
 * planned against actual (analytics/strategy.h). Its plan lines are the
 * entity engine's routes .../segments, .../channels and .../promotions.
 */
#include "api/api.h"
#include "analytics/strategy.h"
#include "base/banned.h"

static int project_strategy(struct api_req *r, struct err *err)
{
	struct strategy s;

	if (strategy_read(r->st, &r->actor, api_param(r, "code"), &s, err))
		return -1;
	strategy_write_json(&r->jw, &s);
	strategy_release(&s);
	return 0;
}

const struct api_route api_strategy_routes[] = {
	{ "GET", "/api/v1/projects/{code}/strategy", project_strategy, ROLE_VIEWER, 0 },
	{ NULL },
};
