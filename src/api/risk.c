/*
 * risk.c - the route of risks beyond the entity engine's generic ones
 * (core/risk.c):
 *   GET /api/v1/projects/{code}/risks/matrix   open risks per probability and impact
 */
#include "api/api.h"
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

const struct api_route api_risk_routes[] = {
	{ "GET", "/api/v1/projects/{code}/risks/matrix", risks_matrix, ROLE_VIEWER, 0 },
	{ NULL },
};
