/*
 * risk.c - the plan's routes beyond the entity engine's generic ones (risks,
 * budget lines and expenses: core/risk.c, core/budget.c):
 *   GET /api/v1/projects/{code}/risks/matrix   open risks per probability and impact
 *   GET /api/v1/projects/{code}/budget         the lines with allocated, spent and
 *                                              remaining, the totals, the project's
 *                                              budget and the strategy's spending
 */
#include "api/api.h"
#include "analytics/budget.h"
#include "core/risk.h"
#include "base/banned.h"

static int risks_matrix(struct api_req *r, struct err *err)
{
	struct risk_matrix m;

	if (risk_matrix(r->st, &r->actor, api_param(r, "code"), &m, err))
		return -1;
	risk_matrix_write_json(&r->jw, &m);
	return 0;
}

static int budget(struct api_req *r, struct err *err)
{
	struct budget_overview o;

	if (budget_overview(r->st, &r->actor, api_param(r, "code"), &o, err))
		return -1;
	budget_overview_write_json(&r->jw, &o);
	budget_overview_release(&o);
	return 0;
}

const struct api_route api_risk_routes[] = {
	{ "GET", "/api/v1/projects/{code}/risks/matrix", risks_matrix, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/projects/{code}/budget", budget, ROLE_VIEWER, 0 },
	{ NULL },
};
